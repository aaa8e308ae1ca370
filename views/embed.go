// Package views holds the HTML templates of every screen and the text templates of
// every mail, embedded into the binary. Layouts are in layouts/, shared pieces in
// partials/, each screen under its area; every define name is unique across the tree
// because the html engine parses all files into one set.
package views

import "embed"

// FS holds every template file.
//
//go:embed layouts partials auth top section settings admin operator errors mail apply certificates contracts support
var FS embed.FS
