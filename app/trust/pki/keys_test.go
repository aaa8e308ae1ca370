package pki_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"inkan/app/trust/pki"
)

func mustMaster(t *testing.T) pki.MasterKey {
	t.Helper()
	m, err := pki.NewMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestParseMasterKey(t *testing.T) {
	raw := bytes.Repeat([]byte{0xa5}, 32)
	want, err := pki.ParseMasterKey(hex.EncodeToString(raw))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"hex", hex.EncodeToString(raw), true},
		{"hex upper with newline", strings.ToUpper(hex.EncodeToString(raw)) + "\n", true},
		{"base64", base64.StdEncoding.EncodeToString(raw), true},
		{"base64 raw", base64.RawStdEncoding.EncodeToString(raw), true},
		{"base64 url", base64.URLEncoding.EncodeToString(raw), true},
		{"short", base64.StdEncoding.EncodeToString(raw[:16]), false},
		{"long", hex.EncodeToString(append(raw, 1)), false},
		{"zero key", hex.EncodeToString(make([]byte, 32)), false},
		{"garbage", "not a key!", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := pki.ParseMasterKey(tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if tc.ok && got.ID() != want.ID() {
				t.Errorf("decoded a different key")
			}
		})
	}
	if s := fmt.Sprintf("%v %s %#v", want, want, want); strings.Contains(strings.ToLower(s), "a5a5") || strings.Contains(s, want.Encode()) {
		t.Errorf("formatting leaks the key: %s", s)
	}
}

func TestLoadOrCreateMasterKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data", "master.key")
	first, created, err := pki.LoadOrCreateMasterKey(path)
	if err != nil || !created {
		t.Fatalf("create: created=%v err=%v", created, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %#o, want 0600", fi.Mode().Perm())
	}
	again, created, err := pki.LoadOrCreateMasterKey(path)
	if err != nil || created || again.ID() != first.ID() {
		t.Fatalf("reload: created=%v err=%v same=%v", created, err, again.ID() == first.ID())
	}
	content, _ := os.ReadFile(path)
	fromEnv, err := pki.ParseMasterKey(string(content))
	if err != nil || fromEnv.ID() != first.ID() {
		t.Errorf("file content is not a ParseMasterKey value: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}

	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		substr  string
	}{
		{"readable by group", first.Encode(), 0o640, "chmod 600"},
		{"corrupt", "hello", 0o600, "master key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "master.key")
			if err := os.WriteFile(p, []byte(tc.content), tc.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, tc.mode); err != nil {
				t.Fatal(err)
			}
			_, _, err := pki.LoadOrCreateMasterKey(p)
			if err == nil || !strings.Contains(err.Error(), tc.substr) {
				t.Errorf("err = %v, want mention of %q", err, tc.substr)
			}
			// A refused file must be left alone, never replaced.
			if got, _ := os.ReadFile(p); string(got) != tc.content {
				t.Errorf("file was modified")
			}
		})
	}
}

