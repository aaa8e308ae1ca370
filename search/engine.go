package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"inkan/data"
)

// Engine keeps the index in step with the store. Every document change commits to the
// store first, with a durable "to index" mark in the same transaction (data.Tenant's
// document writes do this); the engine then applies the marked documents to the index
// and only afterwards clears their marks. A crash in between leaves the mark, and the
// next Open applies it: nothing is lost.
//
// The index directory holds index sets, each built for one MappingVersion, and a file
// "current" naming the one in service. When the program's MappingVersion differs from
// the current set's, Run builds a new set from the store in the background while the
// old one keeps answering, then switches.
type Engine struct {
	store *data.Store
	root  string
	log   *slog.Logger
	turn  TurnFunc

	// writeMu makes reading marked documents and writing them to the index one step,
	// so that the index never receives an older state after a newer one.
	writeMu sync.Mutex

	mu       sync.RWMutex
	serving  *Index // nil until a first build finishes
	building *Index // the set under construction, if any
	stale    bool   // serving was built for another MappingVersion
	// searching is what Search reads of the three, published under mu whenever one
	// changes (publish): a lock that every search took, two clients at once shared.
	searching atomic.Pointer[searchable]

	wake chan struct{}
}

// DirName is the index directory inside the data directory.
const DirName = "search"

const currentFile = "current"

// markPage is how many marked documents are read and applied at a time.
const markPage = 1000

// Open opens the index in root for the store and applies every marked document. When
// the index is missing or of another MappingVersion, Run rebuilds it.
func Open(store *data.Store, root string, log *slog.Logger, turn TurnFunc) (*Engine, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("search: create %s: %w", root, err)
	}
	e := &Engine{store: store, root: root, log: log, turn: turn, wake: make(chan struct{}, 1)}
	name, err := os.ReadFile(filepath.Join(root, currentFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("search: %w", err)
	}
	if err := e.removeLeftovers(string(name)); err != nil {
		return nil, err
	}
	if len(name) > 0 {
		ix, err := OpenIndex(filepath.Join(root, string(name)))
		if err != nil {
			log.Warn("search index unreadable: rebuilding", "err", err)
		} else {
			e.serving, e.stale = ix, ix.Layout().MappingVersion != MappingVersion
			e.publish()
		}
	}
	if e.serving != nil && !e.stale {
		if err := e.Sync(); err != nil {
			e.Close()
			return nil, err
		}
	}
	return e, nil
}

// removeLeftovers deletes index sets other than the current one: rebuilds that a crash
// interrupted.
func (e *Engine) removeLeftovers(current string) error {
	entries, err := os.ReadDir(e.root)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	for _, de := range entries {
		if de.IsDir() && de.Name() != current {
			if err := os.RemoveAll(filepath.Join(e.root, de.Name())); err != nil {
				return fmt.Errorf("search: remove unfinished index %s: %w", de.Name(), err)
			}
		}
	}
	return nil
}

// NeedsRebuild reports whether the index is missing or of another MappingVersion.
func (e *Engine) NeedsRebuild() bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.serving == nil || e.stale
}

// Close closes the index sets. Marks left behind are applied at the next Open.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var errs []error
	for _, ix := range []*Index{e.serving, e.building} {
		if ix != nil {
			errs = append(errs, ix.Close())
		}
	}
	e.serving, e.building = nil, nil
	e.publish()
	return errors.Join(errs...)
}

// searchable is the index set that answers searches, and whether its results may
// miss documents.
type searchable struct {
	ix      *Index
	partial bool
}

// publish makes the current sets what Search reads; callers hold mu.
func (e *Engine) publish() {
	// A set of another mapping version still answers, but with this version's query
	// translation: its results may miss documents until the rebuild replaces it.
	s := &searchable{ix: e.serving, partial: e.stale}
	if s.ix == nil {
		s.ix, s.partial = e.building, true
	}
	e.searching.Store(s)
}

// Search runs a query in one company's documents (see Index.Search).
func (e *Engine) Search(ctx context.Context, company string, q Query) (Result, error) {
	var ix *Index
	partial := true
	if s := e.searching.Load(); s != nil {
		ix, partial = s.ix, s.partial
	}
	if ix == nil {
		return Result{Partial: true}, nil
	}
	if q.Sort.sortsByName() && q.Sort.Names == nil {
		names, err := e.partnerNames(company)
		if err != nil {
			return Result{}, err
		}
		q.Sort.Names = names
	}
	res, err := ix.Search(ctx, company, q)
	res.Partial = partial
	return res, err
}

