package tsa

import (
	"testing"
	"time"
)

func TestParseGeneralizedTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"20260102030405Z", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), true},
		{"20260102030405.25Z", time.Date(2026, 1, 2, 3, 4, 5, 250_000_000, time.UTC), true},
		{"20260102030405.123456Z", time.Date(2026, 1, 2, 3, 4, 5, 123_456_000, time.UTC), true},
		{"20260102030405+0900", time.Time{}, false},
		{"20260102030405", time.Time{}, false},
		{"2026010203Z", time.Time{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseGeneralizedTime(tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if tc.ok && !got.Equal(tc.want) {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
