package pades_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"inkan/app/trust/pades"
	"inkan/app/trust/pdf"
)

// chainFixtures are the readable files of testdata/pdf (see make.sh), from
// several producers and with every cross-reference layout.
var chainFixtures = []struct {
	file    string
	foreign int // signatures made elsewhere, already in the file
}{
	{"gs-classic-1.4.pdf", 0},
	{"qpdf-classic-1.4.pdf", 0},
	{"qpdf-objstm.pdf", 0},
	{"qpdf-linearized.pdf", 0},
	{"qpdf-linearized-objstm.pdf", 0},
	{"qpdf-2.0.pdf", 0},
	{"hybrid.pdf", 0},
	{"form-classic-1.3.pdf", 0},
	{"form-objstm.pdf", 0},
	{"form-needappearances.pdf", 0},
	{"rotated.pdf", 0},
	{"mupdf-signed.pdf", 1},
	{"header-offset.pdf", 0},
}

// TestContractChain runs the contract's life on every fixture: the sender
// signs (B-T) with a seal on the last page, the receiver countersigns with
// another, the file is made B-LTA, then extended with an archive timestamp.
// After each step our verifier and the independent tools must agree that
// every signature holds.
func TestContractChain(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	db := nssDB(t, e.rootPEM)
	for _, fx := range chainFixtures {
		t.Run(fx.file, func(t *testing.T) {
			t.Parallel()
			orig := readFixture(t, fx.file)
			dir := t.TempDir()
			origCheck, origOut := qpdfCheck(t, writeTemp(t, dir, "orig.pdf", orig))
			if origCheck != 0 && origCheck != 3 {
				t.Fatalf("fixture fails qpdf --check (%d):\n%s", origCheck, origOut)
			}
			// A file with bytes before its header is signed from the header on
			// (pdf.Open): the result starts there.
			body := orig[bytes.Index(orig, []byte("%PDF-")):]
			signTime := time.Now().Add(-time.Minute).Truncate(time.Second)
			steps := []struct {
				name  string
				do    func(doc []byte) ([]byte, error)
				kinds []string // our entries after the step, in order
			}{
				{"sender signs", func(doc []byte) ([]byte, error) {
					return pades.Sign(doc, e.sender, e.tsa, pades.SignOptions{Time: signTime, Reason: "契約締結", Location: "東京", Name: "Yamada Taro",
						Appearance: &pdf.Appearance{Page: pdf.LastPage, Lines: []string{"送信商事株式会社", "代表取締役 山田 太郎", "2026/12/02"}}})
				}, []string{pades.KindSignature}},
				// The receiver's signature and the archive extension are made as
				// increments alone (SignIncrement, TimestampIncrement), the way the
				// contract flow keeps revisions: appended, they must pass the same checks.
				{"receiver signs", func(doc []byte) ([]byte, error) {
					inc, err := pades.SignIncrement(doc, e.receiver, e.tsa, pades.SignOptions{Time: signTime.Add(30 * time.Second), Reason: "契約締結",
						Appearance: &pdf.Appearance{Page: pdf.LastPage, Lines: []string{"受信工業株式会社", "鈴木 花子", "2026/12/03"}}})
					return slices.Concat(doc, inc), err
				}, []string{pades.KindSignature, pades.KindSignature}},
				{"B-LTA", func(doc []byte) ([]byte, error) {
					return pades.Timestamp(doc, e.tsa, e.validationNow(t), time.Now())
				}, []string{pades.KindSignature, pades.KindSignature, pades.KindDocTimestamp}},
				{"archive extension", func(doc []byte) ([]byte, error) {
					inc, err := pades.TimestampIncrement(doc, e.tsa, pades.TimestampOptions{
						Now:        time.Now(),
						Validation: func(time.Time) (pades.Validation, error) { return pades.Validation{CRLs: e.crls(t, nil)}, nil },
					})
					return slices.Concat(doc, inc), err
				}, []string{pades.KindSignature, pades.KindSignature, pades.KindDocTimestamp, pades.KindDocTimestamp}},
			}
			signers := []string{"Yamada Taro", "Suzuki Hanako"}
			checked := map[string]bool{} // entries the openssl checks have seen
			cur := body
			for _, st := range steps {
				out, err := st.do(cur)
				if err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
				if !bytes.HasPrefix(out, cur) {
					t.Fatalf("%s: earlier bytes were rewritten", st.name)
				}
				cur = out
				path := writeTemp(t, dir, "step.pdf", out)

				rep, err := pades.Verify(out, e.verifyOptions())
				if err != nil {
					t.Fatalf("%s: Verify: %v", st.name, err)
				}
				checkReport(t, st.name, rep, fx.foreign, st.kinds)

				f, err := pdf.Open(out)
				if err != nil {
					t.Fatal(err)
				}
				sigs, err := f.Signatures()
				if err != nil {
					t.Fatal(err)
				}
				checkStrictPAdES(t, st.name, f, sigs[fx.foreign:])

				if code, qout := qpdfCheck(t, path); code != 0 && code != origCheck {
					t.Errorf("%s: qpdf --check exit %d (fixture: %d):\n%s", st.name, code, origCheck, qout)
				}
				blocks := pdfsig(t, db, path)
				for i, s := range sigs {
					b, ok := blocks[s.Field]
					if !ok {
						t.Errorf("%s: pdfsig does not list %s", st.name, s.Field)
						continue
					}
					if rep.Signatures[i].Kind != pades.KindSignature {
						continue // pdfsig cannot check document timestamps
					}
					if !strings.Contains(b.text, "Signature is Valid.") {
						t.Errorf("%s: pdfsig on %s:\n%s", st.name, s.Field, b.text)
					}
					if i < fx.foreign {
						continue // self-signed elsewhere: valid, not trusted
					}
					want := signers[i-fx.foreign]
					if b.commonName != want {
						t.Errorf("%s: pdfsig on %s: signer %q, want %q", st.name, s.Field, b.commonName, want)
					}
					checkPdfsigTrust(t, st.name, b)
				}
				for _, s := range sigs[fx.foreign:] {
					if checked[s.Field] {
						continue // its bytes are a prefix already checked
					}
					checked[s.Field] = true
					content := signedBytes(t, f, s)
					if s.SubFilter == pades.SubFilterRFC3161 {
						opensslTS(t, dir, e.rootPEM, s.Contents, content)
						continue
					}
					opensslCMS(t, dir, e.rootPEM, s.Contents, content)
					sd := cmsOf(t, s)
					opensslTS(t, dir, e.rootPEM, sd.Signer.TimestampToken, sd.Signer.Signature)
				}
				checkMutool(t, st.name, path, rep)
			}
			checkTamperedCopy(t, e, db, dir, cur, len(body))
		})
	}
}

