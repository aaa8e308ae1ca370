package password

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		pw   string
		want error
	}{
		{"abc123!x", nil},
		{"Passw0rd#", nil},
		{"a1'-_#$%&", nil},
		{"ab1!", ErrTooShort},
		{"abcdefgh!", ErrNoDigit},
		{"12345678!", ErrNoLetter},
		{"abcd1234", ErrNoSymbol},
		{"abcd1234@", ErrForbiddenRune},
		{"abcd 1234!", ErrForbiddenRune},
		{"ａｂｃｄ1234!", ErrForbiddenRune},
		{"パスワード12!a", ErrForbiddenRune},
		{strings.Repeat("a1!", 50), ErrTooLong},
		{"", ErrTooShort},
	}
	for _, tt := range tests {
		if got := Check(tt.pw); !errors.Is(got, tt.want) {
			t.Errorf("Check(%q) = %v, want %v", tt.pw, got, tt.want)
		}
	}
}

func TestGenerateMeetsThePolicy(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		pw := Generate()
		if err := Check(pw); err != nil {
			t.Fatalf("Generate() = %q: %v", pw, err)
		}
		if seen[pw] {
			t.Fatalf("Generate() repeated %q", pw)
		}
		seen[pw] = true
	}
}

func TestHashAndVerify(t *testing.T) {
	h := Hash("abc123!x")
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Errorf("hash %q is not PHC argon2id", h)
	}
	if h == Hash("abc123!x") {
		t.Error("two hashes of one password are equal: salt not random")
	}
	tests := []struct {
		hash, pw string
		want     bool
	}{
		{h, "abc123!x", true},
		{h, "abc123!X", false},
		{h, "", false},
		{"$argon2id$v=19$garbage", "abc123!x", false},
		{"", "abc123!x", false},
		// A stored hash asking for 95 GiB is refused before anything is allocated.
		{"$argon2id$v=19$m=99999999,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "abc123!x", false},
		{"$argon2id$v=19$m=19456,t=4000000000,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "abc123!x", false},
		{h, strings.Repeat("a", MaxLength+1), false},
	}
	for _, tt := range tests {
		if got := Verify(tt.hash, tt.pw); got != tt.want {
			t.Errorf("Verify(%q, %q) = %v", tt.hash, tt.pw, got)
		}
	}
}
