package pdf

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Page chooses the page a visible signature goes on.
type Page int

const (
	// FirstPage is the first page of the document.
	FirstPage Page = iota
	// LastPage is the last page, where a contract is sealed.
	LastPage
)

// Appearance makes a new signature field visible: a box on a page showing a
// few lines in dark red, like the impression of a seal. The text is drawn as
// the outlines of an embedded Japanese font (Noto Sans JP, covering JIS X 0208
// and the Windows-31J extensions; another character shows as 〓), so that every
// viewer shows it alike whether or not it has a Japanese font.
type Appearance struct {
	// Page is the page the box goes on.
	Page Page
	// Rect is the box in the page's default user space (points): lower-left
	// x, lower-left y, upper-right x, upper-right y. The zero Rect lets the
	// box be placed and sized to its lines: in the bottom-right corner of the
	// page as shown (its crop box, turned by /Rotate), or left of, then above,
	// the annotations already there, so that the seals of several signers
	// never overlap.
	Rect [4]float64
	// Lines are drawn from the top, each centred.
	Lines []string
	// FontSize is the text size in points. Zero fits the lines to a given
	// Rect, or is 9 for a placed box, smaller where a line would take more
	// than half the page's width.
	FontSize float64
}

// Seal geometry, in points or in font sizes.
const (
	placedFontSize = 9.0  // text size of a placed box
	maxFitFontSize = 12.0 // largest text fitted to a given box
	sealPad        = 0.6  // padding around the lines, in font sizes
	sealLeading    = 1.35 // distance between baselines, in font sizes
	sealAscent     = 0.88 // height of the em box above the baseline (CJK fonts: 880/1000)
	sealMargin     = 36.0 // distance of a placed box from the edges of the page
	sealGap        = 6.0  // distance between two placed boxes
)

// sealInk is the colour of the frame and the text: the dark red of a seal's
// impression.
const sealInk = "0.7 0 0"

// sealLayout is an appearance laid out: the font size, the box as shown
// (width and height), and the width of each line in font units.
type sealLayout struct {
	size   float64
	w, h   float64
	widths []float64
}

// layout sizes the text of a to a box of w×h points as shown, or when w is
// zero sizes the box to the text, at most maxW wide.
func layout(o *outliner, a *Appearance, w, h, maxW float64) (sealLayout, error) {
	l := sealLayout{size: a.FontSize, w: w, h: h}
	var widest float64
	for _, line := range a.Lines {
		lw, err := o.width(line)
		if err != nil {
			return sealLayout{}, err
		}
		l.widths = append(l.widths, lw)
		widest = max(widest, lw)
	}
	em := widest / o.unitsPerEm() // the widest line in font sizes
	n := float64(len(a.Lines))
	tall := 2*sealPad + max(n-1, 0)*sealLeading + min(n, 1) // the box's height in font sizes
	wide := em + 2*sealPad
	if w > 0 {
		if l.size <= 0 {
			l.size = min(maxFitFontSize, h/tall, w/wide)
		}
		return l, nil
	}
	if l.size <= 0 {
		l.size = min(placedFontSize, maxW/wide)
	}
	l.w, l.h = wide*l.size, tall*l.size
	return l, nil
}

// content draws the laid-out box: a frame with rounded corners and the lines,
// centred, as outlines, with the invisible text layer over them. It returns
// the layer, whose fonts the drawing uses.
func (l sealLayout) content(o *outliner, lines []string) ([]byte, *textLayer, error) {
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	var c bytes.Buffer
	fmt.Fprintf(&c, "q %s RG %s rg\n", sealInk, sealInk)
	lw := max(0.5, min(1.5, l.size/9))
	r := min(l.size*0.5, l.w/4, l.h/4)
	x0, y0, x1, y1 := lw/2, lw/2, l.w-lw/2, l.h-lw/2
	k := r * 0.5523 // control point distance of a quarter circle
	fmt.Fprintf(&c, "%s w %s %s m %s %s l %s %s %s %s %s %s c %s %s l %s %s %s %s %s %s c %s %s l %s %s %s %s %s %s c %s %s l %s %s %s %s %s %s c s\n",
		num(lw), num(x0+r), num(y0), num(x1-r), num(y0),
		num(x1-r+k), num(y0), num(x1), num(y0+r-k), num(x1), num(y0+r),
		num(x1), num(y1-r),
		num(x1), num(y1-r+k), num(x1-r+k), num(y1), num(x1-r), num(y1),
		num(x0+r), num(y1),
		num(x0+r-k), num(y1), num(x0), num(y1-r+k), num(x0), num(y1-r),
		num(x0), num(y0+r),
		num(x0), num(y0+r-k), num(x0+r-k), num(y0), num(x0+r), num(y0))
	s := l.size
	n := float64(len(lines))
	block := max(n-1, 0)*sealLeading*s + min(n, 1)*s // the lines' em boxes, top to bottom
	top := (l.h + block) / 2                         // centred vertically
	scale := strconv.FormatFloat(s/o.unitsPerEm(), 'f', 6, 64)
	text := &textLayer{}
	for i, line := range lines {
		x := (l.w - l.widths[i]*s/o.unitsPerEm()) / 2
		y := top - sealAscent*s - float64(i)*sealLeading*s
		fmt.Fprintf(&c, "q %s 0 0 %s %s %s cm\n", scale, scale, num(x), num(y))
		if err := o.draw(&c, line); err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(&c, "Q BT 3 Tr 1 0 0 1 %s %s Tm ", num(x), num(y))
		if err := text.show(&c, o, line, num(s)); err != nil {
			return nil, nil, err
		}
		c.WriteString("ET\n")
	}
	c.WriteString("Q\n")
	return c.Bytes(), text, nil
}

