package pdf

import (
	"encoding/asn1"
	"os"
	"path/filepath"
	"testing"
)

// FuzzOpen checks that no input makes Open, or the operations on a file it
// accepted, panic or hang.
func FuzzOpen(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(fixtureDir, "*.pdf"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<</Size 1/Root 1 0 R>>\nstartxref\n9\n%%EOF\n"))
	f.Add([]byte("%PDF-1.5\n1 0 obj<</Type/XRef/Size 2/W[1 1 1]/Length 3>>stream\n\x01\x09\x00\nendstream endobj\nstartxref\n9\n%%EOF"))
	der, _ := asn1.Marshal(digestValue{Digest: []byte{1, 2, 3}})
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Open(b)
		if err != nil {
			return
		}
		file.Revisions()
		file.EffectiveVersion()
		sigs, _ := file.Signatures()
		for _, s := range sigs {
			_ = file.CheckByteRange(s)
			_, _ = file.SignedReader(s)
		}
		for i := range file.Revisions() {
			_, _ = file.ChangesAfter(i)
		}
		_, _ = file.ReadDSS()
		if p, err := file.PrepareSignature(SignatureOptions{ContentsSize: 64}); err == nil {
			if out, err := embedWhole(p, der); err == nil {
				if _, err := Open(out); err != nil {
					t.Errorf("our own output does not open: %v", err)
				}
			}
		}
		_, _ = addDSSWhole(file, DSS{Certs: [][]byte{der}})
	})
}
