package pdf

import (
	"fmt"
	"strconv"
	"strings"
)

// rootRef returns the reference of the catalog.
func (f *File) rootRef() (Ref, error) {
	r, ok := f.trailer["Root"].(Ref)
	if !ok {
		return Ref{}, fmt.Errorf("%w: trailer has no /Root reference", ErrMalformed)
	}
	return r, nil
}

// FirstPage returns the reference and dictionary of the first page, found
// by descending the page tree through the first kid at each level.
func (f *File) FirstPage() (Ref, Dict, error) { return f.edgePage(false) }

// LastPage returns the reference and dictionary of the last page, found by
// descending the page tree through the last kid at each level.
func (f *File) LastPage() (Ref, Dict, error) { return f.edgePage(true) }

func (f *File) edgePage(last bool) (Ref, Dict, error) {
	cat, err := f.Catalog()
	if err != nil {
		return Ref{}, nil, err
	}
	node, ok := cat["Pages"].(Ref)
	if !ok {
		return Ref{}, nil, fmt.Errorf("%w: catalog has no /Pages reference", ErrMalformed)
	}
	seen := map[Ref]bool{}
	for depth := 0; depth < 64; depth++ {
		if seen[node] {
			return Ref{}, nil, fmt.Errorf("%w: page tree loop at %v", ErrMalformed, node)
		}
		seen[node] = true
		o, err := f.Resolve(node)
		if err != nil {
			return Ref{}, nil, fmt.Errorf("read page tree node %v: %w", node, err)
		}
		d, ok := o.(Dict)
		if !ok {
			return Ref{}, nil, fmt.Errorf("%w: page tree node %v is %T", ErrMalformed, node, o)
		}
		kidsObj, err := f.Resolve(d["Kids"])
		if err != nil {
			return Ref{}, nil, fmt.Errorf("read /Kids of %v: %w", node, err)
		}
		kids, isNode := kidsObj.(Array)
		if d.Name("Type") == "Page" || (!isNode && d.Name("Type") != "Pages") {
			return node, d, nil
		}
		if len(kids) == 0 {
			return Ref{}, nil, fmt.Errorf("%w: document has no pages", ErrMalformed)
		}
		kid := kids[0]
		if last {
			kid = kids[len(kids)-1]
		}
		next, ok := kid.(Ref)
		if !ok {
			return Ref{}, nil, fmt.Errorf("%w: page tree kid of %v is not a reference", ErrMalformed, node)
		}
		node = next
	}
	return Ref{}, nil, fmt.Errorf("%w: page tree deeper than 64 levels", ErrMalformed)
}

// pageView is how a page is shown: its visible area (the crop box, within
// the media box) in default user space, and the clockwise turn /Rotate
// gives it, 0, 90, 180 or 270.
type pageView struct {
	box    [4]float64
	rotate int
}

// view reads page's inheritable /MediaBox, /CropBox and /Rotate (ISO
// 32000-1 7.7.3.4), looking up the page tree for the ones it lacks.
func (f *File) view(page Dict) (pageView, error) {
	attr := func(key Name) (Object, error) {
		d := page
		for depth := 0; d != nil && depth < 64; depth++ {
			if v, ok := d[key]; ok {
				return f.Resolve(v)
			}
			o, err := f.Resolve(d["Parent"])
			if err != nil {
				return nil, fmt.Errorf("read page tree parent: %w", err)
			}
			d, _ = o.(Dict)
		}
		return Null{}, nil
	}
	var v pageView
	media, err := attr("MediaBox")
	if err != nil {
		return v, err
	}
	var ok bool
	if v.box, ok = f.rectangle(media); !ok {
		// Readers default a missing or broken media box to US Letter.
		v.box = [4]float64{0, 0, 612, 792}
	}
	crop, err := attr("CropBox")
	if err != nil {
		return v, err
	}
	if c, ok := f.rectangle(crop); ok {
		// The crop box shows only what lies within the media box.
		c = [4]float64{max(c[0], v.box[0]), max(c[1], v.box[1]), min(c[2], v.box[2]), min(c[3], v.box[3])}
		if c[0] < c[2] && c[1] < c[3] {
			v.box = c
		}
	}
	rot, err := attr("Rotate")
	if err != nil {
		return v, err
	}
	if r, ok := rot.(Int); ok {
		v.rotate = int((r%360 + 360) % 360 / 90 * 90)
	}
	return v, nil
}

