package pdf

import (
	"bytes"
	"fmt"
	"testing"
)

// minimalPDF lays out a one-page classic PDF whose catalog carries
// catalogExtra, plus extra objects numbered from 4.
func minimalPDF(header, catalogExtra string, extra ...string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%%PDF-%s\n", header)
	objs := append([]string{
		"<< /Type /Catalog /Pages 2 0 R " + catalogExtra + " >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
	}, extra...)
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func TestDeclareESIC(t *testing.T) {
	adbe := "/ADBE << /BaseVersion /1.7 /ExtensionLevel 3 >>"
	cases := []struct {
		name          string
		pdf           []byte
		wantVersion   Name // catalog /Version afterwards; "" for none
		wantESIC      bool
		wantADBE      bool
		catalogChange bool // whether the increment must rewrite the catalog
	}{
		{"1.4 without extensions", minimalPDF("1.4", ""), "1.7", true, false, true},
		{"1.7 keeps other extensions", minimalPDF("1.7", "/Extensions << "+adbe+" >>"), "", true, true, true},
		{"extensions as reference", minimalPDF("1.7", "/Extensions 4 0 R", "<< "+adbe+" >>"), "", true, true, false},
		{"ESIC already declared", minimalPDF("1.7", "/Extensions << /ESIC << /BaseVersion /1.7 /ExtensionLevel 1 >> >>"), "", true, false, false},
		{"catalog version raises header", minimalPDF("1.3", "/Version /1.7"), "1.7", true, false, true},
		{"PDF 2.0 needs nothing", minimalPDF("2.0", ""), "", false, false, false},
		{"catalog declares 2.0", minimalPDF("1.4", "/Version /2.0"), "2.0", false, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Open(tc.pdf)
			if err != nil {
				t.Fatal(err)
			}
			oldCat, _ := f.Catalog()
			out, err := addDSSWhole(f, DSS{Certs: [][]byte{{0x30, 0x00}}})
			if err != nil {
				t.Fatal(err)
			}
			g, err := Open(out)
			if err != nil {
				t.Fatal(err)
			}
			cat, _ := g.Catalog()
			if v, _ := cat["Version"].(Name); v != tc.wantVersion {
				t.Errorf("catalog /Version %q, want %q", v, tc.wantVersion)
			}
			ext, _ := g.Resolve(cat["Extensions"])
			extDict, _ := ext.(Dict)
			if _, ok := extDict["ESIC"]; ok != tc.wantESIC {
				t.Errorf("ESIC present = %v, want %v (%v)", ok, tc.wantESIC, ext)
			}
			if _, ok := extDict["ADBE"]; ok != tc.wantADBE {
				t.Errorf("ADBE kept = %v, want %v", ok, tc.wantADBE)
			}
			// The catalog always changes here for /DSS; check that nothing
			// else in it changed unless the extension needed it.
			changed := diffKeys(oldCat, cat)
			want := []Name{"DSS"}
			if tc.catalogChange {
				if tc.wantVersion != "" && oldCat["Version"] == nil {
					want = append(want, "Extensions", "Version")
				} else {
					want = append(want, "Extensions")
				}
			}
			if fmt.Sprint(changed) != fmt.Sprint(want) {
				t.Errorf("catalog keys changed %v, want %v", changed, want)
			}
			changes, err := g.ChangesAfter(0)
			if err != nil || len(changes.Disallowed()) > 0 {
				t.Errorf("changes %+v, %v", changes, err)
			}
		})
	}
}
