package pdf

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf16"
)

// Appearance makes a new signature field visible as a box on the first
// page showing a few lines of text.
type Appearance struct {
	// Rect is the box in the first page's default user space (points):
	// lower-left x, lower-left y, upper-right x, upper-right y.
	Rect [4]float64
	// Lines are drawn from the top. Printable ASCII is drawn in
	// Helvetica, everything else in the Adobe-Japan1 font
	// HeiseiKakuGo-W5, which is not embedded: every Japanese-capable
	// reader substitutes its own Gothic font, and the file stays small.
	Lines []string
	// FontSize is the text size in points; zero fits the lines to the box.
	FontSize float64
}

// appearanceStream builds the normal appearance of a visible signature:
// a form XObject with its fonts, added to inc.
func (inc *increment) appearanceStream(a *Appearance) (Ref, error) {
	w, h := a.Rect[2]-a.Rect[0], a.Rect[3]-a.Rect[1]
	if w <= 0 || h <= 0 {
		return Ref{}, fmt.Errorf("appearance box %v is empty", a.Rect)
	}
	size := a.FontSize
	if size <= 0 {
		size = 12
		if n := float64(len(a.Lines)); n > 0 && h/(n*1.2+0.4) < size {
			size = h / (n*1.2 + 0.4)
		}
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	var c bytes.Buffer
	// A thin dark-red frame, the colour of a seal impression.
	fmt.Fprintf(&c, "q 0.7 0 0 RG 1 w 0.5 0.5 %s %s re S Q\n", num(w-1), num(h-1))
	c.WriteString("BT 0 g\n")
	fonts := Dict{}
	for i, line := range a.Lines {
		y := h - size*(1.2*float64(i)+1.1)
		fmt.Fprintf(&c, "1 0 0 1 %s %s Tm\n", num(size*0.4), num(y))
		// Runs of ASCII use Helvetica, the rest the Japanese font: readers
		// substitute the non-embedded Japanese font with whatever Gothic
		// font they have, and those do not reliably map Latin CIDs. The
		// text position advances across runs by itself.
		for _, run := range scriptRuns(line) {
			if ascii(run) {
				fonts["F1"] = Dict{"Type": Name("Font"), "Subtype": Name("Type1"), "BaseFont": Name("Helvetica"), "Encoding": Name("WinAnsiEncoding")}
				fmt.Fprintf(&c, "/F1 %s Tf ", num(size))
				writeLiteral(&c, []byte(run))
			} else {
				if fonts["F2"] == nil {
					fonts["F2"] = inc.japaneseFont()
				}
				fmt.Fprintf(&c, "/F2 %s Tf <", num(size))
				for _, u := range utf16.Encode([]rune(run)) {
					if u >= 0xd800 && u < 0xe000 {
						u = 0x3013 // 〓, the customary mark for a character the font cannot show (UCS-2 only)
					}
					fmt.Fprintf(&c, "%04X", u)
				}
				c.WriteByte('>')
			}
			c.WriteString(" Tj\n")
		}
	}
	c.WriteString("ET\n")
	return inc.add(&Stream{Dict: Dict{
		"Type":      Name("XObject"),
		"Subtype":   Name("Form"),
		"BBox":      Array{Int(0), Int(0), Real(w), Real(h)},
		"Resources": Dict{"Font": fonts},
	}, Data: c.Bytes()}), nil
}

// japaneseFont adds a non-embedded Adobe-Japan1 CID font with the
// Unicode CMap; it only ever draws non-ASCII text, all full width.
func (inc *increment) japaneseFont() Ref {
	desc := inc.add(Dict{
		"Type": Name("FontDescriptor"), "FontName": Name("HeiseiKakuGo-W5"), "Flags": Int(4),
		"FontBBox": Array{Int(-92), Int(-250), Int(1010), Int(922)}, "ItalicAngle": Int(0),
		"Ascent": Int(880), "Descent": Int(-120), "CapHeight": Int(737), "StemV": Int(114),
	})
	cid := inc.add(Dict{
		"Type": Name("Font"), "Subtype": Name("CIDFontType0"), "BaseFont": Name("HeiseiKakuGo-W5"),
		"CIDSystemInfo":  Dict{"Registry": String{Value: []byte("Adobe")}, "Ordering": String{Value: []byte("Japan1")}, "Supplement": Int(2)},
		"FontDescriptor": desc,
		"DW":             Int(1000),
	})
	return inc.add(Dict{
		"Type": Name("Font"), "Subtype": Name("Type0"), "BaseFont": Name("HeiseiKakuGo-W5"),
		"Encoding": Name("UniJIS-UCS2-H"), "DescendantFonts": Array{cid},
	})
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// scriptRuns splits s into maximal runs that are all printable ASCII or
// all not.
func scriptRuns(s string) []string {
	var runs []string
	start, prev := 0, -1
	for i, r := range s {
		cur := 0
		if r >= 0x20 && r <= 0x7e {
			cur = 1
		}
		if prev >= 0 && cur != prev {
			runs = append(runs, s[start:i])
			start = i
		}
		prev = cur
	}
	if start < len(s) {
		runs = append(runs, s[start:])
	}
	return runs
}
