package account_test

import (
	"testing"
	"time"

	"inkan/app/domain/account"
	"inkan/data"
)

// TestNameAt: the name a user had at an instant, through several changes, on and
// around each boundary.
func TestNameAt(t *testing.T) {
	created := time.Date(2019, 4, 1, 0, 0, 0, 0, time.UTC)
	first := time.Date(2021, 3, 31, 15, 0, 0, 0, time.UTC)
	second := time.Date(2023, 4, 1, 9, 30, 0, 0, time.UTC)
	renamed := data.User{ID: "U000025", Name: "田中 次郎", CreatedAt: created, FormerNames: []data.FormerName{
		{Name: "鈴木 一郎", Until: first},
		{Name: "佐藤 花子", Until: second},
	}}
	never := data.User{ID: "U000026", Name: "山田 三郎", CreatedAt: created}
	tests := []struct {
		name string
		u    data.User
		at   time.Time
		want string
	}{
		{"before the record was made: the first name", renamed, created.AddDate(-1, 0, 0), "鈴木 一郎"},
		{"at its making", renamed, created, "鈴木 一郎"},
		{"just before the first change", renamed, first.Add(-time.Nanosecond), "鈴木 一郎"},
		{"at the first change: the new name", renamed, first, "佐藤 花子"},
		{"between the changes", renamed, first.AddDate(1, 0, 0), "佐藤 花子"},
		{"just before the second change", renamed, second.Add(-time.Second), "佐藤 花子"},
		{"at the second change", renamed, second, "田中 次郎"},
		{"now", renamed, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), "田中 次郎"},
		{"a zero time is before everything", renamed, time.Time{}, "鈴木 一郎"},
		{"never renamed", never, first, "山田 三郎"},
		{"never renamed, zero time", never, time.Time{}, "山田 三郎"},
	}
	for _, tc := range tests {
		if got := account.NameAt(tc.u, tc.at); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestNamePeriods: one period per name, each from the end of the one before, the
// first from the user's making and the current one open.
func TestNamePeriods(t *testing.T) {
	created := time.Date(2019, 4, 1, 0, 0, 0, 0, time.UTC)
	change := time.Date(2023, 3, 31, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		u    data.User
		want []account.NamePeriod
	}{
		{"never renamed", data.User{ID: "U1", Name: "山田", Kana: "ヤマダ", Status: account.StatusActive, CreatedAt: created},
			[]account.NamePeriod{{UserID: "U1", Name: "山田", Kana: "ヤマダ", Status: account.StatusActive, From: created}}},
		{"renamed once, deleted since", data.User{ID: "U2", Name: "佐藤", Status: account.StatusDeleted, CreatedAt: created, FormerNames: []data.FormerName{{Name: "鈴木", Kana: "スズキ", Until: change}}},
			[]account.NamePeriod{
				{UserID: "U2", Name: "鈴木", Kana: "スズキ", Status: account.StatusDeleted, From: created, Until: change},
				{UserID: "U2", Name: "佐藤", Status: account.StatusDeleted, No: 1, From: change},
			}},
	}
	for _, tc := range tests {
		got := account.NamePeriods(tc.u)
		if len(got) != len(tc.want) {
			t.Fatalf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
		for i, w := range tc.want {
			g := got[i]
			if g.UserID != w.UserID || g.Name != w.Name || g.Kana != w.Kana || g.Status != w.Status || g.No != w.No || !g.From.Equal(w.From) || !g.Until.Equal(w.Until) {
				t.Errorf("%s: period %d %+v, want %+v", tc.name, i, g, w)
			}
		}
		if !got[0].First() || !got[len(got)-1].Current() || (len(got) > 1 && (got[0].Current() || got[1].First())) {
			t.Errorf("%s: First/Current wrong: %+v", tc.name, got)
		}
	}
}
