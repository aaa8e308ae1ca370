package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"inkan/app/locale/jst"
)

func TestNewRefusesABadSchedule(t *testing.T) {
	_, err := New(slog.New(slog.DiscardHandler), []Job{{Name: "bad", Schedule: "not a spec", Run: func(context.Context) error { return nil }}})
	if err == nil || !strings.Contains(err.Error(), `"bad"`) {
		t.Errorf("a bad spec: %v", err)
	}
}

// TestARunIsLoggedAndStopCancelsItsContext calls the function cron would call, so no
// test waits on the real schedule.
func TestARunIsLoggedAndStopCancelsItsContext(t *testing.T) {
	var buf bytes.Buffer
	s, err := New(slog.New(slog.NewJSONHandler(&buf, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	var seen context.Context
	ok := Job{Name: "ok", Run: func(ctx context.Context) error { seen = ctx; return nil }}
	failing := Job{Name: "failing", Run: func(context.Context) error { return errors.New("disk full") }}
	s.runner(ok)()
	s.runner(failing)()

	var got []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		got = append(got, rec)
	}
	want := []struct{ job, msg, level, err string }{
		{"ok", "job started", "INFO", ""},
		{"ok", "job finished", "INFO", ""},
		{"failing", "job started", "INFO", ""},
		{"failing", "job failed", "ERROR", "disk full"},
	}
	if len(got) != len(want) {
		t.Fatalf("log:\n%s", buf.String())
	}
	for i, w := range want {
		g := got[i]
		if g["job"] != w.job || g["msg"] != w.msg || g["level"] != w.level {
			t.Errorf("line %d: %v, want %+v", i, g, w)
		}
		if _, has := g["duration"]; has != (i%2 == 1) {
			t.Errorf("line %d: duration %v", i, g["duration"])
		}
		if w.err != "" && g["err"] != w.err {
			t.Errorf("line %d: err %v, want %q", i, g["err"], w.err)
		}
	}

	if seen == nil || seen.Err() != nil {
		t.Fatalf("the run's context before Stop: %v", seen)
	}
	s.Stop()
	if !errors.Is(seen.Err(), context.Canceled) {
		t.Errorf("the run's context after Stop: %v", seen.Err())
	}
}

func TestTheScheduleIsReadInJapanTime(t *testing.T) {
	s, err := New(slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	if loc := s.cron.Location(); loc != jst.Zone {
		t.Errorf("schedule location %v", loc)
	}
}
