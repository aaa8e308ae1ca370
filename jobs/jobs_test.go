package jobs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

func TestScheduledJobRunsAndErrorsAreLogged(t *testing.T) {
	s := New(slog.New(slog.NewTextHandler(io.Discard, nil)))
	var runs atomic.Int32
	if err := s.Add("@every 1s", "count", func(context.Context) error {
		runs.Add(1)
		return errors.New("logged, not fatal")
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("not a spec", "bad", nil); err == nil {
		t.Error("a bad spec was accepted")
	}
	s.Start()
	time.Sleep(2200 * time.Millisecond)
	s.Stop()
	if n := runs.Load(); n < 2 {
		t.Errorf("job ran %d times in 2.2 s, want 2", n)
	}
}
