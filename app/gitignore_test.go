package app_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The files the README's signing example writes stay out of git: the binary, the data
// directory, the signed PDFs and the exported root certificate.
func TestGitignoreCoversTheREADMEExample(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	files := []string{"inkan", "inkan-data/inkan.db", "signed.pdf", "signed-lta.pdf", "inkan-root.pem"}
	out, err := exec.Command("git", append([]string{"-C", "..", "check-ignore", "--no-index"}, files...)...).Output()
	if err != nil && len(out) == 0 {
		t.Fatalf("git check-ignore: %v", err)
	}
	ignored := strings.Fields(string(out))
	for _, f := range files {
		if !slices.Contains(ignored, f) {
			t.Errorf("%s is not ignored", f)
		}
	}
}
