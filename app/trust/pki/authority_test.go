package pki_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	encasn1 "encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"inkan/app/testkit/tooltest"
	"inkan/app/trust/cms"
	"inkan/app/trust/pki"
	"inkan/app/trust/tsa"
)

const baseURL = "http://inkan.example.jp"

func newAuthority(t *testing.T) (*pki.Authority, pki.MasterKey) {
	t.Helper()
	master := mustMaster(t)
	a, err := pki.NewAuthority(master, pki.Config{Organization: "Inkan Test", BaseURL: baseURL + "/"})
	if err != nil {
		t.Fatalf("NewAuthority: %v", err)
	}
	return a, master
}

func TestNewAuthorityCertificates(t *testing.T) {
	a, _ := newAuthority(t)
	years := func(c *x509.Certificate) int { return c.NotAfter.Year() - c.NotBefore.Year() }
	curve := func(c *x509.Certificate) string { return c.PublicKey.(*ecdsa.PublicKey).Curve.Params().Name }
	tests := []struct {
		name       string
		cert       *x509.Certificate
		isCA       bool
		maxPathLen int
		years      int
		curve      string
		crl        string
	}{
		{"root", a.Root(), true, 1, 20, "P-384", ""},
		{"issuing", a.Issuing(), true, 0, 10, "P-384", baseURL + pki.RootCRLPath},
		{"tsa", a.TSACertificate(), false, -1, 10, "P-256", baseURL + pki.RootCRLPath},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.cert
			if c.IsCA != tc.isCA || (tc.isCA && c.MaxPathLen != tc.maxPathLen) {
				t.Errorf("IsCA %v MaxPathLen %d", c.IsCA, c.MaxPathLen)
			}
			if years(c) != tc.years {
				t.Errorf("validity %d years, want %d", years(c), tc.years)
			}
			if curve(c) != tc.curve {
				t.Errorf("curve %s, want %s", curve(c), tc.curve)
			}
			if tc.crl != "" && (len(c.CRLDistributionPoints) != 1 || c.CRLDistributionPoints[0] != tc.crl) {
				t.Errorf("CRL DP %v, want %s", c.CRLDistributionPoints, tc.crl)
			}
			if len(c.SubjectKeyId) != 20 || c.SerialNumber.BitLen() != 127 {
				t.Errorf("SKI %x serial bits %d", c.SubjectKeyId, c.SerialNumber.BitLen())
			}
		})
	}
	if err := tsa.CheckCertificate(a.TSACertificate()); err != nil {
		t.Errorf("TSA certificate unsuitable: %v", err)
	}
	if _, err := a.TSACertificate().Verify(x509.VerifyOptions{Roots: a.Roots(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}}); err != nil {
		t.Errorf("TSA chain: %v", err)
	}
	if block, _ := pem.Decode(a.RootPEM()); block == nil || !bytes.Equal(block.Bytes, a.Root().Raw) {
		t.Errorf("RootPEM does not hold the root")
	}
}

func TestNewAuthorityRefuses(t *testing.T) {
	master := mustMaster(t)
	tests := []struct {
		name   string
		master pki.MasterKey
		cfg    pki.Config
	}{
		{"zero master key", pki.MasterKey{}, pki.Config{BaseURL: baseURL}},
		{"no base URL", master, pki.Config{}},
		{"relative base URL", master, pki.Config{BaseURL: "/inkan"}},
		{"ftp base URL", master, pki.Config{BaseURL: "ftp://x.example"}},
		{"non-printable organization", master, pki.Config{BaseURL: baseURL, Organization: "印鑑"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := pki.NewAuthority(tc.master, tc.cfg); err == nil {
				t.Errorf("NewAuthority succeeded")
			}
		})
	}
}

