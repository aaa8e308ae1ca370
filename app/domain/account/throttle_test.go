package account

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestLoginThrottle(t *testing.T) {
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	l := newLoginThrottle()
	// One ID mistyped from an office address: that pair is slowed down...
	for i := 0; i < pairMaxFailures; i++ {
		l.fail("198.51.100.7", "U900001", now)
	}
	var te *ThrottledError
	if err := l.check("198.51.100.7", "U900001", now); !errors.As(err, &te) || !errors.Is(err, ErrThrottled) || te.RetryAfter != throttleWindow {
		t.Fatalf("pair at its limit: %v", err)
	}
	// ...but not a colleague's ID from the same address.
	if err := l.check("198.51.100.7", "U000001", now); err != nil {
		t.Errorf("other ID from the same address: %v", err)
	}
	if err := l.check("198.51.100.7", "U900001", now.Add(throttleWindow)); err != nil {
		t.Errorf("after the window: %v", err)
	}
	// A spray over many IDs from one address (an IPv6 /64 counts as one) is stopped.
	for i := 0; i < addressMaxFailures; i++ {
		l.fail(fmt.Sprintf("2001:db8::%x", i), fmt.Sprintf("U9%05d", i), now)
	}
	if err := l.check("2001:db8::ffff", "U000001", now); !errors.Is(err, ErrThrottled) {
		t.Errorf("right ID from a spraying /64: %v", err)
	}
	if err := l.check("2001:db8:1::1", "U000001", now); err != nil {
		t.Errorf("another /64: %v", err)
	}
}

func TestFailureTableStaysBounded(t *testing.T) {
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	f := newFailureTable(3, 100)
	for i := 0; i < 10000; i++ {
		f.add(fmt.Sprint(i), now)
		f.add("same", now)
	}
	if len(f.times) > 100 {
		t.Errorf("%d keys, want at most 100", len(f.times))
	}
	if n := len(f.times["same"]); n > 3 {
		t.Errorf("one key holds %d times, want at most the limit 3", n)
	}
	// Expired keys make room first.
	later := now.Add(throttleWindow)
	for i := 0; i < 100; i++ {
		f.add(fmt.Sprint("new", i), later)
	}
	for k := range f.times {
		if f.times[k][0].Before(later) {
			t.Errorf("expired key %s kept while new ones came", k)
		}
	}
}
