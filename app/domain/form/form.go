// Package form carries validation results from domain rules back to a screen: which
// field is wrong and which catalog message says why.
package form

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Errors maps a field name to the i18n key of its message. An empty Errors means the
// input is valid.
type Errors map[string]string

// Add records a message for a field, keeping the first one.
func (e Errors) Add(field, key string) {
	if _, ok := e[field]; !ok {
		e[field] = key
	}
}

// Err returns e as an error, or nil when there is nothing wrong.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// Error lists the fields and keys, for logs and test failures.
func (e Errors) Error() string {
	parts := make([]string, 0, len(e))
	for f, k := range e {
		parts = append(parts, f+": "+k)
	}
	sort.Strings(parts)
	return "invalid input: " + strings.Join(parts, ", ")
}

// Required refuses, with error.required, an empty field, and with error.too_long one
// of more than max characters.
func (e Errors) Required(field, v string, max int) {
	switch {
	case v == "":
		e.Add(field, "error.required")
	case utf8.RuneCountInString(v) > max:
		e.Add(field, "error.too_long")
	}
}

// Line refuses, with error.control_chars, a one-line field (a name, a title) that holds
// a character with no place in typed text: a C0 control, DEL, or a bidi embedding,
// override or isolate (U+202A–U+202E, U+2066–U+2069), which can make a name read
// differently on screen, in a mail or in a list than what is stored.
func (e Errors) Line(field, v string) {
	if strings.IndexFunc(v, func(r rune) bool { return unwanted(r, false) }) >= 0 {
		e.Add(field, "error.control_chars")
	}
}

// Lines is Line for a multi-line field, which may also hold line breaks (CR and LF: a
// browser sends a textarea's breaks as CRLF).
func (e Errors) Lines(field, v string) {
	if strings.IndexFunc(v, func(r rune) bool { return unwanted(r, true) }) >= 0 {
		e.Add(field, "error.control_chars")
	}
}

func unwanted(r rune, multiline bool) bool {
	switch {
	case r == '\n' || r == '\r':
		return !multiline
	case r < 0x20 || r == 0x7F:
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
