package app_test

import (
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"
)

// exportedOnPurpose is the short list of functions that the program does not call and
// that stay all the same: API that tests use on purpose, or that the next issues wire
// in. Each entry is "<package> <function>" as deadcode names it. Anything else that only
// tests reach is dead code: delete it.
var exportedOnPurpose = map[string]string{
	// The contract flow's signing step asks MaySign through the store before it sends
	// a 署名用パスワード; the certificate tests ask it the same way now.
	"inkan/app/domain/certificate Service.MaySignNow": "contract flow",

	// The write side of the search engine for a writer that wants the index up to date
	// at once: the contract flow commits through the store, and 契約文書照会 applies the
	// marks before it searches (contract.Find); the engine tests write through it.
	"inkan/search Engine.Update": "search screens",
	"inkan/search Engine.Notify": "search screens",

	// The benchmarks' query workload (engine and screens) draws its parameter sets
	// from the generator's vocabulary; only benchmarks run it.
	"inkan/search/workload Kind.Sets": "search benchmarks",
	"inkan/search/synthetic Words":    "search benchmarks' workload",

	// The relying party's side of our own CA and TSA: the tests check what the
	// authority issues as a verifier would, through the package's own checks.
	"inkan/app/trust/pki CheckRevocation":   "verifier side",
	"inkan/app/trust/pki Authority.Verify":  "verifier side",
	"inkan/app/trust/pki Authority.BaseURL": "verifier side: tests check LoadAuthority keeps it",
	"inkan/app/trust/tsa ParseResponse":     "verifier side",
	"inkan/app/trust/tsa VerifyToken":       "verifier side",
	"inkan/app/trust/tsa VerifyTokenDigest": "verifier side",

	// The screens' catalog test proves each verifier code has its words in both
	// catalogs; the detail itself words whatever codes a report carries.
	"inkan/app/trust/pades Codes": "catalog test of the verifier's codes",

	// pades tests build incremental updates on a parsed file's trailer.
	"inkan/app/trust/pdf File.Trailer": "pades test fixtures",

	// The whole-file form of SignIncrement and TimestampIncrement (the program keeps
	// revisions apart and appends): the trust engine's tests sign and stamp files with
	// it for the independent verifiers (pdfsig, qpdf, openssl, pdfcpu).
	"inkan/app/trust/pades Sign":      "whole-file signing for the verifier tests",
	"inkan/app/trust/pades Timestamp": "whole-file B-LTA for the verifier tests",
}

// TestNoDeadCode runs deadcode (golang.org/x/tools, a tool pinned in go.mod) twice:
//
//   - From main alone. A function that only tests reach is dead production code (a test
//     of it keeps a rule alive that nothing applies), so every exported one must be in
//     exportedOnPurpose. The testkit is for tests only and skipped. Unexported code
//     reached only by tests is let pass only in a package with an entry on the list,
//     since the entry reaches it; elsewhere it is dead too.
//   - With -test, where tests are callers too. Whatever is still unreached has no
//     caller at all, the testkit and the entries of exportedOnPurpose included.
func TestNoDeadCode(t *testing.T) {
	var fromMain, withTests []string
	var wg sync.WaitGroup
	wg.Go(func() { fromMain = deadcode(t) })
	wg.Go(func() { withTests = deadcode(t, "-test") })
	wg.Wait()
	if t.Failed() {
		return
	}

	uncalled := map[string]bool{}
	for _, fn := range withTests {
		uncalled[fn] = true
		t.Errorf("%s: nothing calls it, not even a test; delete it", fn)
	}
	listed := map[string]bool{}
	for entry := range exportedOnPurpose {
		listed[strings.Fields(entry)[0]] = true
	}
	seen := map[string]bool{}
	for _, fn := range fromMain {
		pkg, name, _ := strings.Cut(fn, " ")
		switch {
		case exportedOnPurpose[fn] != "":
			seen[fn] = true
		case testkit(pkg), uncalled[fn]:
		case !exportedName(name) && listed[pkg]:
		default:
			t.Errorf("%s: only tests call it; delete it, or add it to exportedOnPurpose with the reason", fn)
		}
	}
	for entry := range exportedOnPurpose {
		if !seen[entry] {
			t.Errorf("%s is in exportedOnPurpose but the program calls it or it is gone: take it off the list", entry)
		}
	}
}

// deadcode runs `go tool deadcode` on the module and returns the unreachable functions
// as "<package> <function>".
func deadcode(t *testing.T, flags ...string) []string {
	args := append([]string{"tool", "deadcode", `-f={{range .Funcs}}{{$.Path}} {{.Name}}{{"\n"}}{{end}}`}, flags...)
	cmd := exec.Command("go", append(args, "./...")...)
	cmd.Dir = filepath.Join("..")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Errorf("go tool deadcode %v: %v\n%s", flags, err, ee.Stderr)
		} else {
			t.Errorf("go tool deadcode %v: %v", flags, err)
		}
		return nil
	}
	return slices.DeleteFunc(strings.Split(string(out), "\n"), func(s string) bool { return s == "" })
}

// exportedName reports whether a function, and the type of a method, are exported:
// "Engine.Search" is, "Index.parts" and "shard.topID" are not.
func exportedName(name string) bool {
	for part := range strings.SplitSeq(strings.TrimPrefix(name, "*"), ".") {
		r, _ := utf8.DecodeRuneInString(part)
		if !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}
