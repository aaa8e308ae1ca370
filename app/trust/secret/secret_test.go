package secret

import (
	"errors"
	"strings"
	"testing"
)

// cheap keeps the tests fast; the bounds still hold for it.
var cheap = Params{Time: 1, Memory: MinMemory, Threads: 1, KeyLen: 32, SaltLen: 16}

func TestHashAndVerify(t *testing.T) {
	h, err := Hash([]byte("abc123!x"), cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=8192,t=1,p=1$") {
		t.Errorf("hash %q is not PHC argon2id with its parameters", h)
	}
	if h2, _ := Hash([]byte("abc123!x"), cheap); h2 == h {
		t.Error("two hashes of one secret alike: the salt is not fresh")
	}
	tests := []struct {
		name   string
		secret string
		match  bool
	}{
		{"same", "abc123!x", true},
		{"other", "abc123!y", false},
		{"empty", "", false},
		{"prefix", "abc123!", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := Verify(h, []byte(tt.secret))
			if err != nil || ok != tt.match {
				t.Errorf("Verify = %v, %v; want %v", ok, err, tt.match)
			}
		})
	}
}

// TestVerifyStoredFormat pins the format: hashes written before this package existed
// (by the password and PIN code) must keep verifying.
func TestVerifyStoredFormat(t *testing.T) {
	const stored = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$V2pmkM4X3lmib77mhdYuRJdJIApZPqtnqonLhj8kzk8"
	ok, err := Verify(stored, []byte("Passw0rd!"))
	if err != nil || !ok {
		t.Errorf("Verify(stored) = %v, %v", ok, err)
	}
}

func TestVerifyRefusesMalformed(t *testing.T) {
	const salt, key = "AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	tests := []struct{ name, hash string }{
		{"empty", ""},
		{"garbage", "$argon2id$v=19$garbage"},
		{"argon2i", "$argon2i$v=19$m=65536,t=3,p=4$" + salt + "$" + key},
		{"old version", "$argon2id$v=16$m=65536,t=3,p=4$" + salt + "$" + key},
		{"absurd memory", "$argon2id$v=19$m=99999999,t=3,p=4$" + salt + "$" + key},
		{"tiny memory", "$argon2id$v=19$m=1,t=3,p=4$" + salt + "$" + key},
		{"absurd time", "$argon2id$v=19$m=65536,t=4000000000,p=4$" + salt + "$" + key},
		{"zero time", "$argon2id$v=19$m=65536,t=0,p=4$" + salt + "$" + key},
		{"absurd threads", "$argon2id$v=19$m=65536,t=3,p=255$" + salt + "$" + key},
		{"threads past a byte", "$argon2id$v=19$m=65536,t=3,p=256$" + salt + "$" + key},
		{"missing threads", "$argon2id$v=19$m=65536,t=3$" + salt + "$" + key},
		{"repeated parameter", "$argon2id$v=19$m=65536,m=1,t=3,p=4$" + salt + "$" + key},
		{"unknown parameter", "$argon2id$v=19$m=65536,t=3,p=4,x=1$" + salt + "$" + key},
		{"negative", "$argon2id$v=19$m=-1,t=3,p=4$" + salt + "$" + key},
		{"short salt", "$argon2id$v=19$m=65536,t=3,p=4$AAAA$" + key},
		{"short key", "$argon2id$v=19$m=65536,t=3,p=4$" + salt + "$AAAA"},
		{"long key", "$argon2id$v=19$m=65536,t=3,p=4$" + salt + "$" + strings.Repeat("A", 200)},
		{"bad base64", "$argon2id$v=19$m=65536,t=3,p=4$" + salt + "$!!!!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := Verify(tt.hash, []byte("x"))
			if ok || !errors.Is(err, ErrMalformed) {
				t.Errorf("Verify(%q) = %v, %v; want ErrMalformed", tt.hash, ok, err)
			}
		})
	}
}

func TestHashRefusesParamsVerifyWouldRefuse(t *testing.T) {
	tests := []struct {
		name string
		p    Params
	}{
		{"zero", Params{}},
		{"memory", Params{Time: 1, Memory: MaxMemory + 1, Threads: 1, KeyLen: 32, SaltLen: 16}},
		{"threads", Params{Time: 1, Memory: MinMemory, Threads: MaxThreads + 1, KeyLen: 32, SaltLen: 16}},
		{"salt", Params{Time: 1, Memory: MinMemory, Threads: 1, KeyLen: 32, SaltLen: 4}},
		{"key", Params{Time: 1, Memory: MinMemory, Threads: 1, KeyLen: 8, SaltLen: 16}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Hash([]byte("x"), tt.p); !errors.Is(err, ErrMalformed) {
				t.Errorf("Hash(%+v) err = %v; want ErrMalformed", tt.p, err)
			}
		})
	}
}