// partnerNames are the names of the companies a company has documents with, by 企業ID.
func (e *Engine) partnerNames(company string) (map[string]string, error) {
	names := map[string]string{}
	err := e.store.View(func(tx *data.Tx) error {
		for _, id := range tx.Tenant(company).Partners() {
			c, err := tx.Company(id)
			if err != nil && !errors.Is(err, data.ErrNotFound) {
				return err
			}
			names[id] = c.Name
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search: names of the partners of %s: %w", company, err)
	}
	return names, nil
}

// Update commits fn to the store, then brings the index up to date, so that the
// writer's next search sees the change. A failure to index after the commit is logged,
// not returned: the change is safe in the store and its mark is applied later.
func (e *Engine) Update(fn func(tx *data.Tx) error) error {
	if err := e.store.Update(fn); err != nil {
		return err
	}
	if err := e.Sync(); err != nil {
		e.log.Error("search: index after commit; will retry", "err", err)
		e.Notify()
	}
	return nil
}

// Notify asks Run to apply marked documents soon.
func (e *Engine) Notify() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Sync applies every marked document to the index and clears the marks. While a
// rebuild runs it applies one page to the serving set and leaves the marks, which the
// rebuild applies to the new set when it finishes.
func (e *Engine) Sync() error {
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	for {
		e.mu.RLock()
		serving, building := e.serving, e.building
		e.mu.RUnlock()
		if serving == nil {
			return nil
		}
		n, err := e.applyMarks(serving, building == nil)
		if err != nil || n < markPage || building != nil {
			return err
		}
	}
}

// applyMarks applies one page of marked documents to ix, and clears their marks when
// clear is set. Callers hold writeMu.
func (e *Engine) applyMarks(ix *Index, clear bool) (int, error) {
	var marks []data.IndexMark
	var puts []Entry
	var deletes []Key
	err := e.store.View(func(tx *data.Tx) error {
		var err error
		if marks, err = tx.IndexMarks(markPage); err != nil {
			return err
		}
		for _, m := range marks {
			d, err := tx.DocumentForIndex(m.DocumentID)
			if err != nil && !errors.Is(err, data.ErrNotFound) {
				return err
			}
			var entries []Entry
			if err == nil {
				entries = Entries(d, e.turn)
			}
			puts = append(puts, entries...)
			for _, c := range m.Companies {
				if !hasCompany(entries, c) {
					deletes = append(deletes, Key{Company: c, ID: m.DocumentID})
				}
			}
		}
		return nil
	})
	if err != nil || len(marks) == 0 {
		return 0, err
	}
	if err := ix.Apply(puts, deletes); err != nil {
		return 0, err
	}
	if !clear {
		return len(marks), nil
	}
	err = e.store.Update(func(tx *data.Tx) error {
		for _, m := range marks {
			if err := tx.ClearIndexMark(m.DocumentID, m.Seq); err != nil {
				return err
			}
		}
		return nil
	})
	return len(marks), err
}

func hasCompany(entries []Entry, company string) bool {
	for _, e := range entries {
		if e.Company == company {
			return true
		}
	}
	return false
}

// Run keeps the index in step until ctx ends: it rebuilds first when needed, then
// applies marks whenever notified and every few seconds (so a change whose writer did
// not notify waits at most that long).
func (e *Engine) Run(ctx context.Context) {
	if e.NeedsRebuild() {
		if err := e.Rebuild(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("search: rebuild", "err", err)
		}
	}
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-e.wake:
		case <-tick.C:
		}
		if err := e.Sync(); err != nil {
			e.log.Error("search: apply marked documents", "err", err)
		}
	}
}

// RebuildStats describes a finished rebuild.
type RebuildStats struct {
	Documents int // documents in the store
	Entries   int // index entries written (a document has one per party that sees it)
	Elapsed   time.Duration
	Layout    Layout
}

