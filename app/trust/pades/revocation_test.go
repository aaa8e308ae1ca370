package pades_test

import (
	"strings"
	"testing"
	"time"

	"inkan/app/trust/pades"
	"inkan/app/trust/pki"
)

// TestRevocation checks that a revoked signer certificate is reported,
// from CRLs given to Verify or found in the DSS, and that a revocation
// after the signature timestamp leaves the signature valid.
func TestRevocation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	signed, err := pades.Sign(readFixture(t, "qpdf-objstm.pdf"), e.sender, e.tsa, pades.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	serial := e.sender.Certificate.SerialNumber
	tests := []struct {
		name      string
		revokedAt time.Duration // relative to now; signing was just now
		inDSS     bool          // CRL stored by Timestamp instead of given to Verify
		wantValid bool
	}{
		{"revoked before signing, CRL given", -time.Hour, false, false},
		{"revoked before signing, CRL in the DSS", -time.Hour, true, false},
		{"revoked after the signature timestamp", time.Hour, false, true},
		{"revoked after the signature timestamp, CRL in the DSS", time.Hour, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			crls := e.crls(t, []pki.Revoked{{SerialNumber: serial, RevokedAt: time.Now().Add(tc.revokedAt), Reason: pki.ReasonKeyCompromise}})
			doc, opts := signed, e.verifyOptions()
			if tc.inDSS {
				var err error
				if doc, err = pades.Timestamp(signed, e.tsa, pades.Validation{CRLs: crls}, time.Now()); err != nil {
					t.Fatal(err)
				}
			} else {
				opts.CRLs = crls
			}
			rep, err := pades.Verify(doc, opts)
			if err != nil {
				t.Fatal(err)
			}
			s := rep.Signatures[0]
			if !s.Revoked || !s.RevocationChecked || s.Valid() != tc.wantValid || rep.Valid() != tc.wantValid {
				t.Errorf("revoked %v checked %v valid %v (report %v), want valid %v; problems %v warnings %v",
					s.Revoked, s.RevocationChecked, s.Valid(), rep.Valid(), tc.wantValid, s.Problems, s.Warnings)
			}
			if !tc.wantValid && !strings.Contains(strings.Join(s.Problems, "\n"), "revoked") {
				t.Errorf("problems do not name the revocation: %v", s.Problems)
			}
		})
	}
}

// TestLongTerm verifies a B-LTA file years later: after the signer
// certificate expired the signature stays valid through its timestamp;
// after the TSA certificate expired without an archive timestamp from a
// renewed TSA, the evidence is no longer valid.
func TestLongTerm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	doc := signedContract(t, e)
	tests := []struct {
		name  string
		at    time.Time
		valid bool
	}{
		{"now", time.Now(), true},
		{"signer certificate expired", time.Now().AddDate(4, 0, 0), true},
		{"TSA certificate expired", time.Now().AddDate(11, 0, 0), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := e.verifyOptions()
			opts.Time = tc.at
			rep, err := pades.Verify(doc, opts)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Valid() != tc.valid {
				t.Fatalf("Valid() = %v, want %v: %+v", rep.Valid(), tc.valid, rep.Signatures)
			}
			if !tc.valid {
				return
			}
			for _, s := range rep.Signatures {
				if s.Kind != pades.KindSignature {
					continue
				}
				expired := tc.at.After(s.Chain[0].NotAfter)
				if expired != s.ChainTime.Equal(s.TimestampTime) {
					t.Errorf("%s: chain judged at %v, timestamp %v, signer expired %v", s.Field, s.ChainTime, s.TimestampTime, expired)
				}
			}
		})
	}
}
