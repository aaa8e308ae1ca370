// Package form carries validation results from domain rules back to a screen: which
// field is wrong and which catalog message says why.
package form

import (
	"sort"
	"strings"
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
