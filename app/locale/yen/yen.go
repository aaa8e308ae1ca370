// Package yen reads and writes amounts of money in yen the way Japanese users type and
// read them: 1,234,567 (円), with full-width digits and commas as common as half-width.
package yen

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/unicode/norm"
)

// Max is the largest amount taken: a thousand trillion yen less one, well inside the
// integers a float64 holds exactly (the search index keeps numbers as float64).
const Max = 999_999_999_999_999

// ErrInvalid is an amount that is not a whole number of yen from 0 to Max.
var ErrInvalid = errors.New("yen: not a whole number of yen from 0 to 999,999,999,999,999")

// grouped is a number with its thousands separated by commas, each group of three.
var grouped = regexp.MustCompile(`^[0-9]{1,3}(,[0-9]{3})+$`)

// Parse reads an amount as typed: NFKC first, so full-width digits, commas and spaces
// count as their half-width forms (１，２３４ → 1,234); then spaces around it, a leading
// ¥ or a trailing 円 are dropped. Commas must group thousands (1,234,567): a comma
// elsewhere (12,34) is more likely a typo than a separator, so it is refused.
func Parse(s string) (int64, error) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "¥"), "円"))
	if strings.Contains(s, ",") {
		if !grouped.MatchString(s) {
			return 0, ErrInvalid
		}
		s = strings.ReplaceAll(s, ",", "")
	}
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, ErrInvalid // no sign, no decimals, no other characters
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > Max {
		return 0, ErrInvalid
	}
	return n, nil
}

// printer groups thousands as Japanese writes them (the same as English: commas).
var printer = message.NewPrinter(language.Japanese)

// Digits writes n with its thousands grouped: 1234567 → 1,234,567.
func Digits(n int64) string { return printer.Sprintf("%d", n) }
