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

// The list is read without a lock: searches load the slice a part publishes (an
// atomic pointer), and Apply publishes a new one. A new document's ID, the usual
// change, is appended in the spare capacity of the same array, past the end any
// reader sees; any other change copies the list first, so that no reader's slice
// ever changes under it.

// loadIDs reads the sorted 文書管理番号 of every entry of a part from its index.
func loadIDs(r index.IndexReader) ([]string, error) {
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
	return slices.Compact(ids), nil
}

// changedIDs is ids with added and removed, sharing ids' array only where its readers
// cannot see it (see above).
func changedIDs(ids, added, removed []string) []string {
	own := false // whether ids is a copy of this call's
	for _, id := range removed {
		if i, found := slices.BinarySearch(ids, id); found {
			if !own {
				ids, own = slices.Clone(ids), true
			}
			ids = slices.Delete(ids, i, i+1)
		}
	}
	for _, id := range added {
		if n := len(ids); n == 0 || ids[n-1] < id {
			ids = append(ids, id)
			continue
		}
		if i, found := slices.BinarySearch(ids, id); !found {
			if !own {
				ids, own = slices.Clone(ids), true
			}
			ids = slices.Insert(ids, i, id)
		}
	}
	return ids
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
