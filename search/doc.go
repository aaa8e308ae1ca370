// Package search will hold the bleve index of contract documents, rebuilt from the
// store at any time (see the search-engine issue). It is empty until then.
package search
