// Package pki is Inkan's certificate authority: a root CA, an issuing CA
// that issues companies' document signing certificates, and the TSA
// certificate, all with keys encrypted at rest under a master key; plus
// certificate PINs and CRLs.
//
// The trust model: the root certificate is the trust anchor users import
// (Acrobat, NSS). The issuing CA signs end-entity certificates and the
// issuing CRL; the root signs the issuing CA, the TSA certificate and the
// root CRL. Every private key is held by the server, sealed with AES-GCM
// under a per-key data key wrapped by the master key. The state (DER
// certificates and sealed keys) is plain JSON for the store.
//
// Backups need both halves, kept apart: the store (certificates, sealed
// keys, PIN hashes) and the master key (the 0600 file or the operator's
// INKAN_MASTER_KEY value, printable with MasterKey.Encode). The store
// alone reveals no private key; the master key alone holds nothing; lose
// the master key and no certificate can sign again, leak it together with
// the store and anyone can sign as every holder, the CA and the TSA.
package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// URL paths under Config.BaseURL that the certificates point to. The web
// layer must serve the current CRLs (DER, application/pkix-crl) and the CA
// certificates (DER, application/pkix-cert) there.
const (
	RootCRLPath     = "/pki/crl/root.crl"
	IssuingCRLPath  = "/pki/crl/issuing.crl"
	RootCertPath    = "/pki/ca/root.crt"
	IssuingCertPath = "/pki/ca/issuing.crt"
)

// Key IDs bound into the sealed CA and TSA keys.
const (
	rootKeyID    = "ca/root"
	issuingKeyID = "ca/issuing"
	tsaKeyID     = "tsa"
)

// Validity periods. The root outlives the issuing CA and the TSA by ten
// years so that both can be renewed under the same anchor.
const (
	rootYears    = 20
	issuingYears = 10
	tsaYears     = 10
	// DefaultValidityYears is the validity of an end-entity certificate
	// when the request gives none.
	DefaultValidityYears = 3
	// backdate tolerates clocks of verifying machines that run behind ours.
	backdate = 5 * time.Minute
)

// Config configures a new Authority.
type Config struct {
	// Organization names the operator in the CA subjects (O=…); "Inkan"
	// when empty.
	Organization string
	// BaseURL is the externally reachable URL of this server, e.g.
	// "http://inkan.example.co.jp"; CRL distribution points and CA issuer
	// URLs are built from it. Plain http is preferable for CRLs (RFC 5280
	// §4.2.1.13: https would need revocation checking of its own).
	BaseURL string
	// Now gives the current time; time.Now when nil.
	Now func() time.Time
}

// KeyPair is a certificate with its sealed private key.
type KeyPair struct {
	// Certificate is the DER certificate.
	Certificate []byte `json:"certificate"`
	// Key is the sealed private key.
	Key SealedKey `json:"key"`
}

// State is everything the store persists for the authority. It contains
// no plaintext key.
type State struct {
	// Version of this format; 1.
	Version int     `json:"version"`
	BaseURL string  `json:"base_url"`
	Root    KeyPair `json:"root"`
	Issuing KeyPair `json:"issuing"`
	TSA     KeyPair `json:"tsa"`
}

const stateVersion = 1

// Authority is the loaded CA: certificates parsed and keys opened. It holds
// the master key to open issued certificates' keys on demand. It has no
// mutable state and is safe for concurrent use.
type Authority struct {
	master  MasterKey
	state   State
	baseURL string
	now     func() time.Time

	root, issuing, tsa          *x509.Certificate
	rootKey, issuingKey, tsaKey crypto.Signer
}

