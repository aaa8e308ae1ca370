package search

import (
	"math"
	"testing"
)

// Amount terms sort as the amounts do and read back as them (see readColumn).
func TestAmountTermsSortAndReadBack(t *testing.T) {
	values := []int64{math.MinInt64, math.MinInt64 + 1, -1_000_000, -1, 0, 1, 9, 10, 99, 100, 101, 999, 1000,
		1_199_999, 1_200_000, 1_234_567, 9_999_999, 10_000_000, math.MaxInt64 - 1, math.MaxInt64}
	for i, v := range values {
		term := amountTerm(v)
		if got, ok := parseAmountTerm([]byte(term)); !ok || got != v {
			t.Errorf("%d as %s reads back as %d, %v", v, term, got, ok)
		}
		if i > 0 && amountTerm(values[i-1]) >= term {
			t.Errorf("amountTerm(%d) = %s sorts after amountTerm(%d) = %s", values[i-1], amountTerm(values[i-1]), v, term)
		}
	}
	for _, bad := range []string{"", "p123", "x0000000000000000001", "p9999999999999999999"} {
		if _, ok := parseAmountTerm([]byte(bad)); ok {
			t.Errorf("%q read as an amount", bad)
		}
	}
}
