package pki

import (
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
)

// SecretBox seals short secrets that must rest in the store until they are used once, such
// as a mailed initial password or certificate PIN, with AES-256-GCM under a key derived
// from the master key by HKDF-SHA256 for one purpose. A distinct purpose gives a distinct
// key, so a box for mails never opens what another use of the master key sealed.
type SecretBox struct {
	key         [MasterKeySize]byte
	masterKeyID string
}

// NewSecretBox derives the box for purpose (e.g. "mail secret") from master.
func NewSecretBox(master MasterKey, purpose string) (SecretBox, error) {
	if master.isZero() {
		return SecretBox{}, errors.New("pki: secret box: master key is not set")
	}
	k, err := hkdf.Key(sha256.New, master.key[:], nil, "inkan secret box v1\x00"+purpose, MasterKeySize)
	if err != nil {
		return SecretBox{}, fmt.Errorf("pki: secret box %s: %w", purpose, err)
	}
	b := SecretBox{masterKeyID: master.ID()}
	copy(b.key[:], k)
	clear(k)
	return b, nil
}

// Seal encrypts plaintext bound to label (the record it belongs to): nonce ‖ ciphertext.
func (b SecretBox) Seal(plaintext []byte, label string) ([]byte, error) {
	out, err := gcmSeal(b.key[:], plaintext, []byte(label))
	if err != nil {
		return nil, fmt.Errorf("pki: seal secret: %w", err)
	}
	return out, nil
}

// Open decrypts what Seal made for the same label; a changed blob, another label or
// another master key fail with ErrUnseal.
func (b SecretBox) Open(sealed []byte, label string) ([]byte, error) {
	out, err := gcmOpen(b.key[:], sealed, []byte(label))
	if err != nil {
		return nil, fmt.Errorf("pki: open secret under master key %s: %w", b.masterKeyID, ErrUnseal)
	}
	return out, nil
}

// String names only the master key's fingerprint, so logging a box leaks nothing.
func (b SecretBox) String() string { return "pki.SecretBox(" + b.masterKeyID + ")" }

// GoString is String for %#v.
func (b SecretBox) GoString() string { return b.String() }
