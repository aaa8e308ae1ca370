package data

import (
	"fmt"
	"time"
)

var (
	bucketPasskeys        = []byte("passkeys")
	bucketPasskeysByOwner = []byte("passkeys_by_owner")
)

// Passkey is a WebAuthn credential of a user or an operator, stored under its
// credential ID. Owner is the account it logs in: "user:U000001" or
// "operator:operator"; CompanyID is set for a user's.
type Passkey struct {
	V          int        `json:"v"`
	ID         string     `json:"id"`
	Owner      string     `json:"owner"`
	CompanyID  string     `json:"company_id,omitempty"`
	Name       string     `json:"name"`
	Credential []byte     `json:"credential"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// PasskeyOwner is the Owner of the passkeys of an account: its session kind and subject.
func PasskeyOwner(kind, subject string) string { return kind + ":" + subject }

// CreatePasskey stores a new passkey; its credential ID must be unused.
func (tx *Tx) CreatePasskey(p Passkey) error {
	if tx.bucket(bucketPasskeys).Get([]byte(p.ID)) != nil {
		return fmt.Errorf("data: passkey %s: %w", p.ID, ErrConflict)
	}
	if err := tx.bucket(bucketPasskeysByOwner).Put(indexKey(p.Owner, p.ID), nil); err != nil {
		return fmt.Errorf("data: index passkey: %w", err)
	}
	return tx.PutPasskey(p)
}

// PutPasskey stores a passkey that CreatePasskey made (its use updates the counter).
func (tx *Tx) PutPasskey(p Passkey) error {
	p.V = 1
	return tx.put(bucketPasskeys, p.ID, p)
}

// Passkey reads a passkey by credential ID, whoever owns it: only the login ceremony,
// which learns the owner from the credential, may use it.
func (tx *Tx) Passkey(id string) (Passkey, error) {
	var p Passkey
	err := tx.get(bucketPasskeys, id, &p)
	return p, err
}

// PasskeysOf lists the passkeys of owner, in credential ID order.
func (tx *Tx) PasskeysOf(owner string) ([]Passkey, error) {
	var out []Passkey
	for _, id := range tx.indexIDs(bucketPasskeysByOwner, owner) {
		p, err := tx.Passkey(id)
		if err != nil {
			return nil, fmt.Errorf("data: passkey %s of %s: %w", id, owner, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// DeletePasskey removes owner's passkey id; ErrNotFound when owner has no such passkey,
// so that nobody removes another account's.
func (tx *Tx) DeletePasskey(owner, id string) error {
	p, err := tx.Passkey(id)
	if err != nil {
		return err
	}
	if p.Owner != owner {
		return ErrNotFound
	}
	if err := tx.bucket(bucketPasskeysByOwner).Delete(indexKey(owner, id)); err != nil {
		return fmt.Errorf("data: unindex passkey: %w", err)
	}
	return tx.del(bucketPasskeys, id)
}
