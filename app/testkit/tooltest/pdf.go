package tooltest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// PDFSigTrusting runs pdfsig on file with an NSS database of its own that trusts only
// the root certificate rootPEM, and returns its report.
func PDFSigTrusting(t testing.TB, rootPEM, file string) string {
	t.Helper()
	pdfsig, certutil := Need(t, "pdfsig"), Need(t, "certutil")
	dir := t.TempDir()
	root := filepath.Join(dir, "root.pem")
	if err := os.WriteFile(root, []byte(rootPEM), 0o644); err != nil {
		t.Fatal(err)
	}
	nss := "sql:" + filepath.Join(dir, "nss")
	if err := os.Mkdir(filepath.Join(dir, "nss"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-N", "-d", nss, "--empty-password"}, {"-A", "-d", nss, "-n", "inkan", "-t", "CT,C,C", "-i", root}} {
		if out, err := exec.Command(certutil, args...).CombinedOutput(); err != nil {
			t.Fatalf("certutil %v: %v\n%s", args, err, out)
		}
	}
	report, err := exec.Command(pdfsig, "-nssdir", nss, "-no-ocsp", file).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfsig: %v\n%s", err, report)
	}
	return string(report)
}

// OpenSSLVerified counts what VerifyPDFWithOpenSSL verified.
type OpenSSLVerified struct{ Signatures, Timestamps int }

// signedRanges is pdfsig's "Signed Ranges: [a - b], [c - d]" line.
var signedRanges = regexp.MustCompile(`Signed Ranges: \[(\d+) - (\d+)\], \[(\d+) - (\d+)\]`)

// VerifyPDFWithOpenSSL checks every signature and document timestamp of file with
// openssl alone, trusting only the root certificate rootPEM: pdfsig -dump takes each
// one's CMS out and says which bytes it covers; a signature must pass openssl cms
// -verify over those bytes, a document timestamp (an RFC 3161 token) openssl ts
// -verify. A failure is reported with openssl's words. It returns how many of each
// were verified.
func VerifyPDFWithOpenSSL(t testing.TB, rootPEM, file string) OpenSSLVerified {
	t.Helper()
	pdfsig, openssl := Need(t, "pdfsig"), Need(t, "openssl")
	dir := t.TempDir()
	doc, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	root, copied := filepath.Join(dir, "root.pem"), filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(root, []byte(rootPEM), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(copied, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	// pdfsig -dump writes doc.pdf.sigN into its working directory; without it, pdfsig
	// reports the byte ranges, in the same order.
	dump := exec.Command(pdfsig, "-nocert", "-dump", "doc.pdf")
	dump.Dir = dir
	if out, err := dump.CombinedOutput(); err != nil {
		t.Fatalf("pdfsig -dump: %v\n%s", err, out)
	}
	report, err := exec.Command(pdfsig, "-nocert", copied).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfsig: %v\n%s", err, report)
	}
	cmd := func(args ...string) ([]byte, error) {
		c := exec.Command(openssl, args...)
		c.Dir = dir
		return c.CombinedOutput()
	}
	var got OpenSSLVerified
	for i, m := range signedRanges.FindAllSubmatch(report, -1) {
		var r [4]int
		for j := range r {
			r[j], _ = strconv.Atoi(string(m[j+1]))
		}
		if r[0] != 0 || r[1] > r[2] || r[3] > len(doc) {
			t.Errorf("signature %d: byte range %v does not cover the file from its start", i+1, r)
			continue
		}
		signed := filepath.Join(dir, "signed"+strconv.Itoa(i)+".bin")
		if err := os.WriteFile(signed, bytes.Join([][]byte{doc[:r[1]], doc[r[2]:r[3]]}, nil), 0o644); err != nil {
			t.Fatal(err)
		}
		sig := "doc.pdf.sig" + strconv.Itoa(i)
		if _, err := cmd("ts", "-reply", "-token_in", "-in", sig, "-token_out"); err == nil {
			if out, err := cmd("ts", "-verify", "-token_in", "-in", sig, "-data", signed, "-CAfile", root); err != nil {
				t.Errorf("signature %d: openssl ts -verify: %v\n%s", i+1, err, out)
				continue
			}
			got.Timestamps++
			continue
		}
		out, err := cmd("cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content", signed, "-CAfile", root, "-purpose", "any", "-out", os.DevNull)
		if err != nil || !strings.Contains(string(out), "Verification successful") {
			t.Errorf("signature %d: openssl cms -verify: %v\n%s", i+1, err, out)
			continue
		}
		got.Signatures++
	}
	return got
}
