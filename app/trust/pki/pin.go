package pki

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"inkan/app/trust/secret"
)

// pinDigits is the PIN length. Twelve digits (about 40 bits) keep an
// offline guess against a stolen argon2id hash expensive, while digits
// remain easy to type from a mail on any keyboard, including Japanese
// input methods that produce full-width digits (normalised by CheckPIN).
const pinDigits = 12

// pinParams are argon2id's costs for PINs: the second recommended option of RFC 9106
// §4 (64 MiB, 3 passes, 4 lanes). They are written into every hash, so they can be
// raised later without breaking stored hashes.
var pinParams = secret.Params{Time: 3, Memory: 64 * 1024, Threads: 4, KeyLen: 32, SaltLen: 16}

// NewPIN returns a random certificate PIN of twelve digits, grouped by
// hyphens for reading ("1234-5678-9012"). It is mailed once and stored only
// as HashPIN's output.
func NewPIN() (string, error) {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(pinDigits), nil)
	n, err := rand.Int(rand.Reader, limit)
	if err != nil {
		return "", fmt.Errorf("pki: new PIN: %w", err)
	}
	d := fmt.Sprintf("%0*d", pinDigits, n.Int64())
	return d[0:4] + "-" + d[4:8] + "-" + d[8:12], nil
}

// NormalizePIN reduces what a user typed to the digits: full-width digits
// become ASCII, and spaces and hyphen-like separators are dropped.
func NormalizePIN(pin string) string {
	var b strings.Builder
	for _, r := range pin {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune(r - '０' + '0')
		case r == ' ', r == '\u3000', r == '-', r == '‐', r == '－', r == 'ー', r == '−', r == '\t':
		default:
			// Keep other characters so a wrong PIN stays wrong.
			b.WriteRune(r)
		}
	}
	return b.String()
}

// HashPIN returns the PHC-style argon2id encoding of the normalised PIN:
// $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash> (unpadded base64).
func HashPIN(pin string) (string, error) {
	norm := NormalizePIN(pin)
	if norm == "" {
		return "", errors.New("pki: hash PIN: empty PIN")
	}
	h, err := secret.Hash([]byte(norm), pinParams)
	if err != nil {
		return "", fmt.Errorf("pki: hash PIN: %w", err)
	}
	return h, nil
}

// CheckPIN reports whether pin matches hash (from HashPIN), comparing in
// constant time. It is the one comparison of a PIN: the validity check
// (certificate.Service.CheckPIN) calls it and records the result. An error
// means the stored hash is malformed, not that the PIN is wrong.
func CheckPIN(hash, pin string) (bool, error) {
	ok, err := secret.Verify(hash, []byte(NormalizePIN(pin)))
	if err != nil {
		return false, fmt.Errorf("pki: PIN hash: %w", err)
	}
	return ok, nil
}