// visible is a signature box placed on its page: the widget's /Rect and the
// form XObject drawing the seal, upright on the page as shown.
type visible struct {
	rect Array
	ap   Ref
	w, h float64 // the box as shown
	// matrix turns the drawing against the page's /Rotate.
	matrix Array
}

// placeAppearance lays out a on the page and adds its form XObject to inc.
func (f *File) placeAppearance(inc *increment, a *Appearance, page Dict) (visible, error) {
	view, err := f.view(page)
	if err != nil {
		return visible{}, err
	}
	o, err := newOutliner()
	if err != nil {
		return visible{}, err
	}
	pw, ph := view.size()
	var box [4]float64 // as shown
	var l sealLayout
	if a.Rect != ([4]float64{}) {
		box = view.toDisplay(a.Rect)
		if box[2]-box[0] <= 0 || box[3]-box[1] <= 0 {
			return visible{}, fmt.Errorf("appearance box %v is empty", a.Rect)
		}
		if l, err = layout(o, a, box[2]-box[0], box[3]-box[1], 0); err != nil {
			return visible{}, err
		}
	} else {
		margin := min(sealMargin, pw/10, ph/10)
		if l, err = layout(o, a, 0, 0, pw/2-margin); err != nil {
			return visible{}, err
		}
		all, seals, err := f.annotBoxes(page, view)
		if err != nil {
			return visible{}, err
		}
		// Another annotation is avoided where there is room, another seal
		// always.
		var ok bool
		if box, ok = place(pw, ph, l.w, l.h, margin, all); !ok {
			if box, ok = place(pw, ph, l.w, l.h, margin, seals); !ok {
				return visible{}, fmt.Errorf("no room for a %.0f×%.0f pt signature box on the page beside the %d there", l.w, l.h, len(seals))
			}
		}
	}
	content, text, err := l.content(o, a.Lines)
	if err != nil {
		return visible{}, err
	}
	v := visible{w: l.w, h: l.h, matrix: view.matrix(l.w, l.h)}
	r := view.toUser(box)
	v.rect = Array{Real(round2(r[0])), Real(round2(r[1])), Real(round2(r[2])), Real(round2(r[3]))}
	if v.ap, err = inc.formXObject(v, content, Dict{"Font": text.fonts(inc)}); err != nil {
		return visible{}, err
	}
	return v, nil
}

// blank adds an empty form XObject the size of v.
func (inc *increment) blank(v visible) (Ref, error) { return inc.formXObject(v, nil, Dict{}) }

// formXObject adds a form XObject of v's size drawing content with
// resources, compressed.
func (inc *increment) formXObject(v visible, content []byte, resources Dict) (Ref, error) {
	z, err := deflate(content)
	if err != nil {
		return Ref{}, fmt.Errorf("compress appearance: %w", err)
	}
	d := Dict{
		"Type":      Name("XObject"),
		"Subtype":   Name("Form"),
		"BBox":      Array{Int(0), Int(0), Real(round2(v.w)), Real(round2(v.h))},
		"Resources": resources,
		"Filter":    Name("FlateDecode"),
	}
	if v.matrix != nil {
		d["Matrix"] = v.matrix
	}
	return inc.add(&Stream{Dict: d, Data: z}), nil
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// size is the width and height of the page as shown.
func (v pageView) size() (float64, float64) {
	w, h := v.box[2]-v.box[0], v.box[3]-v.box[1]
	if v.rotate == 90 || v.rotate == 270 {
		return h, w
	}
	return w, h
}

// toUser maps a box on the page as shown (origin at its bottom-left corner,
// y up) to default user space.
func (v pageView) toUser(r [4]float64) [4]float64 {
	x0, y0, x1, y1 := v.box[0], v.box[1], v.box[2], v.box[3]
	pt := func(u, w float64) (float64, float64) {
		switch v.rotate {
		case 90: // shown turned clockwise: user y runs right, user x down
			return x1 - w, y0 + u
		case 180:
			return x1 - u, y1 - w
		case 270:
			return x0 + w, y1 - u
		}
		return x0 + u, y0 + w
	}
	ax, ay := pt(r[0], r[1])
	bx, by := pt(r[2], r[3])
	return [4]float64{min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)}
}

