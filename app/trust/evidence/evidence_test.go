package evidence_test

import (
	"archive/zip"
	"bytes"
	"crypto/x509"
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
	"inkan/app/trust/evidence"
	"inkan/app/trust/pades"
	"inkan/app/trust/pki"
	"inkan/app/trust/tsa"
)

// installation is a CA, its TSA and a signing certificate, as a first start makes them.
type installation struct {
	ca     *pki.Authority
	tsa    *tsa.Authority
	signer pades.Signer
	crl    int64
}

func newInstallation(t *testing.T) *installation {
	t.Helper()
	master, err := pki.NewMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	ca, err := pki.NewAuthority(master, pki.Config{Organization: "Inkan Test", BaseURL: "http://inkan.example.jp"})
	if err != nil {
		t.Fatal(err)
	}
	ta, err := tsa.New(tsa.Config{Certificate: ca.TSACertificate(), Signer: ca.TSASigner(), Chain: []*x509.Certificate{ca.Root()}})
	if err != nil {
		t.Fatal(err)
	}
	ic, _, err := ca.Issue(pki.IssueRequest{Number: "DJC-00001", Subject: pki.Subject{DisplayName: "Yamada Taro", Company: "Sender Shoji KK", CompanyJa: "送信商事株式会社"}})
	if err != nil {
		t.Fatal(err)
	}
	key, cert, err := ca.OpenKey(ic)
	if err != nil {
		t.Fatal(err)
	}
	return &installation{ca: ca, tsa: ta, signer: pades.Signer{Key: key, Certificate: cert, Chain: ca.Chain()}}
}

