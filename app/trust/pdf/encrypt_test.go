package pdf

import (
	"bytes"
	"errors"
	"testing"
)

// TestEncryptionKinds tells a restricted file (owner password only, made by qpdf with
// every standard-handler revision, see testdata/pdf/make.sh) from one that needs a
// password to open: both are refused, only the first as ErrRestricted.
func TestEncryptionKinds(t *testing.T) {
	tests := []struct {
		file       string
		restricted bool
	}{
		{"encrypted.pdf", false}, // AES-256 with user password "user"
		{"restricted-aes256.pdf", true},
		{"restricted-aes128.pdf", true},
		{"restricted-rc4-128.pdf", true},
		{"restricted-rc4-40.pdf", true},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			_, err := Open(readFixture(t, tc.file))
			if !errors.Is(err, ErrEncrypted) {
				t.Fatalf("Open error %v, want ErrEncrypted", err)
			}
			if errors.Is(err, ErrRestricted) != tc.restricted {
				t.Fatalf("Open error %v: restricted %v, want %v", err, !tc.restricted, tc.restricted)
			}
			var re *RestrictedError
			if tc.restricted && (!errors.As(err, &re) || re.Permissions&PermPrint != 0 || re.Permissions&PermModify != 0) {
				t.Errorf("permissions of %s: %+v, want printing and editing withheld", tc.file, re)
			}
		})
	}
}

// TestHeaderOffset reads a file with 657 bytes before its header (testdata/pdf/make.sh)
// as poppler does: offsets from the header, the File starting there.
func TestHeaderOffset(t *testing.T) {
	b := readFixture(t, "header-offset.pdf")
	f, err := Open(b)
	if err != nil {
		t.Fatal(err)
	}
	if f.HeaderOffset() != 657 || !bytes.HasPrefix(f.Bytes(), []byte("%PDF-1.5")) || !bytes.Equal(f.Bytes(), b[657:]) {
		t.Errorf("header offset %d, starts %q", f.HeaderOffset(), f.Bytes()[:8])
	}
	if _, _, err := f.FirstPage(); err != nil {
		t.Errorf("FirstPage: %v", err)
	}
}
