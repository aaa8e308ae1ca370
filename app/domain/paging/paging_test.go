package paging

import "testing"

func TestOf(t *testing.T) {
	cases := []struct {
		total, n, size int
		want           Window
		start, end     int
	}{
		{0, 1, 50, Window{Number: 1}, 0, 0},
		{0, 3, 50, Window{Number: 1}, 0, 0},
		{1, 1, 50, Window{Total: 1, From: 1, To: 1, Number: 1, Pages: 1}, 0, 1},
		{50, 1, 50, Window{Total: 50, From: 1, To: 50, Number: 1, Pages: 1}, 0, 50},
		{51, 2, 50, Window{Total: 51, From: 51, To: 51, Number: 2, Pages: 2}, 50, 51},
		{120, 9, 50, Window{Total: 120, From: 101, To: 120, Number: 3, Pages: 3}, 100, 120},
		{120, -1, 50, Window{Total: 120, From: 1, To: 50, Number: 1, Pages: 3}, 0, 50},
	}
	for _, tc := range cases {
		got := Of(tc.total, tc.n, tc.size)
		if got != tc.want {
			t.Errorf("Of(%d, %d, %d) = %+v, want %+v", tc.total, tc.n, tc.size, got, tc.want)
		}
		if s, e := got.Bounds(); s != tc.start || e != tc.end {
			t.Errorf("Of(%d, %d, %d).Bounds() = %d, %d, want %d, %d", tc.total, tc.n, tc.size, s, e, tc.start, tc.end)
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]int{"": 1, "1": 1, "7": 7, "0": 1, "-3": 1, "x": 1, "２": 1} {
		if got := Parse(in); got != want {
			t.Errorf("Parse(%q) = %d, want %d", in, got, want)
		}
	}
}
