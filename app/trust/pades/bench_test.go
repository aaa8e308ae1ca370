package pades_test

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"testing"
	"time"

	"inkan/app/testkit/pdftest"
	"inkan/app/trust/pades"
)

// The target: signing (B-T, timestamp included) within 3× of
// BenchmarkBaseline20MB, the irreducible work of SHA-256 over the file,
// one private-key signature and one timestamp signature. Compare
// BenchmarkSign20MB with it in the same run.

func benchSign(b *testing.B, size int) {
	e := newEnv(b)
	doc := pdftest.Big(size)
	b.SetBytes(int64(len(doc)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := pades.Sign(doc, e.sender, e.tsa, pades.SignOptions{Time: time.Now()}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSign1MB signs a 1 MB PDF (B-T).
func BenchmarkSign1MB(b *testing.B) { benchSign(b, 1<<20) }

// BenchmarkSign20MB signs a 20 MB PDF (B-T).
func BenchmarkSign20MB(b *testing.B) { benchSign(b, 20<<20) }

// BenchmarkVerify20MB verifies a 20 MB PDF with one B-T signature.
func BenchmarkVerify20MB(b *testing.B) {
	e := newEnv(b)
	doc, err := pades.Sign(pdftest.Big(20<<20), e.sender, e.tsa, pades.SignOptions{})
	if err != nil {
		b.Fatal(err)
	}
	opts := e.verifyOptions()
	b.SetBytes(int64(len(doc)))
	b.ResetTimer()
	for b.Loop() {
		rep, err := pades.Verify(doc, opts)
		if err != nil || !rep.Valid() {
			b.Fatalf("Verify: %v %+v", err, rep)
		}
	}
}

// BenchmarkBaseline20MB is SHA-256 over a 20 MB file, one ECDSA signature
// with the signer's key and one timestamp from the TSA.
func BenchmarkBaseline20MB(b *testing.B) {
	e := newEnv(b)
	doc := pdftest.Big(20 << 20)
	b.SetBytes(int64(len(doc)))
	b.ResetTimer()
	for b.Loop() {
		digest := sha256.Sum256(doc)
		sig, err := e.sender.Key.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			b.Fatal(err)
		}
		sigDigest := sha256.Sum256(sig)
		if _, err := e.tsa.StampDigest(crypto.SHA256, sigDigest[:]); err != nil {
			b.Fatal(err)
		}
	}
}
