// Command mkfixture writes hand-laid-out PDF fixtures that the Debian tools
// cannot produce: a hybrid-reference file (a classic xref table whose
// trailer points with /XRefStm at a cross-reference stream for objects kept
// in an object stream), and a classic file that already has a text form
// field, with /AcroForm inline in the catalog and page /Annots as an
// indirect array; a file with an empty signature field (object 6) for
// mutool to sign, giving a fixture signed by another producer; a form with
// /NeedAppearances; and pages with inherited boxes and rotation. It is run by
// make.sh; the outputs are committed.
//
// It deliberately does not use inkan/app/pdf: the fixtures must not share
// that package's mistakes.
package main

import (
	"bytes"
	"fmt"
	"os"
	"sort"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mkfixture hybrid|form|sigfield|needappearances|rotated > out.pdf")
		os.Exit(2)
	}
	var out []byte
	switch os.Args[1] {
	case "hybrid":
		out = hybrid()
	case "form":
		out = form()
	case "sigfield":
		out = sigField()
	case "needappearances":
		out = needAppearances()
	case "rotated":
		out = rotated()
	default:
		fmt.Fprintf(os.Stderr, "mkfixture: unknown fixture %q\n", os.Args[1])
		os.Exit(2)
	}
	if _, err := os.Stdout.Write(out); err != nil {
		fmt.Fprintln(os.Stderr, "mkfixture:", err)
		os.Exit(1)
	}
}

const content = "BT /F1 18 Tf 72 720 Td (Inkan fixture) Tj ET\n"

// builder lays out plain objects and remembers their offsets.
type builder struct {
	buf  bytes.Buffer
	offs map[int]int
}

func newBuilder(version string) *builder {
	b := &builder{offs: map[int]int{}}
	fmt.Fprintf(&b.buf, "%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n", version)
	return b
}

func (b *builder) obj(num int, body string) {
	b.offs[num] = b.buf.Len()
	fmt.Fprintf(&b.buf, "%d 0 obj\n%s\nendobj\n", num, body)
}

func (b *builder) stream(num int, dict string, data []byte) {
	b.offs[num] = b.buf.Len()
	fmt.Fprintf(&b.buf, "%d 0 obj\n<< %s /Length %d >>\nstream\n", num, dict, len(data))
	b.buf.Write(data)
	b.buf.WriteString("\nendstream\nendobj\n")
}

// table writes a classic xref table listing only the plain objects, each
// run of consecutive numbers as its own subsection.
func (b *builder) table() int {
	pos := b.buf.Len()
	nums := []int{}
	for n := range b.offs {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	b.buf.WriteString("xref\n0 1\n0000000000 65535 f \n")
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		fmt.Fprintf(&b.buf, "%d %d\n", nums[i], j-i+1)
		for k := i; k <= j; k++ {
			fmt.Fprintf(&b.buf, "%010d 00000 n \n", b.offs[nums[k]])
		}
		i = j + 1
	}
	return pos
}

const id = "<8A3F0C2B7D1E4F5A9B6C0D1E2F3A4B5C>"

