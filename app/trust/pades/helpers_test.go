package pades_test

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"inkan/app/testkit/tooltest"
	"inkan/app/trust/cms"
	"inkan/app/trust/pades"
	"inkan/app/trust/pdf"
	"inkan/app/trust/pki"
	"inkan/app/trust/tsa"
)

const fixtureDir = "../../../testdata/pdf"

// env is a real CA, a real TSA and two companies' signing certificates, as
// the contract flow has them: sender and receiver of a contract.
type env struct {
	ca               *pki.Authority
	tsa              *tsa.Authority
	sender, receiver pades.Signer
	senderCert       pki.IssuedCertificate
	validation       pades.Validation
	dir              string // holds root.pem
	rootPEM          string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvAt(t, "http://inkan.example.jp")
}

// newEnvAt is newEnv with the certificates' CRL and CA addresses under baseURL.
func newEnvAt(t testing.TB, baseURL string) *env {
	t.Helper()
	master, err := pki.NewMasterKey()
	if err != nil {
		t.Fatalf("master key: %v", err)
	}
	ca, err := pki.NewAuthority(master, pki.Config{Organization: "Inkan Test", BaseURL: baseURL})
	if err != nil {
		t.Fatalf("NewAuthority: %v", err)
	}
	ta, err := tsa.New(tsa.Config{Certificate: ca.TSACertificate(), Signer: ca.TSASigner(), Chain: []*x509.Certificate{ca.Root()}})
	if err != nil {
		t.Fatalf("tsa.New: %v", err)
	}
	e := &env{ca: ca, tsa: ta, dir: t.TempDir()}
	subjects := []pki.Subject{
		{DisplayName: "Yamada Taro", Company: "Sender Shoji KK", CompanyJa: "送信商事株式会社", Title: "CEO", TitleJa: "代表取締役"},
		{DisplayName: "Suzuki Hanako", Company: "Receiver Kogyo KK", CompanyJa: "受信工業株式会社"},
	}
	for i, dst := range []*pades.Signer{&e.sender, &e.receiver} {
		ic, _, err := ca.Issue(pki.IssueRequest{Number: fmt.Sprintf("DJC-%05d", i+1), Subject: subjects[i]})
		if err != nil {
			t.Fatalf("Issue: %v", err)
		}
		key, cert, err := ca.OpenKey(ic)
		if err != nil {
			t.Fatalf("OpenKey: %v", err)
		}
		*dst = pades.Signer{Key: key, Certificate: cert, Chain: ca.Chain()}
		if i == 0 {
			e.senderCert = ic
		}
	}
	e.validation = pades.Validation{
		Certificates: append(ca.Chain(), ca.TSACertificate()),
		CRLs:         e.crls(t, nil),
	}
	e.rootPEM = filepath.Join(e.dir, "root.pem")
	if err := os.WriteFile(e.rootPEM, ca.RootPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

// crls returns a current issuing-CA CRL listing revoked, and the root CRL.
func (e *env) crls(t testing.TB, revoked []pki.Revoked) [][]byte {
	t.Helper()
	now := time.Now()
	issuing, err := e.ca.CRL(revoked, big.NewInt(int64(1+len(revoked))), now, now.Add(24*time.Hour))
	if err != nil {
		t.Fatalf("CRL: %v", err)
	}
	root, err := e.ca.RootCRL(nil, big.NewInt(1), now, now.Add(24*time.Hour))
	if err != nil {
		t.Fatalf("RootCRL: %v", err)
	}
	return [][]byte{issuing, root}
}

func (e *env) verifyOptions() pades.VerifyOptions {
	return pades.VerifyOptions{Roots: e.ca.Roots()}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

func need(t testing.TB, name string) string { return tooltest.Need(t, name) }

// run runs a tool and returns its combined output and exit code; a failure
// to start it at all fails the test.
func run(t testing.TB, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(need(t, name), args...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	default:
		t.Fatalf("run %s: %v", name, err)
		return "", -1
	}
}

func writeTemp(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// nssDB makes a temporary NSS database trusting only our root, for pdfsig.
func nssDB(t testing.TB, rootPEM string) string {
	t.Helper()
	dir := "sql:" + filepath.Join(t.TempDir(), "nss")
	if err := os.MkdirAll(strings.TrimPrefix(dir, "sql:"), 0o700); err != nil {
		t.Fatal(err)
	}
	if out, code := run(t, "certutil", "-N", "-d", dir, "--empty-password"); code != 0 {
		t.Fatalf("certutil -N: %s", out)
	}
	if out, code := run(t, "certutil", "-A", "-d", dir, "-n", "inkan-root", "-t", "CT,C,C", "-i", rootPEM); code != 0 {
		t.Fatalf("certutil -A: %s", out)
	}
	return dir
}

// pdfsigBlock is what pdfsig printed about one signature field.
type pdfsigBlock struct {
	field, commonName, text string
}

// pdfsig lists the signatures pdfsig sees in path, keyed by field name.
// pdfsig exits 0 whatever it finds, so only its text tells.
func pdfsig(t testing.TB, db, path string) map[string]pdfsigBlock {
	t.Helper()
	out, code := run(t, "pdfsig", "-nssdir", db, "-no-ocsp", path)
	if code != 0 {
		t.Fatalf("pdfsig exit %d:\n%s", code, out)
	}
	blocks := map[string]pdfsigBlock{}
	parts := strings.Split(out, "Signature #")
	for _, p := range parts[1:] {
		var b pdfsigBlock
		b.text = p
		for line := range strings.SplitSeq(p, "\n") {
			line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
			if v, ok := strings.CutPrefix(line, "Signature Field Name: "); ok {
				b.field = v
			}
			if v, ok := strings.CutPrefix(line, "Signer Certificate Common Name: "); ok {
				b.commonName = v
			}
		}
		blocks[b.field] = b
	}
	return blocks
}

// signedBytes returns the bytes s's byte range covers in doc.
func signedBytes(t testing.TB, f *pdf.File, s pdf.Signature) []byte {
	t.Helper()
	r, err := f.SignedReader(s)
	if err != nil {
		t.Fatalf("SignedReader %s: %v", s.Field, err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// opensslCMS checks a CMS signature with openssl cms -verify against our
// root, on the bytes extracted with app/pdf.
func opensslCMS(t testing.TB, dir, rootPEM string, der, content []byte) {
	t.Helper()
	sig := writeTemp(t, dir, "sig.der", der)
	data := writeTemp(t, dir, "signed.bin", content)
	out, code := run(t, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sig,
		"-content", data, "-CAfile", rootPEM, "-purpose", "any", "-out", os.DevNull)
	if code != 0 || !strings.Contains(out, "Verification successful") {
		t.Errorf("openssl cms -verify exit %d:\n%s", code, out)
	}
}

// opensslTS checks an RFC 3161 token over data with openssl ts -verify.
func opensslTS(t testing.TB, dir, rootPEM string, token, data []byte) {
	t.Helper()
	tst := writeTemp(t, dir, "tst.der", token)
	in := writeTemp(t, dir, "data.bin", data)
	out, code := run(t, "openssl", "ts", "-verify", "-token_in", "-in", tst, "-data", in, "-CAfile", rootPEM)
	if code != 0 || !strings.Contains(out, "Verification: OK") {
		t.Errorf("openssl ts -verify exit %d:\n%s", code, out)
	}
}

// qpdfCheck returns the exit status of qpdf --check: 0 clean, 2 errors,
// 3 warnings.
func qpdfCheck(t testing.TB, path string) (int, string) {
	t.Helper()
	out, code := run(t, "qpdf", "--check", path)
	return code, out
}

// appendIncrement appends a classic incremental update to doc that
// replaces object num with body (the bytes between "obj" and "endobj"),
// as an editor changing the document after it was signed would.
func appendIncrement(t testing.TB, doc []byte, num uint32, body string) []byte {
	t.Helper()
	f, err := pdf.Open(doc)
	if err != nil {
		t.Fatal(err)
	}
	revs := f.Revisions()
	tr := f.Trailer()
	var b bytes.Buffer
	b.Write(doc)
	if doc[len(doc)-1] != '\n' {
		b.WriteByte('\n')
	}
	off := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", num, body)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %v /Prev %d", num, off, tr["Size"], tr["Root"], revs[len(revs)-1].XRefOffset)
	if ids, ok := tr["ID"].(pdf.Array); ok && len(ids) == 2 {
		fmt.Fprintf(&b, " /ID [<%x> <%x>]", ids[0].(pdf.String).Value, ids[1].(pdf.String).Value)
	}
	fmt.Fprintf(&b, " >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

// cmsOf parses the CMS value of a signature field.
func cmsOf(t testing.TB, s pdf.Signature) *cms.SignedData {
	t.Helper()
	sd, err := cms.Parse(s.Contents)
	if err != nil {
		t.Fatalf("parse CMS of %s: %v", s.Field, err)
	}
	return sd
}

func bigOne() *big.Int { return big.NewInt(1) }

// mustSignatures lists the signature fields of doc.
func mustSignatures(t testing.TB, doc []byte) []pdf.Signature {
	t.Helper()
	f, err := pdf.Open(doc)
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := f.Signatures()
	if err != nil {
		t.Fatal(err)
	}
	return sigs
}

// validationNow is the DSS material with CRLs issued now, after every timestamp made so
// far (pades.Timestamp refuses older ones).
func (e *env) validationNow(t testing.TB) pades.Validation {
	t.Helper()
	return pades.Validation{Certificates: e.validation.Certificates, CRLs: e.crls(t, nil)}
}
