package search

import (
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// bigrams is the analyzer of the substring fields. It emits every pair of adjacent
// characters at consecutive positions and the last character alone after them:
// "工事契約" → 工事@1 事契@2 契約@3 約@4. Every substring then has an exact query:
// one character is a prefix of some token, two characters are a token, and three or
// more are the phrase of their pairs at consecutive positions. The input is already
// normalised (see Normalize).
type bigrams struct{}

func (bigrams) Analyze(input []byte) analysis.TokenStream {
	n := utf8.RuneCount(input)
	if n == 0 {
		return nil
	}
	tokens := make(analysis.TokenStream, 0, n)
	start := 0
	for pos := 1; start < len(input); pos++ {
		_, w1 := utf8.DecodeRune(input[start:])
		end := start + w1
		if end < len(input) {
			_, w2 := utf8.DecodeRune(input[end:])
			end += w2
		}
		tokens = append(tokens, &analysis.Token{Start: start, End: end, Term: input[start:end], Position: pos, Type: analysis.Ideographic})
		start += w1
	}
	return tokens
}

// substringTerms turns a normalised query text into the terms of its query: nil for an
// empty text, one character (a prefix) or the pairs of adjacent characters.
func substringTerms(s string) []string {
	runes := []rune(s)
	switch len(runes) {
	case 0:
		return nil
	case 1:
		return []string{s}
	}
	terms := make([]string, len(runes)-1)
	for i := range terms {
		terms[i] = string(runes[i : i+2])
	}
	return terms
}
