package contract_test

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"math/big"
	"testing"
	"time"

	"inkan/app/testkit/pdftest"
	"inkan/app/trust/pki"
	"inkan/app/trust/tsa"
)

// BenchmarkDocumentLife1MB is the whole life of a 1 MB document through the flow:
// register and 申請, 承認, the sender's 署名, 受領, 受領前承認, the receiver's 署名 and
// 完了 (B-LTA), each step in its transactions with its file written and fsynced.
func BenchmarkDocumentLife1MB(b *testing.B) {
	w := newWorld(b, pdftest.Big(1<<20))
	b.SetBytes(1 << 20)
	for b.Loop() {
		d := w.register(b)
		w.live(b, d)
	}
}

// BenchmarkDocumentCryptoFloor1MB is the cryptography of that life alone, with the
// same key types: for each of the two signatures SHA-256 over the file, one ECDSA
// P-256 signature and one timestamp; for B-LTA the two fresh CRLs (P-384), SHA-256
// over the file and the document timestamp.
func BenchmarkDocumentCryptoFloor1MB(b *testing.B) {
	master, err := pki.NewMasterKey()
	if err != nil {
		b.Fatal(err)
	}
	ca, err := pki.NewAuthority(master, pki.Config{Organization: "Inkan Bench", BaseURL: "https://keiyaku.example.jp"})
	if err != nil {
		b.Fatal(err)
	}
	ta, err := tsa.New(tsa.Config{Certificate: ca.TSACertificate(), Signer: ca.TSASigner(), Chain: []*x509.Certificate{ca.Root()}})
	if err != nil {
		b.Fatal(err)
	}
	ic, _, err := ca.Issue(pki.IssueRequest{Number: "DJC-00001", Subject: pki.Subject{DisplayName: "Bench", Company: "Bench KK", CompanyJa: "ベンチ"}})
	if err != nil {
		b.Fatal(err)
	}
	key, _, err := ca.OpenKey(ic)
	if err != nil {
		b.Fatal(err)
	}
	doc := pdftest.Big(1 << 20)
	b.SetBytes(1 << 20)
	n := int64(0)
	for b.Loop() {
		for range 2 {
			digest := sha256.Sum256(doc)
			sig, err := key.Sign(rand.Reader, digest[:], crypto.SHA256)
			if err != nil {
				b.Fatal(err)
			}
			sigDigest := sha256.Sum256(sig)
			if _, err := ta.StampDigest(crypto.SHA256, sigDigest[:]); err != nil {
				b.Fatal(err)
			}
		}
		now := time.Now()
		n++
		if _, err := ca.CRL(nil, big.NewInt(n), now, now.Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
		if _, err := ca.RootCRL(nil, big.NewInt(n), now, now.Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
		digest := sha256.Sum256(doc)
		if _, err := ta.StampDigest(crypto.SHA256, digest[:]); err != nil {
			b.Fatal(err)
		}
	}
}
