package certificate_test

import (
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"inkan/app/domain/certificate"
	"inkan/app/domain/mail"
	"inkan/app/locale/i18n"
	"inkan/app/trust/cms"
	"inkan/app/trust/pdf"
	"inkan/app/trust/pki"
	"inkan/app/trust/tsa"
	"inkan/views"
)

// dssCRLs returns the CRLs in the newest DSS of doc.
func dssCRLs(t *testing.T, doc []byte) []*x509.RevocationList {
	t.Helper()
	f, err := pdf.Open(doc)
	if err != nil {
		t.Fatal(err)
	}
	dss, err := f.ReadDSS()
	if err != nil {
		t.Fatal(err)
	}
	var out []*x509.RevocationList
	for _, der := range dss.CRLs {
		crl, err := x509.ParseRevocationList(der)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, crl)
	}
	return out
}

// freshCRLFrom reports whether crls hold a CRL of issuer issued after t.
func freshCRLFrom(crls []*x509.RevocationList, issuer *x509.Certificate, t time.Time) bool {
	for _, c := range crls {
		if c.CheckSignatureFrom(issuer) == nil && c.ThisUpdate.After(t) {
			return true
		}
	}
	return false
}

// TestTimestampEmbedsCRLsIssuedAfterTheLatestTimestamp: at B-LTA the DSS holds CRLs of
// the issuing CA and the root issued after the signature's timestamp (the CRLs
// published at the first start are older), and at the archive extension CRLs issued
// after the previous document timestamp.
func TestTimestampEmbedsCRLsIssuedAfterTheLatestTimestamp(t *testing.T) {
	f := newFixture(t)
	rec, _ := f.issue(t, "C000001", "U000001")
	f.now = f.now.Add(time.Hour)
	signed, err := f.sign(certificate.SignRequest{Number: rec.Number, Console: true, Document: "契約書.pdf"}, f.pdf)
	if err != nil {
		t.Fatal(err)
	}
	signedAt := f.now
	f.now = f.now.Add(time.Minute)
	lta, err := f.timestamp("契約書.pdf", signed)
	if err != nil {
		t.Fatal(err)
	}
	for _, ca := range []*x509.Certificate{f.svc.Issuing(), f.svc.Root()} {
		if !freshCRLFrom(dssCRLs(t, lta), ca, signedAt) {
			t.Errorf("B-LTA: no CRL of %s issued after the signature timestamp %s", ca.Subject.CommonName, signedAt)
		}
	}
	ltaAt := f.now
	f.now = f.now.AddDate(0, 0, 3) // the daily CRLs of the days between are older still
	ext, err := f.timestamp("契約書.pdf", lta)
	if err != nil {
		t.Fatal(err)
	}
	for _, ca := range []*x509.Certificate{f.svc.Issuing(), f.svc.Root()} {
		if !freshCRLFrom(dssCRLs(t, ext), ca, ltaAt) {
			t.Errorf("archive extension: no CRL of %s issued after the document timestamp %s", ca.Subject.CommonName, ltaAt)
		}
	}
	// The fresh CRLs are the published ones too.
	issuing, _, err := f.svc.CRLs()
	if err != nil {
		t.Fatal(err)
	}
	if crl, err := x509.ParseRevocationList(issuing); err != nil || !crl.ThisUpdate.Equal(f.now) {
		t.Errorf("published CRL %v, %v; want it issued at %s", crl.ThisUpdate, err, f.now)
	}
	rep, err := f.svc.VerifyPDF("契約書.pdf", ext)
	if err != nil || !rep.Valid() {
		t.Errorf("extended file: %v %+v", err, rep)
	}
}