func TestSealedKey(t *testing.T) {
	master := mustMaster(t)
	other := mustMaster(t)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	for _, k := range []struct {
		name string
		key  crypto.Signer
		alg  string
	}{{"ECDSA", ec, "ECDSA P-256"}, {"RSA", rk, "RSA 2048"}} {
		t.Run(k.name, func(t *testing.T) {
			sealed, err := pki.Seal(master, "cert/DJC-00001", k.key)
			if err != nil {
				t.Fatal(err)
			}
			if sealed.Algorithm != k.alg || sealed.MasterKeyID != master.ID() {
				t.Errorf("algorithm %q master %q", sealed.Algorithm, sealed.MasterKeyID)
			}
			// Through JSON, as the store will keep it.
			js, err := json.Marshal(sealed)
			if err != nil {
				t.Fatal(err)
			}
			var back pki.SealedKey
			if err := json.Unmarshal(js, &back); err != nil {
				t.Fatal(err)
			}
			pub := k.key.Public().(interface{ Equal(crypto.PublicKey) bool })
			opened, err := back.Open(master, "cert/DJC-00001")
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !pub.Equal(opened.Public()) {
				t.Errorf("opened a different key")
			}
			if bytes.Contains(js, []byte("PRIVATE")) {
				t.Errorf("plaintext in sealed JSON")
			}
		})
	}

	sealed, err := pki.Seal(master, "cert/DJC-00001", ec)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(b []byte, i int) []byte { c := bytes.Clone(b); c[i] ^= 1; return c }
	forged := sealed
	forged.MasterKeyID = other.ID() // claims the other master key
	tamperedCT := sealed
	tamperedCT.Ciphertext = flip(sealed.Ciphertext, len(sealed.Ciphertext)-1)
	tamperedDK := sealed
	tamperedDK.DataKey = flip(sealed.DataKey, 15)
	relabelled := sealed
	relabelled.KeyID = "cert/DJC-00002"

	tests := []struct {
		name   string
		sealed pki.SealedKey
		master pki.MasterKey
		keyID  string
		is     error
	}{
		{"wrong master key", sealed, other, "cert/DJC-00001", pki.ErrWrongMasterKey},
		{"wrong master key, forged fingerprint", forged, other, "cert/DJC-00001", pki.ErrUnseal},
		{"swapped into another record", sealed, master, "cert/DJC-00002", pki.ErrUnseal},
		{"key ID field edited", relabelled, master, "cert/DJC-00002", pki.ErrUnseal},
		{"ciphertext tampered", tamperedCT, master, "cert/DJC-00001", pki.ErrUnseal},
		{"data key tampered", tamperedDK, master, "cert/DJC-00001", pki.ErrUnseal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.sealed.Open(tc.master, tc.keyID)
			if !errors.Is(err, tc.is) {
				t.Errorf("Open error = %v, want %v", err, tc.is)
			}
		})
	}

	t.Run("rewrap", func(t *testing.T) {
		re, err := sealed.Rewrap(master, other)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := re.Open(other, "cert/DJC-00001"); err != nil {
			t.Errorf("open under new master: %v", err)
		}
		if _, err := re.Open(master, "cert/DJC-00001"); !errors.Is(err, pki.ErrWrongMasterKey) {
			t.Errorf("open under old master: %v", err)
		}
		if _, err := tamperedCT.Rewrap(master, other); !errors.Is(err, pki.ErrUnseal) {
			t.Errorf("rewrap of a damaged blob: %v", err)
		}
	})
}

func TestPIN(t *testing.T) {
	pin, err := pki.NewPIN()
	if err != nil {
		t.Fatal(err)
	}
	if len(pin) != 14 || pin[4] != '-' || pin[9] != '-' || len(pki.NormalizePIN(pin)) != 12 {
		t.Fatalf("PIN %q has the wrong shape", pin)
	}
	other, _ := pki.NewPIN()
	if other == pin {
		t.Errorf("two PINs alike: %s", pin)
	}
	hash, err := pki.HashPIN(pin)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=3,p=4$") || strings.Contains(hash, pki.NormalizePIN(pin)) {
		t.Errorf("hash %q", hash)
	}
	digits := pki.NormalizePIN(pin)
	fullWidth := strings.Map(func(r rune) rune { return r - '0' + '０' }, digits)
	wrong := []byte(digits)
	wrong[11] = '0' + (wrong[11]-'0'+1)%10

	tests := []struct {
		name  string
		hash  string
		pin   string
		match bool
		err   bool
	}{
		{"as mailed", hash, pin, true, false},
		{"digits only", hash, digits, true, false},
		{"full-width with spaces", hash, fullWidth[:12] + "　" + fullWidth[12:], true, false},
		{"one digit off", hash, string(wrong), false, false},
		{"empty", hash, "", false, false},
		{"malformed hash", "$argon2i$v=19$m=65536,t=3,p=4$AAAA$AAAA", pin, false, true},
		{"absurd memory", "$argon2id$v=19$m=99999999,t=3,p=4$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", pin, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := pki.CheckPIN(tc.hash, tc.pin)
			if (err != nil) != tc.err || ok != tc.match {
				t.Errorf("CheckPIN = %v, %v; want %v, err=%v", ok, err, tc.match, tc.err)
			}
		})
	}
}
