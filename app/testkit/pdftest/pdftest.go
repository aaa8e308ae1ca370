// Package pdftest makes PDFs for tests and benchmarks.
package pdftest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
)

// Big is a one-page classic PDF of about size bytes: its content stream is a long run
// of PDF comments, which any reader accepts and which do not compress away, so that a
// benchmark measures hashing and signing real bytes.
func Big(size int) []byte {
	var content bytes.Buffer
	line := make([]byte, 0, 80)
	for i := 0; content.Len() < size; i++ {
		sum := sha256.Sum256([]byte{byte(i), byte(i >> 8), byte(i >> 16), byte(i >> 24)})
		line = fmt.Appendf(line[:0], "%% %x\n", sum)
		content.Write(line)
	}
	content.WriteString("BT /F1 12 Tf 72 720 Td (Inkan benchmark) Tj ET\n")
	var b bytes.Buffer
	var offs []int
	obj := func(s string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
	}
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>")
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.Bytes()))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /ID [<%x> <%x>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(offs)+1, sha256.Sum256(content.Bytes()[:64]), sha256.Sum256(content.Bytes()[:64]), xref)
	return b.Bytes()
}
