package pades_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"inkan/app/trust/pades"
	"inkan/app/trust/pdf"
)

// signedContract returns gs-classic-1.4.pdf signed by sender and receiver
// and made B-LTA: entries Signature1, Signature2, Timestamp1.
func signedContract(t *testing.T, e *env) []byte {
	t.Helper()
	doc := readFixture(t, "gs-classic-1.4.pdf")
	var err error
	for _, s := range []pades.Signer{e.sender, e.receiver} {
		if doc, err = pades.Sign(doc, s, e.tsa, pades.SignOptions{Reason: "契約締結"}); err != nil {
			t.Fatalf("Sign: %v", err)
		}
	}
	if doc, err = pades.Timestamp(doc, e.tsa, e.validationNow(t), time.Now()); err != nil {
		t.Fatalf("Timestamp: %v", err)
	}
	return doc
}

// TestTampering changes a signed file the ways an attacker or a careless
// tool would, and checks that our verifier and pdfsig both notice.
func TestTampering(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	db := nssDB(t, e.rootPEM)
	signed := signedContract(t, e)
	f, err := pdf.Open(signed)
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := f.Signatures()
	if err != nil || len(sigs) != 3 {
		t.Fatalf("Signatures = %d, %v", len(sigs), err)
	}
	orig := readFixture(t, "gs-classic-1.4.pdf")

	flip := func(off int) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			b := bytes.Clone(signed)
			b[off] ^= 0x01
			return b
		}
	}
	// A digit of the receiver's /M, which lies after its /Contents.
	mAt := bytes.Index(signed[sigs[1].ByteRange[2]:], []byte("/M (D:"))
	if mAt < 0 {
		t.Fatal("no /M after the receiver's /Contents")
	}
	mDigit := int(sigs[1].ByteRange[2]) + mAt + len("/M (D:") + 3
	streamAt := bytes.Index(orig, []byte("stream\n")) + 20

	tests := []struct {
		name   string
		make   func(t *testing.T) []byte
		digest []bool // DigestOK per entry
		whole  []bool // WholeFile per entry
		valid  bool
		// modified: entries whose later revisions changed the document
		modified []bool
		pdfsig   []string // what pdfsig says about the two CMS signatures
	}{
		{
			name: "untouched", make: func(*testing.T) []byte { return signed },
			digest: []bool{true, true, true}, whole: []bool{false, false, true}, modified: []bool{false, false, false}, valid: true,
			pdfsig: []string{"Signature is Valid.", "Signature is Valid."},
		},
		{
			name: "byte of the original content stream", make: flip(streamAt),
			digest: []bool{false, false, false}, whole: []bool{false, false, true}, modified: []bool{false, false, false},
			pdfsig: []string{"Digest Mismatch.", "Digest Mismatch."},
		},
		{
			name: "header comment byte", make: flip(10),
			digest: []bool{false, false, false}, whole: []bool{false, false, true}, modified: []bool{false, false, false},
			pdfsig: []string{"Digest Mismatch.", "Digest Mismatch."},
		},
		{
			name: "receiver's signing time", make: flip(mDigit),
			digest: []bool{true, false, false}, whole: []bool{false, false, true}, modified: []bool{false, false, false},
			pdfsig: []string{"Signature is Valid.", "Digest Mismatch."},
		},
		{
			name: "junk after the last %%EOF", make: func(*testing.T) []byte { return append(bytes.Clone(signed), "junk 1 0 obj <<>> endobj\n"...) },
			digest: []bool{true, true, true}, whole: []bool{false, false, false}, modified: []bool{false, false, false},
			pdfsig: []string{"Signature is Valid.", "Signature is Valid."},
		},
		{
			name: "page content rewritten in a later increment", make: func(t *testing.T) []byte { return rewritePage(t, signed) },
			digest: []bool{true, true, true}, whole: []bool{false, false, false}, modified: []bool{true, true, true},
			pdfsig: []string{"Signature is Valid.", "Signature is Valid."},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := tc.make(t)
			rep, err := pades.Verify(doc, e.verifyOptions())
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if rep.Valid() != tc.valid {
				t.Errorf("Valid() = %v, want %v: %+v", rep.Valid(), tc.valid, rep)
			}
			if len(rep.Signatures) != 3 {
				t.Fatalf("%d entries", len(rep.Signatures))
			}
			for i, s := range rep.Signatures {
				if s.DigestOK != tc.digest[i] || s.WholeFile != tc.whole[i] || s.ModifiedAfter != tc.modified[i] {
					t.Errorf("entry %d (%s): digest %v whole %v modified %v, want %v %v %v; problems %v",
						i, s.Field, s.DigestOK, s.WholeFile, s.ModifiedAfter, tc.digest[i], tc.whole[i], tc.modified[i], s.Problems)
				}
				if s.Valid() && (!s.DigestOK || s.ModifiedAfter) {
					t.Errorf("entry %d valid despite digest %v modified %v", i, s.DigestOK, s.ModifiedAfter)
				}
				// Each problem carries its code, the one a screen words it by.
				if len(s.ProblemCodes) != len(s.Problems) || len(s.WarningCodes) != len(s.Warnings) {
					t.Errorf("entry %d: codes %v %v for problems %q warnings %q", i, s.ProblemCodes, s.WarningCodes, s.Problems, s.Warnings)
				}
				if !s.DigestOK && !slices.Contains(s.ProblemCodes, pades.CodeDigest) {
					t.Errorf("entry %d: digest mismatch coded %v", i, s.ProblemCodes)
				}
				if s.ModifiedAfter && !slices.Contains(s.ProblemCodes, pades.CodeModified) {
					t.Errorf("entry %d: later change coded %v", i, s.ProblemCodes)
				}
			}
			if strings.HasPrefix(tc.name, "junk") && !slices.Equal(rep.ProblemCodes, []pades.Code{pades.CodeModified}) {
				t.Errorf("junk after the end is reported as %v %q", rep.ProblemCodes, rep.Problems)
			}

			dir := t.TempDir()
			path := writeTemp(t, dir, "t.pdf", doc)
			blocks := pdfsig(t, db, path)
			for i, want := range tc.pdfsig {
				b := blocks[rep.Signatures[i].Field]
				if !strings.Contains(b.text, want) {
					t.Errorf("pdfsig on %s, want %q:\n%s", rep.Signatures[i].Field, want, b.text)
				}
			}
			if code, out := qpdfCheck(t, path); code == 2 {
				// The tampered file must stay readable, or the test would
				// only show that a broken file is refused.
				t.Errorf("qpdf --check finds errors:\n%s", out)
			}
		})
	}
}