// TestUseTSAPolicy writes the installation's own policy into new timestamps and refuses
// one that verifiers could not read back.
func TestUseTSAPolicy(t *testing.T) {
	f := newFixture(t)
	rec, _ := f.issue(t, "C000001", "U000001")
	if err := f.svc.UseTSAPolicy("2.25.44053190891876977409054278534333426403"); err == nil || !strings.Contains(err.Error(), "2147483647") {
		t.Errorf("a policy with a 128-bit arc: %v", err)
	}
	if err := f.svc.UseTSAPolicy("1.2.392.200999.1.1"); err != nil {
		t.Fatal(err)
	}
	signed, err := f.sign(certificate.SignRequest{Number: rec.Number, Console: true, Document: "契約書.pdf"}, f.pdf)
	if err != nil {
		t.Fatal(err)
	}
	p, err := pdf.Open(signed)
	if err != nil {
		t.Fatal(err)
	}
	sigs, _ := p.Signatures()
	sd, err := cms.Parse(sigs[0].Contents)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := tsa.ParseToken(sd.Signer.TimestampToken)
	if err != nil || tok.Policy.String() != "1.2.392.200999.1.1" {
		t.Errorf("signature timestamp policy %v, %v", tok, err)
	}
}

// TestRestrictedPDFIsExplained: a PDF restricted by an owner password is refused with
// the catalog key of a message that says what it is and how to save an unrestricted
// copy (in Japanese, and in English), an encrypted one with its own.
func TestRestrictedPDFIsExplained(t *testing.T) {
	f := newFixture(t)
	rec, _ := f.issue(t, "C000001", "U000001")
	catalogs, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, key, ja, en string }{
		{"restricted-aes128.pdf", certificate.KeyRestrictedPDF, "保護されたPDF", "qpdf --decrypt"},
		{"encrypted.pdf", certificate.KeyEncryptedPDF, "開くのにパスワードが必要", "needs a password"},
	} {
		doc, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "pdf", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.sign(certificate.SignRequest{Number: rec.Number, Console: true, Document: tc.file}, doc)
		var de *certificate.DocumentError
		if !errors.As(err, &de) || de.Key != tc.key || !errors.Is(err, pdf.ErrEncrypted) {
			t.Errorf("%s: %v", tc.file, err)
		}
		if ja, _ := catalogs.For("ja").Lookup(tc.key); !strings.Contains(ja, tc.ja) {
			t.Errorf("%s: the Japanese message %q", tc.key, ja)
		}
		if en, _ := catalogs.For("en").Lookup(tc.key); !strings.Contains(en, tc.en) {
			t.Errorf("%s: the English message %q", tc.key, en)
		}
		if _, err := f.timestamp(tc.file, doc); !errors.As(err, &de) {
			t.Errorf("%s: timestamp: %v", tc.file, err)
		}
	}
}

// TestFreshCRLsAreFromALaterSecond: on the real clock, a file signed this very second
// gets CRLs of a later second than its signature timestamp.
func TestFreshCRLsAreFromALaterSecond(t *testing.T) {
	f := newFixture(t)
	box, _ := pki.NewSecretBox(f.master, "mail secret")
	composer, err := mail.New(views.FS, "mail", "Inkan", "https://keiyaku.example.jp", box)
	if err != nil {
		t.Fatal(err)
	}
	if f.svc, err = certificate.Open(f.store, f.master, composer, "Inkan Test", "https://keiyaku.example.jp", time.Now); err != nil {
		t.Fatal(err)
	}
	rec, _ := f.issue(t, "C000001", "U000001")
	signed, err := f.sign(certificate.SignRequest{Number: rec.Number, Console: true, Document: "契約書.pdf"}, f.pdf)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := f.svc.VerifyPDF("契約書.pdf", signed)
	if err != nil || len(rep.Signatures) != 1 {
		t.Fatalf("verify the signed file: %v", err)
	}
	latest := rep.Signatures[0].TimestampTime
	lta, err := f.timestamp("契約書.pdf", signed)
	if err != nil {
		t.Fatal(err)
	}
	if !freshCRLFrom(dssCRLs(t, lta), f.svc.Issuing(), latest) {
		t.Errorf("no issuing CRL of a second after the signature timestamp %s", latest)
	}
}
