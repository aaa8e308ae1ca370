package data

import (
	"encoding/json"
	"fmt"
	"time"
)

var (
	bucketTrust                 = []byte("trust")
	bucketCertificates          = []byte("certificates")
	bucketCertificatesByCompany = []byte("certificates_by_company")
)

// Certificate states.
const (
	CertificateValid   = "valid"
	CertificateRevoked = "revoked"
)

// Certificate is a company's signing certificate (電子証明書), with its key sealed
// under the master key and the argon2id hash of its PIN.
type Certificate struct {
	V           int               `json:"v"`
	Number      string            `json:"number"`
	CompanyID   string            `json:"company_id"`
	DisplayName string            `json:"display_name"`
	Subject     json.RawMessage   `json:"subject"`
	DER         []byte            `json:"der"`
	Key         json.RawMessage   `json:"key"`
	PINHash     string            `json:"pin_hash"`
	Serial      string            `json:"serial"`
	NotBefore   time.Time         `json:"not_before"`
	NotAfter    time.Time         `json:"not_after"`
	Status      string            `json:"status"`
	RevokedAt   *time.Time        `json:"revoked_at,omitempty"`
	Reason      int               `json:"reason,omitempty"`
	Links       []CertificateLink `json:"links"`
	CreatedAt   time.Time         `json:"created_at"`
	// RevokeNote is the operator's reason of a revocation, in words.
	RevokeNote string `json:"revoke_note,omitempty"`
	// Application is the application the certificate was issued from; PINName and
	// PINEmail are the PIN recipient, to whom a new PIN goes too.
	Application string `json:"application,omitempty"`
	PINName     string `json:"pin_name,omitempty"`
	PINEmail    string `json:"pin_email,omitempty"`
	// ExpiryNotices are the days before NotAfter (90, 30, 7) whose
	// 電子証明書有効期間満了のお知らせ has been queued, each once.
	ExpiryNotices []int `json:"expiry_notices,omitempty"`
}

// CertificateLink ties a user to a certificate (紐付け). A linked user signs only
// after the one-time validity check with the PIN (証明書有効性確認).
type CertificateLink struct {
	UserID    string     `json:"user_id"`
	LinkedAt  time.Time  `json:"linked_at"`
	CheckedAt *time.Time `json:"checked_at,omitempty"`
	// Failures counts the wrong attempts of the validity check in a row; at the limit
	// LockedAt is set and the check refused until the operator issues a new PIN.
	Failures int        `json:"failures,omitempty"`
	LockedAt *time.Time `json:"locked_at,omitempty"`
}

// TrustState is the installation's CA and TSA material and the CRLs it last published.
type TrustState struct {
	V          int             `json:"v"`
	Authority  json.RawMessage `json:"authority"`
	CRLNumber  uint64          `json:"crl_number"`
	IssuingCRL []byte          `json:"issuing_crl,omitempty"`
	RootCRL    []byte          `json:"root_crl,omitempty"`
	CRLAt      time.Time       `json:"crl_at"`
}

// Trust reads the CA state; ErrNotFound before the first start made it.
func (tx *Tx) Trust() (TrustState, error) {
	var s TrustState
	err := tx.get(bucketTrust, "state", &s)
	return s, err
}

// PutTrust stores the CA state.
func (tx *Tx) PutTrust(s TrustState) error {
	s.V = 1
	return tx.put(bucketTrust, "state", s)
}

// CertificateByNumber reads any company's certificate. Only the operator's tools and
// CRL publishing may use it; company screens go through Tenant.Certificate.
func (tx *Tx) CertificateByNumber(number string) (Certificate, error) {
	raw := tx.bucket(bucketCertificates).Get([]byte(number))
	if raw == nil {
		return Certificate{}, ErrNotFound
	}
	return tx.memos.certificates.decode(bucketCertificates, []byte(number), raw)
}

// AllCertificates lists every certificate of the installation in number order.
func (tx *Tx) AllCertificates() ([]Certificate, error) {
	var out []Certificate
	err := tx.bucket(bucketCertificates).ForEach(func(k, _ []byte) error {
		var c Certificate
		if err := tx.get(bucketCertificates, string(k), &c); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

func (tx *Tx) putCertificate(c *Certificate) error {
	c.V = 1
	if err := tx.put(bucketCertificates, c.Number, c); err != nil {
		return fmt.Errorf("data: save certificate %s: %w", c.Number, err)
	}
	return tx.bucket(bucketCertificatesByCompany).Put(indexKey(c.CompanyID, c.Number), nil)
}

// Certificate reads one of the company's certificates.
func (t Tenant) Certificate(number string) (Certificate, error) {
	c, err := t.tx.CertificateByNumber(number)
	if err != nil {
		return Certificate{}, err
	}
	if c.CompanyID != t.company {
		return Certificate{}, ErrNotFound
	}
	return c, nil
}

// Certificates lists the company's certificates in number order.
func (t Tenant) Certificates() ([]Certificate, error) {
	numbers := t.tx.indexIDs(bucketCertificatesByCompany, t.company)
	out := make([]Certificate, 0, len(numbers))
	for _, n := range numbers {
		c, err := t.Certificate(n)
		if err != nil {
			return nil, fmt.Errorf("data: certificates of %s: %s: %w", t.company, n, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// CreateCertificate stores a new certificate of this company. The number must have
// been taken with NextID(SeqCertificate), since it is inside the certificate itself.
func (t Tenant) CreateCertificate(c *Certificate) error {
	if _, err := t.Company(); err != nil {
		return fmt.Errorf("data: create certificate in %s: %w", t.company, err)
	}
	if t.tx.bucket(bucketCertificates).Get([]byte(c.Number)) != nil {
		return fmt.Errorf("data: certificate %s: %w", c.Number, ErrConflict)
	}
	c.CompanyID = t.company
	return t.tx.putCertificate(c)
}

// PutCertificate stores changes to one of the company's certificates.
func (t Tenant) PutCertificate(c Certificate) error {
	old, err := t.Certificate(c.Number)
	if err != nil {
		return err
	}
	if c.CompanyID != old.CompanyID {
		return fmt.Errorf("data: certificate %s cannot move to company %s", c.Number, c.CompanyID)
	}
	return t.tx.putCertificate(&c)
}