// rewritePage appends a classic increment that replaces the first page's
// content stream: the visible contract text changes after signing.
func rewritePage(t *testing.T, doc []byte) []byte {
	t.Helper()
	f, err := pdf.Open(doc)
	if err != nil {
		t.Fatal(err)
	}
	_, page, err := f.FirstPage()
	if err != nil {
		t.Fatal(err)
	}
	ref, ok := page["Contents"].(pdf.Ref)
	if !ok {
		t.Fatalf("page /Contents is %T", page["Contents"])
	}
	content := "BT /F1 24 Tf 72 700 Td (Price: 1 yen) Tj ET\n"
	return appendIncrement(t, doc, ref.Num, fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(content), content))
}

// TestRefusals checks the errors callers rely on.
func TestRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	good := readFixture(t, "gs-classic-1.4.pdf")
	encrypted := readFixture(t, "encrypted.pdf")
	restricted := readFixture(t, "restricted-aes256.pdf")
	broken := readFixture(t, "broken-truncated.pdf")
	staleCRL, err := e.ca.CRL(nil, bigOne(), time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	earlyCRL, err := e.ca.CRL(nil, bigOne(), time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	signed, err := pades.Sign(good, e.sender, e.tsa, pades.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		call    func() error
		wantIs  error
		wantMsg string
	}{
		{"sign encrypted", func() error { _, err := pades.Sign(encrypted, e.sender, e.tsa, pades.SignOptions{}); return err }, pdf.ErrEncrypted, ""},
		{"sign restricted", func() error { _, err := pades.Sign(restricted, e.sender, e.tsa, pades.SignOptions{}); return err }, pdf.ErrRestricted, "owner password"},
		{"sign broken", func() error { _, err := pades.Sign(broken, e.sender, e.tsa, pades.SignOptions{}); return err }, pdf.ErrMalformed, ""},
		{"timestamp encrypted", func() error { _, err := pades.Timestamp(encrypted, e.tsa, e.validation, time.Time{}); return err }, pdf.ErrEncrypted, ""},
		{"timestamp broken", func() error { _, err := pades.Timestamp(broken, e.tsa, e.validation, time.Time{}); return err }, pdf.ErrMalformed, ""},
		{"verify encrypted", func() error { _, err := pades.Verify(encrypted, e.verifyOptions()); return err }, pdf.ErrEncrypted, ""},
		{"verify broken", func() error { _, err := pades.Verify(broken, e.verifyOptions()); return err }, pdf.ErrMalformed, ""},
		{"sign without key", func() error {
			_, err := pades.Sign(good, pades.Signer{Certificate: e.sender.Certificate}, e.tsa, pades.SignOptions{})
			return err
		}, nil, "key and certificate are required"},
		{"sign with another's key", func() error {
			s := e.sender
			s.Key = e.receiver.Key
			_, err := pades.Sign(good, s, e.tsa, pades.SignOptions{})
			return err
		}, nil, "build CMS"},
		{"sign after expiry", func() error {
			_, err := pades.Sign(good, e.sender, e.tsa, pades.SignOptions{Time: e.sender.Certificate.NotAfter.Add(time.Hour)})
			return err
		}, nil, "is valid from"},
		{"sign without timestamper", func() error { _, err := pades.Sign(good, e.sender, nil, pades.SignOptions{}); return err }, nil, "timestamper is required"},
		{"timestamp with stale CRL", func() error {
			_, err := pades.Timestamp(good, e.tsa, pades.Validation{CRLs: [][]byte{staleCRL}}, time.Time{})
			return err
		}, nil, "stale"},
		{"timestamp with a CRL from before the signature", func() error {
			_, err := pades.Timestamp(signed, e.tsa, pades.Validation{CRLs: [][]byte{earlyCRL}}, time.Time{})
			return err
		}, nil, "before the newest timestamp"},
		{"timestamp with garbage CRL", func() error {
			_, err := pades.Timestamp(good, e.tsa, pades.Validation{CRLs: [][]byte{[]byte("not a CRL")}}, time.Time{})
			return err
		}, nil, "CRL 0"},
		{"verify without roots", func() error { _, err := pades.Verify(good, pades.VerifyOptions{}); return err }, nil, "no trust roots"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if err == nil {
				t.Fatal("no error")
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("error %v, want errors.Is %v", err, tc.wantIs)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) || !strings.HasPrefix(err.Error(), "pades: ") {
				t.Errorf("error %q, want it to contain %q", err, tc.wantMsg)
			}
		})
	}

	// The copy the refusal tells the user to make (qpdf --decrypt) signs.
	t.Run("restricted file's unrestricted copy", func(t *testing.T) {
		dir := t.TempDir()
		plain := filepath.Join(dir, "plain.pdf")
		if out, code := run(t, "qpdf", "--decrypt", writeTemp(t, dir, "restricted.pdf", restricted), plain); code != 0 {
			t.Fatalf("qpdf --decrypt: %s", out)
		}
		doc, err := os.ReadFile(plain)
		if err != nil {
			t.Fatal(err)
		}
		signed, err := pades.Sign(doc, e.sender, e.tsa, pades.SignOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep, err := pades.Verify(signed, e.verifyOptions()); err != nil || !rep.Valid() {
			t.Errorf("signed copy: %v %+v", err, rep)
		}
	})

	t.Run("unsigned document", func(t *testing.T) {
		rep, err := pades.Verify(good, e.verifyOptions())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Valid() || len(rep.Signatures) != 0 || len(rep.Problems) == 0 {
			t.Errorf("unsigned document report: %+v", rep)
		}
	})
}
