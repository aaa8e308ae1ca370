package pdf

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// ChangeKind classifies an object that a later revision added or changed.
type ChangeKind string

// The kinds of change ChangesAfter reports.
const (
	// ChangeSignature is a new signature or document timestamp dictionary.
	ChangeSignature ChangeKind = "signature"
	// ChangeSigField is a new signature field or widget, or an empty
	// signature field that was signed.
	ChangeSigField ChangeKind = "signature field"
	// ChangeAnnots is a page or annotation array that only gained
	// signature widgets.
	ChangeAnnots ChangeKind = "page annotations"
	// ChangeForm is the interactive form gaining signature fields or
	// signature flags.
	ChangeForm ChangeKind = "form"
	// ChangeCatalog is a catalog change; allowed only in /DSS,
	// /Extensions, /Version and /AcroForm.
	ChangeCatalog ChangeKind = "catalog"
	// ChangeDSS is Document Security Store content.
	ChangeDSS ChangeKind = "dss"
	// ChangeAppearance is an appearance stream or resource of a new
	// signature widget (a visible stamp), or the stamp annotation grouped
	// with a new signature widget that shows its seal in a form with
	// /NeedAppearances.
	ChangeAppearance ChangeKind = "appearance"
	// ChangeStructure is a cross-reference or object stream.
	ChangeStructure ChangeKind = "structure"
	// ChangeNewObject is another new object. A new object changes nothing
	// unless an existing object refers to it, and changed objects are
	// checked on their own.
	ChangeNewObject ChangeKind = "new object"
	// ChangeMetadata is the document information dictionary or XMP
	// metadata; it does not alter the signed content but is reported.
	ChangeMetadata ChangeKind = "metadata"
	// ChangeOther is any other change, which alters the signed document.
	ChangeOther ChangeKind = "other"
)

// Change is one object a revision after the examined one added, changed
// or removed.
type Change struct {
	// Ref is the object; the zero Ref stands for the trailer.
	Ref Ref
	// Revision is the newest revision that touched the object.
	Revision int
	// Kind says what the object is.
	Kind ChangeKind
	// Allowed reports a change PAdES allows after a signature:
	// signatures, their fields and widgets, and validation data.
	Allowed bool
	// Detail explains the classification.
	Detail string
}

// Changes is the result of ChangesAfter.
type Changes []Change

// Disallowed returns the changes that alter the signed document.
func (cs Changes) Disallowed() Changes {
	var out Changes
	for _, c := range cs {
		if !c.Allowed {
			out = append(out, c)
		}
	}
	return out
}

// ChangesAfter compares revision rev with the newest one and lists every
// object the later revisions added, changed or removed, classified. Objects
// rewritten unchanged (e.g. moved out of an object stream) are not listed.
func (f *File) ChangesAfter(rev int) (Changes, error) {
	if rev < 0 || rev >= len(f.revs) {
		return nil, fmt.Errorf("pdf: changes after revision %d: file has %d revisions", rev, len(f.revs))
	}
	c, err := f.newChangeCtx(rev)
	if err != nil {
		return nil, fmt.Errorf("pdf: changes after revision %d: %w", rev, err)
	}
	touched := map[uint32]int{}
	for _, s := range f.sections {
		if s.rev <= rev {
			continue
		}
		for num := range s.entries {
			if s.rev > touched[num] {
				touched[num] = s.rev
			}
		}
	}
	nums := make([]uint32, 0, len(touched))
	for n := range touched {
		nums = append(nums, n)
	}
	sort.Slice(nums, func(i, j int) bool { return nums[i] < nums[j] })
	var out Changes
	if oldRoot, _ := c.oldTrailer["Root"].(Ref); oldRoot != c.root {
		out = append(out, Change{Revision: len(f.revs) - 1, Kind: ChangeCatalog, Detail: fmt.Sprintf("trailer /Root changed from %v to %v", oldRoot, c.root)})
	}
	for _, num := range nums {
		ch, changed, err := c.classify(num)
		if err != nil {
			return nil, fmt.Errorf("pdf: changes after revision %d: object %d: %w", rev, num, err)
		}
		if changed {
			ch.Revision = touched[num]
			out = append(out, ch)
		}
	}
	return out, nil
}

// changeCtx holds what classification needs to know about the document
// before (old) and after (new) the later revisions.
type changeCtx struct {
	f          *File
	rev        int
	oldSize    int64
	oldTrailer Dict
	root       Ref
	info       map[Ref]bool
	form       Ref
	extensions Ref
	metadata   Ref
	dss        map[Ref]bool
	appearance map[Ref]bool
}

