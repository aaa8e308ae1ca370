package search

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Ranges (dates and amounts) are checked, not searched. A range as terms is the union
// of the postings of every value or bucket in it: tens of term readers and a bitmap
// of every document in the range, built whatever the other conditions leave, which
// made most of what a query cost and allocated. Instead each segment's values of a
// column are read once from its terms into an array by document number, kept while
// the segment lives, and a range keeps the hits of the other conditions whose value
// lies in it: a comparison per hit, nothing allocated.

// column is a range-searchable value of an entry: one term per entry under its key.
type column int

const (
	colContract column = iota
	colStorageStart
	colStorageEnd
	colUpdated
	colAssigned
	colAmount
	numColumns
)

// columnKeys are the keys of the columns' terms: a day term (dayTerm) for dates, the
// amount's term (amountTerm) for amounts.
var columnKeys = [numColumns]key{
	colContract:     keyContractDate,
	colStorageStart: keyStorageStart,
	colStorageEnd:   keyStorageEnd,
	colUpdated:      keyUpdated,
	colAssigned:     keyAssigned,
	colAmount:       keyAmount,
}

// rangeCheck keeps the entries whose value in col lies in lo–hi, both included.
type rangeCheck struct {
	col    column
	lo, hi int64
}

// dateCheck is the check of a date range; ok is false when the range is open on both
// sides (no condition).
func dateCheck(col column, r DateRange) (rangeCheck, bool) {
	lo, hasLo := day(r.From)
	hi, hasHi := day(r.To)
	if !hasLo && !hasHi {
		return rangeCheck{}, false
	}
	if !hasLo {
		lo = math.MinInt64
	}
	if !hasHi {
		hi = math.MaxInt64
	}
	return rangeCheck{col, lo, hi}, true
}

func amountCheck(r AmountRange) (rangeCheck, bool) {
	if r.Min == nil && r.Max == nil {
		return rangeCheck{}, false
	}
	c := rangeCheck{colAmount, math.MinInt64, math.MaxInt64}
	if r.Min != nil {
		c.lo = *r.Min
	}
	if r.Max != nil {
		c.hi = *r.Max
	}
	return c, true
}

// values are one segment's values of a column, by document number.
type values struct {
	v   []int64
	has []uint64 // bit set of the documents with a value
}

func (vs *values) in(doc uint64, lo, hi int64) bool {
	if doc >= uint64(len(vs.v)) || vs.has[doc/64]&(1<<(doc%64)) == 0 {
		return false
	}
	v := vs.v[doc]
	return lo <= v && v <= hi
}

// texts are one segment's values under a key that has one term per document (the
// whole title, a sorted column), by document number: of[doc] is 1 + the index of the
// document's value in terms (distinct, in term order), 0 for none.
type texts struct {
	terms [][]byte
	of    []uint32
}

func (t *texts) contains(doc uint64, text []byte) bool {
	n := t.at(doc)
	return n > 0 && bytes.Contains(t.terms[n-1], text)
}

// at is 1 + the index in terms of the document's value, 0 for none.
func (t *texts) at(doc uint64) uint32 {
	if doc >= uint64(len(t.of)) {
		return 0
	}
	return t.of[doc]
}

// segmentColumns are the columns read of one segment.
type segmentColumns struct {
	values [numColumns]*values
	texts  map[key]*texts // by key: whole titles, the sorted columns
}

// columnCache holds the columns of the segments searched, by segment.
type columnCache struct {
	mu   sync.RWMutex // searches read columns at once; reading a segment's excludes them
	segs map[segment.Segment]*segmentColumns
}

// maxCachedSegments is how many segments' columns are kept before those of segments
// no longer in any index are dropped (see Index.pruneColumns).
const maxCachedSegments = 256

func newColumnCache() *columnCache {
	return &columnCache{segs: map[segment.Segment]*segmentColumns{}}
}

// of returns the columns of a segment; callers hold mu.
func (cc *columnCache) of(seg segment.Segment) *segmentColumns {
	cols := cc.segs[seg]
	if cols == nil {
		cols = &segmentColumns{}
		cc.segs[seg] = cols
	}
	return cols
}