// rectangle reads a PDF rectangle (ISO 32000-1 7.9.5), its corners
// normalised to lower-left, upper-right.
func (f *File) rectangle(o Object) ([4]float64, bool) {
	arr, err := f.resolveArray(o)
	if err != nil || len(arr) != 4 {
		return [4]float64{}, false
	}
	var r [4]float64
	for i, e := range arr {
		n, err := f.Resolve(e)
		if err != nil {
			return [4]float64{}, false
		}
		switch v := n.(type) {
		case Int:
			r[i] = float64(v)
		case Real:
			r[i] = float64(v)
		default:
			return [4]float64{}, false
		}
	}
	return [4]float64{min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3])}, true
}

// EffectiveVersion returns the PDF version the document declares: the
// header version, or the catalog /Version if that is later (ISO 32000-1
// 7.7.2: an incremental update can only raise the version that way).
func (f *File) EffectiveVersion() string {
	v := f.version
	if cat, err := f.Catalog(); err == nil {
		if cv, ok := cat["Version"].(Name); ok && versionLess(v, string(cv)) {
			v = string(cv)
		}
	}
	return v
}

// versionLess compares "major.minor" versions.
func versionLess(a, b string) bool {
	am, an := splitVersion(a)
	bm, bn := splitVersion(b)
	return am < bm || (am == bm && an < bn)
}

func splitVersion(v string) (int, int) {
	maj, min, _ := strings.Cut(v, ".")
	m, _ := strconv.Atoi(maj)
	n, _ := strconv.Atoi(min)
	return m, n
}

// catalogEdit is a copy of the catalog being changed by an increment; it
// is written back only if something changed, so that increments that need
// no catalog change leave the catalog object alone.
type catalogEdit struct {
	ref     Ref
	dict    Dict
	changed bool
}

func (f *File) editCatalog() (*catalogEdit, error) {
	r, err := f.rootRef()
	if err != nil {
		return nil, err
	}
	cat, err := f.Catalog()
	if err != nil {
		return nil, err
	}
	return &catalogEdit{ref: r, dict: cat.Clone()}, nil
}

func (c *catalogEdit) commit(inc *increment) {
	if c.changed {
		inc.set(c.ref, c.dict)
	}
}

// declareESIC marks a document below PDF 2.0 as using the ETSI PAdES
// extensions (ETSI EN 319 142-1 5.4): catalog /Version at least 1.7 and
// /Extensions /ESIC, keeping any other extension. PDF 2.0 defines the
// PAdES features itself and needs neither.
func (f *File) declareESIC(inc *increment, c *catalogEdit) error {
	if !versionLess(f.EffectiveVersion(), "2.0") {
		return nil
	}
	if versionLess(f.EffectiveVersion(), "1.7") {
		c.dict["Version"] = Name("1.7")
		c.changed = true
	}
	extObj, err := f.Resolve(c.dict["Extensions"])
	if err != nil {
		return fmt.Errorf("read catalog /Extensions: %w", err)
	}
	ext, _ := extObj.(Dict)
	if esicObj, err := f.Resolve(ext["ESIC"]); err == nil {
		if esic, ok := esicObj.(Dict); ok {
			if lvl, ok := esic["ExtensionLevel"].(Int); ok && lvl >= 1 {
				return nil
			}
		}
	}
	newExt := Dict{}
	if ext != nil {
		newExt = ext.Clone()
	}
	newExt["ESIC"] = Dict{"BaseVersion": Name("1.7"), "ExtensionLevel": Int(1)}
	if r, ok := c.dict["Extensions"].(Ref); ok && ext != nil {
		inc.set(r, newExt)
		return nil
	}
	c.dict["Extensions"] = newExt
	c.changed = true
	return nil
}

// appendToArray adds items to the array held in container[key], which may
// be missing, a direct array, or a reference to an array object. A
// referenced array is rewritten in place so that the container itself need
// not change. It reports whether container was changed.
func (f *File) appendToArray(inc *increment, container Dict, key Name, items ...Object) (bool, error) {
	switch v := container[key].(type) {
	case nil:
		container[key] = append(Array{}, items...)
		return true, nil
	case Array:
		container[key] = append(append(Array{}, v...), items...)
		return true, nil
	case Ref:
		o, err := f.Resolve(v)
		if err != nil {
			return false, fmt.Errorf("read /%s array %v: %w", key, v, err)
		}
		switch arr := o.(type) {
		case Array:
			inc.set(v, append(append(Array{}, arr...), items...))
			return false, nil
		case Null:
			container[key] = append(Array{}, items...)
			return true, nil
		default:
			return false, fmt.Errorf("%w: /%s %v is %T, not an array", ErrMalformed, key, v, o)
		}
	default:
		return false, fmt.Errorf("%w: /%s is %T, not an array", ErrMalformed, key, v)
	}
}
