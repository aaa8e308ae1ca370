package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Index is the set of bleve indexes in one directory. Each company has its own, split
// in two parts: documents not yet in long-term storage and those in it. A query then
// touches only the postings of one company and one screen, however large the
// installation, and the empty form's total is a document count.
type Index struct {
	dir string

	mu     sync.Mutex
	shards map[string]*shard // by company + "/" + part
}

type shard struct {
	idx bleve.Index
	mu  sync.Mutex
	top string // highest 文書管理番号 written, "" until known
}

const (
	partActive   = "active"
	partLongTerm = "stored"
)

// OpenIndex opens (or starts) the index set in dir. Parts are opened when first used.
func OpenIndex(dir string) (*Index, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("search: create %s: %w", dir, err)
	}
	return &Index{dir: dir, shards: map[string]*shard{}}, nil
}

// Dir is the directory of the index set.
func (ix *Index) Dir() string { return ix.dir }

// Close closes every open part.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var errs []error
	for k, s := range ix.shards {
		if err := s.idx.Close(); err != nil {
			errs = append(errs, fmt.Errorf("search: close %s: %w", k, err))
		}
		delete(ix.shards, k)
	}
	return errors.Join(errs...)
}

func part(longTerm bool) string {
	if longTerm {
		return partLongTerm
	}
	return partActive
}

// shard returns a company's part, opening it; with create false a part that was never
// written is nil.
func (ix *Index) shard(company, part string, create bool) (*shard, error) {
	if !validCompany(company) {
		return nil, fmt.Errorf("search: invalid company %q", company)
	}
	key := company + "/" + part
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if s := ix.shards[key]; s != nil {
		return s, nil
	}
	path := filepath.Join(ix.dir, company, part)
	idx, err := bleve.OpenUsing(path, nil)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		if !create {
			return nil, nil
		}
		idx, err = bleve.NewUsing(path, indexMapping(), scorch.Name, scorch.Name, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("search: open %s: %w", path, err)
	}
	s := &shard{idx: idx}
	ix.shards[key] = s
	return s, nil
}

