package passkey

import (
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	for _, tc := range []struct {
		name, want string
	}{
		{"会社のPC", ""},
		{strings.Repeat("あ", MaxNameLength), ""},
		{"", "passkey.error.name_required"},
		{"  ", "passkey.error.name_required"},
		{strings.Repeat("あ", MaxNameLength+1), "passkey.error.name_long"},
		{"PC\u202e", "error.control_chars"},
		{"PC\t2", "error.control_chars"},
	} {
		if got := ValidateName(tc.name)["name"]; got != tc.want {
			t.Errorf("ValidateName(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestOwnerKeyRoundTrip(t *testing.T) {
	for _, o := range []Owner{{Kind: "user", Subject: "U000001"}, {Kind: "operator", Subject: "operator"}, {Kind: "operator", Subject: "ops:2"}} {
		kind, subject, ok := cut(o.key())
		if !ok || kind != o.Kind || subject != o.Subject {
			t.Errorf("cut(%q) = %q %q %v", o.key(), kind, subject, ok)
		}
	}
	for _, bad := range []string{"", "user", "user:", "admin:U1", "operatorx:1"} {
		if _, _, ok := cut(bad); ok {
			t.Errorf("cut(%q) accepted", bad)
		}
	}
}

// The relying party is the base URL: a URL without a host cannot be one.
func TestNewNeedsAHost(t *testing.T) {
	if _, err := New(nil, nil, "not a url", "Inkan", nil); err == nil {
		t.Error("New accepted a base URL without a host")
	}
}