// checkTamperedCopy flips one byte of the original document inside the final file (a
// byte of the first object's body, which every signature covers) and requires our
// verifier and pdfsig to agree that no signature holds any more.
func checkTamperedCopy(t *testing.T, e *env, db, dir string, final []byte, origLen int) {
	t.Helper()
	at := bytes.Index(final[:origLen], []byte(" obj"))
	if at < 0 {
		t.Fatal("no object in the original")
	}
	at += len(" obj") + 2 // inside the first object, past its keyword and line break
	tampered := bytes.Clone(final)
	tampered[at] ^= 0x01
	rep, err := pades.Verify(tampered, e.verifyOptions())
	switch {
	case errors.Is(err, pdf.ErrMalformed):
		// The flip broke the structure the signatures point through (an object
		// stream or a hex string): refusing the file is detection too.
		t.Logf("tampered copy refused as malformed: %v", err)
		rep = &pades.Report{}
	case err != nil:
		t.Fatalf("tampered: Verify: %v", err)
	}
	path := writeTemp(t, dir, "tampered.pdf", tampered)
	blocks := pdfsig(t, db, path)
	for _, s := range rep.Signatures {
		if s.DigestOK || s.Valid() {
			t.Errorf("tampered: %s still holds (digest %v, problems %v)", s.Field, s.DigestOK, s.Problems)
		}
		if b, ok := blocks[s.Field]; s.Kind == pades.KindSignature && (!ok || !strings.Contains(b.text, "Digest Mismatch.")) {
			t.Errorf("tampered: pdfsig on %s does not report the mismatch:\n%s", s.Field, b.text)
		}
	}
	for field, b := range blocks {
		if strings.Contains(b.text, "Signature is Valid.") {
			t.Errorf("tampered: pdfsig still calls %s valid:\n%s", field, b.text)
		}
	}
}