func hybrid() []byte {
	b := newBuilder("1.5")
	b.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	b.stream(4, "", []byte(content))
	// Objects 2 (pages), 3 (page) and 5 (font) live in object stream 6.
	members := []string{
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var head, body bytes.Buffer
	for i, m := range members {
		fmt.Fprintf(&head, "%d %d ", []int{2, 3, 5}[i], body.Len())
		body.WriteString(m + "\n")
	}
	first := head.Len()
	b.stream(6, fmt.Sprintf("/Type /ObjStm /N 3 /First %d", first), append(head.Bytes(), body.Bytes()...))
	// The cross-reference stream for the compressed objects: W [1 1 1],
	// type 2 entries (object stream 6, index).
	xrefStmPos := b.buf.Len()
	rows := []byte{2, 6, 0, 2, 6, 1, 2, 6, 2}
	fmt.Fprintf(&b.buf, "7 0 obj\n<< /Type /XRef /Size 8 /W [1 1 1] /Index [2 2 5 1] /Length %d >>\nstream\n", len(rows))
	b.buf.Write(rows)
	b.buf.WriteString("\nendstream\nendobj\n")
	b.offs[7] = xrefStmPos
	pos := b.table()
	fmt.Fprintf(&b.buf, "trailer\n<< /Size 8 /Root 1 0 R /XRefStm %d /ID [%s %s] >>\nstartxref\n%d\n%%%%EOF\n", xrefStmPos, id, id, pos)
	return b.buf.Bytes()
}

func form() []byte {
	b := newBuilder("1.3")
	b.obj(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [7 0 R] /DA (/Helv 0 Tf 0 g) >> >>")
	b.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	b.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots 6 0 R >>")
	b.stream(4, "", []byte(content))
	b.obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	b.obj(6, "[7 0 R]")
	b.obj(7, "<< /Type /Annot /Subtype /Widget /FT /Tx /T (Signature1) /V (already here) /Rect [72 600 272 620] /F 4 /P 3 0 R >>")
	pos := b.table()
	fmt.Fprintf(&b.buf, "trailer\n<< /Size 8 /Root 1 0 R /ID [%s %s] >>\nstartxref\n%d\n%%%%EOF\n", id, id, pos)
	return b.buf.Bytes()
}

func sigField() []byte {
	b := newBuilder("1.6")
	b.obj(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] /SigFlags 1 >> >>")
	b.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	b.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R] >>")
	b.stream(4, "", []byte(content))
	b.obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	b.obj(6, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (MuPDF1) /Rect [0 0 0 0] /F 4 /P 3 0 R >>")
	pos := b.table()
	fmt.Fprintf(&b.buf, "trailer\n<< /Size 7 /Root 1 0 R /ID [%s %s] >>\nstartxref\n%d\n%%%%EOF\n", id, id, pos)
	return b.buf.Bytes()
}

// needAppearances is a two-page form whose filled text field (on page 1)
// has no appearance stream and whose /AcroForm sets /NeedAppearances true,
// as forms filled by simple tools are: viewers are asked to build the
// appearances of the fields themselves.
func needAppearances() []byte {
	b := newBuilder("1.4")
	b.obj(1, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [8 0 R] /NeedAppearances true /DA (/Helv 0 Tf 0 g) /DR << /Font << /Helv 5 0 R >> >> >> >>")
	b.obj(2, "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>")
	b.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [8 0 R] >>")
	b.stream(4, "", []byte(content))
	b.obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	b.obj(6, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 7 0 R /Resources << /Font << /F1 5 0 R >> >> >>")
	b.stream(7, "", []byte("BT /F1 18 Tf 72 720 Td (Inkan fixture, last page) Tj ET\n"))
	b.obj(8, "<< /Type /Annot /Subtype /Widget /FT /Tx /T (Company) /V (Filled without appearance) /DA (/Helv 12 Tf 0 g) /Rect [72 600 372 620] /F 4 /P 3 0 R >>")
	pos := b.table()
	fmt.Fprintf(&b.buf, "trailer\n<< /Size 9 /Root 1 0 R /ID [%s %s] >>\nstartxref\n%d\n%%%%EOF\n", id, id, pos)
	return b.buf.Bytes()
}

// rotated has three pages whose /MediaBox is inherited from the page tree;
// the last page, under an intermediate /Pages node, is shown turned by
// /Rotate 90 (inherited too) and cut by a /CropBox that does not start at
// the origin, so that a stamp placed on it must honour all three.
func rotated() []byte {
	b := newBuilder("1.4")
	b.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	b.obj(2, "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 3 /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> >>")
	b.obj(3, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>")
	b.stream(4, "", []byte(content))
	b.obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	b.obj(6, "<< /Type /Pages /Parent 2 0 R /Kids [7 0 R 8 0 R] /Count 2 /Rotate 90 >>")
	b.obj(7, "<< /Type /Page /Parent 6 0 R /Contents 4 0 R /Rotate 0 >>")
	b.obj(8, "<< /Type /Page /Parent 6 0 R /Contents 9 0 R /CropBox [30 40 565 800] >>")
	b.stream(9, "", []byte("BT /F1 18 Tf 72 720 Td (Inkan fixture, last page turned) Tj ET\n"))
	pos := b.table()
	fmt.Fprintf(&b.buf, "trailer\n<< /Size 10 /Root 1 0 R /ID [%s %s] >>\nstartxref\n%d\n%%%%EOF\n", id, id, pos)
	return b.buf.Bytes()
}