// validCompany keeps a company ID a single path element.
func validCompany(c string) bool {
	if c == "" || c == "." || c == ".." {
		return false
	}
	for _, r := range c {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Key names one entry: a document in one company's index.
type Key struct{ Company, ID string }

// Apply brings the index in line with changed documents: puts are the entries as they
// are now, deletes the entries that no longer exist. An entry moving into long-term
// storage leaves the other part. Apply returns once the change is on disk.
func (ix *Index) Apply(puts []Entry, deletes []Key) error {
	batches := map[*shard]*bleve.Batch{}
	batch := func(s *shard) *bleve.Batch {
		if batches[s] == nil {
			batches[s] = s.idx.NewBatch()
		}
		return batches[s]
	}
	for _, e := range puts {
		s, err := ix.shard(e.Company, part(e.LongTerm), true)
		if err != nil {
			return err
		}
		if err := batch(s).IndexAdvanced(bleveDocument(e)); err != nil {
			return fmt.Errorf("search: index %s/%s: %w", e.Company, e.ID, err)
		}
		s.raiseTop(e.ID)
		other, err := ix.shard(e.Company, part(!e.LongTerm), false)
		if err != nil {
			return err
		}
		if other != nil {
			batch(other).Delete(e.ID)
		}
	}
	for _, k := range deletes {
		for _, p := range []string{partActive, partLongTerm} {
			s, err := ix.shard(k.Company, p, false)
			if err != nil {
				return err
			}
			if s != nil {
				batch(s).Delete(k.ID)
			}
		}
	}
	for s, b := range batches {
		if err := s.idx.Batch(b); err != nil {
			return fmt.Errorf("search: write batch: %w", err)
		}
	}
	return nil
}

func (s *shard) raiseTop(id string) {
	s.mu.Lock()
	if s.top != "" && id > s.top {
		s.top = id
	}
	s.mu.Unlock()
}

// topID is the highest 文書管理番号 in the part (an upper bound once documents moved
// out), read once from the index and then kept up by Apply.
func (s *shard) topID(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.top != "" {
		return s.top, nil
	}
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 1, 0, false)
	req.SortByCustom(search.SortOrder{&search.SortDocID{Desc: true}})
	req.Score = "none"
	res, err := s.idx.SearchInContext(ctx, req)
	if err != nil {
		return "", err
	}
	if len(res.Hits) == 1 {
		s.top = res.Hits[0].ID
	}
	return s.top, nil
}

// parts lists the open parts of a company that a query on storage reads.
func (ix *Index) parts(company string, storage Storage) ([]*shard, error) {
	var names []string
	switch storage {
	case Active:
		names = []string{partActive}
	case LongTerm:
		names = []string{partLongTerm}
	default:
		names = []string{partActive, partLongTerm}
	}
	var out []*shard
	for _, n := range names {
		s, err := ix.shard(company, n, false)
		if err != nil {
			return nil, err
		}
		if s != nil {
			out = append(out, s)
		}
	}
	return out, nil
}

// Search runs a query in one company's index. The company is not part of Query so that
// no caller can leave it out: every search names its tenant.
func (ix *Index) Search(ctx context.Context, company string, q Query) (Result, error) {
	if company == "" {
		return Result{}, errors.New("search: no company given")
	}
	q = q.normalized()
	parts, err := ix.parts(company, q.Storage)
	if err != nil || len(parts) == 0 {
		return Result{}, err
	}
	conds := conditions(q)
	if len(conds) == 0 && q.Sort == (Sort{}) && q.Offset+q.Limit <= windowLimit {
		return emptyForm(ctx, parts, q)
	}
	var qq query.Query = bleve.NewMatchAllQuery()
	if len(conds) > 0 {
		qq = bleve.NewConjunctionQuery(conds...)
	}
	return run(ctx, parts, qq, q)
}

func run(ctx context.Context, parts []*shard, qq query.Query, q Query) (Result, error) {
	req := bleve.NewSearchRequestOptions(qq, q.Limit, q.Offset, false)
	req.SortByCustom(sortOrder(q.Sort))
	req.Score = "none"
	var res *bleve.SearchResult
	var err error
	if len(parts) == 1 {
		res, err = parts[0].idx.SearchInContext(ctx, req)
	} else {
		idxs := make([]bleve.Index, len(parts))
		for i, p := range parts {
			idxs[i] = p.idx
		}
		res, err = bleve.NewIndexAlias(idxs...).SearchInContext(ctx, req)
	}
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	out := Result{Total: int(res.Total), IDs: make([]string, len(res.Hits))}
	for i, h := range res.Hits {
		out.IDs[i] = h.ID
	}
	return out, nil
}

// windowLimit bounds the pages the empty form serves from a window of the newest IDs.
const windowLimit = 10000

// emptyForm answers a query without conditions in default order without visiting every
// document: the total is the parts' document count, and the page comes from a window
// of 文書管理番号 just below the highest, widened until it holds the page.
func emptyForm(ctx context.Context, parts []*shard, q Query) (Result, error) {
	var total uint64
	top := ""
	for _, p := range parts {
		n, err := p.idx.DocCount()
		if err != nil {
			return Result{}, fmt.Errorf("search: count: %w", err)
		}
		total += n
		t, err := p.topID(ctx)
		if err != nil {
			return Result{}, fmt.Errorf("search: highest ID: %w", err)
		}
		top = max(top, t)
	}
	if total == 0 {
		return Result{}, nil
	}
	want := uint64(q.Offset + q.Limit)
	var topN uint64
	fmt.Sscan(top, &topN)
	// Expect the company's documents spread evenly over the numbers; widen fourfold
	// whenever the window falls short.
	width := want*(topN/total+1)*2 + 16
	for {
		lo := uint64(0)
		if width < topN {
			lo = topN - width
		}
		inclusive := true
		window := bleve.NewTermRangeInclusiveQuery(fmt.Sprintf("%010d", lo), top, &inclusive, &inclusive)
		window.SetField("_id")
		res, err := run(ctx, parts, window, q)
		if err != nil {
			return Result{}, err
		}
		if uint64(res.Total) >= want || lo == 0 {
			res.Total = int(total)
			return res, nil
		}
		width *= 4
	}
}

// conditions translates the filled-in fields of a normalised query.
func conditions(q Query) []query.Query {
	var out []query.Query
	term := func(field, v string) {
		if v != "" {
			t := bleve.NewTermQuery(v)
			t.SetField(field)
			out = append(out, t)
		}
	}
	term(fieldSide, q.Side)
	if q.Number != "" {
		out = append(out, bleve.NewDocIDQuery([]string{q.Number}))
	}
	for _, s := range []struct{ field, text string }{{fieldTitle, q.Title}, {fieldGroupTag, q.GroupTag}, {fieldDept, q.Dept}} {
		if s.text != "" {
			out = append(out, substringQuery(s.field, s.text))
		}
	}
	term(fieldCounterparty, q.Counterparty)
	switch len(q.Statuses) {
	case 0:
	case 1:
		term(fieldStatus, q.Statuses[0])
	default:
		var any []query.Query
		for _, st := range q.Statuses {
			t := bleve.NewTermQuery(st)
			t.SetField(fieldStatus)
			any = append(any, t)
		}
		out = append(out, bleve.NewDisjunctionQuery(any...))
	}
	term(fieldOrderSide, q.OrderSide)
	term(fieldUser, q.UserID)
	out = appendRange(out, fieldContractDate, dayBound(q.ContractDate.From), dayBound(q.ContractDate.To))
	out = appendRange(out, fieldAmount, q.Amount.Min, q.Amount.Max)
	out = appendRange(out, fieldStorageStart, dayBound(q.StorageStart.From), dayBound(q.StorageStart.To))
	out = appendRange(out, fieldStorageEnd, dayBound(q.StorageEnd.From), dayBound(q.StorageEnd.To))
	out = appendRange(out, fieldUpdated, dayBound(q.Updated.From), dayBound(q.Updated.To))
	return out
}

// substringQuery is the exact query of a normalised text on a bigram field.
func substringQuery(field, text string) query.Query {
	terms := substringTerms(text)
	if len([]rune(text)) == 1 {
		p := bleve.NewPrefixQuery(text)
		p.SetField(field)
		return p
	}
	if len(terms) == 1 {
		t := bleve.NewTermQuery(terms[0])
		t.SetField(field)
		return t
	}
	return bleve.NewPhraseQuery(terms, field)
}

func dayBound(t time.Time) *int64 {
	n, ok := day(t)
	if !ok {
		return nil
	}
	return &n
}

func appendRange(out []query.Query, field string, lo, hi *int64) []query.Query {
	if lo == nil && hi == nil {
		return out
	}
	var min, max *float64
	if lo != nil {
		f := float64(*lo)
		min = &f
	}
	if hi != nil {
		f := float64(*hi)
		max = &f
	}
	inclusive := true
	r := bleve.NewNumericRangeInclusiveQuery(min, max, &inclusive, &inclusive)
	r.SetField(field)
	return append(out, r)
}

// sortOrder is the bleve order of a Sort: the column, then 文書管理番号 descending.
func sortOrder(s Sort) search.SortOrder {
	if s.Column == ByNumber {
		return search.SortOrder{&search.SortDocID{Desc: !s.Ascending}}
	}
	f := &search.SortField{Desc: !s.Ascending, Missing: search.SortFieldMissingLast, Type: search.SortFieldAsString}
	switch s.Column {
	case ByTitle:
		f.Field = fieldTitleKey
	case ByCounterparty:
		f.Field = fieldCounterparty
	case ByOrderSide:
		f.Field = fieldOrderSide
	case ByStatus:
		f.Field = fieldStatus
	case ByUser:
		f.Field = fieldUser
	case ByContractDate:
		f.Field, f.Type = fieldContractDate, search.SortFieldAsNumber
	case ByAmount:
		f.Field, f.Type = fieldAmount, search.SortFieldAsNumber
	case ByStorageStart:
		f.Field, f.Type = fieldStorageStart, search.SortFieldAsNumber
	case ByStorageEnd:
		f.Field, f.Type = fieldStorageEnd, search.SortFieldAsNumber
	case ByUpdated:
		f.Field, f.Type = fieldUpdated, search.SortFieldAsNumber
	default:
		f.Field = string(s.Column)
	}
	return search.SortOrder{f, &search.SortDocID{Desc: true}}
}