func TestStateRoundTrip(t *testing.T) {
	a, master := newAuthority(t)
	js, err := json.Marshal(a.State())
	if err != nil {
		t.Fatal(err)
	}
	var st pki.State
	if err := json.Unmarshal(js, &st); err != nil {
		t.Fatal(err)
	}
	b, err := pki.LoadAuthority(master, st, nil)
	if err != nil {
		t.Fatalf("LoadAuthority: %v", err)
	}
	if !b.Root().Equal(a.Root()) || !b.Issuing().Equal(a.Issuing()) || !b.TSACertificate().Equal(a.TSACertificate()) || b.BaseURL() != baseURL {
		t.Errorf("loaded authority differs")
	}

	other, _ := newAuthority(t)
	swapped := st
	swapped.Issuing.Key, swapped.Root.Key = st.Root.Key, st.Issuing.Key
	foreignCert := st
	foreignCert.Issuing.Certificate = other.State().Issuing.Certificate
	tests := []struct {
		name   string
		master pki.MasterKey
		st     pki.State
		is     error
	}{
		{"wrong master key", mustMaster(t), st, pki.ErrWrongMasterKey},
		{"keys swapped between roles", master, swapped, pki.ErrUnseal},
		{"certificate from another CA", master, foreignCert, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pki.LoadAuthority(tc.master, tc.st, nil)
			if err == nil || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Errorf("LoadAuthority error = %v, want %v", err, tc.is)
			}
		})
	}
}

func japaneseSubject() pki.Subject {
	return pki.Subject{
		DisplayName:  "山田 太郎",
		Company:      "Yamada Shoji Co. Ltd.",
		CompanyJa:    "山田商事株式会社",
		Department:   "Legal Dept.",
		DepartmentJa: "法務部",
		Title:        "Manager",
		TitleJa:      "部長",
	}
}

// subjectAttrs walks the DER subject and returns "oid=TAG:value" strings,
// so the string types are checked, not just the text.
func subjectAttrs(t *testing.T, raw []byte) []string {
	t.Helper()
	s := cryptobyte.String(raw)
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, asn1.SEQUENCE) {
		t.Fatal("malformed subject")
	}
	var out []string
	for !seq.Empty() {
		var set, atv cryptobyte.String
		var oidStr string
		if !seq.ReadASN1(&set, asn1.SET) || !set.ReadASN1(&atv, asn1.SEQUENCE) {
			t.Fatal("malformed RDN")
		}
		var oid encasn1.ObjectIdentifier
		if !atv.ReadASN1ObjectIdentifier(&oid) {
			t.Fatal("malformed attribute type")
		}
		oidStr = oid.String()
		var val cryptobyte.String
		var tag asn1.Tag
		if !atv.ReadAnyASN1(&val, &tag) {
			t.Fatal("malformed attribute value")
		}
		kind := map[asn1.Tag]string{asn1.PrintableString: "PRINTABLE", asn1.UTF8String: "UTF8"}[tag]
		out = append(out, oidStr+"="+kind+":"+string(val))
	}
	return out
}

