package i18n

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// keys lists the keys of one catalog, sorted.
func keys(c *Catalogs, lang string) []string { return slices.Sorted(maps.Keys(c.byLang[lang])) }

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	ja, en := keys(c, "ja"), keys(c, "en")
	if strings.Join(ja, ",") != strings.Join(en, ",") {
		t.Errorf("ja and en catalogs differ:\nja %v\nen %v", ja, en)
	}
}

// TestEveryUsedKeyExists reads the templates and the Go code for catalog keys, so a
// typo shows up here rather than as a raw key on a screen.
func TestEveryUsedKeyExists(t *testing.T) {
	c, _ := Load()
	known := map[string]bool{}
	prefixes := map[string]bool{}
	for _, k := range keys(c, "ja") {
		known[k] = true
		prefixes[strings.SplitN(k, ".", 2)[0]] = true
	}
	tmplKey := regexp.MustCompile(`\.L\.T "([^"]+)"`)
	goKey := regexp.MustCompile(`"([a-z]+(?:\.[a-z_]+)+)"`)
	root := filepath.Join("..", "..", "..")
	checked := 0
	for _, dir := range []string{"views", "app"} {
		filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
				return err
			}
			var re *regexp.Regexp
			switch filepath.Ext(p) {
			case ".html":
				re = tmplKey
			case ".go":
				re = goKey
			default:
				return nil
			}
			src, _ := os.ReadFile(p)
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				key := m[1]
				prefix := strings.SplitN(key, ".", 2)[0]
				// Outside the web layer only validation messages are catalog keys; other
				// dotted strings there are audit actions.
				inWeb := strings.Contains(p, filepath.Join("app", "web")) || filepath.Ext(p) == ".html"
				if !prefixes[prefix] || (!inWeb && prefix != "error") {
					continue
				}
				checked++
				if !known[key] {
					t.Errorf("%s uses unknown catalog key %q", p, key)
				}
			}
			return nil
		})
	}
	if checked < 50 {
		t.Errorf("only %d key uses found: is the scan looking in the right place?", checked)
	}
}

func TestMatch(t *testing.T) {
	c, _ := Load()
	tests := map[string]string{
		"":                      "ja",
		"en-US,en;q=0.9":        "en",
		"ja,en-US;q=0.8":        "ja",
		"fr-FR":                 "ja",
		"de;q=0.9, en-GB;q=0.5": "en",
		"garbage;;;":            "ja",
	}
	for header, want := range tests {
		if got := c.Match(header); got != want {
			t.Errorf("Match(%q) = %s, want %s", header, got, want)
		}
	}
}

func TestTranslate(t *testing.T) {
	c, _ := Load()
	if got := c.For("ja").T("top.notices", "建設契約"); got != "建設契約からのお知らせ" {
		t.Errorf("formatted: %q", got)
	}
	if got := c.For("xx").T("login.submit"); got != "ログイン" {
		t.Errorf("unknown language falls back: %q", got)
	}
	if got := c.For("en").T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
}

func TestOnMissingReportsKeysTheLanguageLacks(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	c.OnMissing(func(lang, key string) { got = append(got, lang+":"+key) })
	l := c.For("en")
	if s := l.T("no.such_key"); s != "no.such_key" {
		t.Errorf("T = %q, want the key itself", s)
	}
	l.T("menu.top")
	if strings.Join(got, ",") != "en:no.such_key" {
		t.Errorf("misses = %v", got)
	}
}
