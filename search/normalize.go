package search

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Normalize is the one folding applied to every searchable text, on the document side
// and on the query side alike, before substring matching:
//
//  1. Unicode NFKC: full-width letters, digits and symbols become their ASCII forms
//     (ＡＢＣ１２３ → ABC123, full-width space → space), half-width katakana becomes
//     full-width with its sound marks joined (ｶﾞ → ガ), compatibility characters are
//     spelled out (㈱ → (株), ① → 1);
//  2. lower case (ABC → abc, Σ → σ);
//  3. katakana to hiragana (カタカナ → かたかな), so a reading typed either way matches;
//  4. spaces around the text dropped.
//
// Everything else stays as typed: kanji, 〇 and △, the long vowel mark ー, symbols.
func Normalize(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		switch {
		case r >= 'ァ' && r <= 'ヶ', r == 'ヽ', r == 'ヾ':
			r -= 'ァ' - 'ぁ'
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}
