// Package password holds the login password rules of SPEC section 3: the policy a new
// password must meet, how passwords are hashed (argon2id), and how initial passwords
// are made.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Symbols are the only symbols a password may contain (manual p.3).
const Symbols = "!#$%&'-_"

const (
	// MinLength is the shortest acceptable password.
	MinLength = 8
	// MaxLength bounds the work of hashing an attacker-chosen input.
	MaxLength = 128
)

// Policy violations. Each is a distinct error so the screen can name the rule broken.
var (
	ErrTooShort      = errors.New("password: too short")
	ErrTooLong       = errors.New("password: too long")
	ErrNoLetter      = errors.New("password: no half-width letter")
	ErrNoDigit       = errors.New("password: no half-width digit")
	ErrNoSymbol      = errors.New("password: no symbol")
	ErrForbiddenRune = errors.New("password: character not allowed")
)

// Check reports the first rule of the policy that pw breaks, or nil.
func Check(pw string) error {
	if len(pw) > MaxLength {
		return ErrTooLong
	}
	var letter, digit, symbol bool
	for _, r := range pw {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letter = true
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(Symbols, r):
			symbol = true
		default:
			return ErrForbiddenRune
		}
	}
	switch {
	case len(pw) < MinLength:
		return ErrTooShort
	case !letter:
		return ErrNoLetter
	case !digit:
		return ErrNoDigit
	case !symbol:
		return ErrNoSymbol
	}
	return nil
}

// Generate makes a random initial password of 12 characters that meets the policy.
// Look-alike characters (0/O, 1/l/I) are left out because the password is typed from a mail.
func Generate() string {
	const (
		letters = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
		digits  = "23456789"
		symbols = "#$%&-_"
	)
	all := letters + digits + symbols
	for {
		b := make([]byte, 12)
		for i := range b {
			b[i] = all[randIndex(len(all))]
		}
		// Force one of each class at random positions rather than looping until lucky.
		b[randIndex(4)] = letters[randIndex(len(letters))]
		b[4+randIndex(4)] = digits[randIndex(len(digits))]
		b[8+randIndex(4)] = symbols[randIndex(len(symbols))]
		if pw := string(b); Check(pw) == nil {
			return pw
		}
	}
}

func randIndex(n int) int {
	// Rejection sampling keeps the choice uniform.
	limit := 256 - 256%n
	var buf [1]byte
	for {
		if _, err := rand.Read(buf[:]); err != nil {
			panic(fmt.Sprintf("password: read random: %v", err))
		}
		if int(buf[0]) < limit {
			return int(buf[0]) % n
		}
	}
}

// argon2id parameters: OWASP's second recommended set (19 MiB, 2 passes), which keeps a
// login under 50 ms on the 2-core machines customers run this on.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// Hash returns the PHC-format argon2id hash of pw with a fresh salt.
func Hash(pw string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(fmt.Sprintf("password: read random: %v", err))
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, enc.EncodeToString(salt), enc.EncodeToString(key))
}

// Verify reports whether pw matches a hash made by Hash. The parameters are read from
// the hash, so hashes made with older parameters keep working.
func Verify(hash, pw string) bool {
	var version int
	var memory, time uint32
	var threads uint8
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(pw) > MaxLength {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, time, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
