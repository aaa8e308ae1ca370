package search

import (
	"testing"
	"time"

	"inkan/app/locale/jst"
)

// dayTerm writes the digits itself; it must agree with the layout it replaces.
func TestDayTermIsTheJapanDate(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2024, 1, 5, 0, 0, 0, 0, jst.Zone),
		time.Date(2024, 12, 31, 15, 0, 0, 0, time.UTC), // 2025-01-01 in Japan
		time.Date(2024, 12, 31, 14, 59, 59, 0, time.UTC),
		time.Date(999, 3, 1, 0, 0, 0, 0, jst.Zone),
		time.Date(12000, 3, 1, 0, 0, 0, 0, jst.Zone),
	} {
		got, ok := dayTerm(tm)
		if want := tm.In(jst.Zone).Format("20060102"); !ok || got != want {
			t.Errorf("dayTerm(%v) = %q, want %q", tm, got, want)
		}
	}
	if _, ok := dayTerm(time.Time{}); ok {
		t.Error("the zero time has a day")
	}
}

// The stored mapping records the fields addEntry builds, with the same options.
func TestMappingRecordsTheBuiltFields(t *testing.T) {
	m := indexMapping()
	for _, f := range fields {
		fm := m.FieldMappingForPath(f.name)
		if fm.Type == "" || fm.Options() != f.opts {
			t.Errorf("field %s: mapping of type %q with options %v, built with %v", f.name, fm.Type, fm.Options(), f.opts)
		}
	}
}
