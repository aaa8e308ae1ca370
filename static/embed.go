// Package static holds the browser assets, embedded into the binary: the vendored htmx
// (see vendor.txt) and Inkan's one stylesheet.
package static

import "embed"

// FS holds every asset file.
//
//go:embed *.js *.css *.svg *.LICENSE vendor.txt
var FS embed.FS
