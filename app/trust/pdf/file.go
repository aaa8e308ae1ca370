package pdf

import (
	"bytes"
	"fmt"
	"sync"
)

// entry is one cross-reference entry.
type entry struct {
	typ uint8  // 0 free, 1 at an offset, 2 inside an object stream
	off int64  // byte offset (type 1) or object stream number (type 2)
	gen uint16 // generation (type 1)
	idx int64  // index inside the object stream (type 2)
}

// section is one cross-reference section: a table with its trailer, or a
// cross-reference stream. A hybrid table carries the entries of its
// /XRefStm merged in.
type section struct {
	offset  int64
	stream  bool
	xrefStm int64 // /XRefStm of a hybrid table, or -1
	trailer Dict
	entries map[uint32]entry
	rev     int // index of the revision the section belongs to
}

// Revision is one revision of the file: the original document or one
// incremental update, ending with "startxref N %%EOF".
type Revision struct {
	// XRefOffset is the startxref value of the revision.
	XRefOffset int64
	// EOF is the offset just after the revision's "%%EOF" marker.
	EOF int64
	// End is EOF plus the end-of-line that follows the marker, if any.
	// Signers usually cover up to End; both are accepted as revision ends.
	End int64
	// XRefStream reports that the revision's last section is a
	// cross-reference stream rather than a table.
	XRefStream bool
	// Hybrid reports a classic table with an /XRefStm entry.
	Hybrid bool
}

// File is a parsed PDF. It keeps the original bytes, which it never
// modifies, and reads objects from them on demand; increments it prepares
// are new byte slices. A File is safe for concurrent use.
type File struct {
	data     []byte
	junk     int // bytes before the %PDF- header, not part of data
	version  string
	sections []*section // newest first
	revs     []Revision // oldest first
	latest   map[uint32]entry
	trailer  Dict

	mu      sync.Mutex
	cache   map[objKey]Object
	objStms map[objKey]*objStm
}

// objKey identifies one stored version of an object: the same number can
// live at different places in different revisions.
type objKey struct {
	num uint32
	e   entry
}

// objStm is a decoded object stream.
type objStm struct {
	data  []byte
	first int64
	nums  []uint32
	offs  []int64
}

// maxObjects bounds /Size: far above any real document (ISO 32000-1 C.2
// suggests 8,388,607 objects) and low enough that new object numbers never
// wrap around.
const maxObjects = 1 << 30

// maxLoadDepth bounds chains of indirect lookups (a /Length pointing into
// an object stream whose /Length is indirect, and so on).
const maxLoadDepth = 16

