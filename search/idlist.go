package search

import (
	"fmt"
	"slices"
	"strings"

	index "github.com/blevesearch/bleve_index_api"
)

// A company with indexes of its own opens the screens on the empty form: every
// document of a part, newest first, and their number. Asking bleve visits every
// entry to count and order them, 100,000 for the largest company. Each such part
// keeps instead the sorted list of its 文書管理番号 in memory (about 30 bytes each),
// read from the index when first needed and kept up by Apply, so that the empty form
// is a slice of it.

// idList is the sorted 文書管理番号 of a part's entries. Callers hold shard.mu.
type idList struct{ ids []string }

// loadIDs reads the 文書管理番号 of every entry of a part from its index.
func loadIDs(r index.IndexReader) (*idList, error) {
	all, err := r.DocIDReaderAll()
	if err != nil {
		return nil, err
	}
	defer all.Close()
	n, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, n)
	for {
		internal, err := all.Next()
		if err != nil {
			return nil, err
		}
		if internal == nil {
			break
		}
		ext, err := r.ExternalID(internal)
		if err != nil {
			return nil, fmt.Errorf("document of entry %x: %w", internal, err)
		}
		id, _, _ := strings.Cut(ext, "/")
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return &idList{ids: slices.Compact(ids)}, nil
}

// add inserts an ID; new documents come last, where appending is cheap.
func (l *idList) add(id string) {
	if n := len(l.ids); n == 0 || l.ids[n-1] < id {
		l.ids = append(l.ids, id)
		return
	}
	if i, found := slices.BinarySearch(l.ids, id); !found {
		l.ids = slices.Insert(l.ids, i, id)
	}
}

func (l *idList) remove(id string) {
	if i, found := slices.BinarySearch(l.ids, id); found {
		l.ids = slices.Delete(l.ids, i, i+1)
	}
}

// pageOf is the page offset–offset+limit of the union of lists (which share no ID),
// in descending order, or ascending, and the size of the union.
func pageOf(lists [][]string, offset, limit int, ascending bool) ([]string, int) {
	total := 0
	for _, l := range lists {
		total += len(l)
	}
	// One cursor per list, at its next ID in the order: the lists' ends for a
	// descending page, their starts for an ascending one.
	next := make([]int, len(lists))
	if !ascending {
		for i, l := range lists {
			next[i] = len(l) - 1
		}
	}
	out := make([]string, 0, max(0, min(limit, total-offset)))
	for n := 0; n < offset+limit; n++ {
		best := -1
		for i, l := range lists {
			if next[i] < 0 || next[i] >= len(l) {
				continue
			}
			if best < 0 || ascending == (l[next[i]] < lists[best][next[best]]) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		if n >= offset {
			out = append(out, lists[best][next[best]])
		}
		if ascending {
			next[best]++
		} else {
			next[best]--
		}
	}
	return out, total
}
