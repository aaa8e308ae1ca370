package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
)

// ErrByteRange reports a /ByteRange that does not cover a whole revision
// except exactly its own /Contents value.
var ErrByteRange = errors.New("pdf: byte range does not cover the revision")

// Signature is the value of one signature or document timestamp field.
type Signature struct {
	// Field is the fully qualified field name.
	Field string
	// Ref is the reference of the signature dictionary.
	Ref Ref
	// Type is "Sig" or "DocTimeStamp" (an absent /Type reads as "Sig").
	Type Name
	// Filter and SubFilter name the handler and the value's format, e.g.
	// ETSI.CAdES.detached or ETSI.RFC3161.
	Filter, SubFilter Name
	// ByteRange is the /ByteRange as written (normally four numbers).
	ByteRange []int64
	// Contents is the DER value, without the zero padding after it.
	Contents []byte
	// M is the raw /M date string, empty when absent.
	M string
	// Name, Reason, Location and ContactInfo are the text entries.
	Name, Reason, Location, ContactInfo string
	// Revision is the index (into Revisions) of the revision whose end
	// the byte range reaches, or -1 when it ends elsewhere.
	Revision int

	contentsStart, contentsEnd int64 // span of the /Contents string, -1 if unknown
}

// SigningTime parses /M.
func (s Signature) SigningTime() (time.Time, error) { return ParseDate(s.M) }

// Signatures lists the value of every signed signature field of the
// interactive form, in field order; unsigned fields are skipped.
func (f *File) Signatures() ([]Signature, error) {
	cat, err := f.Catalog()
	if err != nil {
		return nil, err
	}
	af, _, err := f.acroForm(cat)
	if err != nil {
		return nil, fmt.Errorf("pdf: list signatures: %w", err)
	}
	if af == nil {
		return nil, nil
	}
	fields, err := f.Resolve(af["Fields"])
	if err != nil {
		return nil, fmt.Errorf("pdf: list signatures: read /Fields: %w", err)
	}
	arr, _ := fields.(Array)
	var out []Signature
	seen := map[Ref]bool{}
	for _, fo := range arr {
		if err := f.walkField(fo, "", "", seen, 0, &out); err != nil {
			return nil, fmt.Errorf("pdf: list signatures: %w", err)
		}
	}
	return out, nil
}

// walkField visits a field and its kids; field type and names are
// inherited down the tree (ISO 32000-1 12.7.3.1).
func (f *File) walkField(o Object, parentName string, ft Name, seen map[Ref]bool, depth int, out *[]Signature) error {
	if depth > 32 {
		return fmt.Errorf("%w: form field tree deeper than 32 levels", ErrMalformed)
	}
	if r, ok := o.(Ref); ok {
		if seen[r] {
			return nil
		}
		seen[r] = true
	}
	ro, err := f.Resolve(o)
	if err != nil {
		return fmt.Errorf("read field %v: %w", o, err)
	}
	d, ok := ro.(Dict)
	if !ok {
		return nil
	}
	name := parentName
	if t, ok := d["T"].(String); ok {
		if name != "" {
			name += "."
		}
		name += decodeText(t.Value)
	}
	if v, ok := d["FT"].(Name); ok {
		ft = v
	}
	kids, err := f.Resolve(d["Kids"])
	if err != nil {
		return fmt.Errorf("read /Kids of field %v: %w", o, err)
	}
	if ka, ok := kids.(Array); ok && len(ka) > 0 {
		for _, k := range ka {
			if err := f.walkField(k, name, ft, seen, depth+1, out); err != nil {
				return err
			}
		}
	}
	if ft != "Sig" || d["V"] == nil {
		return nil
	}
	s, err := f.signature(d["V"])
	if err != nil {
		return fmt.Errorf("field %q: %w", name, err)
	}
	s.Field = name
	*out = append(*out, s)
	return nil
}

