package web

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"slices"
	"testing"

	"inkan/app/locale/i18n"
	"inkan/app/trust/pades"
)

// TestEveryVerifierCodeHasWords: the detail words each of the verifier's codes from
// both catalogs, so a new code without words shows up here rather than as
// 検証できません on a screen; a code it does not know says 検証できません.
func TestEveryVerifierCodeHasWords(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"ja", "en"} {
		l := c.For(lang)
		for _, code := range pades.Codes() {
			keys := reasonKeys(l, []pades.Code{code})
			if want := "contract.verify." + string(code); !slices.Equal(keys, []string{want}) {
				t.Errorf("%s: code %q worded by %v, want %s", lang, code, keys, want)
			}
		}
	}
	ja := c.For("ja")
	for _, tt := range []struct {
		codes []pades.Code
		want  []string
	}{
		{nil, nil},
		{[]pades.Code{"no_such_code"}, []string{"contract.verify.unknown"}},
		// One line per kind of reason, however many problems share it.
		{[]pades.Code{pades.CodeDigest, pades.CodeModified, pades.CodeDigest}, []string{"contract.verify.digest", "contract.verify.modified"}},
	} {
		if got := reasonKeys(ja, tt.codes); !slices.Equal(got, tt.want) {
			t.Errorf("reasonKeys(%v) = %v, want %v", tt.codes, got, tt.want)
		}
	}
	if got := ja.T("contract.verify.unknown"); got != "検証できません" {
		t.Errorf("unknown code worded %q", got)
	}
}

// TestSignatureRowsNameTheHolder: a row names the holder from the certificate, the
// Japanese forms first; without a certificate the report's signer string stands in.
func TestSignatureRowsNameTheHolder(t *testing.T) {
	cert := &x509.Certificate{RawSubject: subjectDER(t)}
	cert.Subject.CommonName = "山田 太郎"
	rep := &pades.Report{Signatures: []pades.SignatureReport{
		{Kind: pades.KindSignature, Signer: "山田 太郎 (Demo)", Certificate: cert, Problems: []string{"digest mismatch"}, ProblemCodes: []pades.Code{pades.CodeDigest}},
		{Kind: pades.KindDocTimestamp, Signer: "Inkan TSA", Trusted: true},
	}}
	rows := signatureRows(rep)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	if r := rows[0]; r.Company != "デモ建設株式会社" || r.Name != "山田 太郎" || r.Title != "部長" || r.Valid || r.Timestamp {
		t.Errorf("signature row %+v", r)
	}
	if r := rows[1]; r.Company != "" || r.Name != "Inkan TSA" || !r.Valid || !r.Timestamp {
		t.Errorf("timestamp row %+v", r)
	}
}

// subjectDER is a subject as the installation's CA writes it: each attribute in the
// alphabet form (PrintableString), then the Japanese form (UTF8String).
func subjectDER(t *testing.T) []byte {
	t.Helper()
	attr := func(oid asn1.ObjectIdentifier, tag int, v string) pkix.RelativeDistinguishedNameSET {
		return pkix.RelativeDistinguishedNameSET{{Type: oid, Value: asn1.RawValue{Class: asn1.ClassUniversal, Tag: tag, Bytes: []byte(v)}}}
	}
	org, title, cn := asn1.ObjectIdentifier{2, 5, 4, 10}, asn1.ObjectIdentifier{2, 5, 4, 12}, asn1.ObjectIdentifier{2, 5, 4, 3}
	der, err := asn1.Marshal(pkix.RDNSequence{
		attr(org, asn1.TagPrintableString, "Demo Kensetsu"), attr(org, asn1.TagUTF8String, "デモ建設株式会社"),
		attr(title, asn1.TagPrintableString, "Bucho"), attr(title, asn1.TagUTF8String, "部長"),
		attr(cn, asn1.TagUTF8String, "山田 太郎"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return der
}
