package search

import (
	"fmt"
	"math"
	"testing"
)

// Amount terms sort as the amounts do, and every amount lies in its bucket, whose
// term sorts with it.
func TestAmountTermsSortAsAmounts(t *testing.T) {
	values := []int64{math.MinInt64, math.MinInt64 + 1, -1_000_000, -1, 0, 1, 9, 10, 99, 100, 101, 999, 1000,
		1_199_999, 1_200_000, 1_234_567, 1_299_999, 1_300_000, 9_999_999, 10_000_000, math.MaxInt64 - 1, math.MaxInt64}
	for i, v := range values {
		want := fmt.Sprintf("p%019d", v)
		if v < 0 {
			want = fmt.Sprintf("n%019d", uint64(v-math.MinInt64))
		}
		if got := amountTerm(v); got != want {
			t.Errorf("amountTerm(%d) = %s, want %s", v, got, want)
		}
		first, last := amountBucket(v)
		if v < first || v > last {
			t.Errorf("%d outside its bucket %d–%d", v, first, last)
		}
		if i == 0 {
			continue
		}
		prev := values[i-1]
		if amountTerm(prev) >= amountTerm(v) {
			t.Errorf("amountTerm(%d) = %s sorts after amountTerm(%d) = %s", prev, amountTerm(prev), v, amountTerm(v))
		}
		pf, _ := amountBucket(prev)
		if bucketTerm(pf) > bucketTerm(first) {
			t.Errorf("bucket of %d sorts after the bucket of %d", prev, v)
		}
	}
	tests := []struct{ v, first, last int64 }{
		{1_234_567, 1_200_000, 1_299_999},
		{99, 99, 99},
		{100, 100, 109},
		{-5, math.MinInt64, -1},
		{math.MaxInt64, 9_200_000_000_000_000_000, math.MaxInt64},
	}
	for _, tt := range tests {
		if f, l := amountBucket(tt.v); f != tt.first || l != tt.last {
			t.Errorf("amountBucket(%d) = %d, %d; want %d, %d", tt.v, f, l, tt.first, tt.last)
		}
	}
}
