package pki

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Revoked is one revoked certificate, as the store keeps it.
type Revoked struct {
	SerialNumber *big.Int  `json:"serial_number"`
	RevokedAt    time.Time `json:"revoked_at"`
	// Reason is an RFC 5280 CRLReason code; 0 (unspecified) is omitted
	// from the CRL entry.
	Reason int `json:"reason,omitempty"`
}

// CRL reasons the application uses.
const (
	ReasonUnspecified          = 0
	ReasonKeyCompromise        = 1
	ReasonAffiliationChanged   = 3
	ReasonSuperseded           = 4
	ReasonCessationOfOperation = 5
)

// ErrRevoked is returned (wrapped) by CheckRevocation for a revoked
// certificate.
var ErrRevoked = errors.New("pki: certificate is revoked")

// CRL issues the issuing CA's CRL (DER) listing revoked end-entity
// certificates. number must grow with every CRL issued (the caller keeps
// the counter in the store); nextUpdate is when the next scheduled CRL is
// due, after which verifiers consider this one stale.
func (a *Authority) CRL(revoked []Revoked, number *big.Int, now, nextUpdate time.Time) ([]byte, error) {
	der, err := createCRL(a.issuing, a.issuingKey, revoked, number, now, nextUpdate)
	if err != nil {
		return nil, fmt.Errorf("pki: issuing CA CRL %s: %w", number, err)
	}
	return der, nil
}

// RootCRL issues the root's CRL (DER), covering the issuing CA and the TSA
// certificate. A PAdES DSS needs it to show those were not revoked.
func (a *Authority) RootCRL(revoked []Revoked, number *big.Int, now, nextUpdate time.Time) ([]byte, error) {
	der, err := createCRL(a.root, a.rootKey, revoked, number, now, nextUpdate)
	if err != nil {
		return nil, fmt.Errorf("pki: root CRL %s: %w", number, err)
	}
	return der, nil
}

func createCRL(issuer *x509.Certificate, key crypto.Signer, revoked []Revoked, number *big.Int, now, nextUpdate time.Time) ([]byte, error) {
	if number == nil || number.Sign() < 0 {
		return nil, errors.New("CRL number must be a non-negative integer")
	}
	if !nextUpdate.After(now) {
		return nil, fmt.Errorf("next update %s is not after this update %s", nextUpdate, now)
	}
	entries := make([]x509.RevocationListEntry, 0, len(revoked))
	for _, r := range revoked {
		if r.SerialNumber == nil {
			return nil, errors.New("revoked entry without serial number")
		}
		entries = append(entries, x509.RevocationListEntry{
			SerialNumber:   r.SerialNumber,
			RevocationTime: r.RevokedAt.UTC(),
			ReasonCode:     r.Reason,
		})
	}
	return x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		RevokedCertificateEntries: entries,
		Number:                    number,
		ThisUpdate:                now.UTC(),
		NextUpdate:                nextUpdate.UTC(),
	}, issuer, key)
}

// CheckRevocation checks cert against a DER CRL from issuer: the CRL must
// be signed by issuer and current at time at (zero: skip the freshness
// check, for archived CRLs judged elsewhere); a listed serial gives
// ErrRevoked.
func CheckRevocation(cert, issuer *x509.Certificate, crlDER []byte, at time.Time) error {
	crl, err := x509.ParseRevocationList(crlDER)
	if err != nil {
		return fmt.Errorf("pki: parse CRL: %w", err)
	}
	if !bytes.Equal(crl.RawIssuer, issuer.RawSubject) {
		return fmt.Errorf("pki: CRL is issued by %s, not %s", crl.Issuer, issuer.Subject)
	}
	if !bytes.Equal(cert.RawIssuer, issuer.RawSubject) {
		return fmt.Errorf("pki: certificate %s is not issued by %s", cert.Subject, issuer.Subject)
	}
	if err := crl.CheckSignatureFrom(issuer); err != nil {
		return fmt.Errorf("pki: CRL signature from %s: %w", issuer.Subject, err)
	}
	if !at.IsZero() && (at.Before(crl.ThisUpdate) || (!crl.NextUpdate.IsZero() && at.After(crl.NextUpdate))) {
		return fmt.Errorf("pki: CRL %s of %s is not current at %s (valid %s to %s)", crl.Number, issuer.Subject, at, crl.ThisUpdate, crl.NextUpdate)
	}
	for _, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
			return fmt.Errorf("pki: certificate %s (serial %x) revoked at %s, reason %d: %w",
				cert.Subject, cert.SerialNumber, e.RevocationTime.Format(time.RFC3339), e.ReasonCode, ErrRevoked)
		}
	}
	return nil
}
