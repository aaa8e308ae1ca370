package data

import (
	"reflect"
	"testing"
)

func TestUsageCountsPerCompanyAndMonth(t *testing.T) {
	s := openTemp(t)
	records := []struct {
		company, month, doc string
		stored              bool
	}{
		{"C000001", "2025-12", "0000000001", true},
		{"C000001", "2026-02", "0000000002", true},
		{"C000001", "2026-03", "0000000003", true},
		{"C000001", "2026-03", "0000000004", true},
		{"C000001", "2026-04", "0000000005", true},
		// Returned (差戻し) and sent again the next month: still the March document.
		{"C000001", "2026-04", "0000000003", false},
		{"C000001", "2026-05", "0000000006", true},
		// The partner of a 双方課金 pair pays for the same document.
		{"C000002", "2026-03", "0000000003", true},
		// An ID starting with another's: its keys must not count for C000001.
		{"C0000010", "2026-03", "0000000007", true},
	}
	err := s.Update(func(tx *Tx) error {
		for _, r := range records {
			ok, err := tx.RecordUsage(Usage{CompanyID: r.company, Month: r.month, DocumentID: r.doc, Side: "sender"})
			if err != nil {
				return err
			}
			if ok != r.stored {
				t.Errorf("%s %s %s: stored %v, want %v", r.company, r.month, r.doc, ok, r.stored)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		companies []string
		from, to  string
		want      map[string]map[string]int
	}{
		{"a quarter", []string{"C000001", "C000002"}, "2026-03", "2026-04",
			map[string]map[string]int{"C000001": {"2026-03": 2, "2026-04": 1}, "C000002": {"2026-03": 1}}},
		{"one month", []string{"C000001", "C000002", "C0000010"}, "2026-02", "2026-02",
			map[string]map[string]int{"C000001": {"2026-02": 1}}},
		{"across the new year", []string{"C000001"}, "2025-12", "2026-02",
			map[string]map[string]int{"C000001": {"2025-12": 1, "2026-02": 1}}},
		{"both ends included", []string{"C000001"}, "2026-02", "2026-05",
			map[string]map[string]int{"C000001": {"2026-02": 1, "2026-03": 2, "2026-04": 1, "2026-05": 1}}},
		{"only the companies asked", []string{"C000002"}, "2025-01", "2026-12",
			map[string]map[string]int{"C000002": {"2026-03": 1}}},
		{"a company without usage", []string{"C000009"}, "2025-01", "2026-12", map[string]map[string]int{}},
		{"before any usage", []string{"C000001", "C000002"}, "2025-01", "2025-11", map[string]map[string]int{}},
		{"after all usage", []string{"C000001", "C000002"}, "2026-06", "2027-05", map[string]map[string]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got map[string]map[string]int
			if err := s.View(func(tx *Tx) (err error) { got, err = tx.UsageCounts(tt.companies, tt.from, tt.to); return err }); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
