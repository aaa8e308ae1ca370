package search

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Index is the set of bleve indexes in one directory. Large companies (chosen when the
// index is built, see Layout) have indexes of their own; the others share one of a few
// group indexes and are told apart by a company term. Every index is split in two
// parts: documents not yet in long-term storage and those in it. A query then reads the
// postings of one screen of one company, or of a small share of the installation, and
// the empty form of a large company is answered from document counts.
type Index struct {
	dir    string
	layout Layout

	mu sync.Mutex // opening and closing parts
	// shards are the open parts by path below dir, a sync.Map because every search
	// looks its parts up, and a lock they all took two clients at once shared.
	shards sync.Map

	columns *columnCache // of every part's segments (see columns.go)
}

// Layout is how companies are spread over indexes; it is fixed when an index set is
// built and kept in its directory.
type Layout struct {
	MappingVersion int      `json:"mapping_version"`
	Groups         int      `json:"groups"`    // group indexes shared by the other companies
	Dedicated      []string `json:"dedicated"` // companies with indexes of their own
	dedicated      map[string]bool
}

// DedicatedThreshold is the number of entries from which a company gets indexes of its
// own at the next build.
const DedicatedThreshold = 20000

// DefaultGroups is the number of group indexes of a new index set.
const DefaultGroups = 8

const layoutFile = "layout.json"

type shard struct {
	idx       bleve.Index
	dedicated bool
	mu        sync.Mutex // loading and changing ids
	// ids are the sorted IDs of a dedicated part, nil until first needed (idlist.go).
	ids atomic.Pointer[[]string]
}

const (
	partActive   = "active"
	partLongTerm = "stored"
)

// CreateIndex starts an empty index set in dir (which must not hold one) with the
// given layout.
func CreateIndex(dir string, layout Layout) (*Index, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("search: create %s: %w", dir, err)
	}
	layout.MappingVersion = MappingVersion
	if layout.Groups <= 0 {
		layout.Groups = DefaultGroups
	}
	raw, err := json.Marshal(layout)
	if err != nil {
		return nil, err
	}
	if err := writeFileSync(filepath.Join(dir, layoutFile), raw); err != nil {
		return nil, fmt.Errorf("search: write layout: %w", err)
	}
	return OpenIndex(dir)
}

// OpenIndex opens the index set in dir. Its indexes are opened when first used.
func OpenIndex(dir string) (*Index, error) {
	raw, err := os.ReadFile(filepath.Join(dir, layoutFile))
	if err != nil {
		return nil, fmt.Errorf("search: open %s: %w", dir, err)
	}
	var l Layout
	if err := json.Unmarshal(raw, &l); err != nil {
		return nil, fmt.Errorf("search: layout of %s: %w", dir, err)
	}
	l.dedicated = map[string]bool{}
	for _, c := range l.Dedicated {
		l.dedicated[c] = true
	}
	return &Index{dir: dir, layout: l, columns: newColumnCache()}, nil
}

// Layout is the index set's layout.
func (ix *Index) Layout() Layout { return ix.layout }

// Dir is the directory of the index set.
func (ix *Index) Dir() string { return ix.dir }

// Close closes every open index.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var errs []error
	for k, v := range ix.shards.Range {
		if err := v.(*shard).idx.Close(); err != nil {
			errs = append(errs, fmt.Errorf("search: close %s: %w", k, err))
		}
		ix.shards.Delete(k)
	}
	return errors.Join(errs...)
}

func part(longTerm bool) string {
	if longTerm {
		return partLongTerm
	}
	return partActive
}

// home is the directory below dir of a company's indexes.
func (ix *Index) home(company string) (string, bool) {
	if ix.layout.dedicated[company] {
		return filepath.Join("company", company), true
	}
	h := fnv.New32a()
	h.Write([]byte(company))
	return filepath.Join("group", fmt.Sprintf("%02d", h.Sum32()%uint32(ix.layout.Groups))), false
}