// NewAuthority creates the root CA (ECDSA P-384, 20 years, path length 1),
// the issuing CA (P-384, 10 years, path length 0) and the TSA certificate
// (P-256, 10 years, issued by the root, critical EKU id-kp-timeStamping),
// sealing each key under master.
func NewAuthority(master MasterKey, cfg Config) (*Authority, error) {
	if master.isZero() {
		return nil, errors.New("pki: new authority: master key is not set")
	}
	base, err := normalizeBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("pki: new authority: %w", err)
	}
	org := cfg.Organization
	if org == "" {
		org = "Inkan"
	}
	if !isPrintable(org) {
		return nil, fmt.Errorf("pki: new authority: organization %q must be PrintableString characters", org)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	t := now().UTC().Truncate(time.Second)

	rootKey, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("pki: generate root key: %w", err)
	}
	root, err := createCertificate(&x509.Certificate{
		Subject:               pkix.Name{Country: []string{"JP"}, Organization: []string{org}, CommonName: org + " Root CA"},
		NotBefore:             t.Add(-backdate),
		NotAfter:              t.AddDate(rootYears, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            1,
	}, nil, rootKey.Public(), rootKey)
	if err != nil {
		return nil, fmt.Errorf("pki: create root CA: %w", err)
	}

	issuingKey, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("pki: generate issuing CA key: %w", err)
	}
	issuing, err := createCertificate(&x509.Certificate{
		Subject:               pkix.Name{Country: []string{"JP"}, Organization: []string{org}, CommonName: org + " Issuing CA"},
		NotBefore:             t.Add(-backdate),
		NotAfter:              t.AddDate(issuingYears, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		CRLDistributionPoints: []string{base + RootCRLPath},
		IssuingCertificateURL: []string{base + RootCertPath},
	}, root, issuingKey.Public(), rootKey)
	if err != nil {
		return nil, fmt.Errorf("pki: create issuing CA: %w", err)
	}

	tsaKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("pki: generate TSA key: %w", err)
	}
	// Go writes ExtKeyUsage non-critical; RFC 3161 §2.3 requires the
	// timeStamping EKU critical and OpenSSL enforces it, so the extension
	// is supplied ready-made.
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
	if err != nil {
		return nil, fmt.Errorf("pki: encode TSA EKU: %w", err)
	}
	tsaCert, err := createCertificate(&x509.Certificate{
		Subject:               pkix.Name{Country: []string{"JP"}, Organization: []string{org}, CommonName: org + " Timestamp Authority"},
		NotBefore:             t.Add(-backdate),
		NotAfter:              t.AddDate(tsaYears, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		ExtraExtensions:       []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}},
		CRLDistributionPoints: []string{base + RootCRLPath},
		IssuingCertificateURL: []string{base + RootCertPath},
	}, root, tsaKey.Public(), rootKey)
	if err != nil {
		return nil, fmt.Errorf("pki: create TSA certificate: %w", err)
	}

	st := State{Version: stateVersion, BaseURL: base}
	for _, kp := range []struct {
		dst  *KeyPair
		cert *x509.Certificate
		key  crypto.Signer
		id   string
	}{
		{&st.Root, root, rootKey, rootKeyID},
		{&st.Issuing, issuing, issuingKey, issuingKeyID},
		{&st.TSA, tsaCert, tsaKey, tsaKeyID},
	} {
		sealed, err := Seal(master, kp.id, kp.key)
		if err != nil {
			return nil, fmt.Errorf("pki: new authority: %w", err)
		}
		*kp.dst = KeyPair{Certificate: kp.cert.Raw, Key: sealed}
	}
	return &Authority{
		master: master, state: st, baseURL: base, now: now,
		root: root, issuing: issuing, tsa: tsaCert,
		rootKey: rootKey, issuingKey: issuingKey, tsaKey: tsaKey,
	}, nil
}

// LoadAuthority opens a persisted State with the master key. It checks
// that every key matches its certificate and that the issuing CA and TSA
// certificates are signed by the root, so a store edited by hand fails here
// rather than at the first signature.
func LoadAuthority(master MasterKey, st State, now func() time.Time) (*Authority, error) {
	if st.Version != stateVersion {
		return nil, fmt.Errorf("pki: load authority: unsupported state version %d", st.Version)
	}
	if now == nil {
		now = time.Now
	}
	a := &Authority{master: master, state: st, baseURL: st.BaseURL, now: now}
	for _, kp := range []struct {
		src  KeyPair
		cert **x509.Certificate
		key  *crypto.Signer
		id   string
	}{
		{st.Root, &a.root, &a.rootKey, rootKeyID},
		{st.Issuing, &a.issuing, &a.issuingKey, issuingKeyID},
		{st.TSA, &a.tsa, &a.tsaKey, tsaKeyID},
	} {
		cert, key, err := openKeyPair(master, kp.src, kp.id)
		if err != nil {
			return nil, fmt.Errorf("pki: load authority: %w", err)
		}
		*kp.cert, *kp.key = cert, key
	}
	if err := a.root.CheckSignatureFrom(a.root); err != nil {
		return nil, fmt.Errorf("pki: load authority: root is not self-signed: %w", err)
	}
	for _, c := range []*x509.Certificate{a.issuing, a.tsa} {
		if err := c.CheckSignatureFrom(a.root); err != nil {
			return nil, fmt.Errorf("pki: load authority: %s not issued by the root: %w", c.Subject, err)
		}
	}
	return a, nil
}

