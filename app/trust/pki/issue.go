package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"regexp"
	"time"
	"unicode/utf8"
)

// Subject is the certificate holder as given in the certificate
// application (電子証明書追加発行申請).
type Subject struct {
	// DisplayName is the common name (表示名).
	DisplayName string `json:"display_name"`
	// Company, Department and Title are the alphabet forms (企業名 / 部署名
	// / 役職名 in half-width letters, digits, space, hyphen, dot).
	Company    string `json:"company"`
	Department string `json:"department,omitempty"`
	Title      string `json:"title,omitempty"`
	// CompanyJa, DepartmentJa and TitleJa are the Japanese forms.
	CompanyJa    string `json:"company_ja,omitempty"`
	DepartmentJa string `json:"department_ja,omitempty"`
	TitleJa      string `json:"title_ja,omitempty"`
}

// IssueRequest asks for an end-entity signing certificate.
type IssueRequest struct {
	// Number is the certificate number (電子証明書管理番号, DJC-00001),
	// assigned by the caller from the installation-wide sequence.
	Number  string
	Subject Subject
	// NotAfter ends the validity; zero means DefaultValidityYears from now.
	// It is capped at the issuing CA's own expiry.
	NotAfter time.Time
}

// IssuedCertificate is what the store keeps for an issued certificate.
// The PIN itself is never part of it.
type IssuedCertificate struct {
	Number string `json:"number"`
	// Certificate is the DER certificate.
	Certificate []byte `json:"certificate"`
	// Key is the holder's private key, sealed under key ID
	// CertificateKeyID(Number).
	Key SealedKey `json:"key"`
	// PINHash is the argon2id hash of the certificate PIN.
	PINHash string `json:"pin_hash"`
}

// Parse returns the parsed certificate.
func (ic IssuedCertificate) Parse() (*x509.Certificate, error) {
	c, err := x509.ParseCertificate(ic.Certificate)
	if err != nil {
		return nil, fmt.Errorf("pki: certificate %s: %w", ic.Number, err)
	}
	return c, nil
}

// CertificateKeyID is the key ID an issued certificate's key is sealed
// under; binding the number means a key copied to another certificate's
// record does not open.
func CertificateKeyID(number string) string { return "cert/" + number }

// Attribute type OIDs of the subject.
var (
	oidCountry    = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidOrg        = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidOrgUnit    = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidTitle      = asn1.ObjectIdentifier{2, 5, 4, 12}
	oidCommonName = asn1.ObjectIdentifier{2, 5, 4, 3}
)

// oidDocumentSigning is id-kp-documentSigning (RFC 9336).
var oidDocumentSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36}

var numberPattern = regexp.MustCompile(`^DJC-[0-9]{5}$`)

// Issue generates a P-256 key pair for the holder, issues the signing
// certificate from the issuing CA, seals the key and makes the PIN. The
// PIN is returned once, to be mailed; only its hash is in the record.
func (a *Authority) Issue(req IssueRequest) (IssuedCertificate, string, error) {
	if !numberPattern.MatchString(req.Number) {
		return IssuedCertificate{}, "", fmt.Errorf("pki: issue certificate %q: number must look like DJC-00001", req.Number)
	}
	name, err := req.Subject.rawName()
	if err != nil {
		return IssuedCertificate{}, "", fmt.Errorf("pki: issue certificate %s: %w", req.Number, err)
	}
	now := a.now().UTC().Truncate(time.Second)
	notAfter := req.NotAfter
	if notAfter.IsZero() {
		notAfter = now.AddDate(DefaultValidityYears, 0, 0)
	}
	if notAfter.After(a.issuing.NotAfter) {
		notAfter = a.issuing.NotAfter
	}
	if !notAfter.After(now) {
		return IssuedCertificate{}, "", fmt.Errorf("pki: issue certificate %s: validity ends %s, before now", req.Number, notAfter)
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return IssuedCertificate{}, "", fmt.Errorf("pki: issue certificate %s: generate key: %w", req.Number, err)
	}
	cert, err := createCertificate(&x509.Certificate{
		RawSubject: name,
		NotBefore:  now.Add(-backdate),
		NotAfter:   notAfter,
		// Key usage is the same for everything a contract signer does:
		// digital signature plus non-repudiation (contentCommitment). The EKU
		// names document signing (RFC 9336) and emailProtection: NSS checks a
		// PDF signer as an email signer, and poppler (pdfsig 22.12) only calls
		// a certificate trusted when that usage is present.
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		UnknownExtKeyUsage:    []asn1.ObjectIdentifier{oidDocumentSigning},
		BasicConstraintsValid: true,
		CRLDistributionPoints: []string{a.baseURL + IssuingCRLPath},
		IssuingCertificateURL: []string{a.baseURL + IssuingCertPath},
	}, a.issuing, key.Public(), a.issuingKey)
	if err != nil {
		return IssuedCertificate{}, "", fmt.Errorf("pki: issue certificate %s: %w", req.Number, err)
	}
	sealed, err := Seal(a.master, CertificateKeyID(req.Number), key)
	if err != nil {
		return IssuedCertificate{}, "", fmt.Errorf("pki: issue certificate %s: %w", req.Number, err)
	}
	pin, err := NewPIN()
	if err != nil {
		return IssuedCertificate{}, "", fmt.Errorf("pki: issue certificate %s: %w", req.Number, err)
	}
	hash, err := HashPIN(pin)
	if err != nil {
		return IssuedCertificate{}, "", fmt.Errorf("pki: issue certificate %s: %w", req.Number, err)
	}
	return IssuedCertificate{Number: req.Number, Certificate: cert.Raw, Key: sealed, PINHash: hash}, pin, nil
}

