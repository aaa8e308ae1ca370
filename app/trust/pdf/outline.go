package pdf

import (
	"bytes"
	_ "embed" // the seal font
	"fmt"
	"math"
	"strconv"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// sealFontFile is Noto Sans JP Medium cut down to JIS X 0208, the Windows-31J
// extensions and ASCII (fonts/make.sh says how; fonts/OFL.txt is its license).
//
//go:embed fonts/NotoSansJP-Medium-JIS.ttf
var sealFontFile []byte

// sealFont parses the seal font once; the parsed font is only ever read, and
// sfnt allows concurrent use with one Buffer per call.
var sealFont = sync.OnceValues(func() (*sfnt.Font, error) {
	f, err := sfnt.Parse(sealFontFile)
	if err != nil {
		return nil, fmt.Errorf("pdf: parse the seal font: %w", err)
	}
	return f, nil
})

// missingGlyph stands in for a character the seal font lacks: 〓 (geta), the
// customary mark for it in Japanese typesetting.
const missingGlyph = '〓'

// outliner turns text into the outlines of the seal font's glyphs, as PDF path
// operators in font units. Drawing the outlines rather than showing text in a
// font makes the seal look the same in every viewer, whether or not it has a
// Japanese font, without embedding a font program in every signed file.
type outliner struct {
	font *sfnt.Font
	buf  sfnt.Buffer
	// upem is the font's units per em as a 26.6 size, so that sfnt returns
	// coordinates in font units.
	upem fixed.Int26_6
}

func newOutliner() (*outliner, error) {
	f, err := sealFont()
	if err != nil {
		return nil, err
	}
	return &outliner{font: f, upem: fixed.I(int(f.UnitsPerEm()))}, nil
}

// unitsPerEm is the size of the em square in font units.
func (o *outliner) unitsPerEm() float64 { return float64(o.font.UnitsPerEm()) }

// glyph returns the glyph of r, or 〓's when the font has none.
func (o *outliner) glyph(r rune) (sfnt.GlyphIndex, error) {
	g, err := o.font.GlyphIndex(&o.buf, r)
	if err == nil && g == 0 && r != missingGlyph {
		return o.glyph(missingGlyph)
	}
	if err != nil {
		return 0, fmt.Errorf("pdf: seal font: glyph of %U: %w", r, err)
	}
	return g, nil
}

// advance is the advance width of g in font units.
func (o *outliner) advance(g sfnt.GlyphIndex) (float64, error) {
	a, err := o.font.GlyphAdvance(&o.buf, g, o.upem, font.HintingNone)
	if err != nil {
		return 0, fmt.Errorf("pdf: seal font: advance of glyph %d: %w", g, err)
	}
	return float64(a) / 64, nil
}

// width is the advance width of s in font units.
func (o *outliner) width(s string) (float64, error) {
	var w float64
	for _, r := range s {
		g, err := o.glyph(r)
		if err != nil {
			return 0, err
		}
		a, err := o.advance(g)
		if err != nil {
			return 0, err
		}
		w += a
	}
	return w, nil
}

// draw appends to c the outlines of s set from the origin along the baseline,
// in font units, y up, as one path filled with the nonzero winding rule
// (TrueType's). Quadratic curves become the equivalent cubic ones, the only
// kind PDF has; coordinates are rounded to whole font units, a hundredth of
// a point at seal sizes.
func (o *outliner) draw(c *bytes.Buffer, s string) error {
	var pen float64
	var b []byte
	pt := func(p fixed.Point26_6) (float64, float64) {
		return pen + float64(p.X)/64, -float64(p.Y) / 64 // sfnt's y grows downwards
	}
	coord := func(x, y float64) {
		b = strconv.AppendInt(b, int64(math.Round(x)), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(math.Round(y)), 10)
		b = append(b, ' ')
	}
	drawn := false
	for _, r := range s {
		g, err := o.glyph(r)
		if err != nil {
			return err
		}
		segs, err := o.font.LoadGlyph(&o.buf, g, o.upem, nil)
		if err != nil {
			return fmt.Errorf("pdf: seal font: outline of %U: %w", r, err)
		}
		var cx, cy float64 // the current point
		for _, seg := range segs {
			switch seg.Op {
			case sfnt.SegmentOpMoveTo:
				cx, cy = pt(seg.Args[0])
				coord(cx, cy)
				b = append(b, "m\n"...)
			case sfnt.SegmentOpLineTo:
				cx, cy = pt(seg.Args[0])
				coord(cx, cy)
				b = append(b, "l\n"...)
			case sfnt.SegmentOpQuadTo:
				qx, qy := pt(seg.Args[0])
				x, y := pt(seg.Args[1])
				coord(cx+2*(qx-cx)/3, cy+2*(qy-cy)/3)
				coord(x+2*(qx-x)/3, y+2*(qy-y)/3)
				coord(x, y)
				b = append(b, "c\n"...)
				cx, cy = x, y
			case sfnt.SegmentOpCubeTo:
				x1, y1 := pt(seg.Args[0])
				x2, y2 := pt(seg.Args[1])
				cx, cy = pt(seg.Args[2])
				coord(x1, y1)
				coord(x2, y2)
				coord(cx, cy)
				b = append(b, "c\n"...)
			}
		}
		drawn = drawn || len(segs) > 0
		a, err := o.advance(g)
		if err != nil {
			return err
		}
		pen += a
	}
	if drawn {
		b = append(b, "f\n"...)
	}
	c.Write(b)
	return nil
}