func (f *File) newChangeCtx(rev int) (*changeCtx, error) {
	c := &changeCtx{f: f, rev: rev, info: map[Ref]bool{}, dss: map[Ref]bool{}, appearance: map[Ref]bool{}}
	c.oldTrailer = Dict{}
	for _, s := range f.sections {
		if s.rev > rev {
			continue
		}
		for k, v := range s.trailer {
			if _, ok := c.oldTrailer[k]; !ok {
				c.oldTrailer[k] = v
			}
		}
		if sz, ok := s.trailer["Size"].(Int); ok && int64(sz) > c.oldSize {
			c.oldSize = int64(sz)
		}
	}
	c.root, _ = f.trailer["Root"].(Ref)
	for _, t := range []Dict{c.oldTrailer, f.trailer} {
		if r, ok := t["Info"].(Ref); ok {
			c.info[r] = true
		}
	}
	cat, err := f.Catalog()
	if err != nil {
		return nil, err
	}
	c.form, _ = cat["AcroForm"].(Ref)
	c.extensions, _ = cat["Extensions"].(Ref)
	c.metadata, _ = cat["Metadata"].(Ref)
	if err := f.reach(cat["DSS"], c.dss); err != nil {
		return nil, fmt.Errorf("read DSS: %w", err)
	}
	// Appearances of every signature widget in the new revision: a visible
	// stamp brings its own form XObjects, fonts and images.
	for num, e := range f.latest {
		if e.typ == 0 {
			continue
		}
		if _, old := f.lookup(num, rev); old {
			continue
		}
		o, err := f.load(Ref{Num: num, Gen: e.gen}, len(f.revs)-1, 0)
		if err != nil {
			continue
		}
		if d, ok := o.(Dict); ok && (c.f.isSigField(d) || c.isSealStamp(d)) {
			if err := f.reach(d["AP"], c.appearance); err != nil {
				return nil, fmt.Errorf("read appearance of %d: %w", num, err)
			}
		}
	}
	return c, nil
}

// reach adds every object reachable from o to set, not following links
// back up the page or field tree.
func (f *File) reach(o Object, set map[Ref]bool) error {
	budget := 10000
	var walk func(o Object, depth int) error
	walk = func(o Object, depth int) error {
		if depth > maxDepth || budget <= 0 {
			return nil
		}
		budget--
		if r, ok := o.(Ref); ok {
			if set[r] {
				return nil
			}
			set[r] = true
			var err error
			if o, err = f.Resolve(r); err != nil {
				return err
			}
		}
		switch v := o.(type) {
		case Array:
			for _, e := range v {
				if err := walk(e, depth+1); err != nil {
					return err
				}
			}
		case Dict:
			for k, e := range v {
				if k != "P" && k != "Parent" {
					if err := walk(e, depth+1); err != nil {
						return err
					}
				}
			}
		case *Stream:
			return walk(v.Dict, depth+1)
		}
		return nil
	}
	return walk(o, 0)
}

// isSigField reports a signature field or a widget of one.
func (f *File) isSigField(d Dict) bool {
	if d.Name("FT") == "Sig" {
		return true
	}
	if d.Name("Subtype") != "Widget" {
		return false
	}
	p, err := f.Resolve(d["Parent"])
	if err != nil {
		return false
	}
	pd, ok := p.(Dict)
	return ok && pd.Name("FT") == "Sig"
}

func (c *changeCtx) isSigFieldObj(o Object) bool {
	r, err := c.f.Resolve(o)
	if err != nil {
		return false
	}
	d, ok := r.(Dict)
	return ok && c.f.isSigField(d)
}

// isSealStamp reports the stamp annotation that shows the seal of a
// signature widget added after the examined revision (see sealStamp): it is
// grouped with that widget, so it comes and goes with the signature.
func (c *changeCtx) isSealStamp(d Dict) bool {
	irt, ok := d["IRT"].(Ref)
	if !ok || !c.f.isSealStamp(d) {
		return false
	}
	_, old := c.f.lookup(irt.Num, c.rev)
	return !old
}

// isSigAnnotObj reports a signature field or widget, or a seal stamp of a
// new one: what a page's /Annots may gain after a signature.
func (c *changeCtx) isSigAnnotObj(o Object) bool {
	if c.isSigFieldObj(o) {
		return true
	}
	r, err := c.f.Resolve(o)
	d, _ := r.(Dict)
	return err == nil && c.isSealStamp(d)
}

