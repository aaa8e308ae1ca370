package jst_test

import (
	"testing"
	"time"

	"inkan/app/locale/jst"
)

func TestFormatsAreJapanTime(t *testing.T) {
	// 15:30 UTC on 30 November is already 1 December in Japan.
	at := time.Date(2026, 11, 30, 15, 30, 0, 0, time.UTC)
	cases := []struct{ name, got, want string }{
		{"Date", jst.Date(at), "2026/12/01"},
		{"DateTime", jst.DateTime(at), "2026/12/01 00:30"},
		{"Day", jst.Day(at), "20261201"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}
