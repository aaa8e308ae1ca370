package search

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// A list is ordered by 文書管理番号, the entries' key in the index, or by a column.
// bleve's collector reads each hit's key as a new string and its column from doc
// values, which are decompressed a chunk of 1,024 documents at a time: a search with
// 50,000 hits allocated 50,000 strings to keep 50, and a sort by a column took tens
// of milliseconds. collect walks the hits itself, reads each key where the segment
// holds it and each column from the segment's text columns (columnCache.texts), and
// keeps only the page's worth; the page's strings are the only ones made.

// errNotScorch is returned for an index that is not a scorch snapshot: every index
// of the set is made with scorch (CreateIndex), whose segments the search reads.
var errNotScorch = errors.New("search: not a scorch index")

// sortKeys are the keys whose terms the columns sort by.
var sortKeys = map[Column]key{
	ByTitle:        keyTitle,
	ByCounterparty: keyCounterparty,
	ByOrderSide:    keyOrderSide,
	ByStatus:       keyStatus,
	ByUser:         keyUser,
	ByStorageStart: keyStorageStart,
	ByStorageEnd:   keyStorageEnd,
}

// collect runs a query over the parts and returns the page of q in its order.
func collect(ctx context.Context, parts []*shard, qq query.Query, q Query, cache *columnCache) (Result, error) {
	c := collector{want: q.Offset + q.Limit, ascending: q.Sort.Ascending}
	if q.Sort.Column != ByNumber {
		k, ok := sortKeys[q.Sort.Column]
		if !ok {
			return Result{}, fmt.Errorf("search: cannot sort by %q", q.Sort.Column)
		}
		c.column, c.cache = &k, cache
		if q.Sort.sortsByName() {
			c.rename = nameKeys(q.Sort.Names)
		}
	}
	// The kept keys and values point into the parts' segments, which their readers
	// hold until the page is copied out.
	for _, p := range parts {
		adv, err := p.idx.Advanced()
		if err != nil {
			return Result{}, err
		}
		r, err := adv.Reader()
		if err != nil {
			return Result{}, err
		}
		defer r.Close()
		if err := c.collect(ctx, p, r, qq); err != nil {
			return Result{}, err
		}
	}
	return c.result(q.Offset), nil
}

// hit is a kept hit: its key, and its value in the sorted column (has false: none).
type hit struct {
	key, value []byte
	has        bool
}

// collector keeps the want first hits in the order among those it is offered, as a
// heap whose root is the one that leaves first.
type collector struct {
	want      int
	ascending bool
	column    *key         // nil: by key
	cache     *columnCache // the columns' values, with column
	rename    map[string]string
	hits      []hit
	total     int
}

func (c *collector) collect(ctx context.Context, p *shard, r index.IndexReader, qq query.Query) error {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return errNotScorch
	}
	s, err := qq.Searcher(ctx, r, p.idx.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer s.Close()
	segs, offsets := segmentsOf(snap)
	// The sorted column of each segment, its terms renamed once per segment.
	var cols []*texts
	var values [][][]byte
	if c.column != nil {
		cols, values = make([]*texts, len(segs)), make([][][]byte, len(segs))
		for i, seg := range segs {
			if cols[i], err = c.cache.texts(seg.Segment(), *c.column); err != nil {
				return err
			}
			values[i] = cols[i].terms
			if c.rename != nil {
				values[i] = make([][]byte, len(cols[i].terms))
				for j, t := range cols[i].terms {
					if v, ok := c.rename[string(t)]; ok {
						values[i][j] = []byte(v)
					} else {
						values[i][j] = append(append(slices.Clip(t), 0), t...)
					}
				}
			}
		}
	}
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0), IndexReader: r}
	for seen := 0; ; seen++ {
		if seen%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		d, err := s.Next(sctx)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if d == nil {
			return nil
		}
		num := d.IndexInternalID.Value()
		i, _ := slices.BinarySearch(offsets, num+1)
		local := num - offsets[i-1]
		k, err := segs[i-1].DocID(local)
		if err != nil {
			return fmt.Errorf("search: key of hit %d: %w", num, err)
		}
		h := hit{key: k}
		if cols != nil {
			if n := cols[i-1].at(local); n > 0 {
				h.value, h.has = values[i-1][n-1], true
			}
		}
		c.offer(h)
		sctx.DocumentMatchPool.Put(d)
	}
}

// before reports whether a comes before b: by the column, whose missing values come
// last either way, then by key, descending unless the list is by key ascending.
func (c *collector) before(a, b hit) bool {
	if c.column != nil {
		if a.has != b.has {
			return a.has
		}
		if n := bytes.Compare(a.value, b.value); n != 0 {
			return n < 0 == c.ascending
		}
		return bytes.Compare(a.key, b.key) > 0
	}
	return bytes.Compare(a.key, b.key) < 0 == c.ascending
}

// offer counts a hit and keeps it if it is among the want first so far.
func (c *collector) offer(h hit) {
	c.total++
	if c.want == 0 {
		return
	}
	if len(c.hits) < c.want {
		c.hits = append(c.hits, h)
		c.up(len(c.hits) - 1)
		return
	}
	// The root is the kept hit that comes last; a hit that does not come before it goes.
	if !c.before(h, c.hits[0]) {
		return
	}
	c.hits[0] = h
	c.down(0)
}

// The heap's root is the hit that comes last in the order.
func (c *collector) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !c.before(c.hits[parent], c.hits[i]) {
			return
		}
		c.hits[parent], c.hits[i] = c.hits[i], c.hits[parent]
		i = parent
	}
}

func (c *collector) down(i int) {
	for {
		last, l, r := i, 2*i+1, 2*i+2
		if l < len(c.hits) && c.before(c.hits[last], c.hits[l]) {
			last = l
		}
		if r < len(c.hits) && c.before(c.hits[last], c.hits[r]) {
			last = r
		}
		if last == i {
			return
		}
		c.hits[i], c.hits[last] = c.hits[last], c.hits[i]
		i = last
	}
}

func (c *collector) result(offset int) Result {
	slices.SortFunc(c.hits, func(a, b hit) int {
		if c.before(a, b) {
			return -1
		}
		if c.before(b, a) {
			return 1
		}
		return 0
	})
	res := Result{Total: c.total, IDs: make([]string, 0, max(0, len(c.hits)-offset))}
	for i := offset; i < len(c.hits); i++ {
		id, _, _ := bytes.Cut(c.hits[i].key, []byte("/"))
		res.IDs = append(res.IDs, string(id))
	}
	return res
}
