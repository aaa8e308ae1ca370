package search

import (
	"math"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Amounts are indexed as the prefixes of their decimal digits, under the number of
// digits: 1,234,000 has the terms "07:", "07:1", "07:12", … "07:1234000" (amountTerms).
// A range is then a few dozen terms however wide: each whole class of digit counts is
// one term, and within a class the range is covered by prefixes, at most nine per
// digit at either end (amountRangeTerms), as a numeric trie does with its precision
// steps. A bleve number's sixteen terms made up about a third of the cost of bulk
// indexing; an amount of ten million yen has nine of these, and one term each, as
// before, made a range read the exact amounts at its ends: thousands of terms.
//
// Amounts below zero are not expected; each is one term, "n" and the amount's 19
// digits above math.MinInt64 (negativeTerm), and a range below zero reads them all.

// amountTerms are the terms of an amount.
func amountTerms(v int64) []string {
	if v < 0 {
		return []string{negativeTerm(v)}
	}
	digits := strconv.FormatInt(v, 10)
	class := classOf(len(digits))
	out := make([]string, 0, len(digits)+1)
	for k := 0; k <= len(digits); k++ {
		out = append(out, class+digits[:k])
	}
	return out
}

// classOf is the prefix of the terms of amounts of n digits.
func classOf(n int) string { return string([]byte{'0' + byte(n/10), '0' + byte(n%10), ':'}) }

// negativeTerm sorts as the negative amounts do.
func negativeTerm(v int64) string {
	d := strconv.FormatUint(uint64(v-math.MinInt64), 10)
	return "n" + zeros[:19-len(d)] + d
}

const zeros = "0000000000000000000"

// appendAmountRange adds the inclusive range lo–hi (nil is open) of amounts; a missing
// amount never matches.
func appendAmountRange(out []query.Query, lo, hi *int64) []query.Query {
	if lo == nil && hi == nil {
		return out
	}
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	if lo != nil {
		from = *lo
	}
	if hi != nil {
		to = *hi
	}
	if from > to {
		return append(out, bleve.NewMatchNoneQuery())
	}
	var parts []query.Query
	if from < 0 {
		parts = append(parts, keyAmount.between(negativeTerm(from), negativeTerm(min(to, -1))))
	}
	if to >= 0 {
		for _, t := range amountRangeTerms(max(from, 0), to) {
			parts = append(parts, keyAmount.term(t))
		}
	}
	if len(parts) == 1 {
		return append(out, parts[0])
	}
	return append(out, bleve.NewDisjunctionQuery(parts...))
}

// amountRangeTerms are the terms that cover the amounts from to to (0 ≤ from ≤ to):
// per number of digits, the whole class or the prefixes between its ends.
func amountRangeTerms(from, to int64) []string {
	lo, hi := strconv.FormatInt(from, 10), strconv.FormatInt(to, 10)
	var out []string
	for n := len(lo); n <= len(hi); n++ {
		a, b := lo, hi
		if n > len(lo) {
			a = "1" + zeros[:n-1]
		}
		if n < len(hi) {
			b = nines[:n]
		}
		if (n == 1 && a == "0" || n > 1 && a == "1"+zeros[:n-1]) && b == nines[:n] {
			out = append(out, classOf(n)) // every amount of n digits
			continue
		}
		out = coverDigits(out, classOf(n), a, b)
	}
	return out
}

const nines = "9999999999999999999"

// coverDigits appends the prefixes, under class, that cover the numbers a to b, digit
// strings of one length with a ≤ b.
func coverDigits(out []string, class, a, b string) []string {
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if i == len(a) {
		return append(out, class+a)
	}
	first, last := a[i], b[i]
	if !allOf(a[i+1:], '0') {
		// The numbers from a up to the end of a's prefix a[:i+1].
		k := len(a)
		for k > i+1 && a[k-1] == '0' {
			k--
		}
		out = append(out, class+a[:k])
		for j := k - 1; j > i; j-- {
			for d := a[j] + 1; d <= '9'; d++ {
				out = append(out, class+a[:j]+string(d))
			}
		}
		first++
	}
	if !allOf(b[i+1:], '9') {
		// The numbers from the start of b's prefix b[:i+1] up to b.
		k := len(b)
		for k > i+1 && b[k-1] == '9' {
			k--
		}
		out = append(out, class+b[:k])
		for j := k - 1; j > i; j-- {
			for d := byte('0'); d < b[j]; d++ {
				out = append(out, class+b[:j]+string(d))
			}
		}
		last--
	}
	for d := first; d <= last; d++ {
		out = append(out, class+a[:i]+string(d))
	}
	return out
}

func allOf(s string, c byte) bool {
	for i := range len(s) {
		if s[i] != c {
			return false
		}
	}
	return true
}