// toDisplay maps a box in default user space to the page as shown, the
// inverse of toUser.
func (v pageView) toDisplay(r [4]float64) [4]float64 {
	x0, y0, x1, y1 := v.box[0], v.box[1], v.box[2], v.box[3]
	pt := func(x, y float64) (float64, float64) {
		switch v.rotate {
		case 90:
			return y - y0, x1 - x
		case 180:
			return x1 - x, y1 - y
		case 270:
			return y1 - y, x - x0
		}
		return x - x0, y - y0
	}
	au, aw := pt(r[0], r[1])
	bu, bw := pt(r[2], r[3])
	return [4]float64{min(au, bu), min(aw, bw), max(au, bu), max(aw, bw)}
}

// matrix is the /Matrix of a w×h form drawn upright on the page as shown: it
// turns the drawing back against /Rotate (nil when the page is not turned).
func (v pageView) matrix(w, h float64) Array {
	m := func(a, b, c, d, e, f float64) Array {
		return Array{Real(a), Real(b), Real(c), Real(d), Real(round2(e)), Real(round2(f))}
	}
	switch v.rotate {
	case 90:
		return m(0, 1, -1, 0, h, 0)
	case 180:
		return m(-1, 0, 0, -1, w, h)
	case 270:
		return m(0, -1, 1, 0, 0, w)
	}
	return nil
}

// place finds room for a w×h box on a pw×ph page as shown, margin from its
// edges: the bottom-right corner, else left of the boxes in the way, else a
// row higher, never over a box of taken (as shown). It reports false when the
// page has no room.
func place(pw, ph, w, h, margin float64, taken [][4]float64) ([4]float64, bool) {
	for y := margin; y+h <= ph-margin; {
		next := math.Inf(1) // the next row starts above the lowest box in the way
		for x := pw - margin - w; x >= margin; {
			c := [4]float64{x, y, x + w, y + h}
			left := math.Inf(1)
			for _, t := range taken {
				if t[0] < c[2] && c[0] < t[2] && t[1] < c[3] && c[1] < t[3] {
					left = min(left, t[0])
					next = min(next, t[3]+sealGap)
				}
			}
			if math.IsInf(left, 1) {
				return c, true
			}
			x = left - sealGap - w
		}
		if math.IsInf(next, 1) {
			return [4]float64{}, false
		}
		y = next
	}
	return [4]float64{}, false
}

// annotBoxes lists the boxes (as shown) of page's annotations that have an
// area, and among them those of signatures and their seals.
func (f *File) annotBoxes(page Dict, view pageView) (all, seals [][4]float64, err error) {
	arr, err := f.resolveArray(page["Annots"])
	if err != nil {
		return nil, nil, fmt.Errorf("read page /Annots: %w", err)
	}
	for _, e := range arr {
		o, err := f.Resolve(e)
		if err != nil {
			return nil, nil, fmt.Errorf("read annotation %v: %w", e, err)
		}
		d, ok := o.(Dict)
		if !ok || d.Name("Subtype") == "Popup" {
			continue
		}
		r, ok := f.rectangle(d["Rect"])
		if !ok || r[2]-r[0] <= 0 || r[3]-r[1] <= 0 {
			continue
		}
		b := view.toDisplay(r)
		all = append(all, b)
		if f.isSigField(d) || f.isSealStamp(d) {
			seals = append(seals, b)
		}
	}
	return all, seals, nil
}

// isSealStamp reports the stamp grouped with a signature widget that shows
// its seal (sealStamp).
func (f *File) isSealStamp(d Dict) bool {
	w, err := f.Resolve(d["IRT"])
	wd, _ := w.(Dict)
	return err == nil && d.Name("Subtype") == "Stamp" && d.Name("RT") == "Group" && f.isSigField(wd)
}

// needAppearances reports a form asking viewers to rebuild the appearances of
// its fields (/NeedAppearances true).
func (f *File) needAppearances(af Dict) bool {
	v, err := f.Resolve(af["NeedAppearances"])
	b, _ := v.(Bool)
	return err == nil && bool(b)
}

// sealStamp is the annotation that shows a signature's seal in a form with
// /NeedAppearances: poppler 22 (Debian 12's; later releases no longer do)
// rebuilds every widget's appearance in such a form and has nothing to draw
// for a signature, so the seal would vanish (MuPDF and PDFium keep it). A stamp is no field and is never
// rebuilt; grouped with the signature's widget (/IRT, /RT /Group, ISO 32000-1
// 12.5.6.2) it is part of that signature, locked and read-only like it, and
// ChangesAfter counts it with the signature.
func sealStamp(v visible, pageRef, widgetRef Ref, lines []string) Dict {
	return Dict{
		"Type":     Name("Annot"),
		"Subtype":  Name("Stamp"),
		"Rect":     v.rect,
		"AP":       Dict{"N": v.ap},
		"F":        Int(4 | 64 | 128 | 512), // Print, ReadOnly, Locked, LockedContents
		"P":        pageRef,
		"IRT":      widgetRef,
		"RT":       Name("Group"),
		"Contents": textString(strings.Join(lines, "\n")),
	}
}
