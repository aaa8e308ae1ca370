package pdf

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestSignExistingField(t *testing.T) {
	template := minimalPDF("1.7", "/AcroForm << /Fields [4 0 R 5 0 R] /SigFlags 3 >>",
		"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Box) /Rect [10 10 110 60] /F 4 /P 3 0 R >>",
		"<< /Type /Annot /Subtype /Widget /FT /Tx /T (Name) /Rect [10 70 110 90] /F 4 /P 3 0 R >>")
	f, err := Open(template)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		field   string
		wantErr string
	}{
		{"empty signature box", "Box", ""},
		{"text field", "Name", "not a signature field"},
		{"new field", "Other", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := f.PrepareSignature(SignatureOptions{FieldName: tc.field})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out := seal(t, p)
			g, err := Open(out)
			if err != nil {
				t.Fatal(err)
			}
			sigs, err := g.Signatures()
			if err != nil || len(sigs) != 1 || sigs[0].Field != tc.field {
				t.Fatalf("signatures %+v, %v", sigs, err)
			}
			if err := g.CheckByteRange(sigs[0]); err != nil {
				t.Error(err)
			}
			changes, err := g.ChangesAfter(0)
			if err != nil || len(changes.Disallowed()) > 0 {
				t.Errorf("changes %+v, %v", changes, err)
			}
			if _, err := g.PrepareSignature(SignatureOptions{FieldName: tc.field}); err == nil || !strings.Contains(err.Error(), "already signed") {
				t.Errorf("signing %q twice: %v", tc.field, err)
			}
			path := filepath.Join(t.TempDir(), "out.pdf")
			if err := os.WriteFile(path, out, 0o600); err != nil {
				t.Fatal(err)
			}
			if b, err := exec.Command(need(t, "qpdf"), "--check", path).CombinedOutput(); err != nil {
				t.Errorf("qpdf --check: %v\n%s", err, b)
			}
		})
	}
}