func TestIssue(t *testing.T) {
	a, _ := newAuthority(t)
	issued, pin, err := a.Issue(pki.IssueRequest{Number: "DJC-00001", Subject: japaneseSubject()})
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	cert, err := issued.Parse()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"2.5.4.6=PRINTABLE:JP",
		"2.5.4.10=PRINTABLE:Yamada Shoji Co. Ltd.",
		"2.5.4.10=UTF8:山田商事株式会社",
		"2.5.4.11=PRINTABLE:Legal Dept.",
		"2.5.4.11=UTF8:法務部",
		"2.5.4.12=PRINTABLE:Manager",
		"2.5.4.12=UTF8:部長",
		"2.5.4.3=UTF8:山田 太郎",
	}
	if got := subjectAttrs(t, cert.RawSubject); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("subject:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The verifier reads the holder back as applied for, both forms.
	if got := pki.SubjectOf(cert); got != japaneseSubject() {
		t.Errorf("SubjectOf = %+v, want %+v", got, japaneseSubject())
	}
	if got := pki.SubjectOf(a.Root()); got.Company == "" || got.CompanyJa != "" || got.DisplayName == "" {
		t.Errorf("SubjectOf(root) = %+v: want its O and CN, no Japanese form", got)
	}
	if cert.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment || cert.IsCA {
		t.Errorf("key usage %b IsCA %v", cert.KeyUsage, cert.IsCA)
	}
	if got := cert.NotAfter.Year() - cert.NotBefore.Year(); got != 3 {
		t.Errorf("validity %d years", got)
	}
	if len(cert.CRLDistributionPoints) != 1 || cert.CRLDistributionPoints[0] != baseURL+pki.IssuingCRLPath ||
		len(cert.IssuingCertificateURL) != 1 || cert.IssuingCertificateURL[0] != baseURL+pki.IssuingCertPath {
		t.Errorf("CRL DP %v AIA %v", cert.CRLDistributionPoints, cert.IssuingCertificateURL)
	}
	if cert.PublicKey.(*ecdsa.PublicKey).Curve != elliptic.P256() || cert.SerialNumber.Sign() <= 0 {
		t.Errorf("key or serial wrong")
	}
	if err := a.Verify(cert, time.Time{}); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if ok, err := pki.CheckPIN(issued.PINHash, pin); !ok || err != nil {
		t.Errorf("returned PIN does not match the stored hash: %v", err)
	}
	js, _ := json.Marshal(issued)
	if bytes.Contains(js, []byte(pki.NormalizePIN(pin))) {
		t.Errorf("record holds the PIN")
	}

	// The key opens only from its own record.
	if _, _, err := a.OpenKey(issued); err != nil {
		t.Errorf("OpenKey: %v", err)
	}
	second, _, err := a.Issue(pki.IssueRequest{Number: "DJC-00002", Subject: japaneseSubject(), NotAfter: time.Now().AddDate(50, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if c2, _ := second.Parse(); !c2.NotAfter.Equal(a.Issuing().NotAfter) {
		t.Errorf("validity not capped at the issuing CA: %s vs %s", c2.NotAfter, a.Issuing().NotAfter)
	}
	swapped := issued
	swapped.Key = second.Key
	if _, _, err := a.OpenKey(swapped); !errors.Is(err, pki.ErrUnseal) {
		t.Errorf("OpenKey with another record's key: %v", err)
	}
}

func TestIssueRefuses(t *testing.T) {
	a, _ := newAuthority(t)
	mod := func(f func(*pki.Subject)) pki.Subject { s := japaneseSubject(); f(&s); return s }
	tests := []struct {
		name string
		req  pki.IssueRequest
	}{
		{"bad number", pki.IssueRequest{Number: "DJC-1", Subject: japaneseSubject()}},
		{"no display name", pki.IssueRequest{Number: "DJC-00003", Subject: mod(func(s *pki.Subject) { s.DisplayName = "" })}},
		{"no company", pki.IssueRequest{Number: "DJC-00003", Subject: mod(func(s *pki.Subject) { s.Company = "" })}},
		{"Japanese in alphabet field", pki.IssueRequest{Number: "DJC-00003", Subject: mod(func(s *pki.Subject) { s.Company = "山田" })}},
		{"symbol in alphabet field", pki.IssueRequest{Number: "DJC-00003", Subject: mod(func(s *pki.Subject) { s.Title = "R&D" })}},
		{"Japanese without alphabet", pki.IssueRequest{Number: "DJC-00003", Subject: mod(func(s *pki.Subject) { s.Title = "" })}},
		{"too long", pki.IssueRequest{Number: "DJC-00003", Subject: mod(func(s *pki.Subject) { s.CompanyJa = strings.Repeat("山", 65) })}},
		{"already expired", pki.IssueRequest{Number: "DJC-00003", Subject: japaneseSubject(), NotAfter: time.Now().Add(-time.Hour)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := a.Issue(tc.req); err == nil {
				t.Errorf("Issue succeeded")
			}
		})
	}
}

func TestCRL(t *testing.T) {
	a, _ := newAuthority(t)
	good, _, err := a.Issue(pki.IssueRequest{Number: "DJC-00010", Subject: japaneseSubject()})
	if err != nil {
		t.Fatal(err)
	}
	bad, _, err := a.Issue(pki.IssueRequest{Number: "DJC-00011", Subject: japaneseSubject()})
	if err != nil {
		t.Fatal(err)
	}
	goodCert, _ := good.Parse()
	badCert, _ := bad.Parse()
	now := time.Now()
	revoked := []pki.Revoked{{SerialNumber: badCert.SerialNumber, RevokedAt: now.Add(-time.Minute), Reason: pki.ReasonKeyCompromise}}
	crl, err := a.CRL(revoked, big.NewInt(7), now, now.Add(7*24*time.Hour))
	if err != nil {
		t.Fatalf("CRL: %v", err)
	}
	rootCRL, err := a.RootCRL(nil, big.NewInt(1), now, now.Add(30*24*time.Hour))
	if err != nil {
		t.Fatalf("RootCRL: %v", err)
	}
	parsed, err := x509.ParseRevocationList(crl)
	if err != nil || parsed.Number.Int64() != 7 || len(parsed.RevokedCertificateEntries) != 1 || parsed.RevokedCertificateEntries[0].ReasonCode != 1 {
		t.Fatalf("parsed CRL: %v %+v", err, parsed)
	}
	tampered := bytes.Clone(crl)
	tampered[len(tampered)-5] ^= 1

	tests := []struct {
		name   string
		cert   *x509.Certificate
		issuer *x509.Certificate
		crl    []byte
		at     time.Time
		is     error
		ok     bool
	}{
		{"valid certificate", goodCert, a.Issuing(), crl, now, nil, true},
		{"revoked certificate", badCert, a.Issuing(), crl, now, pki.ErrRevoked, false},
		{"stale CRL", goodCert, a.Issuing(), crl, now.Add(8 * 24 * time.Hour), nil, false},
		{"archived CRL, no freshness check", goodCert, a.Issuing(), crl, time.Time{}, nil, true},
		{"tampered CRL", goodCert, a.Issuing(), tampered, now, nil, false},
		{"CRL of the wrong issuer", goodCert, a.Issuing(), rootCRL, now, nil, false},
		{"TSA against root CRL", a.TSACertificate(), a.Root(), rootCRL, now, nil, true},
		{"issuing CA against root CRL", a.Issuing(), a.Root(), rootCRL, now, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := pki.CheckRevocation(tc.cert, tc.issuer, tc.crl, tc.at)
			if (err == nil) != tc.ok || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Errorf("CheckRevocation = %v, want ok=%v is=%v", err, tc.ok, tc.is)
			}
		})
	}

	t.Run("openssl", func(t *testing.T) {
		bin := openssl(t)
		dir := t.TempDir()
		root := writePEM(t, dir, "root.pem", a.Root().Raw)
		issuing := writePEM(t, dir, "issuing.pem", a.Issuing().Raw)
		chain := writePEM(t, dir, "chain.pem", a.Issuing().Raw, a.Root().Raw)
		goodFile := writePEM(t, dir, "good.pem", goodCert.Raw)
		badFile := writePEM(t, dir, "bad.pem", badCert.Raw)
		crlFile := filepath.Join(dir, "issuing.crl")
		if err := os.WriteFile(crlFile, crl, 0o600); err != nil {
			t.Fatal(err)
		}
		crlPEM := writePEMBlock(t, dir, "issuing-crl.pem", "X509 CRL", crl)
		rootCRLPEM := writePEMBlock(t, dir, "root-crl.pem", "X509 CRL", rootCRL)

		if out, err := run(bin, "crl", "-inform", "DER", "-in", crlFile, "-CAfile", chain, "-noout", "-verify"); err != nil || !strings.Contains(out, "verify OK") {
			t.Errorf("openssl crl -verify: %v\n%s", err, out)
		}
		if out, err := run(bin, "verify", "-CAfile", root, "-untrusted", issuing, goodFile); err != nil || !strings.Contains(out, "OK") {
			t.Errorf("openssl verify: %v\n%s", err, out)
		}
		crlCheck := []string{"verify", "-crl_check_all", "-CAfile", root, "-untrusted", issuing, "-CRLfile", crlPEM, "-CRLfile", rootCRLPEM}
		if out, err := run(bin, append(crlCheck, goodFile)...); err != nil || !strings.Contains(out, ": OK") {
			t.Errorf("openssl verify -crl_check_all (good): %v\n%s", err, out)
		}
		if out, err := run(bin, append(crlCheck, badFile)...); err == nil || !strings.Contains(out, "certificate revoked") {
			t.Errorf("openssl verify -crl_check_all (revoked): %v\n%s", err, out)
		}
	})
}

func TestIssuedCertificateWithOpenSSL(t *testing.T) {
	bin := openssl(t)
	a, _ := newAuthority(t)
	issued, _, err := a.Issue(pki.IssueRequest{Number: "DJC-00001", Subject: japaneseSubject()})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	root := writePEM(t, dir, "root.pem", a.Root().Raw)
	issuing := writePEM(t, dir, "issuing.pem", a.Issuing().Raw)
	ee := writePEM(t, dir, "ee.pem", issued.Certificate)
	tsaFile := writePEM(t, dir, "tsa.pem", a.TSACertificate().Raw)

	if out, err := run(bin, "verify", "-CAfile", root, "-untrusted", issuing, ee); err != nil || !strings.Contains(out, "ee.pem: OK") {
		t.Errorf("openssl verify: %v\n%s", err, out)
	}
	if out, err := run(bin, "verify", "-CAfile", root, "-purpose", "timestampsign", tsaFile); err != nil || !strings.Contains(out, "OK") {
		t.Errorf("openssl verify TSA for timestampsign: %v\n%s", err, out)
	}
	out, err := run(bin, "x509", "-in", ee, "-noout", "-text", "-nameopt", "utf8,sep_comma_plus_space,show_type")
	if err != nil {
		t.Fatalf("openssl x509: %v\n%s", err, out)
	}
	for _, want := range []string{
		"O=PRINTABLESTRING:Yamada Shoji Co. Ltd.",
		"O=UTF8STRING:山田商事株式会社",
		"OU=UTF8STRING:法務部",
		"title=UTF8STRING:部長",
		"CN=UTF8STRING:山田 太郎",
		"Digital Signature, Non Repudiation",
		"URI:" + baseURL + pki.IssuingCRLPath,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("openssl x509 -text lacks %q:\n%s", want, out)
		}
	}
	out, err = run(bin, "x509", "-in", tsaFile, "-noout", "-text")
	if err != nil || !strings.Contains(out, "X509v3 Extended Key Usage: critical") || !strings.Contains(out, "Time Stamping") {
		t.Errorf("TSA EKU not critical timeStamping (%v):\n%s", err, out)
	}
}