// checkReport checks our verifier's verdict after a step: every entry we
// made is valid, and a foreign one (SHA-1, self-signed) still covers
// unchanged bytes even though our policy does not accept it.
func checkReport(t *testing.T, step string, rep *pades.Report, foreign int, kinds []string) {
	t.Helper()
	if len(rep.Problems) > 0 {
		t.Errorf("%s: document problems: %v", step, rep.Problems)
	}
	if len(rep.Signatures) != foreign+len(kinds) {
		t.Fatalf("%s: %d entries, want %d", step, len(rep.Signatures), foreign+len(kinds))
	}
	for i, s := range rep.Signatures {
		if i < foreign {
			if !s.ByteRangeOK || !s.DigestOK || s.ModifiedAfter {
				t.Errorf("%s: foreign signature %s: byte range %v digest %v modified %v: %v", step, s.Field, s.ByteRangeOK, s.DigestOK, s.ModifiedAfter, s.Problems)
			}
			continue
		}
		if s.Kind != kinds[i-foreign] {
			t.Errorf("%s: entry %d is %s, want %s", step, i, s.Kind, kinds[i-foreign])
		}
		if !s.Valid() || !s.ByteRangeOK || !s.DigestOK || !s.SignatureOK || !s.ChainOK || !s.TimestampOK || s.ModifiedAfter {
			t.Errorf("%s: entry %d (%s) not valid: %+v", step, i, s.Field, s)
		}
		if s.TimestampTime.IsZero() || time.Since(s.TimestampTime) > time.Hour {
			t.Errorf("%s: entry %d timestamp time %v", step, i, s.TimestampTime)
		}
		if len(s.Chain) != 3 && s.Kind == pades.KindSignature || len(s.Chain) != 2 && s.Kind == pades.KindDocTimestamp {
			t.Errorf("%s: entry %d chain of %d certificates", step, i, len(s.Chain))
		}
		if last := i == len(rep.Signatures)-1; s.WholeFile != last {
			t.Errorf("%s: entry %d WholeFile = %v", step, i, s.WholeFile)
		}
	}
	if foreign == 0 && !rep.Valid() {
		t.Errorf("%s: report not valid", step)
	}
	first := rep.Signatures[foreign]
	if !strings.HasPrefix(first.Signer, "Yamada Taro (Sender Shoji KK)") {
		t.Errorf("%s: first signer %q", step, first.Signer)
	}
	wantLevel := pades.LevelBT
	if kinds[len(kinds)-1] == pades.KindDocTimestamp {
		wantLevel = pades.LevelBLTA
		// B-LTA: the DSS holds the CRLs of every chain.
		for i, s := range rep.Signatures[foreign:] {
			if !s.RevocationChecked {
				t.Errorf("%s: entry %d: revocation not checked: %v", step, i, s.Warnings)
			}
		}
		if rep.ProvableUntil.IsZero() {
			t.Errorf("%s: no provable-until date", step)
		}
	}
	for i, s := range rep.Signatures[foreign:] {
		if s.Kind == pades.KindSignature && (s.Level != wantLevel || !s.Trusted) {
			t.Errorf("%s: entry %d: level %q trusted %v, want %s: %v", step, i, s.Level, s.Trusted, wantLevel, s.LevelGaps)
		}
	}
}

// checkStrictPAdES checks the baseline restrictions on what we wrote.
func checkStrictPAdES(t *testing.T, step string, f *pdf.File, ours []pdf.Signature) {
	t.Helper()
	for _, s := range ours {
		if s.SubFilter == pades.SubFilterRFC3161 {
			if s.Type != "DocTimeStamp" {
				t.Errorf("%s: %s: /Type %s", step, s.Field, s.Type)
			}
			continue
		}
		sd := cmsOf(t, s)
		if s.SubFilter != pades.SubFilterCAdES || sd.Signer.HasSigningTime() || sd.Signer.HasRevocationInfoArchival() || sd.Signer.TimestampToken == nil {
			t.Errorf("%s: %s: SubFilter %s, signing-time %v, adbe revocation %v, timestamp %v", step, s.Field, s.SubFilter,
				sd.Signer.HasSigningTime(), sd.Signer.HasRevocationInfoArchival(), sd.Signer.TimestampToken != nil)
		}
		if s.M == "" {
			t.Errorf("%s: %s has no /M", step, s.Field)
		}
	}
	dss, err := f.ReadDSS()
	if err != nil {
		t.Fatal(err)
	}
	if len(dss.Certs) == 0 {
		return
	}
	cat, err := f.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if f.EffectiveVersion() < "2.0" {
		ext, _ := f.Resolve(cat["Extensions"])
		if d, ok := ext.(pdf.Dict); !ok || d["ESIC"] == nil {
			t.Errorf("%s: B-LTA file below PDF 2.0 without /Extensions /ESIC: %v", step, ext)
		}
	}
}

// checkMutool reads mutool sign -v (MuPDF 1.21): it must find the digest
// of every CMS signature intact. MuPDF counts any later increment, even a
// DSS or document timestamp, as an edit, so only a signature in the newest
// revision reads "unchanged since signing"; earlier ones must read "valid
// but there have been edits". It has no trust-anchor option and does not
// check document timestamps ("not signed"), so neither is asserted.
func checkMutool(t *testing.T, step, path string, rep *pades.Report) {
	t.Helper()
	out, _ := run(t, "mutool", "sign", "-v", path)
	blocks := strings.Split(out, "Verifying signature ")[1:]
	if len(blocks) != len(rep.Signatures) {
		t.Fatalf("%s: mutool lists %d signatures, want %d:\n%s", step, len(blocks), len(rep.Signatures), out)
	}
	for i, b := range blocks {
		s := rep.Signatures[i]
		if s.Kind != pades.KindSignature {
			continue
		}
		want := "The signature is valid but there have been edits since signing."
		if s.WholeFile {
			want = "The document is unchanged since signing."
		}
		if !strings.Contains(b, want) {
			t.Errorf("%s: mutool on %s, want %q:\n%s", step, s.Field, want, b)
		}
	}
}

// checkPdfsigTrust requires pdfsig's "Certificate is Trusted." for a signature
// made with a certificate of our CA (its root is in the NSS database).
func checkPdfsigTrust(t *testing.T, step string, b pdfsigBlock) {
	t.Helper()
	if !strings.Contains(b.text, "Certificate is Trusted.") {
		t.Errorf("%s: pdfsig does not trust %s:\n%s", step, b.field, b.text)
	}
}
