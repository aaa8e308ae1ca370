// Package static holds the browser assets, embedded into the binary: the vendored htmx
// (see vendor.txt), Inkan's own scripts, and its stylesheets for the screen and for print.
package static

import "embed"

// FS holds every asset file.
//
//go:embed *.js *.css *.svg *.LICENSE vendor.txt
var FS embed.FS
