package pki

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// pinDigits is the PIN length. Twelve digits (about 40 bits) keep an
// offline guess against a stolen argon2id hash expensive, while digits
// remain easy to type from a mail on any keyboard, including Japanese
// input methods that produce full-width digits (normalised by CheckPIN).
const pinDigits = 12

// argon2id parameters: the second recommended option of RFC 9106 §4
// (64 MiB, 3 passes, 4 lanes). They are written into every hash, so they
// can be raised later without breaking stored hashes.
const (
	pinArgonTime    = 3
	pinArgonMemory  = 64 * 1024
	pinArgonThreads = 4
	pinArgonKeyLen  = 32
	pinSaltLen      = 16
)

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
	salt := make([]byte, pinSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("pki: hash PIN: salt: %w", err)
	}
	sum := argon2.IDKey([]byte(norm), salt, pinArgonTime, pinArgonMemory, pinArgonThreads, pinArgonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, pinArgonMemory, pinArgonTime, pinArgonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(sum)), nil
}

// CheckPIN reports whether pin matches hash (from HashPIN), comparing in
// constant time. An error means the stored hash is malformed, not that the
// PIN is wrong.
func CheckPIN(hash, pin string) (bool, error) {
	p, err := parsePHC(hash)
	if err != nil {
		return false, err
	}
	sum := argon2.IDKey([]byte(NormalizePIN(pin)), p.salt, p.time, p.memory, p.threads, uint32(len(p.sum)))
	return subtle.ConstantTimeCompare(sum, p.sum) == 1, nil
}

type phc struct {
	time, memory uint32
	threads      uint8
	salt, sum    []byte
}

// parsePHC reads an argon2id PHC string, bounding the parameters so that a
// corrupted record cannot make a check allocate gigabytes.
func parsePHC(s string) (phc, error) {
	var p phc
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, errors.New("pki: PIN hash: not an argon2id PHC string")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, fmt.Errorf("pki: PIN hash: unsupported version %q", parts[2])
	}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil {
			return p, fmt.Errorf("pki: PIN hash: bad parameter %q", kv)
		}
		switch k {
		case "m":
			p.memory = uint32(n)
		case "t":
			p.time = uint32(n)
		case "p":
			if n > 255 {
				return p, fmt.Errorf("pki: PIN hash: bad parameter %q", kv)
			}
			p.threads = uint8(n)
		default:
			return p, fmt.Errorf("pki: PIN hash: unknown parameter %q", k)
		}
	}
	if p.memory < 8*1024 || p.memory > 1024*1024 || p.time < 1 || p.time > 16 || p.threads < 1 || p.threads > 16 {
		return p, errors.New("pki: PIN hash: parameters out of range")
	}
	var err error
	if p.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(p.salt) < 8 {
		return p, errors.New("pki: PIN hash: bad salt")
	}
	if p.sum, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(p.sum) < 16 || len(p.sum) > 64 {
		return p, errors.New("pki: PIN hash: bad hash")
	}
	return p, nil
}