// get returns a segment's column, reading it from the segment's terms the first time.
func (cc *columnCache) get(seg segment.Segment, c column) (*values, error) {
	cc.mu.RLock()
	if cols := cc.segs[seg]; cols != nil && cols.values[c] != nil {
		defer cc.mu.RUnlock()
		return cols.values[c], nil
	}
	cc.mu.RUnlock()
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cols := cc.of(seg)
	if cols.values[c] == nil {
		vs, err := readColumn(seg, c)
		if err != nil {
			return nil, err
		}
		cols.values[c] = vs
	}
	return cols.values[c], nil
}

// texts returns a segment's values under a key (one term per document, such as the
// whole title or a sorted column), reading them the first time.
func (cc *columnCache) texts(seg segment.Segment, k key) (*texts, error) {
	cc.mu.RLock()
	if cols := cc.segs[seg]; cols != nil && cols.texts[k] != nil {
		defer cc.mu.RUnlock()
		return cols.texts[k], nil
	}
	cc.mu.RUnlock()
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cols := cc.of(seg)
	if t := cols.texts[k]; t != nil {
		return t, nil
	}
	t := &texts{of: make([]uint32, seg.Count())}
	err := walkTerms(seg, k, func(term []byte, docs func(func(uint64))) {
		t.terms = append(t.terms, term)
		n := uint32(len(t.terms))
		docs(func(d uint64) {
			if d < uint64(len(t.of)) {
				t.of[d] = n
			}
		})
	})
	if err != nil {
		return nil, err
	}
	if cols.texts == nil {
		cols.texts = map[key]*texts{}
	}
	cols.texts[k] = t
	return t, nil
}

func (cc *columnCache) size() int {
	cc.mu.RLock()
	defer cc.mu.RUnlock()
	return len(cc.segs)
}

// keep drops the columns of the segments not in live.
func (cc *columnCache) keep(live map[segment.Segment]bool) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	for seg := range cc.segs {
		if !live[seg] {
			delete(cc.segs, seg)
		}
	}
}

// readColumn reads the values of a column from the terms under its key in the
// segment's dictionary: each term's postings are the documents with that value.
func readColumn(seg segment.Segment, c column) (*values, error) {
	n := seg.Count()
	vs := &values{v: make([]int64, n), has: make([]uint64, (n+63)/64)}
	err := walkTerms(seg, columnKeys[c], func(term []byte, docs func(func(uint64))) {
		v, ok := columnValue(c, term)
		if !ok {
			return
		}
		docs(func(d uint64) {
			if d < n {
				vs.v[d] = v
				vs.has[d/64] |= 1 << (d % 64)
			}
		})
	})
	return vs, err
}

// walkTerms calls fn with every term under k in the segment's dictionary (without
// the key's prefix; fn may keep it) and a walk of the documents holding it.
func walkTerms(seg segment.Segment, k key, fn func(term []byte, docs func(func(uint64)))) error {
	dict, err := seg.Dictionary(k.field)
	if err != nil {
		return fmt.Errorf("search: dictionary of %s: %w", k.field, err)
	}
	if dict == nil {
		return nil
	}
	start := []byte(k.prefix)
	var end []byte // the first term after the prefix's, or the dictionary's end
	if len(start) > 0 {
		end = append([]byte(nil), start...)
		end[len(end)-1]++
	}
	it := dict.AutomatonIterator(anyTerm{}, start, end)
	var pl segment.PostingsList
	var pi segment.PostingsIterator
	var walkErr error
	for {
		entry, err := it.Next()
		if err != nil {
			return fmt.Errorf("search: terms of %s%s: %w", k.field, k.prefix, err)
		}
		if entry == nil {
			return walkErr
		}
		term := []byte(entry.Term[len(k.prefix):])
		if pl, err = dict.PostingsList([]byte(entry.Term), nil, pl); err != nil {
			return err
		}
		fn(term, func(visit func(uint64)) {
			pi = pl.Iterator(false, false, false, pi)
			for {
				p, err := pi.Next()
				if err != nil {
					walkErr = err
					return
				}
				if p == nil {
					return
				}
				visit(p.Number())
			}
		})
		if walkErr != nil {
			return walkErr
		}
	}
}

