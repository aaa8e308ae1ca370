package company

import (
	"testing"
	"time"
)

// The range of 利用状況 is read in Japan time: at 00:30 on May 1 in Japan it is still
// April in UTC, and the default year ends in May.
func TestUsageFilterNormalize(t *testing.T) {
	mayInJapan := time.Date(2026, 4, 30, 15, 30, 0, 0, time.UTC)
	aprilInJapan := time.Date(2026, 4, 30, 14, 59, 0, 0, time.UTC)
	tests := []struct {
		name     string
		in       UsageFilter
		now      time.Time
		from, to string
	}{
		{"empty, the first minutes of May in Japan", UsageFilter{}, mayInJapan, "2025-06", "2026-05"},
		{"empty, the last minute of April in Japan", UsageFilter{}, aprilInJapan, "2025-05", "2026-04"},
		{"across the new year", UsageFilter{}, time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), "2025-02", "2026-01"},
		{"only From: a year from it", UsageFilter{From: "2025-01"}, mayInJapan, "2025-01", "2025-12"},
		{"only From, less than a year ago: up to now", UsageFilter{From: "2026-02"}, mayInJapan, "2026-02", "2026-05"},
		{"only From, in the future: that month", UsageFilter{From: "2026-08"}, mayInJapan, "2026-08", "2026-08"},
		{"only To: the year up to it", UsageFilter{To: "2025-03"}, mayInJapan, "2024-04", "2025-03"},
		{"typed forms", UsageFilter{From: " 2026/3 ", To: "２０２６０４"}, mayInJapan, "2026-03", "2026-04"},
		{"no month is kept as typed", UsageFilter{From: "2026-13", To: "4月"}, mayInJapan, "2026-13", "4月"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.Normalize(tt.now)
			if got.From != tt.from || got.To != tt.to {
				t.Errorf("%s..%s, want %s..%s", got.From, got.To, tt.from, tt.to)
			}
		})
	}
}

func TestUsageFilterValidate(t *testing.T) {
	tests := []struct {
		name string
		f    UsageFilter
		want map[string]string
	}{
		{"a year", UsageFilter{From: "2025-05", To: "2026-04"}, map[string]string{}},
		{"one month", UsageFilter{From: "2026-04", To: "2026-04"}, map[string]string{}},
		{"thirteen months", UsageFilter{From: "2025-04", To: "2026-04"}, map[string]string{"to": "error.month_range"}},
		{"backwards", UsageFilter{From: "2026-04", To: "2026-03"}, map[string]string{"to": "error.month_order"}},
		{"no months", UsageFilter{From: "2026-13", To: "x"}, map[string]string{"from": "error.month", "to": "error.month"}},
		{"a name longer than any", UsageFilter{From: "2026-04", To: "2026-04", CompanyName: string(make([]rune, MaxNameLength+1))},
			map[string]string{"name": "error.too_long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.f.Validate()
			if len(got) != len(tt.want) {
				t.Fatalf("%v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s: %q, want %q", k, got[k], v)
				}
			}
		})
	}
}
