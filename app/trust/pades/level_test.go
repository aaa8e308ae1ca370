package pades_test

import (
	"crypto/sha256"
	"slices"
	"strings"
	"testing"
	"time"

	"inkan/app/trust/cms"
	"inkan/app/trust/pades"
	"inkan/app/trust/pdf"
)

// signWithoutTimestamp makes a CAdES-detached signature with no signature timestamp,
// as another product might: PAdES B-B.
func signWithoutTimestamp(t *testing.T, doc []byte, s pades.Signer) []byte {
	t.Helper()
	f, err := pdf.Open(doc)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.PrepareSignature(pdf.SignatureOptions{Time: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	h.Write(f.Bytes())
	if _, err := p.WriteIncrementSignedTo(h); err != nil {
		t.Fatal(err)
	}
	sd, err := cms.Sign(h.Sum(nil), s.Key, s.Certificate, s.Chain)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := p.EmbedIncrement(sd)
	if err != nil {
		t.Fatal(err)
	}
	return slices.Concat(f.Bytes(), inc)
}

// addDSS appends a DSS holding crls (and no document timestamp).
func addDSS(t *testing.T, doc []byte, crls [][]byte) []byte {
	t.Helper()
	f, err := pdf.Open(doc)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := f.AppendDSS(pdf.DSS{CRLs: crls})
	if err != nil {
		t.Fatal(err)
	}
	return slices.Concat(f.Bytes(), inc)
}

// TestLevels: the report names the PAdES level each signature reaches and what the
// next one lacks; the newest document timestamp says until when the file is provable.
func TestLevels(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	other := newEnv(t) // another installation: a CA this one does not trust
	orig := readFixture(t, "qpdf-objstm.pdf")
	bt, err := pades.Sign(orig, e.sender, e.tsa, pades.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hourAgo := time.Now().Add(-time.Hour)
	oldIssuing, err := e.ca.CRL(nil, bigOne(), hourAgo, hourAgo.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	oldRoot, err := e.ca.RootCRL(nil, bigOne(), hourAgo, hourAgo.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	lta, err := pades.Timestamp(bt, e.tsa, e.validationNow(t), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := pades.Sign(orig, other.sender, other.tsa, pades.SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		doc     []byte
		level   string
		gap     string // in the LevelGaps of the first signature
		trusted bool
		warning string
	}{
		{"no signature timestamp", signWithoutTimestamp(t, orig, e.sender), pades.LevelBB, "does not reach B-T", true, ""},
		{"signature timestamp", bt, pades.LevelBT, "does not reach B-LT", true, ""},
		{"DSS with CRLs from before the signature", addDSS(t, bt, [][]byte{oldIssuing, oldRoot}), pades.LevelBT, "issued after the signature timestamp", true, ""},
		{"DSS with fresh CRLs", addDSS(t, bt, e.crls(t, nil)), pades.LevelBLT, "does not reach B-LTA", true, ""},
		{"document timestamp", lta, pades.LevelBLTA, "", true, ""},
		{"another installation's CA", foreign, pades.LevelBB, "does not reach B-T", false, "signed by a CA this installation does not trust: Yamada Taro (Sender Shoji KK)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := pades.Verify(tc.doc, e.verifyOptions())
			if err != nil {
				t.Fatal(err)
			}
			s := rep.Signatures[0]
			if !s.Valid() || !rep.Valid() {
				t.Fatalf("not valid: %v %v", s.Problems, rep.Problems)
			}
			if s.Level != tc.level || s.Trusted != tc.trusted || rep.Trusted() != tc.trusted {
				t.Errorf("level %q trusted %v (report %v), want %q %v; gaps %v warnings %v", s.Level, s.Trusted, rep.Trusted(), tc.level, tc.trusted, s.LevelGaps, s.Warnings)
			}
			if gaps := strings.Join(s.LevelGaps, "\n"); tc.gap == "" && gaps != "" || !strings.Contains(gaps, tc.gap) {
				t.Errorf("gaps %q, want %q", gaps, tc.gap)
			}
			if !strings.Contains(strings.Join(s.Warnings, "\n"), tc.warning) {
				t.Errorf("warnings %q, want %q", s.Warnings, tc.warning)
			}
			if tc.level == pades.LevelBLTA {
				ts := rep.Signatures[len(rep.Signatures)-1]
				want := e.ca.TSACertificate().NotAfter
				if ts.Kind != pades.KindDocTimestamp || !ts.ProvableUntil.Equal(want) || !rep.ProvableUntil.Equal(want) {
					t.Errorf("provable until %v (report %v), want %v, the TSA certificate's end", ts.ProvableUntil, rep.ProvableUntil, want)
				}
			} else if !rep.ProvableUntil.IsZero() {
				t.Errorf("provable until %v without a document timestamp", rep.ProvableUntil)
			}
		})
	}
}
