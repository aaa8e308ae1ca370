// Package tooltest finds the outside programs that tests check our output with
// (openssl, pdfsig, qpdf, chromium …). A missing tool skips the test on a developer's
// machine but fails it when CI=true, because .ci/setup installs every one of them and CI
// must never pass by skipping. PDFSigTrusting and VerifyPDFWithOpenSSL run them on a
// signed PDF, trusting nothing but the installation's root.
package tooltest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Need returns the path of the first of names found on PATH.
func Need(t testing.TB, names ...string) string {
	t.Helper()
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	list := strings.Join(names, " or ")
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required when CI=true (.ci/setup installs it)", list)
	}
	t.Skipf("%s not installed", list)
	return ""
}
