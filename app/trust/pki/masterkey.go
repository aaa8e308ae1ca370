package pki

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MasterKeySize is the length of the master key: an AES-256 key.
const MasterKeySize = 32

// MasterKey is the key that wraps every data key of the CA, the TSA and the
// issued certificates. Whoever holds it and a copy of the store can sign as
// any of them, so it lives apart from the store (a 0600 file in the data
// directory, or an operator-supplied value) and must be backed up apart
// from it too. The zero value is not a usable key.
type MasterKey struct {
	key [MasterKeySize]byte
}

// NewMasterKey returns a fresh random master key.
func NewMasterKey() (MasterKey, error) {
	var m MasterKey
	if _, err := rand.Read(m.key[:]); err != nil {
		return MasterKey{}, fmt.Errorf("pki: generate master key: %w", err)
	}
	return m, nil
}

// ParseMasterKey decodes a master key given as 64 hex digits or as base64
// (standard or URL alphabet, padded or not) of 32 bytes, as an operator
// would put it in INKAN_MASTER_KEY. Surrounding white space is ignored.
func ParseMasterKey(s string) (MasterKey, error) {
	s = strings.TrimSpace(s)
	var raw []byte
	var err error
	switch {
	case len(s) == hex.EncodedLen(MasterKeySize):
		raw, err = hex.DecodeString(s)
	default:
		raw, err = decodeBase64(s)
	}
	if err != nil {
		return MasterKey{}, fmt.Errorf("pki: parse master key: not hex or base64: %w", err)
	}
	if len(raw) != MasterKeySize {
		return MasterKey{}, fmt.Errorf("pki: parse master key: %d bytes, want %d", len(raw), MasterKeySize)
	}
	var m MasterKey
	copy(m.key[:], raw)
	clear(raw)
	if m.isZero() {
		return MasterKey{}, errors.New("pki: parse master key: all-zero key refused")
	}
	return m, nil
}

func decodeBase64(s string) ([]byte, error) {
	var lastErr error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err == nil {
			return b, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func (m MasterKey) isZero() bool {
	var zero [MasterKeySize]byte
	return subtle.ConstantTimeCompare(m.key[:], zero[:]) == 1
}

// Encode returns the key in base64, the form written to the key file and
// accepted by ParseMasterKey, for the operator's backup.
func (m MasterKey) Encode() string { return base64.StdEncoding.EncodeToString(m.key[:]) }

// ID is a short public fingerprint of the key (an HMAC of a fixed label,
// so it reveals nothing about the key). Sealed keys record it, which turns
// "wrong master key" into a clear error instead of an authentication
// failure, and an operator can compare it with the backup.
func (m MasterKey) ID() string {
	mac := hmac.New(sha256.New, m.key[:])
	mac.Write([]byte("inkan master key id"))
	return hex.EncodeToString(mac.Sum(nil)[:8])
}

// String shows only the fingerprint, so that logging a MasterKey by
// mistake does not leak it.
func (m MasterKey) String() string { return "pki.MasterKey(" + m.ID() + ")" }

// GoString is String for %#v.
func (m MasterKey) GoString() string { return m.String() }

// LoadOrCreateMasterKey reads the master key file at path, or, when there is
// none, generates a key and writes it with mode 0600. created reports the
// second case, so the caller can tell the operator to back the file up. An
// existing file readable by group or others is refused: that would make the
// encryption at rest pointless.
func LoadOrCreateMasterKey(path string) (key MasterKey, created bool, err error) {
	key, err = readMasterKeyFile(path)
	if err == nil {
		return key, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return MasterKey{}, false, err
	}
	if key, err = NewMasterKey(); err != nil {
		return MasterKey{}, false, err
	}
	if err := writeMasterKeyFile(path, key); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another process created it first; use that one.
			key, err = readMasterKeyFile(path)
			return key, false, err
		}
		return MasterKey{}, false, err
	}
	return key, true, nil
}

func readMasterKeyFile(path string) (MasterKey, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return MasterKey{}, fmt.Errorf("pki: master key file %s: %w", path, err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return MasterKey{}, fmt.Errorf("pki: master key file %s has mode %#o; it must not be readable by group or others (chmod 600)", path, perm)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return MasterKey{}, fmt.Errorf("pki: read master key file %s: %w", path, err)
	}
	defer clear(b)
	key, err := ParseMasterKey(string(b))
	if err != nil {
		return MasterKey{}, fmt.Errorf("pki: master key file %s: %w", path, err)
	}
	return key, nil
}

// writeMasterKeyFile writes the key to a temporary file, syncs it and links
// it into place, so a crash never leaves a half-written key behind and an
// existing key is never replaced.
func writeMasterKeyFile(path string, key MasterKey) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("pki: create directory for master key %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, ".master-key-*")
	if err != nil {
		return fmt.Errorf("pki: create master key file in %s: %w", dir, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("pki: chmod master key file: %w", err)
	}
	if _, err := tmp.WriteString(key.Encode() + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("pki: write master key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("pki: sync master key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("pki: close master key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return fmt.Errorf("pki: install master key file %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		// Persist the new directory entry; failure here is not fatal since
		// the file content itself is already synced.
		_ = d.Sync()
		d.Close()
	}
	return nil
}
