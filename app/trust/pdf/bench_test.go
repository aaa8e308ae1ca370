package pdf

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// bigPDF lays out a one-page PDF carrying an incompressible stream of
// about size bytes (an image XObject drawn on the page), standing in for a
// scanned contract.
func bigPDF(tb testing.TB, size int) []byte {
	tb.Helper()
	img := make([]byte, size)
	if _, err := rand.Read(img); err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	offs := []int{0}
	obj := func(body string, data []byte) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s", len(offs)-1, body)
		if data != nil {
			fmt.Fprintf(&b, "\nstream\n")
			b.Write(data)
			b.WriteString("\nendstream")
		}
		b.WriteString("\nendobj\n")
	}
	side := 1
	for (side+1)*(side+1)*3 <= size {
		side++
	}
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", nil)
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>", nil)
	content := []byte("q 595 0 0 842 0 0 cm /Im1 Do Q")
	obj(fmt.Sprintf("<< /Length %d >>", len(content)), content)
	img = img[:side*side*3]
	obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length %d >>", side, side, len(img)), img)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs))
	for _, o := range offs[1:] {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs), xref)
	return b.Bytes()
}

func TestBigPDF(t *testing.T) {
	in := bigPDF(t, 1<<20)
	f, err := Open(in)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.PrepareSignature(SignatureOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := seal(t, p)
	path := filepath.Join(t.TempDir(), "big.pdf")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(need(t, "qpdf"), "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, b)
	}
}

// BenchmarkPrepareSignature measures a whole signing round on the PDF
// engine's side — open, prepare, hash the range, embed — against plain
// SHA-256 over the same bytes, for a 1 MB and a 20 MB file.
func BenchmarkPrepareSignature(b *testing.B) {
	for _, size := range []int{1 << 20, 20 << 20} {
		in := bigPDF(b, size)
		der, _ := asn1.Marshal(digestValue{Digest: make([]byte, 32)})
		b.Run(fmt.Sprintf("sign/%dMB", size>>20), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				f, err := Open(in)
				if err != nil {
					b.Fatal(err)
				}
				p, err := f.PrepareSignature(SignatureOptions{})
				if err != nil {
					b.Fatal(err)
				}
				h := sha256.New()
				h.Write(p.base)
				if _, err := p.WriteIncrementSignedTo(h); err != nil {
					b.Fatal(err)
				}
				if _, err := embedWhole(p, der); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("sha256-only/%dMB", size>>20), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				sha256.Sum256(in)
			}
		})
	}
}
