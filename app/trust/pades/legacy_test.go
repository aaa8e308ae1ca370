package pades_test

import (
	"crypto/x509"
	"testing"
	"time"

	"inkan/app/trust/pades"
	"inkan/app/trust/tsa"
)

// TestLegacyPolicyStillVerifies reads a B-LTA file made before the TSA policy moved to
// arcs of 31 bits (testdata/pdf/make.sh): its tokens carry tsa.LegacyPolicy, which Go's
// encoding/asn1 cannot parse, and they must keep verifying here.
func TestLegacyPolicyStillVerifies(t *testing.T) {
	t.Parallel()
	doc := readFixture(t, "legacy-policy-lta.pdf")
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(readFixture(t, "legacy-policy-root.pem")) {
		t.Fatal("no root in legacy-policy-root.pem")
	}
	// Judged at a fixed time inside every certificate's validity, so the test does not
	// age with the fixture.
	at := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	rep, err := pades.Verify(doc, pades.VerifyOptions{Roots: roots, Time: at})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() || len(rep.Signatures) != 2 {
		t.Fatalf("legacy file: valid %v, %d entries: %+v", rep.Valid(), len(rep.Signatures), rep)
	}
	for _, s := range rep.Signatures {
		if !s.TimestampOK {
			t.Errorf("%s: timestamp not OK: %v", s.Field, s.Problems)
		}
	}
	tok, err := tsa.ParseToken(mustSignatures(t, doc)[1].Contents)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Policy.String() != tsa.LegacyPolicy {
		t.Errorf("fixture's policy %s, want the legacy %s", tok.Policy, tsa.LegacyPolicy)
	}
}
