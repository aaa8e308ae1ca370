package app_test

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pkg is what the architecture rules read of `go list -json`.
type pkg struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// rule forbids a room (packages under a prefix) some imports. A rule holds for the
// production code; with tests true it also holds for the package's tests, which may
// always use the testkit.
type rule struct {
	name   string
	room   func(string) bool
	denied func(string) bool
	tests  bool
}

func under(prefixes ...string) func(string) bool {
	return func(p string) bool {
		for _, pre := range prefixes {
			if p == pre || strings.HasPrefix(p, pre+"/") {
				return true
			}
		}
		return false
	}
}

func not(f func(string) bool) func(string) bool { return func(p string) bool { return !f(p) } }

func and(fs ...func(string) bool) func(string) bool {
	return func(p string) bool {
		for _, f := range fs {
			if !f(p) {
				return false
			}
		}
		return true
	}
}

var (
	inkan   = under("inkan")
	fiber   = under("github.com/gofiber")
	web     = under("inkan/app/web")
	root    = func(p string) bool { return p == "inkan" || under("inkan/app/run")(p) }
	trust   = under("inkan/app/trust")
	domain  = under("inkan/app/domain")
	locale  = under("inkan/app/locale")
	testkit = under("inkan/app/testkit")
	store   = under("inkan/data")
)

var rules = []rule{
	{"only the web layer and the composition root import fiber", and(not(web), not(root)), fiber, true},
	{"the signing stack imports nothing of Inkan outside app/trust", trust, and(inkan, not(trust)), true},
	{"domain packages do not import the web layer or the composition root", domain, under("inkan/app/web", "inkan/app/run"), true},
	{"data imports nothing of Inkan", store, and(inkan, not(store)), true},
	{"locale packages import nothing of Inkan outside app/locale", locale, and(inkan, not(locale)), true},
	{"production code does not import the testkit", not(testkit), testkit, false},
}

func TestArchitecture(t *testing.T) {
	pkgs := listPackages(t)
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages; the rules would check nothing", len(pkgs))
	}
	for _, r := range rules {
		for _, p := range pkgs {
			if !r.room(p.ImportPath) {
				continue
			}
			check := func(kind string, imports []string, allowTestkit bool) {
				for _, imp := range imports {
					if r.denied(imp) && !(allowTestkit && testkit(imp)) && imp != p.ImportPath {
						t.Errorf("%s: %s%s imports %s", r.name, p.ImportPath, kind, imp)
					}
				}
			}
			check("", p.Imports, false)
			if r.tests {
				check(" (tests)", append(p.TestImports, p.XTestImports...), true)
			}
		}
	}
}

func TestArchitectureRulesCatchABreach(t *testing.T) {
	cases := []struct{ from, to string }{
		{"inkan/app/domain/account", "github.com/gofiber/fiber/v2"},
		{"inkan/app/trust/pades", "inkan/data"},
		{"inkan/app/domain/roster", "inkan/app/web"},
		{"inkan/data", "inkan/app/domain/account"},
		{"inkan/app/web", "inkan/app/testkit/webtest"},
	}
	for _, c := range cases {
		caught := false
		for _, r := range rules {
			caught = caught || (r.room(c.from) && r.denied(c.to))
		}
		if !caught {
			t.Errorf("no rule forbids %s importing %s", c.from, c.to)
		}
	}
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,TestImports,XTestImports", "./...")
	cmd.Dir = filepath.Join("..")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}
