package search

import "inkan/app/locale/kana"

// Normalize is the one folding applied to every searchable text, on the document side
// and on the query side alike, before substring matching. It is kana.FoldPhrase (width,
// case and katakana/hiragana folded, inner spaces kept), which says why; the index's
// terms are made from it, so a change to it needs a new MappingVersion.
func Normalize(s string) string { return kana.FoldPhrase(s) }