// OpenKey opens an issued certificate's private key for signing, checking
// that it belongs to the certificate in the same record.
func (a *Authority) OpenKey(ic IssuedCertificate) (crypto.Signer, *x509.Certificate, error) {
	cert, err := ic.Parse()
	if err != nil {
		return nil, nil, err
	}
	key, err := ic.Key.Open(a.master, CertificateKeyID(ic.Number))
	if err != nil {
		return nil, nil, fmt.Errorf("pki: open key of certificate %s: %w", ic.Number, err)
	}
	if err := matchKey(key, cert); err != nil {
		return nil, nil, fmt.Errorf("pki: open key of certificate %s: %w", ic.Number, err)
	}
	return key, cert, nil
}

// Verify checks that an issued certificate chains to our root at time at
// (zero: now), as any signature verifier will check it.
func (a *Authority) Verify(cert *x509.Certificate, at time.Time) error {
	inter := x509.NewCertPool()
	inter.AddCert(a.issuing)
	if _, err := cert.Verify(x509.VerifyOptions{
		Roots: a.Roots(), Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	}); err != nil {
		return fmt.Errorf("pki: verify certificate %s: %w", cert.Subject, err)
	}
	return nil
}

// RFC 5280 upper bounds (ub-organization-name and friends).
const (
	maxAttrLen = 64
)

// alphabetPattern is the alphabet form of the application: half-width
// letters, digits, space, hyphen and dot, all of which PrintableString
// can carry.
var alphabetPattern = regexp.MustCompile(`^[A-Za-z0-9 .\-]+$`)

// rawName builds the DER subject: C=JP, then O, OU and title each in the
// alphabet form (PrintableString) followed by the Japanese form
// (UTF8String), then CN (UTF8String). The Japanese forms use the same
// attribute types so every tool displays them; the string type tells them
// apart. encoding/asn1 would pick PrintableString for an all-ASCII
// Japanese form, so the string types are set explicitly.
func (s Subject) rawName() ([]byte, error) {
	if s.DisplayName == "" {
		return nil, errors.New("display name is required")
	}
	if s.Company == "" {
		return nil, errors.New("company name in alphabet is required")
	}
	rdn := pkix.RDNSequence{{{Type: oidCountry, Value: printable("JP")}}}
	for _, f := range []struct {
		label    string
		oid      asn1.ObjectIdentifier
		alphabet string
		japanese string
	}{
		{"company", oidOrg, s.Company, s.CompanyJa},
		{"department", oidOrgUnit, s.Department, s.DepartmentJa},
		{"title", oidTitle, s.Title, s.TitleJa},
	} {
		if f.alphabet == "" && f.japanese != "" {
			return nil, fmt.Errorf("%s: Japanese form given without the alphabet form", f.label)
		}
		if f.alphabet != "" {
			if !alphabetPattern.MatchString(f.alphabet) || len(f.alphabet) > maxAttrLen {
				return nil, fmt.Errorf("%s %q: alphabet form allows letters, digits, space, hyphen and dot, up to %d characters", f.label, f.alphabet, maxAttrLen)
			}
			rdn = append(rdn, pkix.RelativeDistinguishedNameSET{{Type: f.oid, Value: printable(f.alphabet)}})
		}
		if f.japanese != "" {
			if err := checkUTF8(f.label, f.japanese); err != nil {
				return nil, err
			}
			rdn = append(rdn, pkix.RelativeDistinguishedNameSET{{Type: f.oid, Value: utf8String(f.japanese)}})
		}
	}
	if err := checkUTF8("display name", s.DisplayName); err != nil {
		return nil, err
	}
	rdn = append(rdn, pkix.RelativeDistinguishedNameSET{{Type: oidCommonName, Value: utf8String(s.DisplayName)}})
	der, err := asn1.Marshal(rdn)
	if err != nil {
		return nil, fmt.Errorf("encode subject: %w", err)
	}
	return der, nil
}

func checkUTF8(label, v string) error {
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxAttrLen {
		return fmt.Errorf("%s %q: must be valid UTF-8 of at most %d characters", label, v, maxAttrLen)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%s %q: control characters are not allowed", label, v)
		}
	}
	return nil
}

func printable(s string) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagPrintableString, Bytes: []byte(s)}
}

func utf8String(s string) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagUTF8String, Bytes: []byte(s)}
}

func isPrintable(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			r == ' ' || r == '\'' || r == '(' || r == ')' || r == '+' || r == ',' ||
			r == '-' || r == '.' || r == '/' || r == ':' || r == '=' || r == '?'
		if !ok {
			return false
		}
	}
	return true
}
