package search

import (
	"context"
	"slices"
	"testing"
)

// TestSubstringNeedsTheWholeText covers what the pairs alone cannot tell: a text whose
// pairs all occur, but apart, is not a match. The random oracle rarely builds such
// texts, so they are spelled out here, for each substring field.
func TestSubstringNeedsTheWholeText(t *testing.T) {
	ix, err := CreateIndex(t.TempDir(), Layout{Groups: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	texts := map[string]string{
		"0000000001": "ビル改修ル改修", // ビル, ル改, 改修 all occur
		"0000000002": "改修ビル",
		"0000000003": "〇〇",
		"0000000004": "〇〇〇",
		"0000000005": "ａｂ-ｂｃ", // ab and bc, apart
		"0000000006": "ABC棟",
		"0000000007": "第1\n第2 (a.b)*",
	}
	var entries []Entry
	for id, text := range texts {
		entries = append(entries, Entry{Company: "C1", ID: id, Side: Sent, Title: text, GroupTag: text, Dept: text})
	}
	if err := ix.Apply(entries, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"ビル改修", []string{"0000000001"}},
		{"ル改修", []string{"0000000001"}},
		{"改修ビ", []string{"0000000002"}},
		{"〇〇〇", []string{"0000000004"}},
		{"〇〇", []string{"0000000004", "0000000003"}},
		{"abc", []string{"0000000006"}},
		{"b-b", []string{"0000000005"}},
		{"修ル改修", []string{"0000000001"}},
		{"改修改修", nil},
		{"1\n第", []string{"0000000007"}},
		{"2 (a.b)*", []string{"0000000007"}},
		{"(a.b)", []string{"0000000007"}},
		{"a.c", nil},
	}
	for _, tt := range tests {
		for name, q := range map[string]Query{
			"title": {Title: tt.text},
			"tag":   {GroupTag: tt.text},
			"dept":  {Dept: tt.text},
		} {
			res, err := ix.Search(context.Background(), "C1", q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.IDs, tt.want) || res.Total != len(tt.want) {
				t.Errorf("%s %q: got %v (total %d), want %v", name, tt.text, res.IDs, res.Total, tt.want)
			}
		}
	}
}