// TestSignWithIssuedCertificate is the flow the PAdES code will run: open
// the holder's key, sign with app/cms, timestamp the signature with the
// authority's TSA, and verify everything against our root alone.
func TestSignWithIssuedCertificate(t *testing.T) {
	a, _ := newAuthority(t)
	issued, _, err := a.Issue(pki.IssueRequest{Number: "DJC-00001", Subject: japaneseSubject()})
	if err != nil {
		t.Fatal(err)
	}
	signer, cert, err := a.OpenKey(issued)
	if err != nil {
		t.Fatal(err)
	}
	stamper, err := tsa.New(tsa.Config{Certificate: a.TSACertificate(), Signer: a.TSASigner()})
	if err != nil {
		t.Fatalf("tsa.New: %v", err)
	}
	content := []byte("%PDF-1.7 contract")
	digest := sha256.Sum256(content)
	sig, err := cms.Sign(digest[:], signer, cert, a.Chain())
	if err != nil {
		t.Fatal(err)
	}
	sv, _ := cms.SignatureValue(sig)
	imprint := sha256.Sum256(sv)
	token, err := stamper.StampDigest(crypto.SHA256, imprint[:])
	if err != nil {
		t.Fatal(err)
	}
	sig, err = cms.AddTimestamp(sig, token)
	if err != nil {
		t.Fatal(err)
	}
	sd, err := cms.Parse(sig)
	if err != nil {
		t.Fatal(err)
	}
	chain, err := sd.Verify(digest[:], cms.VerifyOptions{Roots: a.Roots()})
	if err != nil {
		t.Fatalf("signature: %v", err)
	}
	if chain[0].Subject.CommonName != "山田 太郎" || len(chain) != 3 {
		t.Errorf("chain %v", chain)
	}
	if _, err := tsa.VerifyToken(sd.Signer.TimestampToken, sd.Signer.Signature, tsa.VerifyOptions{Roots: a.Roots()}); err != nil {
		t.Errorf("timestamp: %v", err)
	}
	t.Logf("B-T CMS with 3 certificates: %d bytes", len(sig))
}

func openssl(t testing.TB) string { return tooltest.Need(t, "openssl") }

func run(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}

func writePEM(t *testing.T, dir, name string, ders ...[]byte) string {
	t.Helper()
	var out []byte
	for _, d := range ders {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d})...)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func writePEMBlock(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
