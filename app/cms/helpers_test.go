package cms_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"inkan/app/tooltest"
)

// testPKI is a real three-level hierarchy made with crypto/x509 for the
// tests of this package, independent of app/pki so that a fault there
// cannot hide one here.
type testPKI struct {
	root, inter, leaf *x509.Certificate
	leafKey           crypto.Signer
	roots             *x509.CertPool
}

func newTestPKI(t testing.TB, leafKey crypto.Signer) testPKI {
	t.Helper()
	return newTestPKIWithRootKey(t, leafKey, mustECKey(t, elliptic.P256()))
}

func newTestPKIWithRootKey(t testing.TB, leafKey, rootKey crypto.Signer) testPKI {
	t.Helper()
	now := time.Now()
	root := mustCert(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "CMS Test Root", Organization: []string{"Inkan Test"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            1,
	}, nil, rootKey, rootKey)
	interKey := mustECKey(t, elliptic.P256())
	inter := mustCert(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "CMS Test Issuing CA", Organization: []string{"Inkan Test"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}, root, interKey, rootKey)
	leaf := mustCert(t, &x509.Certificate{
		Subject:   pkix.Name{CommonName: "CMS Test Signer", Organization: []string{"Inkan Test"}},
		NotBefore: now.Add(-time.Hour),
		NotAfter:  now.Add(24 * time.Hour),
		KeyUsage:  x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}, inter, leafKey, interKey)
	roots := x509.NewCertPool()
	roots.AddCert(root)
	return testPKI{root: root, inter: inter, leaf: leaf, leafKey: leafKey, roots: roots}
}

func mustECKey(t testing.TB, c elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatalf("generate EC key: %v", err)
	}
	return k
}

func mustRSAKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("generate RSA key: %v", err)
	}
	return k
}

func mustCert(t testing.TB, tmpl, parent *x509.Certificate, key crypto.Signer, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		t.Fatalf("serial: %v", err)
	}
	tmpl.SerialNumber = serial
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatalf("create certificate %s: %v", tmpl.Subject, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parse certificate: %v", err)
	}
	return c
}

func openssl(t testing.TB) string { return tooltest.Need(t, "openssl") }

func writePEM(t testing.TB, dir, name string, certs ...*x509.Certificate) string {
	t.Helper()
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