// columnValue parses a column's term: a day "YYYYMMDD" as its day number, an amount.
func columnValue(c column, term []byte) (int64, bool) {
	if c == colAmount {
		return parseAmountTerm(term)
	}
	t, err := time.Parse("20060102", string(term))
	if err != nil {
		return 0, false
	}
	return t.Unix() / 86400, true
}

// anyTerm is the automaton that accepts every term, for walking a range of the
// dictionary.
type anyTerm struct{}

func (anyTerm) Start() int               { return 0 }
func (anyTerm) IsMatch(int) bool         { return true }
func (anyTerm) CanMatch(int) bool        { return true }
func (anyTerm) WillAlwaysMatch(int) bool { return true }
func (anyTerm) Accept(int, byte) int     { return 0 }

// checkedQuery keeps the hits of a query whose values lie in every range and whose
// whole titles contain every text. It wraps the whole query, all other conditions
// joined, so that each hit's columns are read only for the documents that meet
// everything else; the ranges, a comparison each, are checked first.
type checkedQuery struct {
	query  query.Query
	ranges []rangeCheck
	texts  []containsCheck
	cache  *columnCache
}

// segmentChecks are the columns one segment's hits are checked against.
type segmentChecks struct {
	ranges []*values // by q.ranges
	titles *texts    // when q has texts
}

func (q checkedQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, errNotScorch
	}
	segs, offsets := segmentsOf(snap)
	// The columns of every segment, looked up once per query.
	cols := make([]segmentChecks, len(segs))
	for i, seg := range segs {
		cols[i].ranges = make([]*values, len(q.ranges))
		for j, c := range q.ranges {
			vs, err := q.cache.get(seg.Segment(), c.col)
			if err != nil {
				return nil, err
			}
			cols[i].ranges[j] = vs
		}
		if len(q.texts) > 0 {
			t, err := q.cache.texts(seg.Segment(), keyTitle)
			if err != nil {
				return nil, err
			}
			cols[i].titles = t
		}
	}
	s, err := q.query.Searcher(ctx, r, m, o)
	if err != nil {
		return nil, err
	}
	return searcher.NewFilteringSearcher(ctx, s, func(_ *search.SearchContext, d *search.DocumentMatch) bool {
		num := d.IndexInternalID.Value()
		i, _ := slices.BinarySearch(offsets, num+1)
		col, local := &cols[i-1], num-offsets[i-1]
		for j, c := range q.ranges {
			if !col.ranges[j].in(local, c.lo, c.hi) {
				return false
			}
		}
		for _, c := range q.texts {
			if !col.titles.contains(local, c.text) {
				return false
			}
		}
		return true
	}), nil
}

// segmentsOf is a snapshot's segments and the first global document number of each,
// as the snapshot numbers them (IndexSnapshot.offsets, which it does not export).
func segmentsOf(snap *scorch.IndexSnapshot) ([]*scorch.SegmentSnapshot, []uint64) {
	segs := snap.Segments()
	offsets := make([]uint64, len(segs))
	var n uint64
	for i, seg := range segs {
		offsets[i] = n
		n += seg.Segment().Count() // deleted documents keep their numbers
	}
	return segs, offsets
}

// amountTerm is an amount as a term that sorts as the amounts do: "p" and 19 digits
// for zero and up, "n" and 19 digits of the distance from math.MinInt64 below zero.
func amountTerm(v int64) string {
	if v < 0 {
		d := strconv.FormatUint(uint64(v-math.MinInt64), 10)
		return "n" + zeros[:19-len(d)] + d
	}
	d := strconv.FormatInt(v, 10)
	return "p" + zeros[:19-len(d)] + d
}

const zeros = "0000000000000000000"

func parseAmountTerm(t []byte) (int64, bool) {
	if len(t) != 20 {
		return 0, false
	}
	u, err := strconv.ParseUint(string(t[1:]), 10, 64)
	switch {
	case err != nil:
		return 0, false
	case t[0] == 'p':
		return int64(u), u <= math.MaxInt64
	case t[0] == 'n':
		return int64(u + 1<<63), true // v - MinInt64 = u
	}
	return 0, false
}
