// Package secret hashes and verifies short secrets (login passwords, certificate PINs)
// with argon2id, in the PHC string format
//
//	$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<key>   (unpadded base64)
//
// The parameters are written into every hash, so they can be raised later without
// breaking stored hashes. Reading them back is bounded: a corrupted or planted record
// must not make one check allocate gigabytes or run for minutes.
package secret

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id costs of a new hash.
type Params struct {
	// Time is the number of passes over the memory.
	Time uint32
	// Memory is in KiB.
	Memory uint32
	// Threads is the number of lanes.
	Threads uint8
	// KeyLen and SaltLen are in bytes.
	KeyLen, SaltLen uint32
}

// Bounds on what Verify accepts from a stored hash. They are wide enough for every
// parameter set RFC 9106 and OWASP recommend, and narrow enough that the worst
// accepted hash costs one check at most 1 GiB and 16 passes.
const (
	MinMemory, MaxMemory   = 8 * 1024, 1024 * 1024
	MinTime, MaxTime       = 1, 16
	MinThreads, MaxThreads = 1, 16
	MinSaltLen             = 8
	MinKeyLen, MaxKeyLen   = 16, 64
)

// ErrMalformed says that a stored hash cannot be checked at all (not argon2id, another
// version, parameters out of bounds, bad base64), as opposed to a secret that does not
// match it.
var ErrMalformed = errors.New("secret: malformed hash")

// Hash returns the PHC string of s under p with a fresh random salt. p is checked
// against the same bounds as Verify (ErrMalformed), so that every hash made can be
// verified.
func Hash(s []byte, p Params) (string, error) {
	if err := p.check(); err != nil {
		return "", err
	}
	if p.SaltLen < MinSaltLen {
		return "", fmt.Errorf("%w: salt of %d bytes", ErrMalformed, p.SaltLen)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("secret: salt: %w", err)
	}
	key := argon2.IDKey(s, salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// Verify reports whether s matches hash, comparing in constant time. The parameters
// are read from hash within the bounds above; an error (wrapping ErrMalformed) means
// the hash is unusable, not that s is wrong.
func Verify(hash string, s []byte) (bool, error) {
	p, salt, want, err := decode(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey(s, salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

func (p Params) check() error {
	switch {
	case p.Memory < MinMemory || p.Memory > MaxMemory:
		return fmt.Errorf("%w: memory %d KiB out of [%d, %d]", ErrMalformed, p.Memory, MinMemory, MaxMemory)
	case p.Time < MinTime || p.Time > MaxTime:
		return fmt.Errorf("%w: time %d out of [%d, %d]", ErrMalformed, p.Time, MinTime, MaxTime)
	case p.Threads < MinThreads || p.Threads > MaxThreads:
		return fmt.Errorf("%w: threads %d out of [%d, %d]", ErrMalformed, p.Threads, MinThreads, MaxThreads)
	case p.KeyLen < MinKeyLen || p.KeyLen > MaxKeyLen:
		return fmt.Errorf("%w: key of %d bytes out of [%d, %d]", ErrMalformed, p.KeyLen, MinKeyLen, MaxKeyLen)
	}
	return nil
}

// decode reads a PHC string and bounds its parameters before anything is allocated.
func decode(hash string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("%w: not an argon2id PHC string", ErrMalformed)
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: unsupported version %q", ErrMalformed, parts[2])
	}
	seen := map[string]bool{}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil || seen[k] {
			return p, nil, nil, fmt.Errorf("%w: bad parameter %q", ErrMalformed, kv)
		}
		seen[k] = true
		switch k {
		case "m":
			p.Memory = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			if n > MaxThreads {
				return p, nil, nil, fmt.Errorf("%w: threads %d out of [%d, %d]", ErrMalformed, n, MinThreads, MaxThreads)
			}
			p.Threads = uint8(n)
		default:
			return p, nil, nil, fmt.Errorf("%w: unknown parameter %q", ErrMalformed, k)
		}
	}
	enc := base64.RawStdEncoding
	if salt, err = enc.DecodeString(parts[4]); err != nil || len(salt) < MinSaltLen {
		return p, nil, nil, fmt.Errorf("%w: bad salt", ErrMalformed)
	}
	if key, err = enc.DecodeString(parts[5]); err != nil {
		return p, nil, nil, fmt.Errorf("%w: bad key", ErrMalformed)
	}
	p.KeyLen, p.SaltLen = uint32(len(key)), uint32(len(salt))
	if err := p.check(); err != nil {
		return p, nil, nil, err
	}
	return p, salt, key, nil
}