// Open parses a PDF held in memory. The slice must not be modified while
// the File is in use. Encrypted files are refused with ErrEncrypted (or
// ErrRestricted when only an owner password restricts them), files whose
// structure cannot be read with ErrMalformed.
//
// Bytes before the %PDF- header (within the first KiB, as readers allow:
// a mail gateway's or a download tool's prefix) are not part of the
// document: every offset counts from the header, as poppler, qpdf and
// MuPDF read such files. The File starts at the header, so Bytes and every
// increment built on it leave the prefix out: a signed result has no bytes
// before its header, and every verifier sees the same byte ranges.
func Open(b []byte) (*File, error) {
	f := &File{
		data:    b,
		cache:   map[objKey]Object{},
		objStms: map[objKey]*objStm{},
	}
	if err := f.readHeader(); err != nil {
		return nil, err
	}
	start, err := f.finalStartXref()
	if err != nil {
		return nil, err
	}
	if err := f.readChain(start); err != nil {
		return nil, err
	}
	f.assignRevisions(start)
	f.mergeTrailers()
	if size := f.trailer["Size"].(Int); size > maxObjects {
		return nil, fmt.Errorf("%w: /Size %d exceeds %d objects", ErrMalformed, size, maxObjects)
	}
	if _, enc := f.trailer["Encrypt"]; enc {
		return nil, f.encryption()
	}
	if _, err := f.Catalog(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *File) readHeader() error {
	head := f.data[:min(len(f.data), 1024)]
	i := bytes.Index(head, []byte("%PDF-"))
	if i < 0 {
		return fmt.Errorf("%w: no %%PDF- header", ErrMalformed)
	}
	f.data, f.junk = f.data[i:], i
	p := parser{b: f.data, pos: 5}
	v := p.keyword()
	if len(v) < 3 || v[1] != '.' || v[0] < '1' || v[0] > '9' {
		return fmt.Errorf("%w: bad header version %q", ErrMalformed, truncate(v))
	}
	f.version = string(v[:3])
	return nil
}

// finalStartXref finds the startxref of the last revision. It must be in
// the last KiB of the file, as readers expect: a file without one is
// truncated, and silently reading an earlier revision instead would make
// us append to a damaged file.
// HeaderOffset is the number of bytes before the %PDF- header that Open left
// out of the File (see Open); 0 for a file that starts with its header.
func (f *File) HeaderOffset() int { return f.junk }

func (f *File) finalStartXref() (int64, error) {
	tailStart := max(0, len(f.data)-1024)
	eof := bytes.LastIndex(f.data[tailStart:], []byte("%%EOF"))
	if eof < 0 {
		return 0, fmt.Errorf("%w: no %%%%EOF in the last 1024 bytes (truncated file?)", ErrMalformed)
	}
	eof += tailStart
	sx := bytes.LastIndex(f.data[:eof], []byte("startxref"))
	if sx < 0 {
		return 0, fmt.Errorf("%w: no startxref before the final %%%%EOF", ErrMalformed)
	}
	p := parser{b: f.data[:eof], pos: sx + len("startxref")}
	off, err := p.unsigned()
	if err != nil {
		return 0, fmt.Errorf("read startxref: %w", err)
	}
	if off >= int64(len(f.data)) {
		return 0, fmt.Errorf("%w: startxref %d beyond end of file", ErrMalformed, off)
	}
	return off, nil
}

// readChain reads every cross-reference section from the newest one
// through /Prev links.
func (f *File) readChain(start int64) error {
	seen := map[int64]bool{}
	off := start
	for {
		if seen[off] {
			return fmt.Errorf("%w: /Prev loop at offset %d", ErrMalformed, off)
		}
		seen[off] = true
		s, err := f.readSection(off)
		if err != nil {
			return err
		}
		f.sections = append(f.sections, s)
		prev, ok := s.trailer["Prev"]
		if !ok {
			break
		}
		pi, ok := prev.(Int)
		if !ok || pi < 0 || int64(pi) >= int64(len(f.data)) {
			return fmt.Errorf("%w: bad /Prev %v in section at %d", ErrMalformed, prev, off)
		}
		off = int64(pi)
	}
	f.latest = map[uint32]entry{}
	for _, s := range f.sections {
		for num, e := range s.entries {
			if _, ok := f.latest[num]; !ok {
				f.latest[num] = e
			}
		}
	}
	return nil
}

func (f *File) readSection(off int64) (*section, error) {
	p := parser{b: f.data, pos: int(off)}
	p.skipSpace()
	if bytes.HasPrefix(f.data[p.pos:], []byte("xref")) {
		s, err := f.readTable(&p)
		if err != nil {
			return nil, fmt.Errorf("read xref table at %d: %w", off, err)
		}
		s.offset = off
		if xs, ok := s.trailer["XRefStm"].(Int); ok {
			hs, err := f.readXRefStream(int64(xs))
			if err != nil {
				return nil, fmt.Errorf("read /XRefStm of hybrid section at %d: %w", off, err)
			}
			s.xrefStm = int64(xs)
			// The table's entries come first; the stream supplies the
			// objects it leaves out or lists as free (ISO 32000-1 7.5.8.4).
			for num, e := range hs.entries {
				if te, ok := s.entries[num]; !ok || te.typ == 0 {
					s.entries[num] = e
				}
			}
		}
		return s, nil
	}
	s, err := f.readXRefStream(off)
	if err != nil {
		return nil, fmt.Errorf("read xref stream at %d: %w", off, err)
	}
	return s, nil
}

func (f *File) readTable(p *parser) (*section, error) {
	p.pos += len("xref")
	s := &section{xrefStm: -1, entries: map[uint32]entry{}}
	for {
		p.skipSpace()
		if bytes.HasPrefix(p.b[p.pos:], []byte("trailer")) {
			p.pos += len("trailer")
			break
		}
		first, err := p.unsigned()
		if err != nil {
			return nil, err
		}
		count, err := p.unsigned()
		if err != nil {
			return nil, err
		}
		if count > int64(len(p.b)-p.pos)/18+1 || first+count > 1<<32 {
			return nil, p.errorf("subsection of %d entries cannot fit", count)
		}
		for i := int64(0); i < count; i++ {
			o, err := p.unsigned()
			if err != nil {
				return nil, err
			}
			g, err := p.unsigned()
			if err != nil {
				return nil, err
			}
			p.skipSpace()
			kind := string(p.keyword())
			num := uint32(first + i)
			if _, dup := s.entries[num]; dup {
				continue
			}
			switch {
			case kind == "n" && o > 0 && g <= 65535:
				s.entries[num] = entry{typ: 1, off: o, gen: uint16(g)}
			case kind == "n" || kind == "f":
				// An in-use entry at offset 0 is a known producer bug and
				// means the object is absent.
				s.entries[num] = entry{typ: 0}
			default:
				return nil, p.errorf("bad xref entry type %q", kind)
			}
		}
	}
	t, err := p.object()
	if err != nil {
		return nil, fmt.Errorf("read trailer: %w", err)
	}
	d, ok := t.(Dict)
	if !ok {
		return nil, fmt.Errorf("%w: trailer is not a dictionary", ErrMalformed)
	}
	s.trailer = d
	return s, nil
}

func (f *File) readXRefStream(off int64) (*section, error) {
	if off < 0 || off >= int64(len(f.data)) {
		return nil, fmt.Errorf("%w: xref stream offset %d out of range", ErrMalformed, off)
	}
	_, obj, err := f.parseAt(off, -1, 0)
	if err != nil {
		return nil, err
	}
	st, ok := obj.(*Stream)
	if !ok || st.Dict.Name("Type") != "XRef" {
		return nil, fmt.Errorf("%w: no xref stream at offset %d", ErrMalformed, off)
	}
	data, err := f.DecodeStream(st)
	if err != nil {
		return nil, fmt.Errorf("decode xref stream: %w", err)
	}
	size, ok := st.Dict["Size"].(Int)
	if !ok || size < 0 {
		return nil, fmt.Errorf("%w: xref stream without /Size", ErrMalformed)
	}
	wa, ok := st.Dict["W"].(Array)
	if !ok || len(wa) != 3 {
		return nil, fmt.Errorf("%w: xref stream /W is not an array of three", ErrMalformed)
	}
	var w [3]int
	for i, o := range wa {
		v, ok := o.(Int)
		if !ok || v < 0 || v > 8 {
			return nil, fmt.Errorf("%w: bad xref stream /W %v", ErrMalformed, wa)
		}
		w[i] = int(v)
	}
	index := Array{Int(0), size}
	if ia, ok := st.Dict["Index"].(Array); ok {
		index = ia
	}
	if len(index)%2 != 0 {
		return nil, fmt.Errorf("%w: odd xref stream /Index", ErrMalformed)
	}
	rowLen := w[0] + w[1] + w[2]
	if rowLen == 0 {
		return nil, fmt.Errorf("%w: xref stream /W is all zero", ErrMalformed)
	}
	s := &section{offset: off, stream: true, xrefStm: -1, trailer: st.Dict, entries: map[uint32]entry{}}
	pos := 0
	for i := 0; i < len(index); i += 2 {
		first, ok1 := index[i].(Int)
		count, ok2 := index[i+1].(Int)
		if !ok1 || !ok2 || first < 0 || count < 0 || int64(first)+int64(count) > 1<<32 {
			return nil, fmt.Errorf("%w: bad xref stream /Index", ErrMalformed)
		}
		if int64(count) > int64(len(data)-pos)/int64(rowLen) {
			return nil, fmt.Errorf("%w: xref stream data shorter than its /Index", ErrMalformed)
		}
		for j := int64(0); j < int64(count); j++ {
			row := data[pos : pos+rowLen]
			pos += rowLen
			typ := int64(1) // the default when the type field is omitted
			if w[0] > 0 {
				typ = field(row[:w[0]])
			}
			f2, f3 := field(row[w[0]:w[0]+w[1]]), field(row[w[0]+w[1]:])
			num := uint32(int64(first) + j)
			if _, dup := s.entries[num]; dup {
				continue
			}
			switch typ {
			case 0:
				s.entries[num] = entry{typ: 0}
			case 1:
				if f3 > 65535 || f2 <= 0 {
					s.entries[num] = entry{typ: 0}
					continue
				}
				s.entries[num] = entry{typ: 1, off: f2, gen: uint16(f3)}
			case 2:
				s.entries[num] = entry{typ: 2, off: f2, idx: f3}
			default:
				// Unknown types mean a null reference (ISO 32000-1 7.5.8.3).
			}
		}
	}
	return s, nil
}

func field(b []byte) int64 {
	var v int64
	for _, c := range b {
		v = v<<8 | int64(c)
	}
	if v < 0 {
		return 1<<62 - 1 // an 8-byte field with the top bit set; never valid
	}
	return v
}

// marker is one "startxref N %%EOF" found in the file.
type marker struct {
	pos, value, eof, end int64
}

func (f *File) scanMarkers() []marker {
	var ms []marker
	kw := []byte("startxref")
	for i := 0; ; {
		j := bytes.Index(f.data[i:], kw)
		if j < 0 {
			return ms
		}
		pos := i + j
		i = pos + len(kw)
		p := parser{b: f.data, pos: i}
		v, err := p.unsigned()
		if err != nil {
			continue
		}
		q := p.pos
		for q < len(f.data) && isSpace(f.data[q]) {
			q++
		}
		if !bytes.HasPrefix(f.data[q:], []byte("%%EOF")) {
			continue
		}
		eof := int64(q + 5)
		end := eof
		if end < int64(len(f.data)) && f.data[end] == '\r' {
			end++
		}
		if end < int64(len(f.data)) && f.data[end] == '\n' {
			end++
		}
		ms = append(ms, marker{pos: int64(pos), value: v, eof: eof, end: end})
	}
}

// assignRevisions groups sections into revisions, each ended by its own
// "startxref N %%EOF". A linearized file has two sections (first-page and
// main) whose /Prev points forward; they form one revision.
func (f *File) assignRevisions(start int64) {
	ms := f.scanMarkers()
	var revMarkers []marker // newest first
	var final marker
	for _, m := range ms {
		if m.value == start {
			final = m // the last one wins
		}
	}
	if final.eof == 0 {
		// finalStartXref found "startxref N" and a later %%EOF with
		// something in between; take the file end as the revision end.
		final = marker{value: start, eof: int64(len(f.data)), end: int64(len(f.data))}
	}
	revMarkers = append(revMarkers, final)
	f.sections[0].rev = 0
	for i := 1; i < len(f.sections); i++ {
		s, newer := f.sections[i], f.sections[i-1]
		s.rev = newer.rev
		if s.offset > newer.offset {
			continue
		}
		var best marker
		for _, m := range ms {
			if m.value == s.offset && m.pos > s.offset && m.pos < newer.offset && m.pos > best.pos {
				best = m
			}
		}
		if best.eof == 0 {
			continue
		}
		revMarkers = append(revMarkers, best)
		s.rev = len(revMarkers) - 1
	}
	n := len(revMarkers)
	f.revs = make([]Revision, n)
	for i, m := range revMarkers {
		f.revs[n-1-i] = Revision{XRefOffset: m.value, EOF: m.eof, End: m.end}
	}
	for _, s := range f.sections {
		s.rev = n - 1 - s.rev
	}
	// Describe each revision by the section its startxref points at, the
	// one the next increment must match in flavour.
	for _, s := range f.sections {
		r := &f.revs[s.rev]
		if s.offset == r.XRefOffset {
			r.XRefStream = s.stream
			r.Hybrid = s.xrefStm >= 0
		}
	}
}

// mergeTrailers builds the effective trailer: the newest section's keys,
// completed by older ones (a linearized first-page trailer, for example,
// may omit what the main trailer has).
func (f *File) mergeTrailers() {
	f.trailer = Dict{}
	for _, s := range f.sections {
		for k, v := range s.trailer {
			if _, ok := f.trailer[k]; !ok {
				f.trailer[k] = v
			}
		}
	}
	size := int64(0)
	for _, s := range f.sections {
		if v, ok := s.trailer["Size"].(Int); ok && int64(v) > size {
			size = int64(v)
		}
		for num := range s.entries {
			if int64(num)+1 > size {
				size = int64(num) + 1
			}
		}
	}
	f.trailer["Size"] = Int(size)
}

// Bytes returns the file's bytes. They must not be modified.
func (f *File) Bytes() []byte { return f.data }

// Trailer returns the effective trailer dictionary of the newest revision.
func (f *File) Trailer() Dict { return f.trailer.Clone() }

// Revisions returns the revisions of the file, oldest first.
func (f *File) Revisions() []Revision { return append([]Revision(nil), f.revs...) }

// Catalog returns the document catalog (/Root of the trailer).
func (f *File) Catalog() (Dict, error) {
	root, ok := f.trailer["Root"].(Ref)
	if !ok {
		return nil, fmt.Errorf("%w: trailer has no /Root reference", ErrMalformed)
	}
	o, err := f.Resolve(root)
	if err != nil {
		return nil, fmt.Errorf("read catalog %v: %w", root, err)
	}
	d, ok := o.(Dict)
	if !ok {
		return nil, fmt.Errorf("%w: catalog %v is %T, not a dictionary", ErrMalformed, root, o)
	}
	return d, nil
}

// Resolve follows indirect references until it reaches a direct object.
// A reference to a missing or free object resolves to Null, as the PDF
// specification says.
func (f *File) Resolve(o Object) (Object, error) {
	return f.resolveIn(o, len(f.revs)-1, 0)
}

// resolveIn resolves o as the file stood at revision rev.
func (f *File) resolveIn(o Object, rev, depth int) (Object, error) {
	for i := 0; i < maxLoadDepth; i++ {
		r, ok := o.(Ref)
		if !ok {
			if o == nil {
				return Null{}, nil
			}
			return o, nil
		}
		var err error
		if o, err = f.load(r, rev, depth); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w: reference chain longer than %d", ErrMalformed, maxLoadDepth)
}

// lookup finds the cross-reference entry of num as of revision rev.
func (f *File) lookup(num uint32, rev int) (entry, bool) {
	if f.latest == nil {
		return entry{}, false // still reading the chain
	}
	if rev >= len(f.revs)-1 {
		e, ok := f.latest[num]
		return e, ok
	}
	for _, s := range f.sections {
		if s.rev > rev {
			continue
		}
		if e, ok := s.entries[num]; ok {
			return e, true
		}
	}
	return entry{}, false
}

func (f *File) load(r Ref, rev, depth int) (Object, error) {
	if depth > maxLoadDepth {
		return nil, fmt.Errorf("%w: indirect objects nested too deeply at %v", ErrMalformed, r)
	}
	e, ok := f.lookup(r.Num, rev)
	if !ok || e.typ == 0 || (e.typ == 1 && e.gen != r.Gen) || (e.typ == 2 && r.Gen != 0) {
		return Null{}, nil
	}
	key := objKey{num: r.Num, e: e}
	f.mu.Lock()
	o, hit := f.cache[key]
	f.mu.Unlock()
	if hit {
		return o, nil
	}
	var err error
	switch e.typ {
	case 1:
		var got Ref
		got, o, err = f.parseAt(e.off, rev, depth+1)
		if err == nil && got != r {
			err = fmt.Errorf("%w: xref says %v is at %d, found %v", ErrMalformed, r, e.off, got)
		}
	case 2:
		o, err = f.loadCompressed(r.Num, e, rev, depth+1)
	}
	if err != nil {
		return nil, fmt.Errorf("load object %v: %w", r, err)
	}
	f.mu.Lock()
	f.cache[key] = o
	f.mu.Unlock()
	return o, nil
}

// parseAt parses the indirect object at off. rev is the revision used to
// resolve an indirect /Length; -1 while the xref chain is being read.
func (f *File) parseAt(off int64, rev, depth int) (Ref, Object, error) {
	if off < 0 || off >= int64(len(f.data)) {
		return Ref{}, nil, fmt.Errorf("%w: object offset %d out of range", ErrMalformed, off)
	}
	p := parser{b: f.data, pos: int(off)}
	ref, err := p.indirectHeader()
	if err != nil {
		return Ref{}, nil, err
	}
	o, err := p.object()
	if err != nil {
		return Ref{}, nil, err
	}
	d, isDict := o.(Dict)
	if !isDict {
		return ref, o, nil
	}
	start, isStream := p.streamStart()
	if !isStream {
		return ref, d, nil
	}
	length := int64(-1)
	switch l := d["Length"].(type) {
	case Int:
		length = int64(l)
	case Ref:
		if rev >= 0 {
			if lo, err := f.resolveIn(l, rev, depth+1); err == nil {
				if li, ok := lo.(Int); ok {
					length = int64(li)
				}
			}
		}
	}
	end := -1
	if length >= 0 && int64(start)+length <= int64(len(f.data)) {
		q := parser{b: f.data, pos: start + int(length)}
		q.skipSpace()
		if bytes.HasPrefix(f.data[q.pos:], []byte("endstream")) {
			end = start + int(length)
		}
	}
	if end < 0 {
		// A wrong or unresolvable /Length is common; find the keyword
		// instead, as every mainstream reader does.
		k := bytes.Index(f.data[start:], []byte("endstream"))
		if k < 0 {
			return Ref{}, nil, fmt.Errorf("%w: stream %v has no endstream", ErrMalformed, ref)
		}
		end = start + k
		if end > start && f.data[end-1] == '\n' {
			end--
		}
		if end > start && f.data[end-1] == '\r' {
			end--
		}
	}
	return ref, &Stream{Dict: d, Data: f.data[start:end:end]}, nil
}

func (f *File) loadCompressed(num uint32, e entry, rev, depth int) (Object, error) {
	if e.off > 1<<32-1 {
		return nil, fmt.Errorf("%w: object stream number %d", ErrMalformed, e.off)
	}
	stmRef := Ref{Num: uint32(e.off)}
	se, ok := f.lookup(stmRef.Num, rev)
	if !ok || se.typ != 1 {
		return nil, fmt.Errorf("%w: object stream %d is not a plain object", ErrMalformed, stmRef.Num)
	}
	key := objKey{num: stmRef.Num, e: se}
	f.mu.Lock()
	os := f.objStms[key]
	f.mu.Unlock()
	if os == nil {
		var err error
		if os, err = f.readObjStm(stmRef, rev, depth); err != nil {
			return nil, err
		}
		f.mu.Lock()
		f.objStms[key] = os
		f.mu.Unlock()
	}
	if e.idx < 0 || e.idx >= int64(len(os.nums)) {
		return nil, fmt.Errorf("%w: index %d beyond object stream %d", ErrMalformed, e.idx, stmRef.Num)
	}
	if os.nums[e.idx] != num {
		return nil, fmt.Errorf("%w: object stream %d holds %d at index %d, not %d", ErrMalformed, stmRef.Num, os.nums[e.idx], e.idx, num)
	}
	start := os.first + os.offs[e.idx]
	if start < 0 || start >= int64(len(os.data)) {
		return nil, fmt.Errorf("%w: object %d outside object stream %d", ErrMalformed, num, stmRef.Num)
	}
	p := parser{b: os.data, pos: int(start)}
	o, err := p.object()
	if err != nil {
		return nil, fmt.Errorf("in object stream %d: %w", stmRef.Num, err)
	}
	return o, nil
}

func (f *File) readObjStm(r Ref, rev, depth int) (*objStm, error) {
	o, err := f.load(r, rev, depth+1)
	if err != nil {
		return nil, err
	}
	st, ok := o.(*Stream)
	if !ok {
		return nil, fmt.Errorf("%w: object stream %v is not a stream", ErrMalformed, r)
	}
	n, ok1 := st.Dict["N"].(Int)
	first, ok2 := st.Dict["First"].(Int)
	if !ok1 || !ok2 || n < 0 || first < 0 {
		return nil, fmt.Errorf("%w: object stream %v lacks /N or /First", ErrMalformed, r)
	}
	data, err := f.DecodeStream(st)
	if err != nil {
		return nil, fmt.Errorf("decode object stream %v: %w", r, err)
	}
	if int64(n) > int64(len(data))/4+1 {
		return nil, fmt.Errorf("%w: object stream %v claims %d objects", ErrMalformed, r, n)
	}
	os := &objStm{data: data, first: int64(first)}
	p := parser{b: data[:min(int64(len(data)), int64(first))]}
	for i := int64(0); i < int64(n); i++ {
		num, err := p.unsigned()
		if err != nil {
			return nil, fmt.Errorf("object stream %v header: %w", r, err)
		}
		off, err := p.unsigned()
		if err != nil {
			return nil, fmt.Errorf("object stream %v header: %w", r, err)
		}
		if num > 1<<32-1 {
			return nil, fmt.Errorf("%w: object stream %v header", ErrMalformed, r)
		}
		os.nums = append(os.nums, uint32(num))
		os.offs = append(os.offs, off)
	}
	return os, nil
}