// Rebuild builds a new index set from the store while the current one keeps serving,
// then puts it in service. Companies with at least DedicatedThreshold documents get
// indexes of their own.
func (e *Engine) Rebuild(ctx context.Context) error {
	_, err := e.RebuildStats(ctx, nil)
	return err
}

// RebuildStats is Rebuild reporting its figures, and its progress (entries so far) to
// progress when not nil.
func (e *Engine) RebuildStats(ctx context.Context, progress func(entries int)) (RebuildStats, error) {
	start := time.Now()
	defer tuneGC()()
	var st RebuildStats
	counts, err := e.documentCounts()
	if err != nil {
		return st, err
	}
	for c, n := range counts {
		if n >= DedicatedThreshold {
			st.Layout.Dedicated = append(st.Layout.Dedicated, c)
		}
	}
	name := fmt.Sprintf("v%d-%d", MappingVersion, start.UnixNano())
	ix, err := CreateIndex(filepath.Join(e.root, name), st.Layout)
	if err != nil {
		return st, err
	}
	st.Layout = ix.Layout()
	// From here on Sync leaves marks for this rebuild; since is the last mark it may
	// have cleared.
	var since uint64
	e.writeMu.Lock()
	e.store.View(func(tx *data.Tx) error { since = tx.LastIndexMark(); return nil })
	e.mu.Lock()
	e.building = ix
	e.publish()
	e.mu.Unlock()
	e.writeMu.Unlock()
	abandon := func(err error) (RebuildStats, error) {
		e.mu.Lock()
		e.building = nil
		e.publish()
		e.mu.Unlock()
		ix.Close()
		os.RemoveAll(ix.Dir())
		return st, err
	}
	if st.Entries, st.Documents, err = e.load(ctx, ix, counts, progress); err != nil {
		return abandon(err)
	}
	// Every document was read after the marks up to since were made: those are done.
	// Later ones are applied now, last, so that they win over what the load read.
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	if err := e.store.Update(func(tx *data.Tx) error { _, err := tx.ClearIndexMarksUpTo(since); return err }); err != nil {
		return abandon(err)
	}
	for {
		n, err := e.applyMarks(ix, true)
		if err != nil {
			return abandon(err)
		}
		if n < markPage {
			break
		}
	}
	if err := writeFileSync(filepath.Join(e.root, currentFile), []byte(name)); err != nil {
		return abandon(fmt.Errorf("search: switch to the new index: %w", err))
	}
	e.mu.Lock()
	old := e.serving
	e.serving, e.building, e.stale = ix, nil, false
	e.publish()
	e.mu.Unlock()
	if old != nil {
		if err := old.Close(); err != nil {
			e.log.Warn("search: close the old index", "err", err)
		}
		if err := os.RemoveAll(old.Dir()); err != nil {
			e.log.Warn("search: remove the old index", "err", err)
		}
	}
	st.Elapsed = time.Since(start)
	e.log.Info("search index rebuilt", "documents", st.Documents, "entries", st.Entries, "elapsed", st.Elapsed.Round(time.Millisecond), "dedicated", strings.Join(st.Layout.Dedicated, ","))
	return st, nil
}

