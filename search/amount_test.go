package search

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// A range's terms cover exactly the amounts in it: an amount is in the range when one
// of its terms is among the range's, and then only one is (the terms do not overlap).
func TestAmountRangeTermsCoverTheRangeExactly(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	edges := []int64{0, 1, 9, 10, 99, 100, 101, 999, 1000, 1_199_999, 1_200_000, 1_234_567, 9_999_999, 10_000_000, math.MaxInt64 - 1, math.MaxInt64}
	amount := func() int64 {
		if r.IntN(3) == 0 {
			return pick(r, edges)
		}
		return int64(math.Exp(r.Float64() * 22))
	}
	for range 3000 {
		from, to := amount(), amount()
		if from > to {
			from, to = to, from
		}
		terms := amountRangeTerms(from, to)
		if len(terms) > 200 {
			t.Errorf("%d–%d: %d terms", from, to, len(terms))
		}
		for range 40 {
			v := amount()
			switch r.IntN(4) {
			case 0:
				v = from + int64(r.IntN(3)) - 1
			case 1:
				v = to + int64(r.IntN(3)) - 1
			}
			if v < 0 {
				continue
			}
			hits := 0
			for _, at := range amountTerms(v) {
				if slices.Contains(terms, at) {
					hits++
				}
			}
			if in := from <= v && v <= to; in && hits != 1 || !in && hits != 0 {
				t.Fatalf("%d in %d–%d: %d of its terms %v among %v", v, from, to, hits, amountTerms(v), terms)
			}
		}
	}
}

func TestAmountTerms(t *testing.T) {
	if got := strings.Join(amountTerms(1_234_000), " "); got != "07: 07:1 07:12 07:123 07:1234 07:12340 07:123400 07:1234000" {
		t.Errorf("terms of 1,234,000: %s", got)
	}
	if got := amountRangeTerms(1_000_000, 99_999_999); !slices.Equal(got, []string{"07:", "08:"}) {
		t.Errorf("whole classes: %v", got)
	}
	if negativeTerm(math.MinInt64) >= negativeTerm(-1) || len(negativeTerm(-1)) != 20 {
		t.Errorf("negative terms %s %s", negativeTerm(math.MinInt64), negativeTerm(-1))
	}
}
