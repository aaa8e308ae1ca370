package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestChangedIDs(t *testing.T) {
	tests := []struct {
		ids, added, removed, want []string
	}{
		{[]string{"1", "3"}, []string{"4"}, nil, []string{"1", "3", "4"}},
		{[]string{"1", "3"}, []string{"2"}, nil, []string{"1", "2", "3"}},
		{[]string{"1", "3"}, []string{"3"}, nil, []string{"1", "3"}},
		{[]string{"1", "3"}, nil, []string{"3", "9"}, []string{"1"}},
		{nil, []string{"5", "2"}, nil, []string{"2", "5"}},
	}
	for _, tt := range tests {
		before := slices.Clone(tt.ids)
		if got := changedIDs(tt.ids, tt.added, tt.removed); !slices.Equal(got, tt.want) {
			t.Errorf("changedIDs(%v, +%v, -%v) = %v, want %v", tt.ids, tt.added, tt.removed, got, tt.want)
		}
		if !slices.Equal(tt.ids, before) {
			t.Errorf("changedIDs changed its input %v to %v", before, tt.ids)
		}
	}
}

// The empty form reads the ID list while Apply changes it: every page it answers is
// one the list had at some moment (run with -race).
func TestEmptyFormWhileApplying(t *testing.T) {
	ix, err := CreateIndex(t.TempDir(), Layout{Groups: 1, Dedicated: []string{"C000001"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	entry := func(n int, stored bool) Entry {
		return Entry{Company: "C000001", ID: fmt.Sprintf("%010d", n), Side: Sent, Title: "工事", LongTerm: stored}
	}
	if err := ix.Apply([]Entry{entry(1, false)}, nil); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	wg.Go(func() {
		for n := 2; n <= 200; n++ {
			// New documents at the end, and older ones moving into long-term storage.
			if err := ix.Apply([]Entry{entry(n, false), entry(n/2, true)}, nil); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for range 300 {
		res, err := ix.Search(ctx, "C000001", Query{Storage: Active, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.IsSortedFunc(res.IDs, func(a, b string) int { return strings.Compare(b, a) }) || len(res.IDs) > 20 {
			t.Fatalf("page %v", res.IDs)
		}
	}
	wg.Wait()
	res, err := ix.Search(ctx, "C000001", Query{Storage: Active, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 100 || res.IDs[0] != fmt.Sprintf("%010d", 200) || res.IDs[99] != fmt.Sprintf("%010d", 101) {
		t.Errorf("after the changes: %d documents, %v … %v", res.Total, res.IDs[0], res.IDs[len(res.IDs)-1])
	}
}
