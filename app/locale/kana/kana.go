// Package kana normalises the Japanese text users type: half-width katakana in name
// fields is widened (not rejected), a kana field is checked to hold full-width katakana
// only, and text is folded for 部分一致 search (Fold for names, FoldPhrase for documents).
package kana

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// Katakana normalises a kana reading: NFKC widens half-width katakana and joins its
// separate sound marks (ｶﾞ → ガ), hiragana is moved to katakana, and every run of spaces
// becomes one full-width space. ok is false when anything but katakana, the long vowel
// mark and spaces remains.
func Katakana(s string) (out string, ok bool) {
	s = norm.NFKC.String(s)
	var b strings.Builder
	ok = true
	space := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case r >= 'ぁ' && r <= 'ゖ':
			r += 'ァ' - 'ぁ'
		case r == 'ー' || r == '・' || (r >= 'ァ' && r <= 'ヺ') || r == 'ヽ' || r == 'ヾ':
		default:
			ok = false
		}
		if space {
			b.WriteRune('　')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String(), ok && b.Len() > 0
}

// Text normalises free text typed into a name field: half-width katakana is widened,
// surrounding spaces dropped. Other characters are kept as typed, because company and
// person names must be stored as the user wrote them.
func Text(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		if r >= 0xFF61 && r <= 0xFF9F { // half-width katakana block
			b.WriteString(width.Widen.String(string(r)))
			continue
		}
		b.WriteRune(r)
	}
	// Widened sound marks stand apart from their kana; NFC joins them (カ + ゙ → ガ).
	return norm.NFC.String(strings.ReplaceAll(strings.ReplaceAll(b.String(), "゛", "\u3099"), "゜", "\u309A"))
}

// Fold makes a person's name comparable for 部分一致 search (自社利用者照会) the way a
// Japanese user expects: width, case and katakana/hiragana do not matter (see
// FoldPhrase), and neither do spaces (鈴木 一郎 = 鈴木一郎): the space between family and
// given name is typed half-width, full-width or not at all, and nobody searching a name
// means it. Apply it to both the stored text and what was typed.
func Fold(s string) string { return fold(s, true) }

// FoldPhrase makes free text comparable for 部分一致 search; it is the folding of the
// document search (search.Normalize), applied to the indexed text and the query alike:
//
//  1. Unicode NFKC: full-width letters, digits and symbols become their ASCII forms
//     (ＡＢＣ１２３ → ABC123, full-width space → space), half-width katakana becomes
//     full-width with its sound marks joined (ｶﾞ → ガ), compatibility characters are
//     spelled out (㈱ → (株), ① → 1);
//  2. lower case (ABC → abc, Σ → σ);
//  3. katakana to hiragana (カタカナ → かたかな, ヽヾ → ゝゞ), so a reading typed either
//     way matches;
//  4. spaces around the text dropped.
//
// Everything else stays as typed: kanji, 〇 and △, the long vowel mark ー, symbols, and
// the spaces inside the text, because in a 件名 or a 部署名 they separate words the
// sender wrote apart. The search index's terms are made from this output: a change here
// needs a new search.MappingVersion.
func FoldPhrase(s string) string { return fold(s, false) }

// fold is Fold and FoldPhrase; dropSpaces is the only difference between them.
func fold(s string, dropSpaces bool) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if dropSpaces && unicode.IsSpace(r) {
			continue
		}
		r = unicode.ToLower(r)
		if r >= 'ァ' && r <= 'ヶ' || r == 'ヽ' || r == 'ヾ' {
			r -= 'ァ' - 'ぁ'
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}
