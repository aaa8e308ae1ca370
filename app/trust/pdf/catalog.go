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
func (f *File) FirstPage() (Ref, Dict, error) {
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
		next, ok := kids[0].(Ref)
		if !ok {
			return Ref{}, nil, fmt.Errorf("%w: page tree kid of %v is not a reference", ErrMalformed, node)
		}
		node = next
	}
	return Ref{}, nil, fmt.Errorf("%w: page tree deeper than 64 levels", ErrMalformed)
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

// appendToArray adds item to the array held in container[key], which may
// be missing, a direct array, or a reference to an array object. A
// referenced array is rewritten in place so that the container itself need
// not change. It reports whether container was changed.
func (f *File) appendToArray(inc *increment, container Dict, key Name, item Object) (bool, error) {
	switch v := container[key].(type) {
	case nil:
		container[key] = Array{item}
		return true, nil
	case Array:
		container[key] = append(append(Array{}, v...), item)
		return true, nil
	case Ref:
		o, err := f.Resolve(v)
		if err != nil {
			return false, fmt.Errorf("read /%s array %v: %w", key, v, err)
		}
		switch arr := o.(type) {
		case Array:
			inc.set(v, append(append(Array{}, arr...), item))
			return false, nil
		case Null:
			container[key] = Array{item}
			return true, nil
		default:
			return false, fmt.Errorf("%w: /%s %v is %T, not an array", ErrMalformed, key, v, o)
		}
	default:
		return false, fmt.Errorf("%w: /%s is %T, not an array", ErrMalformed, key, v)
	}
}
