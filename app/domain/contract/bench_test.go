package contract_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"math/big"
	"testing"
	"time"

	"inkan/app/trust/pki"
	"inkan/app/trust/tsa"
)

// bigPDF is a one-page classic PDF of about size bytes whose content stream is a long
// run of PDF comments, which do not compress away (as in the pades benchmarks).
func bigPDF(size int) []byte {
	var content bytes.Buffer
	line := make([]byte, 0, 80)
	for i := 0; content.Len() < size; i++ {
		sum := sha256.Sum256([]byte{byte(i), byte(i >> 8), byte(i >> 16), byte(i >> 24)})
		line = fmt.Appendf(line[:0], "%% %x\n", sum)
		content.Write(line)
	}
	content.WriteString("BT /F1 12 Tf 72 720 Td (Inkan benchmark) Tj ET\n")
	var b bytes.Buffer
	var offs []int
	obj := func(s string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
	}
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>")
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.Bytes()))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /ID [<%x> <%x>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(offs)+1, sha256.Sum256(content.Bytes()[:64]), sha256.Sum256(content.Bytes()[:64]), xref)
	return b.Bytes()
}

// BenchmarkDocumentLife1MB is the whole life of a 1 MB document through the flow:
// register and 申請, 承認, the sender's 署名, 受領, 受領前承認, the receiver's 署名 and
// 完了 (B-LTA), each step in its transactions with its file written and fsynced.
func BenchmarkDocumentLife1MB(b *testing.B) {
	w := newWorld(b, bigPDF(1<<20))
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
	doc := bigPDF(1 << 20)
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
