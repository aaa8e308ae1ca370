package cms_test

import (
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"testing"

	"inkan/app/testkit/certtest"
	"inkan/app/trust/cms"
)

// BenchmarkSign measures one detached signature over a precomputed digest:
// the fixed cost PAdES signing adds to hashing the file.
func BenchmarkSign(b *testing.B) {
	keys := []struct {
		name string
		pki  testPKI
	}{
		{"ECDSA-P256", newTestPKI(b, certtest.ECKey(b, elliptic.P256()))},
		{"RSA-2048", newTestPKI(b, certtest.RSAKey(b))},
	}
	digest := sha256.Sum256([]byte("x"))
	for _, k := range keys {
		b.Run(k.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := cms.Sign(digest[:], k.pki.leafKey, k.pki.leaf, []*x509.Certificate{k.pki.inter}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerify measures parsing and verifying one signature with its
// chain.
func BenchmarkVerify(b *testing.B) {
	p := newTestPKI(b, certtest.ECKey(b, elliptic.P256()))
	digest := sha256.Sum256([]byte("x"))
	der, err := cms.Sign(digest[:], p.leafKey, p.leaf, []*x509.Certificate{p.inter})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		sd, err := cms.Parse(der)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sd.Verify(digest[:], cms.VerifyOptions{Roots: p.roots}); err != nil {
			b.Fatal(err)
		}
	}
}
