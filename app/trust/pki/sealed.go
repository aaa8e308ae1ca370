package pki

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
)

// SealedKey is a private key encrypted at rest by envelope encryption: the
// PKCS#8 DER of the key is sealed with a random per-key data key
// (AES-256-GCM), and the data key is sealed with the master key
// (AES-256-GCM). Rotating the master key therefore rewraps 32-byte data
// keys only (Rewrap). Both seals authenticate the key ID as additional
// data, so a sealed blob copied into another record does not open there.
// It is stored as JSON.
type SealedKey struct {
	// Version of this format; 1.
	Version int `json:"version"`
	// KeyID names the key's owner ("ca/root", "cert/DJC-00001", …).
	KeyID string `json:"key_id"`
	// Algorithm describes the key, for operators reading the store.
	Algorithm string `json:"algorithm"`
	// MasterKeyID is the fingerprint of the master key that wraps DataKey.
	MasterKeyID string `json:"master_key_id"`
	// DataKey is nonce ‖ AES-256-GCM(master key, data key).
	DataKey []byte `json:"data_key"`
	// Ciphertext is nonce ‖ AES-256-GCM(data key, PKCS#8 DER).
	Ciphertext []byte `json:"ciphertext"`
}

const sealedKeyVersion = 1

// ErrUnseal is returned (wrapped) when a sealed key fails authentication:
// it was altered, or it is being opened under another key ID than the one
// it was sealed for.
var ErrUnseal = errors.New("pki: sealed key failed authentication")

// ErrWrongMasterKey is returned (wrapped) when a sealed key was made under
// a different master key than the one given.
var ErrWrongMasterKey = errors.New("pki: sealed key belongs to another master key")

// Seal encrypts priv for storage under keyID.
func Seal(master MasterKey, keyID string, priv crypto.Signer) (SealedKey, error) {
	if master.isZero() {
		return SealedKey{}, errors.New("pki: seal: master key is not set")
	}
	if keyID == "" {
		return SealedKey{}, errors.New("pki: seal: empty key ID")
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return SealedKey{}, fmt.Errorf("pki: seal %s: %w", keyID, err)
	}
	defer clear(pkcs8)
	dataKey := make([]byte, 32)
	defer clear(dataKey)
	if _, err := rand.Read(dataKey); err != nil {
		return SealedKey{}, fmt.Errorf("pki: seal %s: data key: %w", keyID, err)
	}
	ct, err := gcmSeal(dataKey, pkcs8, keyAD(keyID))
	if err != nil {
		return SealedKey{}, fmt.Errorf("pki: seal %s: %w", keyID, err)
	}
	wrapped, err := gcmSeal(master.key[:], dataKey, dataKeyAD(keyID))
	if err != nil {
		return SealedKey{}, fmt.Errorf("pki: seal %s: wrap data key: %w", keyID, err)
	}
	return SealedKey{
		Version:     sealedKeyVersion,
		KeyID:       keyID,
		Algorithm:   describeKey(priv.Public()),
		MasterKeyID: master.ID(),
		DataKey:     wrapped,
		Ciphertext:  ct,
	}, nil
}

// Open decrypts the key. keyID is the ID the caller expects (derived from
// the record it read, never from the blob), so that a blob moved from
// another record fails with ErrUnseal.
func (s SealedKey) Open(master MasterKey, keyID string) (crypto.Signer, error) {
	dataKey, err := s.openDataKey(master, keyID)
	if err != nil {
		return nil, err
	}
	defer clear(dataKey)
	pkcs8, err := gcmOpen(dataKey, s.Ciphertext, keyAD(keyID))
	if err != nil {
		return nil, fmt.Errorf("pki: open key %s: %w", keyID, ErrUnseal)
	}
	defer clear(pkcs8)
	priv, err := x509.ParsePKCS8PrivateKey(pkcs8)
	if err != nil {
		return nil, fmt.Errorf("pki: open key %s: parse PKCS#8: %w", keyID, err)
	}
	signer, ok := priv.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("pki: open key %s: %T cannot sign", keyID, priv)
	}
	return signer, nil
}

// Rewrap re-encrypts the data key under a new master key, for master key
// rotation; the key material itself is not touched.
func (s SealedKey) Rewrap(oldMaster, newMaster MasterKey) (SealedKey, error) {
	if newMaster.isZero() {
		return SealedKey{}, errors.New("pki: rewrap: new master key is not set")
	}
	dataKey, err := s.openDataKey(oldMaster, s.KeyID)
	if err != nil {
		return SealedKey{}, err
	}
	defer clear(dataKey)
	// Check the payload opens too, so a rewrap never blesses a damaged blob.
	pkcs8, err := gcmOpen(dataKey, s.Ciphertext, keyAD(s.KeyID))
	if err != nil {
		return SealedKey{}, fmt.Errorf("pki: rewrap key %s: %w", s.KeyID, ErrUnseal)
	}
	clear(pkcs8)
	wrapped, err := gcmSeal(newMaster.key[:], dataKey, dataKeyAD(s.KeyID))
	if err != nil {
		return SealedKey{}, fmt.Errorf("pki: rewrap key %s: %w", s.KeyID, err)
	}
	out := s
	out.MasterKeyID = newMaster.ID()
	out.DataKey = wrapped
	return out, nil
}

func (s SealedKey) openDataKey(master MasterKey, keyID string) ([]byte, error) {
	if s.Version != sealedKeyVersion {
		return nil, fmt.Errorf("pki: open key %s: unsupported sealed key version %d", keyID, s.Version)
	}
	if master.isZero() {
		return nil, fmt.Errorf("pki: open key %s: master key is not set", keyID)
	}
	if s.MasterKeyID != master.ID() {
		return nil, fmt.Errorf("pki: open key %s: sealed under %s, have %s: %w", keyID, s.MasterKeyID, master.ID(), ErrWrongMasterKey)
	}
	dataKey, err := gcmOpen(master.key[:], s.DataKey, dataKeyAD(keyID))
	if err != nil {
		return nil, fmt.Errorf("pki: open key %s: data key: %w", keyID, ErrUnseal)
	}
	return dataKey, nil
}

// keyAD and dataKeyAD are distinct labels so that a wrapped data key can
// never be mistaken for a sealed payload or the other way round.
func keyAD(keyID string) []byte     { return []byte("inkan sealed key v1\x00" + keyID) }
func dataKeyAD(keyID string) []byte { return []byte("inkan data key v1\x00" + keyID) }

func gcmSeal(key, plaintext, ad []byte) ([]byte, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	return aead.Seal(nonce, nonce, plaintext, ad), nil
}

func gcmOpen(key, sealed, ad []byte) ([]byte, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, errors.New("sealed data too short")
	}
	n := aead.NonceSize()
	return aead.Open(nil, sealed[:n], sealed[n:], ad)
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("aes: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("gcm: %w", err)
	}
	return aead, nil
}

func describeKey(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	}
	return fmt.Sprintf("%T", pub)
}
