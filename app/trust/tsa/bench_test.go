package tsa_test

import (
	"crypto"
	"crypto/sha256"
	"testing"

	"inkan/app/trust/tsa"
)

// BenchmarkStampDigest measures issuing one token, the timestamp share of
// a B-T signature.
func BenchmarkStampDigest(b *testing.B) {
	tt := newTestTSA(b, true)
	a, err := tsa.New(tsa.Config{Certificate: tt.cert, Signer: tt.key})
	if err != nil {
		b.Fatal(err)
	}
	digest := sha256.Sum256([]byte("x"))
	for b.Loop() {
		if _, err := a.StampDigest(crypto.SHA256, digest[:]); err != nil {
			b.Fatal(err)
		}
	}
}
