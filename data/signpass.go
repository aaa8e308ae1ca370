package data

import (
	"fmt"
	"time"
)

var bucketSigningPasswords = []byte("signing_passwords")

// SigningPassword is the one-time 署名用パスワード of one signer for one document: kept
// as a hash (the password itself travels only sealed in its mail), single use, expiring,
// locked after too many wrong entries.
type SigningPassword struct {
	V          int        `json:"v"`
	DocumentID string     `json:"document_id"`
	CompanyID  string     `json:"company_id"`
	UserID     string     `json:"user_id"`
	Hash       string     `json:"hash"`
	IssuedAt   time.Time  `json:"issued_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	Failures   int        `json:"failures,omitempty"`
	LockedAt   *time.Time `json:"locked_at,omitempty"`
	UsedAt     *time.Time `json:"used_at,omitempty"`
}

func signingPasswordKey(doc, company, user string) string { return doc + "/" + company + "/" + user }

// SigningPassword reads the company's user's signing password for a document the
// company sees.
func (t Tenant) SigningPassword(documentID, userID string) (SigningPassword, error) {
	if _, err := t.Document(documentID); err != nil {
		return SigningPassword{}, err
	}
	var p SigningPassword
	err := t.tx.get(bucketSigningPasswords, signingPasswordKey(documentID, t.company, userID), &p)
	return p, err
}

// PutSigningPassword stores p (replacing an earlier one of the same signer and
// document) for a document the company sees.
func (t Tenant) PutSigningPassword(p SigningPassword) error {
	if _, err := t.Document(p.DocumentID); err != nil {
		return err
	}
	p.V, p.CompanyID = 1, t.company
	if err := t.tx.put(bucketSigningPasswords, signingPasswordKey(p.DocumentID, t.company, p.UserID), p); err != nil {
		return fmt.Errorf("data: signing password of %s: %w", p.DocumentID, err)
	}
	return nil
}
