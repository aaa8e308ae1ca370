package pdf

import (
	"bytes"
	"fmt"
	"unicode/utf16"
)

// textLayer is the invisible text laid over a seal's outlines (rendering mode
// 3, as OCR tools lay theirs over a scan): the outlines are no text, and this
// is what text extraction, search, copying and screen readers find. Its Type 3
// fonts have glyphs that draw nothing, so no viewer needs a font for them; a
// ToUnicode map gives each code its character. One font codes 255 characters,
// so a seal with more distinct ones gets more fonts.
type textLayer struct {
	code   map[rune]int // the rune's index: font index/255, code index%255+1
	runes  []rune
	widths []float64 // advance of each rune, in thousandths of an em
}

const codesPerFont = 255

// fontName is the resource name of font k of the layer.
func fontName(k int) Name { return Name(fmt.Sprintf("T%d", k)) }

// show appends the operators showing s at size from the current text
// position: a Tf and Tj for each run of characters in one font.
func (t *textLayer) show(c *bytes.Buffer, o *outliner, s string, size string) error {
	font := -1
	for _, r := range s {
		i, ok := t.code[r]
		if !ok {
			g, err := o.glyph(r)
			if err != nil {
				return err
			}
			a, err := o.advance(g)
			if err != nil {
				return err
			}
			if t.code == nil {
				t.code = map[rune]int{}
			}
			i = len(t.runes)
			t.code[r] = i
			t.runes = append(t.runes, r)
			t.widths = append(t.widths, a*1000/o.unitsPerEm())
		}
		if k := i / codesPerFont; k != font {
			if font >= 0 {
				c.WriteString("> Tj ")
			}
			font = k
			fmt.Fprintf(c, "/%s %s Tf <", fontName(k), size)
		}
		fmt.Fprintf(c, "%02X", i%codesPerFont+1)
	}
	if font >= 0 {
		c.WriteString("> Tj\n")
	}
	return nil
}

// fonts adds the layer's fonts to inc and returns them as a /Font resource
// dictionary.
func (t *textLayer) fonts(inc *increment) Dict {
	res := Dict{}
	if len(t.runes) == 0 {
		return res
	}
	// Every code shares one glyph, which draws nothing.
	empty := inc.add(&Stream{Dict: Dict{}, Data: []byte("0 0 d0")})
	for k := 0; k*codesPerFont < len(t.runes); k++ {
		runes := t.runes[k*codesPerFont : min(len(t.runes), (k+1)*codesPerFont)]
		widths := make(Array, len(runes))
		diffs := Array{Int(1)}
		for i := range runes {
			widths[i] = Real(round2(t.widths[k*codesPerFont+i]))
			diffs = append(diffs, Name("g"))
		}
		res[fontName(k)] = inc.add(Dict{
			"Type":       Name("Font"),
			"Subtype":    Name("Type3"),
			"FontBBox":   Array{Int(0), Int(0), Int(0), Int(0)},
			"FontMatrix": Array{Real(0.001), Int(0), Int(0), Real(0.001), Int(0), Int(0)},
			"CharProcs":  Dict{"g": empty},
			"Encoding":   Dict{"Type": Name("Encoding"), "Differences": diffs},
			"FirstChar":  Int(1),
			"LastChar":   Int(len(runes)),
			"Widths":     widths,
			"Resources":  Dict{},
			"ToUnicode":  inc.add(&Stream{Dict: Dict{}, Data: toUnicode(runes)}),
		})
	}
	return res
}

// toUnicode is the ToUnicode CMap (ISO 32000-1 9.10.3) mapping the one-byte
// codes 1, 2, … to runes.
func toUnicode(runes []rune) []byte {
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<01> <FF>\nendcodespacerange\n")
	for start := 0; start < len(runes); start += 100 { // at most 100 entries a block
		block := runes[start:min(len(runes), start+100)]
		fmt.Fprintf(&b, "%d beginbfchar\n", len(block))
		for i, r := range block {
			fmt.Fprintf(&b, "<%02X> <", start+i+1)
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, "%04X", u)
			}
			b.WriteString(">\n")
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}