// crls issues the issuing and root CRLs now.
func (in *installation) crls(t *testing.T) [][]byte {
	t.Helper()
	in.crl++
	now := time.Now()
	issuing, err := in.ca.CRL(nil, big.NewInt(in.crl), now, now.Add(7*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	root, err := in.ca.RootCRL(nil, big.NewInt(in.crl), now, now.Add(7*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return [][]byte{issuing, root}
}

// unzip extracts the kit into a new directory, as the recipient would, and returns the
// kit's folder.
func unzip(t *testing.T, kit []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(kit), int64(len(kit)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range z.File {
		if !strings.HasPrefix(f.Name, evidence.Dir+"/") {
			t.Fatalf("%s is outside %s/", f.Name, evidence.Dir)
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, f.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, evidence.Dir)
}

// check runs the kit's script in its folder with a bare environment: a PATH and a HOME
// of its own, nothing of this installation.
func check(t *testing.T, dir string) (string, int) {
	t.Helper()
	tooltest.Need(t, "pdfsig")
	tooltest.Need(t, "openssl")
	cmd := exec.Command(tooltest.Need(t, "sh"), "check.sh")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C"}
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// TestKitScriptChecksEverything makes the contract's files (B-T, B-LTA, an archive
// extension), writes their kits and runs each kit's check.sh in a temporary directory:
// every signature, signature timestamp and document timestamp passes, and a changed
// byte of the document fails it.
func TestKitScriptChecksEverything(t *testing.T) {
	t.Parallel()
	in := newInstallation(t)
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "pdf", "qpdf-objstm.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	bt, err := pades.Sign(doc, in.signer, in.tsa, pades.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	validation := func() pades.Validation {
		return pades.Validation{Certificates: append(in.ca.Chain(), in.ca.TSACertificate()), CRLs: in.crls(t)}
	}
	lta, err := pades.Timestamp(bt, in.tsa, validation(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	ext, err := pades.Timestamp(lta, in.tsa, validation(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		doc    []byte
		wantOK int // lines starting OK
		want   string
	}{
		// 2 certificates; signature: pdfsig, openssl cms, signature timestamp; whole file.
		{"B-T", bt, 6, "revocation not checked: no document timestamp"},
		// and the document timestamp, at its time and today.
		{"B-LTA", lta, 8, "not revoked at"},
		// and the first document timestamp at its own time.
		{"archive extension", ext, 9, "the newest document timestamp still verifies today"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var kit bytes.Buffer
			rep, err := pades.Verify(tc.doc, pades.VerifyOptions{Roots: in.ca.Roots()})
			if err != nil {
				t.Fatal(err)
			}
			err = evidence.Write(&kit, evidence.Kit{Name: "契約書 " + tc.name, Document: tc.doc, Root: in.ca.Root(), Issuing: in.ca.Issuing(),
				TSA: in.ca.TSACertificate(), CRLs: in.crls(t), Made: time.Now(), ProvableUntil: rep.ProvableUntil})
			if err != nil {
				t.Fatal(err)
			}
			dir := unzip(t, kit.Bytes())
			out, code := check(t, dir)
			if code != 0 || !strings.Contains(out, "RESULT: OK") || strings.Count(out, "\nOK ") != tc.wantOK || !strings.Contains(out, tc.want) {
				t.Fatalf("check.sh exit %d, %d OK lines (want %d and %q):\n%s", code, strings.Count(out, "\nOK "), tc.wantOK, tc.want, out)
			}
			readme, err := os.ReadFile(filepath.Join(dir, "README.txt"))
			if err != nil || !bytes.Contains(readme, []byte("証拠キット")) || !bytes.Contains(readme, []byte("evidence kit")) || !bytes.Contains(readme, []byte("契約書 "+tc.name)) {
				t.Errorf("README: %v\n%s", err, readme)
			}

			// One byte of the original document changed: the script fails.
			p := filepath.Join(dir, "document.pdf")
			b, _ := os.ReadFile(p)
			i := bytes.Index(b, []byte("/MediaBox"))
			b[i+1] ^= 0x20
			os.WriteFile(p, b, 0o644)
			if out, code := check(t, dir); code != 1 || !strings.Contains(out, "RESULT: FAILED") {
				t.Errorf("tampered: exit %d:\n%s", code, out)
			}
		})
	}

	t.Run("another root", func(t *testing.T) {
		other := newInstallation(t)
		var kit bytes.Buffer
		err := evidence.Write(&kit, evidence.Kit{Name: "x", Document: lta, Root: other.ca.Root(), Issuing: other.ca.Issuing(), TSA: other.ca.TSACertificate(), Made: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if out, code := check(t, unzip(t, kit.Bytes())); code != 1 || !strings.Contains(out, "FAIL") {
			t.Errorf("a kit with another root passed: exit %d\n%s", code, out)
		}
	})
}

func ExampleWrite() {
	fmt.Println(evidence.Dir)
	// Output: inkan-evidence
}

// TestKitScriptSeesBytesAfterTheLastSignature: the script's "covers the whole file" rests
// on pdfsig's own line for the entry, not on any line that merely contains its words: a
// signer whose name is "Total document signed" does not make bytes appended after the
// signature pass.
func TestKitScriptSeesBytesAfterTheLastSignature(t *testing.T) {
	t.Parallel()
	in := newInstallation(t)
	ic, _, err := in.ca.Issue(pki.IssueRequest{Number: "DJC-00002", Subject: pki.Subject{DisplayName: "Total document signed", Company: "Sender Shoji KK", CompanyJa: "送信商事株式会社"}})
	if err != nil {
		t.Fatal(err)
	}
	key, cert, err := in.ca.OpenKey(ic)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "pdf", "qpdf-objstm.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	signed, err := pades.Sign(doc, pades.Signer{Key: key, Certificate: cert, Chain: in.ca.Chain()}, in.tsa, pades.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	changed := append(append([]byte{}, signed...), "\n% added after the signature\n"...)
	var kit bytes.Buffer
	err = evidence.Write(&kit, evidence.Kit{Name: "x", Document: changed, Root: in.ca.Root(), Issuing: in.ca.Issuing(),
		TSA: in.ca.TSACertificate(), CRLs: in.crls(t), Made: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	out, code := check(t, unzip(t, kit.Bytes()))
	if code != 1 || !strings.Contains(out, "FAIL  bytes were added after the newest signature or timestamp") {
		t.Errorf("bytes after the signature of %q passed: exit %d\n%s", "Total document signed", code, out)
	}
}
