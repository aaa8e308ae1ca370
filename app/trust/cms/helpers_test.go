package cms_test

import (
	"crypto"
	"crypto/elliptic"
	"crypto/x509"
	"crypto/x509/pkix"
	"testing"
	"time"

	"inkan/app/testkit/certtest"
	"inkan/app/testkit/tooltest"
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
	return newTestPKIWithRootKey(t, leafKey, certtest.ECKey(t, elliptic.P256()))
}

func newTestPKIWithRootKey(t testing.TB, leafKey, rootKey crypto.Signer) testPKI {
	t.Helper()
	now := time.Now()
	root := certtest.Cert(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "CMS Test Root", Organization: []string{"Inkan Test"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            1,
	}, nil, rootKey, rootKey)
	interKey := certtest.ECKey(t, elliptic.P256())
	inter := certtest.Cert(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "CMS Test Issuing CA", Organization: []string{"Inkan Test"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}, root, interKey, rootKey)
	leaf := certtest.Cert(t, &x509.Certificate{
		Subject:   pkix.Name{CommonName: "CMS Test Signer", Organization: []string{"Inkan Test"}},
		NotBefore: now.Add(-time.Hour),
		NotAfter:  now.Add(24 * time.Hour),
		KeyUsage:  x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}, inter, leafKey, interKey)
	roots := x509.NewCertPool()
	roots.AddCert(root)
	return testPKI{root: root, inter: inter, leaf: leaf, leafKey: leafKey, roots: roots}
}

func openssl(t testing.TB) string { return tooltest.Need(t, "openssl") }
