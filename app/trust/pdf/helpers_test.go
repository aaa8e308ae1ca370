package pdf

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"inkan/app/testkit/tooltest"
)

const fixtureDir = "../../../testdata/pdf"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

// digestValue is the stand-in signature value the tests embed: a DER
// SEQUENCE holding the SHA-256 of the byte range. It lets the tests check
// the real outcome a verifier would check — the digest over the exact
// bytes — without depending on the CMS package.
type digestValue struct {
	Digest []byte
}

// seal hashes the prepared byte range and embeds the digest value.
func seal(t testing.TB, p *Prepared) []byte {
	t.Helper()
	h := sha256.New()
	h.Write(p.base)
	n, err := p.WriteIncrementSignedTo(h)
	n += int64(len(p.base))
	if err != nil {
		t.Fatal(err)
	}
	br := p.byteRange
	if n != br[1]+br[3] {
		t.Fatalf("the byte range written was %d bytes, byte range holds %d", n, br[1]+br[3])
	}
	der, err := asn1.Marshal(digestValue{Digest: h.Sum(nil)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := embedWhole(p, der)
	if err != nil {
		t.Fatalf("embed: %v", err)
	}
	return out
}

// digestHolds recomputes the digest of s's byte range in f and compares
// it with the one sealed into its /Contents.
func digestHolds(f *File, s Signature) (bool, error) {
	var v digestValue
	if _, err := asn1.Unmarshal(s.Contents, &v); err != nil {
		return false, fmt.Errorf("contents of %s: %w", s.Field, err)
	}
	r, err := f.SignedReader(s)
	if err != nil {
		return false, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return false, err
	}
	return bytes.Equal(h.Sum(nil), v.Digest), nil
}

// need returns the path of an external tool, skipping the calling (sub)test
// when it is missing outside CI and failing it in CI, where .ci/run
// installs every tool.
func need(t *testing.T, name string) string { return tooltest.Need(t, name) }

// externalChecks runs the independent readers over out. wantSigs is the
// number of signature fields pdfsig must list; wantValid how many of them
// carry a real CMS (made by another producer) that it must call valid.
func externalChecks(t *testing.T, out []byte, wantSigs, wantValid int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("qpdf", func(t *testing.T) {
		cmd := exec.Command(need(t, "qpdf"), "--check", path)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("qpdf --check: %v\n%s", err, b)
		}
	})
	t.Run("pdfinfo", func(t *testing.T) {
		cmd := exec.Command(need(t, "pdfinfo"), path)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("pdfinfo: %v\n%s", err, b)
		}
	})
	t.Run("mutool", func(t *testing.T) {
		var stderr bytes.Buffer
		cmd := exec.Command(need(t, "mutool"), "show", path, "trailer")
		cmd.Stderr = &stderr
		b, err := cmd.Output()
		if err != nil || !bytes.Contains(b, []byte("/Root")) {
			t.Errorf("mutool show trailer: %v\n%s\n%s", err, b, stderr.Bytes())
		}
		if s := strings.ToLower(stderr.String()); strings.Contains(s, "error") || strings.Contains(s, "repair") {
			t.Errorf("mutool had to repair the file:\n%s", stderr.String())
		}
	})
	t.Run("pdfsig", func(t *testing.T) {
		b, _ := exec.Command(need(t, "pdfsig"), path).CombinedOutput()
		// pdfsig exits 0 whatever it finds; only its listing tells whether
		// poppler saw every signature field.
		if got := strings.Count(string(b), "Signature #"); got != wantSigs {
			t.Errorf("pdfsig lists %d signatures, want %d:\n%s", got, wantSigs, b)
		}
		if got := strings.Count(string(b), "Signature is Valid."); got != wantValid {
			t.Errorf("pdfsig finds %d valid signatures, want %d:\n%s", got, wantValid, b)
		}
	})
}

// testCerts returns two DER certificates and one DER CRL made with
// crypto/x509, as real DSS content.
func testCerts(t testing.TB) (certs [][]byte, crl []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var ca *x509.Certificate
	for i, cn := range []string{"Inkan Test Root", "Inkan Test Signer"} {
		tmpl := &x509.Certificate{
			SerialNumber:          big.NewInt(int64(i + 1)),
			Subject:               pkix.Name{CommonName: cn},
			NotBefore:             now.Add(-time.Hour),
			NotAfter:              now.Add(time.Hour),
			IsCA:                  i == 0,
			BasicConstraintsValid: true,
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		}
		parent := tmpl
		if ca != nil {
			parent = ca
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		if ca == nil {
			if ca, err = x509.ParseCertificate(der); err != nil {
				t.Fatal(err)
			}
		}
		certs = append(certs, der)
	}
	crl, err = x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: now, NextUpdate: now.Add(time.Hour)}, ca, key)
	if err != nil {
		t.Fatal(err)
	}
	return certs, crl
}

// embedWhole is the signed file: the prepared file's bytes followed by the
// increment EmbedIncrement gives.
func embedWhole(p *Prepared, der []byte) ([]byte, error) {
	tail, err := p.EmbedIncrement(der)
	if err != nil {
		return nil, err
	}
	return slices.Concat(p.base, tail), nil
}

// addDSSWhole is the file with the increment AppendDSS gives appended.
func addDSSWhole(f *File, v DSS) ([]byte, error) {
	tail, err := f.AppendDSS(v)
	if err != nil {
		return nil, err
	}
	return slices.Concat(f.data, tail), nil
}