func (f *File) signature(v Object) (Signature, error) {
	s := Signature{Revision: -1, contentsStart: -1, contentsEnd: -1}
	s.Ref, _ = v.(Ref)
	o, err := f.Resolve(v)
	if err != nil {
		return s, fmt.Errorf("read signature dictionary %v: %w", v, err)
	}
	d, ok := o.(Dict)
	if !ok {
		return s, fmt.Errorf("%w: signature value %v is %T, not a dictionary", ErrMalformed, v, o)
	}
	s.Type = d.Name("Type")
	if s.Type == "" {
		s.Type = "Sig"
	}
	s.Filter, s.SubFilter = d.Name("Filter"), d.Name("SubFilter")
	for key, dst := range map[Name]*string{"M": &s.M, "Name": &s.Name, "Reason": &s.Reason, "Location": &s.Location, "ContactInfo": &s.ContactInfo} {
		if str, ok := d[key].(String); ok {
			*dst = decodeText(str.Value)
		}
	}
	if br, ok := d["ByteRange"].(Array); ok {
		for _, e := range br {
			n, ok := e.(Int)
			if !ok {
				return s, fmt.Errorf("%w: /ByteRange of %v holds %T", ErrMalformed, v, e)
			}
			s.ByteRange = append(s.ByteRange, int64(n))
		}
	}
	if c, ok := d["Contents"].(String); ok {
		s.Contents = c.Value
		if n, ok := derLength(c.Value); ok {
			s.Contents = c.Value[:n]
		}
	}
	if s.Ref != (Ref{}) {
		s.contentsStart, s.contentsEnd = f.valueSpan(s.Ref, "Contents")
	}
	if len(s.ByteRange) == 4 {
		end := s.ByteRange[2] + s.ByteRange[3]
		for i, r := range f.revs {
			if end == r.EOF || end == r.End {
				s.Revision = i
			}
		}
	}
	return s, nil
}

// valueSpan finds where the value of key lies in the file for the plain
// (not compressed) object r, or returns -1, -1. The byte range check needs
// the exact position of /Contents, which the object model does not keep.
func (f *File) valueSpan(r Ref, key Name) (int64, int64) {
	e, ok := f.latest[r.Num]
	if !ok || e.typ != 1 {
		return -1, -1
	}
	p := parser{b: f.data, pos: int(e.off)}
	if _, err := p.indirectHeader(); err != nil {
		return -1, -1
	}
	p.skipSpace()
	if !bytes.HasPrefix(f.data[p.pos:], []byte("<<")) {
		return -1, -1
	}
	p.pos += 2
	for {
		p.skipSpace()
		if p.pos >= len(f.data) || f.data[p.pos] != '/' {
			return -1, -1
		}
		k, err := p.name()
		if err != nil {
			return -1, -1
		}
		p.skipSpace()
		start := p.pos
		if _, err := p.object(); err != nil {
			return -1, -1
		}
		if k.(Name) == key {
			return int64(start), int64(p.pos)
		}
	}
}

// CheckByteRange checks that s's byte range starts at 0, leaves out
// exactly its own /Contents string (with the angle brackets), and ends at
// the end of a revision. It says nothing about later revisions; see
// ChangesAfter and CoversWholeFile.
func (f *File) CheckByteRange(s Signature) error {
	br := s.ByteRange
	if len(br) != 4 {
		return fmt.Errorf("%w: %d numbers instead of 4", ErrByteRange, len(br))
	}
	for _, v := range br {
		if v < 0 {
			return fmt.Errorf("%w: negative value in %v", ErrByteRange, br)
		}
	}
	if br[0] != 0 {
		return fmt.Errorf("%w: starts at %d, not 0", ErrByteRange, br[0])
	}
	if br[2]+br[3] > int64(len(f.data)) {
		return fmt.Errorf("%w: ends at %d, beyond the file (%d bytes)", ErrByteRange, br[2]+br[3], len(f.data))
	}
	if s.contentsStart < 0 {
		return fmt.Errorf("%w: the /Contents of %v cannot be located in the file", ErrByteRange, s.Ref)
	}
	if br[1] != s.contentsStart || br[2] != s.contentsEnd {
		return fmt.Errorf("%w: gap %d-%d is not /Contents at %d-%d", ErrByteRange, br[1], br[2], s.contentsStart, s.contentsEnd)
	}
	if s.Revision < 0 {
		return fmt.Errorf("%w: ends at %d, which is no revision end", ErrByteRange, br[2]+br[3])
	}
	if e, ok := f.latest[s.Ref.Num]; ok && e.typ == 1 && e.off >= br[2]+br[3] {
		return fmt.Errorf("%w: the signature dictionary lies after the range", ErrByteRange)
	}
	return nil
}

// CoversWholeFile reports whether s's byte range is valid and reaches the
// last byte of the file: nothing was appended after this signature.
func (f *File) CoversWholeFile(s Signature) bool {
	return f.CheckByteRange(s) == nil && s.ByteRange[2]+s.ByteRange[3] == int64(len(f.data))
}

// SignedReader returns a reader over the bytes s's byte range covers, for
// hashing by a verifier.
func (f *File) SignedReader(s Signature) (io.Reader, error) {
	br := s.ByteRange
	if len(br) != 4 || br[0] < 0 || br[1] < 0 || br[2] < br[0]+br[1] || br[3] < 0 || br[2]+br[3] > int64(len(f.data)) {
		return nil, fmt.Errorf("%w: %v does not fit the file", ErrByteRange, br)
	}
	return io.MultiReader(
		bytes.NewReader(f.data[br[0]:br[0]+br[1]]),
		bytes.NewReader(f.data[br[2]:br[2]+br[3]])), nil
}
