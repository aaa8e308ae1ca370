// Package i18n holds the UI string catalogs. Japanese, with the manual's own labels, is
// the default; English is a second catalog with the same keys, never a second set of
// templates.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"

	"golang.org/x/text/language"
)

//go:embed catalogs/*.json
var catalogFS embed.FS

// Default is the language used when nothing else is chosen.
const Default = "ja"

// Catalogs holds every language's strings.
type Catalogs struct {
	byLang  map[string]map[string]string
	langs   []string
	matcher language.Matcher
	missing func(lang, key string)
}

// Load reads the embedded catalogs.
func Load() (*Catalogs, error) {
	c := &Catalogs{byLang: map[string]map[string]string{}}
	// Japanese first: the matcher falls back to the first tag it was given.
	for _, lang := range []string{"ja", "en"} {
		raw, err := catalogFS.ReadFile("catalogs/" + lang + ".json")
		if err != nil {
			return nil, fmt.Errorf("i18n: read catalog %s: %w", lang, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("i18n: parse catalog %s: %w", lang, err)
		}
		c.byLang[lang] = m
		c.langs = append(c.langs, lang)
	}
	tags := make([]language.Tag, len(c.langs))
	for i, l := range c.langs {
		tags[i] = language.Make(l)
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// Languages lists the catalog languages, the default first.
func (c *Catalogs) Languages() []string { return c.langs }

// Has reports whether lang is a catalog language.
func (c *Catalogs) Has(lang string) bool { _, ok := c.byLang[lang]; return ok }

// OnMissing makes every Localizer made afterwards call fn with a key its language's
// catalog lacks, when T is asked for it. Tests use it to fail on a key a page looks up
// at render time (one built from data) that no catalog holds; T still answers with the
// fallback or the key itself.
func (c *Catalogs) OnMissing(fn func(lang, key string)) { c.missing = fn }

// Match picks the catalog language for an Accept-Language header.
func (c *Catalogs) Match(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, i, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return c.langs[i]
}

// For returns the localizer of one language (the default for an unknown one).
func (c *Catalogs) For(lang string) Localizer {
	if !c.Has(lang) {
		lang = Default
	}
	return Localizer{Lang: lang, strings: c.byLang[lang], fallback: c.byLang[Default], missing: c.missing}
}

// Localizer translates keys into one language.
type Localizer struct {
	// Lang is the language code, for the html lang attribute.
	Lang     string
	strings  map[string]string
	fallback map[string]string
	missing  func(lang, key string)
}

// Lookup returns the string for key in this language alone, without the fallback.
func (l Localizer) Lookup(key string) (string, bool) {
	s, ok := l.strings[key]
	return s, ok
}

// T returns the string for key, formatted with args when given. An unknown key comes
// back as itself so a missing string is visible on the page rather than blank.
func (l Localizer) T(key string, args ...any) string {
	s, ok := l.strings[key]
	if !ok {
		if l.missing != nil {
			l.missing(l.Lang, key)
		}
		if s, ok = l.fallback[key]; !ok {
			return key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}