// shard returns the index holding a part of a company, opening it; with create false
// one that was never written is nil.
func (ix *Index) shard(company, part string, create bool) (*shard, error) {
	if !validCompany(company) {
		return nil, fmt.Errorf("search: invalid company %q", company)
	}
	home, dedicated := ix.home(company)
	key := filepath.Join(home, part)
	if s, ok := ix.shards.Load(key); ok {
		return s.(*shard), nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if s, ok := ix.shards.Load(key); ok {
		return s.(*shard), nil
	}
	path := filepath.Join(ix.dir, key)
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
	s := &shard{idx: idx, dedicated: dedicated}
	ix.shards.Store(key, s)
	return s, nil
}

func writeFileSync(path string, raw []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(raw); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
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

// docKey is an entry's ID in bleve: a document has an entry per party, and both may
// share a group index. Within one company the keys sort as the 文書管理番号 do.
func docKey(company, id string) string { return id + "/" + company }

// Key names one entry: a document in one company's index.
type Key struct{ Company, ID string }

// Apply brings the index in line with changed documents: puts are the entries as they
// are now, deletes the entries that no longer exist. An entry moving into long-term
// storage leaves the other part. Apply returns once the change is on disk.
func (ix *Index) Apply(puts []Entry, deletes []Key) error {
	batches := map[*shard]*bleve.Batch{}
	added, removed := map[*shard][]string{}, map[*shard][]string{}
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
		if err := batch(s).IndexAdvanced(entryDocument(e)); err != nil {
			return fmt.Errorf("search: index %s/%s: %w", e.Company, e.ID, err)
		}
		added[s] = append(added[s], e.ID)
		other, err := ix.shard(e.Company, part(!e.LongTerm), false)
		if err != nil {
			return err
		}
		if other != nil {
			batch(other).Delete(docKey(e.Company, e.ID))
			removed[other] = append(removed[other], e.ID)
		}
	}
	for _, k := range deletes {
		for _, p := range []string{partActive, partLongTerm} {
			s, err := ix.shard(k.Company, p, false)
			if err != nil {
				return err
			}
			if s != nil {
				batch(s).Delete(docKey(k.Company, k.ID))
				removed[s] = append(removed[s], k.ID)
			}
		}
	}
	for s, b := range batches {
		if err := s.idx.Batch(b); err != nil {
			return fmt.Errorf("search: write batch: %w", err)
		}
		s.updateIDs(added[s], removed[s])
	}
	return nil
}

// updateIDs brings the part's ID list, if it has one, in line with a written batch.
func (s *shard) updateIDs(added, removed []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.ids.Load(); p != nil {
		ids := changedIDs(*p, added, removed)
		s.ids.Store(&ids)
	}
}

// idList is the part's sorted ID list, loaded first when needed; callers must not
// change it.
func (s *shard) idList() ([]string, error) {
	if p := s.ids.Load(); p != nil {
		return *p, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.ids.Load(); p != nil {
		return *p, nil
	}
	r, err := s.idx.Advanced()
	if err != nil {
		return nil, err
	}
	reader, err := r.Reader()
	if err != nil {
		return nil, err
	}
	defer reader.Close()
	ids, err := loadIDs(reader)
	if err != nil {
		return nil, err
	}
	s.ids.Store(&ids)
	return ids, nil
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
	conds, checks, ranges := conditions(company, q)
	if parts[0].dedicated {
		if len(conds) == 0 && len(ranges) == 0 && q.Sort.Column == ByNumber {
			return emptyForm(parts, q)
		}
	} else if q.Side == "" {
		// With a side, its term names the company already (see keyParty).
		p := bleve.NewPrefixQuery(keyParty.prefix + company + "/")
		p.SetField(keyParty.field)
		conds = append([]query.Query{p}, conds...)
	}
	var qq query.Query = bleve.NewMatchAllQuery()
	if len(conds) > 0 {
		qq = bleve.NewConjunctionQuery(conds...)
	}
	if len(ranges)+len(checks) > 0 {
		qq = checkedQuery{query: qq, ranges: ranges, texts: checks, cache: ix.columns}
	}
	// Checks and sorts by a column read the segments' columns into the cache.
	defer ix.pruneColumns()
	return collect(ctx, parts, qq, q, ix.columns)
}

// pruneColumns drops the columns of segments that merges replaced, once many are kept.
func (ix *Index) pruneColumns() {
	if ix.columns.size() <= maxCachedSegments {
		return
	}
	live := map[segment.Segment]bool{}
	for _, v := range ix.shards.Range {
		adv, err := v.(*shard).idx.Advanced()
		if err != nil {
			continue
		}
		r, err := adv.Reader()
		if err != nil {
			continue
		}
		if snap, ok := r.(*scorch.IndexSnapshot); ok {
			for _, seg := range snap.Segments() {
				live[seg.Segment()] = true
			}
		}
		r.Close()
	}
	ix.columns.keep(live)
}

// emptyForm answers a query without conditions in 文書管理番号 order from the parts'
// ID lists (see idlist.go), without visiting every entry.
func emptyForm(parts []*shard, q Query) (Result, error) {
	lists := make([][]string, 0, len(parts))
	for _, p := range parts {
		ids, err := p.idList()
		if err != nil {
			return Result{}, fmt.Errorf("search: list of documents: %w", err)
		}
		lists = append(lists, ids)
	}
	var res Result
	res.IDs, res.Total = pageOf(lists, q.Offset, q.Limit, q.Sort.Ascending)
	return res, nil
}

// builderBatch is the number of entries per segment that a Loader's builders write
// before merging them all once at the end. Measured at 1,000,000 documents, 1,000 to
// 3,000 cost the least CPU: a segment's working set then stays in the processor's
// caches, and entries waiting for a full batch stay few; 5,000 cost 10% more and
// 10,000 twice the memory.
const builderBatch = 2000

// builderMergeMax is how many segments a builder merges at once when it closes: all
// of them, so that every entry is merged once rather than once per round of ten.
const builderMergeMax = 1000

// Loader writes many entries into parts of an index set that are not open yet, as a
// rebuild does, with bleve's offline builder: each part is written as segments and
// merged once when the loader closes, instead of going through a live index's batches,
// persister and merger. Add may be called from several goroutines at once; entries of
// different parts are then analysed in parallel. Every entry must be added once, and
// the parts are opened (for searches and Apply) only after Close.
type Loader struct {
	ix       *Index
	mu       sync.Mutex
	builders map[string]bleve.Builder // by path below dir
	added    map[string]int           // entries added, by path below dir
}

// NewLoader starts a loader; Close it to finish the parts and learn the outcome.
func (ix *Index) NewLoader() *Loader {
	return &Loader{ix: ix, builders: map[string]bleve.Builder{}, added: map[string]int{}}
}

// partKey names the part of the index set that holds an entry: its path below dir.
func (ix *Index) partKey(e Entry) string {
	home, _ := ix.home(e.Company)
	return filepath.Join(home, part(e.LongTerm))
}

func (l *Loader) builder(e Entry) (bleve.Builder, error) {
	if !validCompany(e.Company) {
		return nil, fmt.Errorf("search: invalid company %q", e.Company)
	}
	key := l.ix.partKey(e)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.added[key]++
	if b := l.builders[key]; b != nil {
		return b, nil
	}
	path := filepath.Join(l.ix.dir, key)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("search: create %s: %w", path, err)
	}
	// The builder's scratch segments stay inside the index set, so that they are on
	// its file system and go with it when an unfinished rebuild is removed.
	b, err := bleve.NewBuilder(path, entryMapping{indexMapping()}, map[string]any{
		"batchSize":       builderBatch,
		"mergeMax":        builderMergeMax,
		"buildPathPrefix": l.ix.dir,
	})
	if err != nil {
		return nil, fmt.Errorf("search: build %s: %w", path, err)
	}
	l.builders[key] = b
	return b, nil
}

// Add writes an entry.
func (l *Loader) Add(e Entry) error {
	b, err := l.builder(e)
	if err != nil {
		return err
	}
	if err := b.Index(docKey(e.Company, e.ID), e); err != nil {
		return fmt.Errorf("search: index %s/%s: %w", e.Company, e.ID, err)
	}
	return nil
}

// Close merges and finishes every part, two at a time.
func (l *Loader) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var errs []error
	sem := make(chan struct{}, 2)
	// The largest first, so that the last merges running alone are short ones.
	keys := slices.SortedFunc(maps.Keys(l.builders), func(a, b string) int { return cmp.Compare(l.added[b], l.added[a]) })
	for _, key := range keys {
		b := l.builders[key]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := b.Close(); err != nil {
				errMu.Lock()
				errs = append(errs, fmt.Errorf("search: finish %s: %w", key, err))
				errMu.Unlock()
			}
		}()
	}
	wg.Wait()
	clear(l.builders)
	clear(l.added)
	return errors.Join(errs...)
}