func (e *Engine) documentCounts() (counts map[string]int, err error) {
	err = e.store.Scan(func(tx *data.Tx) error {
		counts, err = tx.DocumentCountsByCompany()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("search: count documents: %w", err)
	}
	return counts, nil
}

// rebuildMemoryLimit is the Go runtime's soft memory limit during a rebuild, unless
// the operator set one (GOMEMLIMIT). The rebuild's live heap is small (entries waiting
// for a full batch, and the two batches being written), but it allocates fast; the
// limit, with rebuildGCPercent, lets the heap grow between collections instead of
// collecting every few megabytes, while keeping the process (with the mapped pages of
// the segments being merged) under 1 GiB.
const rebuildMemoryLimit = 640 << 20

// rebuildGCPercent is GOGC during a rebuild, unless the operator set GOGC.
const rebuildGCPercent = 800

// tuneGC sets rebuildMemoryLimit and rebuildGCPercent where the operator set nothing,
// and returns the function that restores the previous settings.
func tuneGC() func() {
	restore := []func(){}
	if prev := debug.SetMemoryLimit(-1); prev == math.MaxInt64 {
		debug.SetMemoryLimit(rebuildMemoryLimit)
		restore = append(restore, func() { debug.SetMemoryLimit(prev) })
	}
	if os.Getenv("GOGC") == "" {
		prev := debug.SetGCPercent(rebuildGCPercent)
		restore = append(restore, func() { debug.SetGCPercent(prev) })
	}
	return func() {
		for _, f := range restore {
			f()
		}
	}
}

// loadPage is how many documents a rebuild reads per transaction.
const loadPage = 2000

// loadWorkers is how many goroutines write index parts at once.
const loadWorkers = 2

// load writes every document's entries into ix in one pass over the store in key
// order: each document is read and decoded once, and the store's pages are read
// front to back (in short transactions, see Scan) instead of once per party in
// company order. Every home (the indexes of a dedicated company, or a group's) belongs
// to one writer, so that a builder is only ever written by one goroutine and a writer
// never waits for another's segment; homes go to writers by their expected entries
// (counts). A company that appeared after the counts lands in its group. It returns the
// entries written and the documents read.
func (e *Engine) load(ctx context.Context, ix *Index, counts map[string]int, progress func(int)) (entries, documents int, err error) {
	writerOf := assignHomes(ix, counts, loadWorkers)
	queues := make([]chan []Entry, loadWorkers)
	for i := range queues {
		queues[i] = make(chan []Entry, 4)
	}
	l := ix.NewLoader()
	var wg sync.WaitGroup
	errs := make([]error, loadWorkers+1)
	for i := range loadWorkers {
		wg.Go(func() {
			for page := range queues[i] {
				for _, en := range page {
					if errs[i] == nil {
						errs[i] = l.Add(en)
					}
				}
			}
		})
	}
	// Entries wait here, by part, until a builder's batch is full: the builder then
	// writes them as a segment at once and keeps nothing, so what waits is entries,
	// not their far larger documents.
	pending := map[string][]Entry{}
	send := func(key string) {
		home := filepath.Dir(key)
		queues[writerOf[home]] <- pending[key]
		delete(pending, key)
	}
	errs[loadWorkers] = e.readEntries(ctx, func(page []Entry, docs int) error {
		for _, en := range page {
			key := ix.partKey(en)
			pending[key] = append(pending[key], en)
			if len(pending[key]) == builderBatch {
				send(key)
			}
		}
		entries += len(page)
		documents += docs
		if progress != nil {
			progress(entries)
		}
		return nil
	})
	for key := range pending {
		send(key)
	}
	for _, q := range queues {
		close(q)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		l.Close()
		return entries, documents, err
	}
	return entries, documents, l.Close()
}

// readEntries reads every document of the store in key order, loadPage per read
// transaction, and hands each page's entries to fn with the number of documents.
func (e *Engine) readEntries(ctx context.Context, fn func(page []Entry, docs int) error) error {
	after := ""
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var page []Entry
		var docs []data.Document
		err := e.store.Scan(func(tx *data.Tx) error {
			var err error
			docs, err = tx.DocumentsAfter(after, loadPage)
			return err
		})
		if err != nil {
			return fmt.Errorf("search: read documents after %q: %w", after, err)
		}
		if len(docs) == 0 {
			return nil
		}
		for _, d := range docs {
			page = append(page, Entries(d, e.turn)...)
		}
		after = docs[len(docs)-1].ID
		if err := fn(page, len(docs)); err != nil {
			return err
		}
	}
}

// assignHomes spreads the homes of the counted companies over n writers, the largest
// first to the least loaded, and returns each home's writer; a home not counted (a
// company that appeared since) is writer 0's.
func assignHomes(ix *Index, counts map[string]int, n int) map[string]int {
	sizes := map[string]int{}
	for c, k := range counts {
		h, _ := ix.home(c)
		sizes[h] += k
	}
	homes := slices.SortedFunc(maps.Keys(sizes), func(a, b string) int {
		if sizes[a] != sizes[b] {
			return sizes[b] - sizes[a]
		}
		return strings.Compare(a, b)
	})
	load := make([]int, n)
	out := make(map[string]int, len(homes))
	for _, h := range homes {
		w := slices.Index(load, slices.Min(load))
		out[h] = w
		load[w] += sizes[h]
	}
	return out
}
