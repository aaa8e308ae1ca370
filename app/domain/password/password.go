// Package password holds the login password rules of SPEC section 3: the policy a new
// password must meet, how passwords are hashed (argon2id), and how initial passwords
// are made.
package password

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"inkan/app/trust/secret"
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

// params are argon2id's costs for passwords: OWASP's second recommended set (19 MiB,
// 2 passes), which keeps a login under 50 ms on the 2-core machines customers run this on.
var params = secret.Params{Time: 2, Memory: 19 * 1024, Threads: 1, KeyLen: 32, SaltLen: 16}

// Hash returns the PHC-format argon2id hash of pw with a fresh salt.
func Hash(pw string) string {
	h, err := secret.Hash([]byte(pw), params)
	if err != nil {
		// Only a fixed parameter set or a broken random source can fail.
		panic(fmt.Sprintf("password: %v", err))
	}
	return h
}

// Verify reports whether pw matches a hash made by Hash. The parameters are read from
// the hash (within secret's bounds), so hashes made with older parameters keep working;
// a malformed hash matches nothing.
func Verify(hash, pw string) bool {
	if len(pw) > MaxLength {
		return false
	}
	ok, err := secret.Verify(hash, []byte(pw))
	return ok && err == nil
}