func openKeyPair(master MasterKey, kp KeyPair, keyID string) (*x509.Certificate, crypto.Signer, error) {
	cert, err := x509.ParseCertificate(kp.Certificate)
	if err != nil {
		return nil, nil, fmt.Errorf("certificate %s: %w", keyID, err)
	}
	key, err := kp.Key.Open(master, keyID)
	if err != nil {
		return nil, nil, err
	}
	if err := matchKey(key, cert); err != nil {
		return nil, nil, fmt.Errorf("key %s: %w", keyID, err)
	}
	return cert, key, nil
}

func matchKey(key crypto.Signer, cert *x509.Certificate) error {
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return fmt.Errorf("private key does not match certificate %s", cert.Subject)
	}
	return nil
}

// State returns the persistable state.
func (a *Authority) State() State { return a.state }

// Root returns the root CA certificate, the trust anchor.
func (a *Authority) Root() *x509.Certificate { return a.root }

// Issuing returns the issuing CA certificate.
func (a *Authority) Issuing() *x509.Certificate { return a.issuing }

// TSACertificate returns the TSA certificate.
func (a *Authority) TSACertificate() *x509.Certificate { return a.tsa }

// TSASigner returns the TSA private key, for tsa.Config.
func (a *Authority) TSASigner() crypto.Signer { return a.tsaKey }

// Chain returns the issuers of an end-entity certificate, issuing CA then
// root: what cms.Sign embeds and what a PAdES DSS carries.
func (a *Authority) Chain() []*x509.Certificate {
	return []*x509.Certificate{a.issuing, a.root}
}

// Roots returns a pool holding only our root, for verification.
func (a *Authority) Roots() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(a.root)
	return p
}

// RootPEM returns the root certificate in PEM, for import into Acrobat or
// an NSS database (inkan ca export-root).
func (a *Authority) RootPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.root.Raw})
}

// BaseURL returns the base URL the certificates point to.
func (a *Authority) BaseURL() string { return a.baseURL }

// createCertificate fills in what every certificate of ours has — a random
// serial and a subject key identifier — and returns the parsed result.
func createCertificate(tmpl, parent *x509.Certificate, pub crypto.PublicKey, parentKey crypto.Signer) (*x509.Certificate, error) {
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	if tmpl.SubjectKeyId, err = subjectKeyID(pub); err != nil {
		return nil, err
	}
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, parentKey)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// randomSerial returns a positive 128-bit serial, always 16 octets
// (RFC 5280 §4.1.2.2 allows up to 20; CA/B Forum wants 64+ random bits).
func randomSerial() (*big.Int, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("random serial: %w", err)
	}
	b[0] = b[0]&0x7f | 0x40
	return new(big.Int).SetBytes(b[:]), nil
}

// subjectKeyID is method 1 of RFC 7093 §2: the leftmost 160 bits of the
// SHA-256 of the subjectPublicKey bits. Go generates it only for CA
// certificates; ours set it on every certificate so AKI/SKI chains and
// ESS lookups by key identifier work for end entities too.
func subjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("subject key identifier: %w", err)
	}
	s := cryptobyte.String(spki)
	var inner cryptobyte.String
	var bits asn1.BitString
	if !s.ReadASN1(&inner, cbasn1.SEQUENCE) || !inner.SkipASN1(cbasn1.SEQUENCE) || !inner.ReadASN1BitString(&bits) {
		return nil, errors.New("subject key identifier: malformed SubjectPublicKeyInfo")
	}
	sum := sha256.Sum256(bits.Bytes)
	return sum[:20], nil
}

func normalizeBaseURL(s string) (string, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(s), "/"))
	if err != nil {
		return "", fmt.Errorf("base URL %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("base URL %q must be an absolute http(s) URL without query", s)
	}
	return u.String(), nil
}
