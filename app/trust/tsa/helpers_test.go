package tsa_test

import (
	"crypto"
	"crypto/elliptic"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"os/exec"
	"testing"
	"time"

	"inkan/app/testkit/certtest"
	"inkan/app/testkit/tooltest"
)

// testTSA is a real root plus TSA certificate made with crypto/x509, kept
// apart from app/pki so that these tests judge the TSA alone.
type testTSA struct {
	root, inter, cert *x509.Certificate
	key               crypto.Signer
	roots             *x509.CertPool
}

// newTestTSA issues a TSA certificate under root → intermediate. When
// criticalEKU is false the EKU is written the way Go does by default
// (non-critical), which RFC 3161 forbids.
func newTestTSA(t testing.TB, criticalEKU bool) testTSA {
	t.Helper()
	now := time.Now()
	rootKey := certtest.ECKey(t, elliptic.P256())
	root := certtest.Cert(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "TSA Test Root"},
		NotBefore:             now.Add(-48 * time.Hour),
		NotAfter:              now.Add(48 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}, nil, rootKey, rootKey)
	interKey := certtest.ECKey(t, elliptic.P256())
	inter := certtest.Cert(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "TSA Test Issuing CA"},
		NotBefore:             now.Add(-48 * time.Hour),
		NotAfter:              now.Add(48 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}, root, interKey, rootKey)
	key := certtest.ECKey(t, elliptic.P256())
	tmpl := &x509.Certificate{
		Subject:   pkix.Name{CommonName: "TSA Test Unit"},
		NotBefore: now.Add(-24 * time.Hour),
		NotAfter:  now.Add(24 * time.Hour),
		KeyUsage:  x509.KeyUsageDigitalSignature,
	}
	if criticalEKU {
		ext, err := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
		if err != nil {
			t.Fatal(err)
		}
		tmpl.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: ext}}
	} else {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}
	}
	cert := certtest.Cert(t, tmpl, inter, key, interKey)
	roots := x509.NewCertPool()
	roots.AddCert(root)
	return testTSA{root: root, inter: inter, cert: cert, key: key, roots: roots}
}

func openssl(t testing.TB) string { return tooltest.Need(t, "openssl") }

func run(t testing.TB, name string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}