func (c *changeCtx) classify(num uint32) (Change, bool, error) {
	f := c.f
	ne := f.latest[num]
	ref := Ref{Num: num, Gen: ne.gen}
	var newObj Object = Null{}
	if ne.typ != 0 {
		var err error
		if newObj, err = f.load(ref, len(f.revs)-1, 0); err != nil {
			return Change{}, false, err
		}
	}
	var oldObj Object = Null{}
	oe, hadOld := f.lookup(num, c.rev)
	if hadOld && oe.typ != 0 {
		var err error
		if oldObj, err = f.load(Ref{Num: num, Gen: oe.gen}, c.rev, 0); err != nil {
			return Change{}, false, err
		}
	}
	_, oldNull := oldObj.(Null)
	_, newNull := newObj.(Null)
	switch {
	case oldNull && newNull:
		return Change{}, false, nil
	case newNull:
		if st, ok := oldObj.(*Stream); ok && (st.Dict.Name("Type") == "XRef" || st.Dict.Name("Type") == "ObjStm") {
			return Change{Ref: ref, Kind: ChangeStructure, Allowed: true, Detail: "cross-reference or object stream freed"}, true, nil
		}
		return Change{Ref: ref, Kind: ChangeOther, Detail: "object removed"}, true, nil
	case oldNull:
		ch := c.classifyNew(ref, newObj)
		if ch.Kind == ChangeNewObject && int64(num) < c.oldSize {
			// Filling a number the signed revision left free could give
			// meaning to a dangling reference in signed content.
			ch.Allowed = false
			ch.Detail = "new object reuses a number free in the signed revision"
		}
		return ch, true, nil
	}
	if bytes.Equal(canonical(oldObj), canonical(newObj)) {
		return Change{}, false, nil
	}
	return c.classifyChanged(ref, oldObj, newObj), true, nil
}

func (c *changeCtx) classifyNew(ref Ref, o Object) Change {
	ch := Change{Ref: ref, Kind: ChangeNewObject, Allowed: true, Detail: "new object"}
	var d Dict
	switch v := o.(type) {
	case *Stream:
		d = v.Dict
		if t := d.Name("Type"); t == "XRef" || t == "ObjStm" {
			return Change{Ref: ref, Kind: ChangeStructure, Allowed: true, Detail: "new /" + string(t) + " stream"}
		}
	case Dict:
		d = v
	case Array:
		if c.dss[ref] {
			return Change{Ref: ref, Kind: ChangeDSS, Allowed: true, Detail: "DSS array"}
		}
		for _, e := range v {
			if !c.isSigAnnotObj(e) {
				ch.Detail = "new array"
				return ch
			}
		}
		return Change{Ref: ref, Kind: ChangeAnnots, Allowed: true, Detail: "new array of signature fields"}
	}
	switch {
	case c.info[ref] || ref == c.metadata:
		return Change{Ref: ref, Kind: ChangeMetadata, Detail: "new document information or metadata"}
	case d == nil:
		return ch
	case d.Name("Type") == "Sig" || d.Name("Type") == "DocTimeStamp":
		return Change{Ref: ref, Kind: ChangeSignature, Allowed: true, Detail: "new /" + string(d.Name("Type")) + " dictionary"}
	case c.f.isSigField(d):
		return Change{Ref: ref, Kind: ChangeSigField, Allowed: true, Detail: "new signature field or widget"}
	case c.isSealStamp(d):
		return Change{Ref: ref, Kind: ChangeAppearance, Allowed: true, Detail: "seal stamp grouped with a new signature widget"}
	case c.dss[ref]:
		return Change{Ref: ref, Kind: ChangeDSS, Allowed: true, Detail: "DSS content"}
	case c.appearance[ref]:
		return Change{Ref: ref, Kind: ChangeAppearance, Allowed: true, Detail: "appearance of a signature widget"}
	case ref == c.form:
		if detail, ok := c.formDiff(nil, d); !ok {
			return Change{Ref: ref, Kind: ChangeForm, Detail: detail}
		}
		return Change{Ref: ref, Kind: ChangeForm, Allowed: true, Detail: "new form holding signature fields"}
	case ref == c.extensions:
		return Change{Ref: ref, Kind: ChangeCatalog, Allowed: true, Detail: "new extensions dictionary"}
	}
	return ch
}

