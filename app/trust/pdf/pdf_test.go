package pdf

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"testing"
	"time"
)

// fixture describes one file in testdata/pdf (see make.sh).
type fixture struct {
	name       string
	file       string
	wantErr    error
	version    string
	xrefStream bool // flavour of the section the last startxref points at
	hybrid     bool
	trimEOL    bool // drop the final end-of-line to test a file ending in %%EOF
	revisions  int  // revisions already in the file; 0 means 1
	signatures int  // signatures already in the file
}

var fixtures = []fixture{
	{name: "ghostscript classic 1.4", file: "gs-classic-1.4.pdf", version: "1.4"},
	{name: "ghostscript without final EOL", file: "gs-classic-1.4.pdf", version: "1.4", trimEOL: true},
	{name: "qpdf classic 1.4", file: "qpdf-classic-1.4.pdf", version: "1.4"},
	{name: "qpdf object streams", file: "qpdf-objstm.pdf", version: "1.5", xrefStream: true},
	{name: "qpdf linearized", file: "qpdf-linearized.pdf", version: "1.4"},
	{name: "qpdf linearized object streams", file: "qpdf-linearized-objstm.pdf", version: "1.5", xrefStream: true},
	{name: "qpdf 2.0", file: "qpdf-2.0.pdf", version: "2.0", xrefStream: true},
	{name: "hybrid", file: "hybrid.pdf", version: "1.5", hybrid: true},
	{name: "form with text field", file: "form-classic-1.3.pdf", version: "1.3"},
	{name: "form in object streams", file: "form-objstm.pdf", version: "1.5", xrefStream: true},
	{name: "form with NeedAppearances", file: "form-needappearances.pdf", version: "1.4"},
	{name: "inherited boxes and rotation", file: "rotated.pdf", version: "1.4"},
	{name: "signed by MuPDF", file: "mupdf-signed.pdf", version: "1.6", revisions: 2, signatures: 1},
	{name: "encrypted", file: "encrypted.pdf", wantErr: ErrEncrypted},
	{name: "truncated", file: "broken-truncated.pdf", wantErr: ErrMalformed},
}

func (fx fixture) load(t testing.TB) []byte {
	b := readFixture(t, fx.file)
	if fx.trimEOL {
		b = bytes.TrimRight(b, "\r\n")
	}
	return b
}

func TestOpenFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			f, err := Open(fx.load(t))
			if fx.wantErr != nil {
				if !errors.Is(err, fx.wantErr) {
					t.Fatalf("Open error = %v, want %v", err, fx.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if f.version != fx.version {
				t.Errorf("version %q, want %q", f.version, fx.version)
			}
			revs := f.Revisions()
			if want := max(fx.revisions, 1); len(revs) != want {
				t.Fatalf("%d revisions, want %d: %+v", len(revs), want, revs)
			}
			last := revs[len(revs)-1]
			if last.XRefStream != fx.xrefStream || last.Hybrid != fx.hybrid {
				t.Errorf("revision %+v, want xref stream %v hybrid %v", last, fx.xrefStream, fx.hybrid)
			}
			if last.EOF != int64(len(f.Bytes())) && last.End != int64(len(f.Bytes())) {
				t.Errorf("revision ends at %d/%d, file has %d bytes", last.EOF, last.End, len(f.Bytes()))
			}
			ref, page, err := f.FirstPage()
			if err != nil {
				t.Fatalf("FirstPage: %v", err)
			}
			if page.Name("Type") != "Page" || ref.Num == 0 {
				t.Errorf("first page %v = %v", ref, page)
			}
			sigs, err := f.Signatures()
			if err != nil || len(sigs) != fx.signatures {
				t.Fatalf("Signatures = %v, %v; want %d", sigs, err, fx.signatures)
			}
			for _, s := range sigs {
				if err := f.CheckByteRange(s); err != nil || !f.CoversWholeFile(s) {
					t.Errorf("existing signature %s: %v", s.Field, err)
				}
			}
		})
	}
}

