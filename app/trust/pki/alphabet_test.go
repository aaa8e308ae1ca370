package pki

import (
	"strings"
	"testing"
)

func TestValidAlphabet(t *testing.T) {
	for s, want := range map[string]bool{
		"Juchu Komuten Co. Ltd.": true,
		"ABC-123":                true,
		"":                       false,
		"受注工務店":                  false,
		"Juchu & Co":             false,
		strings.Repeat("a", 64):  true,
		strings.Repeat("a", 65):  false,
	} {
		if got := ValidAlphabet(s); got != want {
			t.Errorf("ValidAlphabet(%q) = %v, want %v", s, got, want)
		}
		// The rule is the one issuing applies.
		_, err := Subject{DisplayName: "x", Company: s}.rawName()
		if want != (err == nil) {
			t.Errorf("%q: ValidAlphabet %v but rawName %v", s, want, err)
		}
	}
}
