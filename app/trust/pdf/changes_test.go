package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"
)

// signed returns fixture name signed once, opened.
func signed(t *testing.T, name string) (*File, Signature) {
	t.Helper()
	f, err := Open(readFixture(t, name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.PrepareSignature(SignatureOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sf, err := Open(seal(t, p))
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := sf.Signatures()
	if err != nil || len(sigs) != 1 {
		t.Fatalf("signatures %v, %v", sigs, err)
	}
	return sf, sigs[0]
}

// TestChangesAfterSigning appends increments made with the package's own
// writer, as an attacker or a careless tool could, and checks how
// ChangesAfter classifies them.
func TestChangesAfterSigning(t *testing.T) {
	type edit func(t *testing.T, f *File, inc *increment)
	pageEdit := func(change func(Dict)) edit {
		return func(t *testing.T, f *File, inc *increment) {
			ref, page, err := f.FirstPage()
			if err != nil {
				t.Fatal(err)
			}
			p := page.Clone()
			change(p)
			inc.set(ref, p)
		}
	}
	// addAnnots adds annotations to the first page.
	addAnnots := func(t *testing.T, f *File, inc *increment, annots ...Object) {
		ref, page, _ := f.FirstPage()
		p := page.Clone()
		if _, err := f.appendToArray(inc, p, "Annots", annots...); err != nil {
			t.Fatal(err)
		}
		inc.set(ref, p)
	}
	// stamp is a stamp annotation grouped with the annotation irt when it is
	// set, as the seal of a signature in a form with /NeedAppearances is.
	stamp := func(inc *increment, irt Object) Ref {
		d := Dict{"Type": Name("Annot"), "Subtype": Name("Stamp"), "Rect": Array{Int(0), Int(0), Int(100), Int(40)}, "F": Int(4)}
		if irt != nil {
			d["IRT"], d["RT"] = irt, Name("Group")
		}
		return inc.add(d)
	}
	catalogEdit := func(change func(Dict)) edit {
		return func(t *testing.T, f *File, inc *increment) {
			ref, _ := f.rootRef()
			cat, _ := f.Catalog()
			c := cat.Clone()
			change(c)
			inc.set(ref, c)
		}
	}
	cases := []struct {
		name        string
		edit        edit
		wantKind    ChangeKind
		wantAllowed bool
	}{
		{"page media box", pageEdit(func(p Dict) { p["MediaBox"] = Array{Int(0), Int(0), Int(100), Int(100)} }), ChangeOther, false},
		{"text annotation on page", func(t *testing.T, f *File, inc *increment) {
			note := inc.add(Dict{"Type": Name("Annot"), "Subtype": Name("Text"), "Rect": Array{Int(0), Int(0), Int(10), Int(10)}, "Contents": String{Value: []byte("void")}})
			ref, page, _ := f.FirstPage()
			p := page.Clone()
			if _, err := f.appendToArray(inc, p, "Annots", note); err != nil {
				t.Fatal(err)
			}
			inc.set(ref, p)
		}, ChangeAnnots, false},
		{"new page content", func(t *testing.T, f *File, inc *increment) {
			_, page, _ := f.FirstPage()
			var cref Ref
			switch c := page["Contents"].(type) {
			case Ref:
				cref = c
			case Array:
				cref = c[0].(Ref)
			}
			inc.set(cref, &Stream{Dict: Dict{}, Data: []byte("BT /F1 12 Tf (forged) Tj ET")})
		}, ChangeOther, false},
		{"catalog open action", catalogEdit(func(c Dict) { c["OpenAction"] = Array{Int(0), Name("Fit")} }), ChangeCatalog, false},
		{"catalog metadata", catalogEdit(func(c Dict) { c["Metadata"] = Int(1) }), ChangeMetadata, false},
		{"catalog version", catalogEdit(func(c Dict) { c["Version"] = Name("2.0") }), ChangeCatalog, true},
		{"unreferenced new object", func(t *testing.T, f *File, inc *increment) {
			inc.add(Dict{"Note": String{Value: []byte("nobody points here")}})
		}, ChangeNewObject, true},
		{"stamp on page", func(t *testing.T, f *File, inc *increment) { addAnnots(t, f, inc, stamp(inc, nil)) }, ChangeAnnots, false},
		{"stamp grouped with the signed widget", func(t *testing.T, f *File, inc *increment) {
			// A later signature's seal is grouped with that signature's own
			// widget; one grouped with the earlier signature is forged.
			_, page, _ := f.FirstPage()
			annots, _ := f.resolveArray(page["Annots"])
			addAnnots(t, f, inc, stamp(inc, annots[len(annots)-1]))
		}, ChangeAnnots, false},
		{"stamp grouped with a new signature widget", func(t *testing.T, f *File, inc *increment) {
			w := inc.add(Dict{"Type": Name("Annot"), "Subtype": Name("Widget"), "FT": Name("Sig"), "T": String{Value: []byte("Later")}, "Rect": Array{Int(0), Int(0), Int(100), Int(40)}})
			addAnnots(t, f, inc, w, stamp(inc, w))
		}, ChangeAppearance, true},
		{"unsigned field signed later", func(t *testing.T, f *File, inc *increment) {
			// The form fixture's field is a text field; a page's own widget
			// list gaining an unrelated widget must stay disallowed.
			w := inc.add(Dict{"Type": Name("Annot"), "Subtype": Name("Widget"), "FT": Name("Tx"), "T": String{Value: []byte("x")}, "Rect": Array{Int(0), Int(0), Int(1), Int(1)}})
			ref, page, _ := f.FirstPage()
			p := page.Clone()
			if _, err := f.appendToArray(inc, p, "Annots", w); err != nil {
				t.Fatal(err)
			}
			inc.set(ref, p)
		}, ChangeAnnots, false},
	}
	for _, name := range []string{"gs-classic-1.4.pdf", "qpdf-objstm.pdf", "form-classic-1.3.pdf"} {
		for _, tc := range cases {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				f, sig := signed(t, name)
				inc := f.newIncrement()
				tc.edit(t, f, inc)
				tail, err := inc.write()
				if err != nil {
					t.Fatal(err)
				}
				g, err := Open(slices.Concat(f.data, tail))
				if err != nil {
					t.Fatal(err)
				}
				sigs, _ := g.Signatures()
				if err := g.CheckByteRange(sigs[0]); err != nil {
					t.Errorf("byte range of the untouched signature: %v", err)
				}
				if g.CoversWholeFile(sigs[0]) {
					t.Error("signature claims to cover a file with a later revision")
				}
				changes, err := g.ChangesAfter(sig.Revision)
				if err != nil {
					t.Fatal(err)
				}
				var found bool
				for _, c := range changes {
					if c.Revision != sig.Revision+1 {
						t.Errorf("change %+v attributed to the wrong revision", c)
					}
					if c.Kind == tc.wantKind && c.Allowed == tc.wantAllowed {
						found = true
					}
				}
				if !found {
					t.Errorf("no %q change with allowed=%v in %+v", tc.wantKind, tc.wantAllowed, changes)
				}
				if got := len(changes.Disallowed()) == 0; got != tc.wantAllowed {
					t.Errorf("all allowed = %v, want %v: %+v", got, tc.wantAllowed, changes)
				}
			})
		}
	}
}

func replaceOnce(t *testing.T, b []byte, from, to string, last bool) []byte {
	t.Helper()
	i := bytes.Index(b, []byte(from))
	if last {
		i = bytes.LastIndex(b, []byte(from))
	}
	if i < 0 {
		t.Fatalf("%q not found", from)
	}
	out := append([]byte(nil), b[:i]...)
	out = append(out, to...)
	return append(out, b[i+len(from):]...)
}

// TestTampering changes bytes of a signed file and checks that the byte
// range check or the digest over the range catches it.
func TestTampering(t *testing.T) {
	sf, sig := signed(t, "gs-classic-1.4.pdf")
	good := sf.Bytes()
	br := sig.ByteRange
	cases := []struct {
		name          string
		tamper        func([]byte) []byte
		wantRangeErr  bool
		wantDigestOK  bool
		wantWholeFile bool
	}{
		{"untouched", func(b []byte) []byte { return b }, false, true, true},
		{"producer byte in first range", func(b []byte) []byte {
			return replaceOnce(t, b, "Ghostscript", "Ghostscripu", false)
		}, false, false, true},
		{"signature dictionary after contents", func(b []byte) []byte {
			return replaceOnce(t, b, "/Adobe.PPKLite", "/Adobe.PPKLitf", true)
		}, false, false, true},
		{"junk appended", func(b []byte) []byte { return append(append([]byte(nil), b...), "junk\n"...) }, false, true, false},
		{"space inserted before contents", func(b []byte) []byte {
			return replaceOnce(t, b, "/Contents <", "/Contents  <", true)
		}, true, false, false},
		{"byte range shortened", func(b []byte) []byte {
			old := []byte(formatRange(br))
			short := []byte(formatRange([]int64{br[0], br[1], br[2], br[3] - 3}))
			short = append(short, bytes.Repeat([]byte{' '}, len(old)-len(short))...)
			return replaceOnce(t, b, string(old), string(short), true)
		}, true, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Open(tc.tamper(good))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			sigs, err := f.Signatures()
			if err != nil || len(sigs) != 1 {
				t.Fatalf("signatures %v, %v", sigs, err)
			}
			err = f.CheckByteRange(sigs[0])
			if (err != nil) != tc.wantRangeErr {
				t.Errorf("CheckByteRange = %v, want error %v", err, tc.wantRangeErr)
			}
			if err != nil && !errors.Is(err, ErrByteRange) {
				t.Errorf("error %v is not ErrByteRange", err)
			}
			ok, _ := digestHolds(f, sigs[0])
			if ok != tc.wantDigestOK {
				t.Errorf("digest holds = %v, want %v", ok, tc.wantDigestOK)
			}
			if got := f.CoversWholeFile(sigs[0]); got != tc.wantWholeFile {
				t.Errorf("CoversWholeFile = %v, want %v", got, tc.wantWholeFile)
			}
		})
	}
}

// formatRange writes a byte range the way prepareField does: the numbers
// without the closing bracket, which follows the padding.
func formatRange(br []int64) string {
	return fmt.Sprintf("[0 %d %d %d", br[1], br[2], br[3])
}
