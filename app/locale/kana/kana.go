// Package kana normalises the Japanese name fields users type: half-width katakana is
// widened (not rejected), and a kana field is checked to hold full-width katakana only.
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

// Fold makes text comparable for 部分一致 search the way a Japanese user expects: width
// (NFKC: ｶﾅ = カナ, Ａ = A), case, katakana and hiragana (カナ = かな) and spaces (鈴木 一郎 =
// 鈴木一郎) do not matter. Apply it to both the stored text and what was typed.
func Fold(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			continue
		case r >= 'ァ' && r <= 'ヶ':
			r -= 'ァ' - 'ぁ'
		default:
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
