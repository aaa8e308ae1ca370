package search

import (
	"math"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Amounts are indexed as two keyword terms instead of a bleve number's sixteen (which
// made up about a third of the cost of bulk indexing): the exact amount (amountTerm) in
// keyAmount, and the start of its bucket (amountBucket) in keyAmountBucket. A range
// reads the buckets wholly inside it plus the exact amounts present in the buckets at
// its ends, so it stays a few hundred terms however wide.

// amountTerm is an amount as a term that sorts as the amounts do: "p" and 19 digits
// for zero and up, "n" and 19 digits of the distance from math.MinInt64 below zero.
func amountTerm(v int64) string {
	b := [20]byte{'p', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0'}
	u := uint64(v)
	if v < 0 {
		b[0], u = 'n', uint64(v-math.MinInt64)
	}
	var digits [20]byte
	d := strconv.AppendUint(digits[:0], u, 10)
	copy(b[len(b)-len(d):], d)
	return string(b[:])
}

// amountBucket is the bucket of an amount, as its first and last amount: an amount
// of zero and up with its first two digits kept (1,234,567 is in 1,200,000–1,299,999),
// and all negative amounts one bucket, since amounts are not expected below zero.
func amountBucket(v int64) (first, last int64) {
	if v < 0 {
		return math.MinInt64, -1
	}
	w := int64(1)
	for x := v; x >= 100; x /= 10 {
		w *= 10
	}
	first = v - v%w
	if first > math.MaxInt64-(w-1) {
		return first, math.MaxInt64
	}
	return first, first + w - 1
}

// bucketTerm is the term of the bucket starting at first.
func bucketTerm(first int64) string {
	if first < 0 {
		return "n"
	}
	return amountTerm(first)
}

// appendAmountRange adds the inclusive range lo–hi (nil is open) of amounts; a missing
// amount never matches.
func appendAmountRange(out []query.Query, lo, hi *int64) []query.Query {
	if lo == nil && hi == nil {
		return out
	}
	if lo != nil && hi != nil && *lo > *hi {
		return append(out, bleve.NewMatchNoneQuery())
	}
	if lo != nil && hi != nil {
		loFirst, _ := amountBucket(*lo)
		hiFirst, _ := amountBucket(*hi)
		if loFirst == hiFirst {
			return append(out, keyAmount.between(amountTerm(*lo), amountTerm(*hi)))
		}
	}
	// Whole buckets run from the bucket term fromBucket to toBucket; "" is open.
	var parts []query.Query
	fromBucket, toBucket, none := "", "", false
	if lo != nil {
		first, last := amountBucket(*lo)
		fromBucket = bucketTerm(first)
		if *lo != first {
			parts = append(parts, keyAmount.between(amountTerm(*lo), amountTerm(last)))
			if last == math.MaxInt64 {
				none = true
			} else {
				next, _ := amountBucket(last + 1)
				fromBucket = bucketTerm(next)
			}
		}
	}
	if hi != nil {
		first, last := amountBucket(*hi)
		toBucket = bucketTerm(first)
		if *hi != last {
			parts = append(parts, keyAmount.between(amountTerm(first), amountTerm(*hi)))
			if first == math.MinInt64 {
				none = true
			} else {
				prev, _ := amountBucket(first - 1)
				toBucket = bucketTerm(prev)
			}
		}
	}
	if !none && (fromBucket == "" || toBucket == "" || fromBucket <= toBucket) {
		parts = append(parts, keyAmountBucket.between(fromBucket, toBucket))
	}
	// lo and hi in different buckets leave at least one part.
	if len(parts) == 1 {
		return append(out, parts[0])
	}
	return append(out, bleve.NewDisjunctionQuery(parts...))
}
