package web

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"
	fiberhtml "github.com/gofiber/template/html/v2"

	"inkan/app/locale/i18n"
)

// screens renders the templates of views/. It is fiber's Views, so handlers answer with
// c.Render as usual.
//
// Every catalog language has its own parse of the same template files: a label written
// {{.L.T "key"}} (or {{$.L.T "key"}}) with a literal key is replaced by its translation
// while the set is parsed, so a page pays nothing for its fixed labels, and a key
// missing from a catalog stops the server at start instead of showing the raw key.
// Keys that depend on data are translated at render time by the page's Localizer.
//
// A page is written in three steps: its layout (the header and menu of the company
// screens, of the operator console, or of the pages before login), which opens the one
// skeleton of every page; the screen's own template; the skeleton's end.
type screens struct {
	byLang   map[string]*template.Template
	fallback string
}

// skeletonOpen and skeletonClose are the two ends of every page (views/layouts/page.html).
const (
	skeletonOpen  = "layouts/page_open"
	skeletonClose = "layouts/page_close"
)

// literalLabel is a catalog lookup with a literal key and no arguments; literalStatic
// names a static file by a literal name.
var (
	literalLabel  = regexp.MustCompile(`\{\{-?\s*\$?\.L\.T\s+"([^"]+)"\s*-?\}\}`)
	literalStatic = regexp.MustCompile(`\{\{-?\s*static\s+"([^"]+)"\s*-?\}\}`)
)

// loadScreens parses the templates once per catalog language. Static file URLs named
// by a literal are resolved while parsing as well, by staticURL.
func loadScreens(fsys fs.FS, catalogs *i18n.Catalogs, funcs map[string]any, staticURL func(string) (string, error)) (*screens, error) {
	s := &screens{byLang: map[string]*template.Template{}, fallback: i18n.Default}
	for _, lang := range catalogs.Languages() {
		tfs := &translatedFS{base: http.FS(fsys), l: catalogs.For(lang), static: staticURL}
		engine := fiberhtml.NewFileSystem(tfs, ".html")
		for name, fn := range funcs {
			engine.AddFunc(name, fn)
		}
		if err := engine.Load(); err != nil {
			return nil, fmt.Errorf("web: load templates (%s): %w", lang, err)
		}
		if tfs.err != nil {
			return nil, fmt.Errorf("web: load templates (%s): %w", lang, tfs.err)
		}
		for _, t := range []string{skeletonOpen, skeletonClose} {
			if engine.Templates.Lookup(t) == nil {
				return nil, fmt.Errorf("web: load templates: no %s", t)
			}
		}
		s.byLang[lang] = engine.Templates
	}
	return s, nil
}

// Load is part of fiber.Views; the sets are parsed by loadScreens.
func (s *screens) Load() error { return nil }

// Render writes the screen name with its layout, or the screen alone (an htmx fragment)
// when no layout is given. The layout opens the skeleton, the screen follows, and the
// skeleton's end closes the page, each written straight to out.
func (s *screens) Render(out io.Writer, name string, binding any, layout ...string) error {
	set := s.set(binding)
	if len(layout) == 0 || layout[0] == "" {
		return execute(set, out, name, binding)
	}
	// The layout and the skeleton read only the shared page: given it rather than the
	// screen's view, their fields are its own, not promoted ones, which text/template
	// finds by a slower search on every use.
	shared := binding
	if v, ok := binding.(interface{ base() *page }); ok {
		shared = v.base()
	}
	if err := execute(set, out, layout[0], shared); err != nil {
		return err
	}
	if err := execute(set, out, name, binding); err != nil {
		return err
	}
	return execute(set, out, skeletonClose, shared)
}

func (s *screens) set(binding any) *template.Template {
	if p, ok := binding.(interface{ language() string }); ok {
		if set := s.byLang[p.language()]; set != nil {
			return set
		}
	}
	if m, ok := binding.(fiber.Map); ok {
		if l, ok := m["L"].(i18n.Localizer); ok && s.byLang[l.Lang] != nil {
			return s.byLang[l.Lang]
		}
	}
	return s.byLang[s.fallback]
}

func execute(set *template.Template, w io.Writer, name string, data any) error {
	t := set.Lookup(name)
	if t == nil {
		return fmt.Errorf("render: template %s does not exist", name)
	}
	if err := t.Execute(w, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return nil
}

// translatedFS serves the template files with their literal labels translated into
// one language and their literal static file names resolved. The first missing key or
// file is kept in err.
type translatedFS struct {
	base   http.FileSystem
	l      i18n.Localizer
	static func(string) (string, error)
	err    error
}

func (t *translatedFS) Open(name string) (http.File, error) {
	f, err := t.base.Open(name)
	if err != nil || !strings.HasSuffix(name, ".html") {
		return f, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	out := literalLabel.ReplaceAllFunc(raw, func(m []byte) []byte {
		key := string(literalLabel.FindSubmatch(m)[1])
		s, ok := t.l.Lookup(key)
		if !ok && t.err == nil {
			t.err = fmt.Errorf("%s: catalog %s has no key %q", name, t.l.Lang, key)
		}
		// Escaped for HTML, and braces too, since the text is parsed as template source.
		return []byte(strings.ReplaceAll(html.EscapeString(s), "{", "&#123;"))
	})
	out = literalStatic.ReplaceAllFunc(out, func(m []byte) []byte {
		url, err := t.static(string(literalStatic.FindSubmatch(m)[1]))
		if err != nil && t.err == nil {
			t.err = fmt.Errorf("%s: %w", name, err)
		}
		return []byte(html.EscapeString(url))
	})
	return &memFile{Reader: bytes.NewReader(out), info: info}, nil
}

// memFile is a translated template file.
type memFile struct {
	*bytes.Reader
	info fs.FileInfo
}

func (f *memFile) Close() error { return nil }
func (f *memFile) Readdir(int) ([]fs.FileInfo, error) {
	return nil, fmt.Errorf("%s is not a directory", f.info.Name())
}
func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