func (c *changeCtx) classifyChanged(ref Ref, oldObj, newObj Object) Change {
	bad := func(k ChangeKind, detail string) Change { return Change{Ref: ref, Kind: k, Detail: detail} }
	good := func(k ChangeKind, detail string) Change {
		return Change{Ref: ref, Kind: k, Allowed: true, Detail: detail}
	}
	od, oIsDict := oldObj.(Dict)
	nd, nIsDict := newObj.(Dict)
	if st, ok := oldObj.(*Stream); ok {
		od, oIsDict = st.Dict, false
	}
	switch {
	case c.info[ref] || ref == c.metadata || od.Name("Type") == "Metadata":
		return bad(ChangeMetadata, "document information or metadata changed")
	case c.dss[ref] || od.Name("Type") == "DSS":
		return good(ChangeDSS, "DSS updated")
	case ref == c.extensions:
		return good(ChangeCatalog, "extensions dictionary updated")
	}
	if oa, ok := oldObj.(Array); ok {
		na, ok := newObj.(Array)
		if !ok {
			return bad(ChangeOther, "array replaced by another type")
		}
		if detail, ok := c.growth(oa, na); !ok {
			return bad(ChangeAnnots, detail)
		}
		return good(ChangeAnnots, "array gained signature fields or widgets")
	}
	if !oIsDict || !nIsDict {
		return bad(ChangeOther, fmt.Sprintf("%T changed", oldObj))
	}
	keys := diffKeys(od, nd)
	switch {
	case ref == c.root:
		for _, k := range keys {
			switch k {
			case "DSS", "Extensions", "Version":
			case "AcroForm":
				oldForm, _ := c.f.resolveIn(od["AcroForm"], c.rev, 0)
				newForm, _ := c.f.Resolve(nd["AcroForm"])
				ofd, _ := oldForm.(Dict)
				nfd, ok := newForm.(Dict)
				if !ok {
					return bad(ChangeCatalog, "catalog /AcroForm removed")
				}
				if _, isRef := nd["AcroForm"].(Ref); isRef {
					continue // the new form object is classified on its own
				}
				if detail, ok := c.formDiff(ofd, nfd); !ok {
					return bad(ChangeForm, detail)
				}
			case "Metadata":
				return bad(ChangeMetadata, "catalog /Metadata changed")
			default:
				return bad(ChangeCatalog, "catalog keys changed: "+joinNames(keys))
			}
		}
		return good(ChangeCatalog, "catalog changed only in "+joinNames(keys))
	case od.Name("Type") == "Page":
		if len(keys) != 1 || keys[0] != "Annots" {
			return bad(ChangeOther, "page keys changed: "+joinNames(keys))
		}
		oa, _ := c.f.resolveIn(od["Annots"], c.rev, 0)
		na, _ := c.f.Resolve(nd["Annots"])
		oarr, _ := oa.(Array)
		narr, _ := na.(Array)
		if detail, ok := c.growth(oarr, narr); !ok {
			return bad(ChangeAnnots, detail)
		}
		return good(ChangeAnnots, "page /Annots gained signature widgets")
	case ref == c.form || od["Fields"] != nil:
		if detail, ok := c.formDiff(od, nd); !ok {
			return bad(ChangeForm, detail)
		}
		return good(ChangeForm, "form gained signature fields")
	case c.f.isSigField(od) && od["V"] == nil:
		for _, k := range keys {
			if k != "V" && k != "AP" {
				return bad(ChangeSigField, "empty signature field changed in "+joinNames(keys))
			}
		}
		return good(ChangeSigField, "empty signature field signed")
	}
	return bad(ChangeOther, "keys changed: "+joinNames(keys))
}

// formDiff checks that an interactive form changed only by gaining
// signature fields and signature flags.
func (c *changeCtx) formDiff(old, new Dict) (string, bool) {
	if old == nil {
		old = Dict{}
	}
	for _, k := range diffKeys(old, new) {
		if k != "Fields" && k != "SigFlags" {
			return "form changed in /" + string(k), false
		}
	}
	of, _ := c.f.resolveIn(old["Fields"], c.rev, 0)
	nf, _ := c.f.Resolve(new["Fields"])
	oa, _ := of.(Array)
	na, _ := nf.(Array)
	return c.growth(oa, na)
}

// growth checks that new holds every element of old, in order, and that
// each element it adds is a signature field or widget.
func (c *changeCtx) growth(old, new Array) (string, bool) {
	i := 0
	for _, e := range new {
		if i < len(old) && bytes.Equal(canonical(old[i]), canonical(e)) {
			i++
			continue
		}
		if !c.isSigAnnotObj(e) {
			return fmt.Sprintf("array gained %s, which is not a signature field", string(canonical(e))), false
		}
	}
	if i < len(old) {
		return "array lost or reordered existing entries", false
	}
	return "", true
}

// diffKeys lists the keys whose values differ between two dictionaries.
func diffKeys(a, b Dict) []Name {
	var out []Name
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(canonical(v), canonical(w)) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func joinNames(ns []Name) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = "/" + string(n)
	}
	return strings.Join(s, " ")
}