// TestSigningChain runs the whole B-LTA sequence of increments on every
// readable fixture: signature, second signature, DSS, document timestamp,
// then DSS and timestamp again as an archive extension.
func TestSigningChain(t *testing.T) {
	certs, crl := testCerts(t)
	moreCerts, _ := testCerts(t)
	signTime := time.Date(2026, 11, 24, 15, 30, 0, 0, time.FixedZone("JST", 9*3600))
	for _, fx := range fixtures {
		if fx.wantErr != nil {
			continue
		}
		t.Run(fx.name, func(t *testing.T) {
			orig := fx.load(t)
			f0, err := Open(orig)
			if err != nil {
				t.Fatal(err)
			}
			type step struct {
				name string
				make func(f *File) ([]byte, error)
				sigs int // signature fields expected afterwards
			}
			steps := []step{
				{"sign", func(f *File) ([]byte, error) {
					p, err := f.PrepareSignature(SignatureOptions{Time: signTime, Reason: "契約締結", Location: "Tokyo"})
					if err != nil {
						return nil, err
					}
					return seal(t, p), nil
				}, 1},
				{"countersign", func(f *File) ([]byte, error) {
					p, err := f.PrepareSignature(SignatureOptions{Time: signTime.Add(time.Hour), Name: "山田 太郎", ContentsSize: 4096})
					if err != nil {
						return nil, err
					}
					return seal(t, p), nil
				}, 2},
				{"dss", func(f *File) ([]byte, error) { return addDSSWhole(f, DSS{Certs: certs, CRLs: [][]byte{crl}}) }, 2},
				{"timestamp", func(f *File) ([]byte, error) {
					p, err := f.PrepareDocTimestamp(TimestampOptions{})
					if err != nil {
						return nil, err
					}
					return seal(t, p), nil
				}, 3},
				{"dss again", func(f *File) ([]byte, error) {
					return addDSSWhole(f, DSS{Certs: append([][]byte{certs[1]}, moreCerts...), OCSPs: [][]byte{crl}})
				}, 3},
				{"archive timestamp", func(f *File) ([]byte, error) {
					p, err := f.PrepareDocTimestamp(TimestampOptions{})
					if err != nil {
						return nil, err
					}
					return seal(t, p), nil
				}, 4},
			}
			// Signatures made elsewhere cannot be checked without their CMS;
			// the digest of the bytes they cover must simply never change.
			foreign := map[string][32]byte{}
			sigs0, err := f0.Signatures()
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range sigs0 {
				foreign[s.Field] = rangeDigest(t, f0, s)
			}
			cur, prev := f0, orig
			for i, st := range steps {
				out, err := st.make(cur)
				if err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
				if !bytes.HasPrefix(out, prev) {
					t.Fatalf("%s: earlier bytes changed", st.name)
				}
				if c := prev[len(prev)-1]; c != '\n' && c != '\r' && out[len(prev)] != '\n' {
					t.Fatalf("%s: no end-of-line added after a file ending in %q", st.name, c)
				}
				next, err := Open(out)
				if err != nil {
					t.Fatalf("%s: reopen: %v", st.name, err)
				}
				revs := next.Revisions()
				if want := max(fx.revisions, 1) + i + 1; len(revs) != want {
					t.Fatalf("%s: %d revisions, want %d", st.name, len(revs), want)
				}
				if got := revs[len(revs)-1]; got.XRefStream != fx.xrefStream || got.Hybrid {
					t.Errorf("%s: new revision %+v, want xref stream %v and no /XRefStm", st.name, got, fx.xrefStream)
				}
				for _, e := range next.sections[0].entries {
					if e.typ != 1 {
						t.Errorf("%s: increment has a type %d entry; rewritten objects must be plain", st.name, e.typ)
					}
				}
				if _, ok := next.Trailer()["XRefStm"]; ok && !fx.hybrid {
					t.Errorf("%s: trailer has /XRefStm", st.name)
				}
				checkSignatures(t, st.name, next, st.sigs+fx.signatures, foreign)
				cur, prev = next, out
			}

			sigs, _ := cur.Signatures()
			sigs = sigs[fx.signatures:]
			if sigs[0].Reason != "契約締結" || sigs[1].Name != "山田 太郎" || sigs[0].Location != "Tokyo" {
				t.Errorf("text entries read back as %q %q %q", sigs[0].Reason, sigs[1].Name, sigs[0].Location)
			}
			if tm, err := sigs[0].SigningTime(); err != nil || !tm.Equal(signTime) {
				t.Errorf("signing time %v, %v; want %v", tm, err, signTime)
			}
			if sigs[2].Type != "DocTimeStamp" || sigs[2].SubFilter != "ETSI.RFC3161" || sigs[0].SubFilter != "ETSI.CAdES.detached" {
				t.Errorf("types: %+v", sigs)
			}
			dss, err := cur.ReadDSS()
			if err != nil {
				t.Fatal(err)
			}
			if len(dss.Certs) != 4 || len(dss.CRLs) != 1 || len(dss.OCSPs) != 1 {
				t.Errorf("DSS holds %d certs %d CRLs %d OCSPs, want 4 1 1 (merged, no duplicates)", len(dss.Certs), len(dss.CRLs), len(dss.OCSPs))
			}
			if !bytes.Equal(dss.Certs[0], certs[0]) || !bytes.Equal(dss.CRLs[0], crl) {
				t.Error("DSS content differs from what was added")
			}
			cat, _ := cur.Catalog()
			if versionLess(fx.version, "2.0") {
				ext, _ := cur.Resolve(cat["Extensions"])
				esic, _ := cur.Resolve(ext.(Dict)["ESIC"])
				if d, ok := esic.(Dict); !ok || d["ExtensionLevel"] != Int(1) || d["BaseVersion"] != Name("1.7") {
					t.Errorf("no ESIC extension: %v", ext)
				}
				if v := cur.EffectiveVersion(); versionLess(v, "1.7") {
					t.Errorf("effective version %s below 1.7", v)
				}
			} else if _, ok := cat["Extensions"]; ok {
				t.Error("PDF 2.0 file got /Extensions")
			}
			externalChecks(t, prev, 4+fx.signatures, fx.signatures)
		})
	}
}

