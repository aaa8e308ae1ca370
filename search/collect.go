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

// Most searches are listed in 文書管理番号 order, which is the entries' key in the
// index. bleve's collector orders hits by key by reading each hit's key as a new
// string: a search with 50,000 hits allocated 50,000 strings to keep 50. collectByKey
// walks the hits itself and reads each key where the segment holds it, keeping only
// the page's worth; the page's strings are the only ones made.

// errNotScorch is returned for an index that is not a scorch snapshot, which
// collectByKey cannot read; the caller falls back to bleve's collector.
var errNotScorch = errors.New("search: not a scorch index")

// collectByKey runs a query over the parts and returns the page of q in key order.
func collectByKey(ctx context.Context, parts []*shard, qq query.Query, q Query) (Result, error) {
	c := keyCollector{want: q.Offset + q.Limit, ascending: q.Sort.Ascending}
	// The kept keys point into the parts' segments, which their readers hold until
	// the page is copied out.
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

// keyCollector keeps the want first keys in the order among those it is offered,
// as a heap whose root is the one that leaves first.
type keyCollector struct {
	want      int
	ascending bool
	keys      [][]byte
	total     int
}

func (c *keyCollector) collect(ctx context.Context, p *shard, r index.IndexReader, qq query.Query) error {
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
		key, err := segs[i-1].DocID(num - offsets[i-1])
		if err != nil {
			return fmt.Errorf("search: key of hit %d: %w", num, err)
		}
		c.offer(key)
		sctx.DocumentMatchPool.Put(d)
	}
}

// before reports whether key a comes before b in the order.
func (c *keyCollector) before(a, b []byte) bool {
	if c.ascending {
		return bytes.Compare(a, b) < 0
	}
	return bytes.Compare(a, b) > 0
}

// offer counts a hit and keeps its key if it is among the want first so far.
func (c *keyCollector) offer(key []byte) {
	c.total++
	if c.want == 0 {
		return
	}
	if len(c.keys) < c.want {
		c.keys = append(c.keys, key)
		c.up(len(c.keys) - 1)
		return
	}
	// The root is the kept key that comes last; a key that does not come before it goes.
	if !c.before(key, c.keys[0]) {
		return
	}
	c.keys[0] = key
	c.down(0)
}

// The heap's root is the key that comes last in the order.
func (c *keyCollector) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !c.before(c.keys[parent], c.keys[i]) {
			return
		}
		c.keys[parent], c.keys[i] = c.keys[i], c.keys[parent]
		i = parent
	}
}

func (c *keyCollector) down(i int) {
	for {
		last, l, r := i, 2*i+1, 2*i+2
		if l < len(c.keys) && c.before(c.keys[last], c.keys[l]) {
			last = l
		}
		if r < len(c.keys) && c.before(c.keys[last], c.keys[r]) {
			last = r
		}
		if last == i {
			return
		}
		c.keys[i], c.keys[last] = c.keys[last], c.keys[i]
		i = last
	}
}

func (c *keyCollector) result(offset int) Result {
	slices.SortFunc(c.keys, func(a, b []byte) int {
		if c.ascending {
			return bytes.Compare(a, b)
		}
		return bytes.Compare(b, a)
	})
	res := Result{Total: c.total, IDs: make([]string, 0, max(0, len(c.keys)-offset))}
	for i := offset; i < len(c.keys); i++ {
		id, _, _ := bytes.Cut(c.keys[i], []byte("/"))
		res.IDs = append(res.IDs, string(id))
	}
	return res
}