// checkSignatures checks every signature of f: its byte range covers its
// revision, its digest holds, only the newest covers the whole file, and
// later revisions changed nothing beyond what PAdES allows.
func checkSignatures(t *testing.T, step string, f *File, want int, foreign map[string][32]byte) {
	t.Helper()
	sigs, err := f.Signatures()
	if err != nil {
		t.Fatalf("%s: Signatures: %v", step, err)
	}
	if len(sigs) != want {
		t.Fatalf("%s: %d signatures, want %d", step, len(sigs), want)
	}
	names := map[string]bool{}
	for i, s := range sigs {
		if names[s.Field] {
			t.Errorf("%s: duplicate field name %q", step, s.Field)
		}
		names[s.Field] = true
		if err := f.CheckByteRange(s); err != nil {
			t.Errorf("%s: signature %d: %v", step, i, err)
		}
		if d, ok := foreign[s.Field]; ok {
			if rangeDigest(t, f, s) != d {
				t.Errorf("%s: bytes covered by existing signature %s changed", step, s.Field)
			}
		} else if ok, err := digestHolds(f, s); err != nil || !ok {
			t.Errorf("%s: signature %d: digest holds = %v, %v", step, i, ok, err)
		}
		changes, err := f.ChangesAfter(s.Revision)
		if err != nil {
			t.Fatalf("%s: ChangesAfter(%d): %v", step, s.Revision, err)
		}
		if bad := changes.Disallowed(); len(bad) > 0 {
			t.Errorf("%s: signature %d: disallowed changes after it: %+v", step, i, bad)
		}
	}
	last := sigs[len(sigs)-1]
	lastRev := len(f.Revisions()) - 1
	if whole := f.CoversWholeFile(last); whole != (last.Revision == lastRev) {
		t.Errorf("%s: newest signature covers whole file = %v, revision %d of %d", step, whole, last.Revision, lastRev)
	}
	if len(sigs) > 1 && f.CoversWholeFile(sigs[0]) {
		t.Errorf("%s: first signature claims to cover the whole file", step)
	}
}

func rangeDigest(t *testing.T, f *File, s Signature) [32]byte {
	t.Helper()
	r, err := f.SignedReader(s)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		t.Fatal(err)
	}
	return [32]byte(h.Sum(nil))
}
