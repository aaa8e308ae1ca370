package pdf

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf16"
)

// DefaultContentsSize is the DER size reserved in /Contents when the
// options leave it zero. Measured PAdES B-T values are about 3 KB (RSA or
// ECDSA with two certificates and a timestamp); 16 KiB leaves room for
// longer chains without making every signed file much larger.
const DefaultContentsSize = 16 << 10

// maxContentsSize bounds the reservation; nothing legitimate comes close.
const maxContentsSize = 1 << 20

// byteRangeWidth is the fixed width of the /ByteRange array text: "[0 "
// plus three numbers of up to 12 digits with separators and "]", so that
// patching the real values never moves a byte.
const byteRangeWidth = 3 + 3*13 + 1

// SignatureOptions describes a signature increment.
type SignatureOptions struct {
	// FieldName is the partial name (/T) of the signature field. If the
	// document has an empty top-level signature field of that name, it is
	// signed; otherwise a new invisible field is added on the first page.
	// When empty, "Signature1", "Signature2", … is chosen, avoiding names
	// already used by top-level fields.
	FieldName string
	// Time is written to /M. The zero value means the current time.
	Time time.Time
	// Name, Reason, Location and ContactInfo are the optional text
	// entries of the signature dictionary.
	Name, Reason, Location, ContactInfo string
	// ContentsSize is the number of DER bytes reserved in /Contents;
	// zero means DefaultContentsSize.
	ContentsSize int
	// Appearance, when set, makes a new field visible on the page it
	// chooses; by default the signature is invisible. It cannot be combined
	// with signing an existing field, which has its own widget.
	Appearance *Appearance
}

// TimestampOptions describes a document timestamp increment.
type TimestampOptions struct {
	// FieldName is the partial name of the field, treated as in
	// SignatureOptions; when empty, "Timestamp1", "Timestamp2", … is
	// chosen.
	FieldName string
	// ContentsSize is the number of DER bytes reserved for the
	// timestamp token; zero means DefaultContentsSize.
	ContentsSize int
}

// Prepared is a file with a new signature or document timestamp increment
// whose /Contents is still zero. The caller hashes the bytes of the byte
// range (File.Bytes, then WriteIncrementSignedTo), builds the CMS or timestamp token, and calls
// EmbedIncrement for the bytes to append.
type Prepared struct {
	// base is the file's data, which the increment extends, and tail the
	// increment: the new file is base followed by tail. They stay apart so
	// that a large document is not copied to be signed.
	base, tail []byte
	byteRange  [4]int64
	reserved   int
}

// PrepareSignature appends a PAdES signature field (SubFilter
// ETSI.CAdES.detached) with an invisible widget on the first page, or the
// visible one of opts.Appearance.
func (f *File) PrepareSignature(opts SignatureOptions) (*Prepared, error) {
	t := opts.Time
	if t.IsZero() {
		t = time.Now()
	}
	sig := Dict{
		"Type":      Name("Sig"),
		"Filter":    Name("Adobe.PPKLite"),
		"SubFilter": Name("ETSI.CAdES.detached"),
		"M":         String{Value: []byte(FormatDate(t))},
	}
	for k, v := range map[Name]string{"Name": opts.Name, "Reason": opts.Reason, "Location": opts.Location, "ContactInfo": opts.ContactInfo} {
		if v != "" {
			sig[k] = textString(v)
		}
	}
	p, err := f.prepareField(sig, opts.FieldName, "Signature", opts.ContentsSize, opts.Appearance)
	if err != nil {
		return nil, fmt.Errorf("pdf: prepare signature: %w", err)
	}
	return p, nil
}

// PrepareDocTimestamp appends a document timestamp field (ETSI EN 319
// 142-1: /Type /DocTimeStamp, SubFilter ETSI.RFC3161) whose /Contents
// will hold an RFC 3161 timestamp token over the byte range.
func (f *File) PrepareDocTimestamp(opts TimestampOptions) (*Prepared, error) {
	sig := Dict{
		"Type":      Name("DocTimeStamp"),
		"Filter":    Name("Adobe.PPKLite"),
		"SubFilter": Name("ETSI.RFC3161"),
	}
	p, err := f.prepareField(sig, opts.FieldName, "Timestamp", opts.ContentsSize, nil)
	if err != nil {
		return nil, fmt.Errorf("pdf: prepare document timestamp: %w", err)
	}
	return p, nil
}

func (f *File) prepareField(sig Dict, fieldName, prefix string, reserve int, app *Appearance) (*Prepared, error) {
	if reserve == 0 {
		reserve = DefaultContentsSize
	}
	if reserve < 0 || reserve > maxContentsSize {
		return nil, fmt.Errorf("contents size %d outside 1..%d", reserve, maxContentsSize)
	}
	brPH := &placeholder{text: bytes.Repeat([]byte{' '}, byteRangeWidth)}
	brPH.text[0], brPH.text[byteRangeWidth-1] = '[', ']'
	ctPH := &placeholder{text: make([]byte, 2+2*reserve)}
	for i := range ctPH.text {
		ctPH.text[i] = '0'
	}
	ctPH.text[0], ctPH.text[len(ctPH.text)-1] = '<', '>'
	sig["ByteRange"] = brPH
	sig["Contents"] = ctPH

	pageRef, page, err := f.FirstPage()
	if app != nil && app.Page == LastPage {
		pageRef, page, err = f.LastPage()
	}
	if err != nil {
		return nil, err
	}
	cat, err := f.editCatalog()
	if err != nil {
		return nil, err
	}
	inc := f.newIncrement()
	sigRef := inc.add(sig)

	af, afRef, err := f.acroForm(cat.dict)
	if err != nil {
		return nil, err
	}
	fields, err := f.topLevelFields(af)
	if err != nil {
		return nil, err
	}
	newAF := Dict{}
	if af != nil {
		newAF = af.Clone()
	}
	if existing, ok := fields[fieldName]; ok && fieldName != "" {
		// A template may carry an empty signature box for the signer;
		// signing it only sets its /V, leaving page and form alone.
		if app != nil {
			return nil, fmt.Errorf("field %q exists: an appearance can only be given to a new field", fieldName)
		}
		if err := f.fillField(inc, fieldName, existing, sigRef); err != nil {
			return nil, err
		}
	} else {
		for i := 1; fieldName == ""; i++ {
			if n := fmt.Sprintf("%s%d", prefix, i); fields[n] == nil {
				fieldName = n
			}
		}
		// One dictionary serves as both field and widget (ISO 32000-1
		// 12.5.6.19 allows merging them when the field has a single
		// widget). Rect [0 0 0 0] and the Print flag make it the
		// invisible signature that PAdES verifiers and viewers expect;
		// an Appearance gives it a box and a seal drawn in it instead.
		widget := Dict{
			"Type":    Name("Annot"),
			"Subtype": Name("Widget"),
			"FT":      Name("Sig"),
			"T":       textString(fieldName),
			"V":       sigRef,
			"Rect":    Array{Int(0), Int(0), Int(0), Int(0)},
			"F":       Int(4),
			"P":       pageRef,
		}
		// The increment keeps the dictionary itself: what is filled in
		// below is written too.
		widgetRef := inc.add(widget)
		annots := []Object{widgetRef}
		if app != nil {
			v, err := f.placeAppearance(inc, app, page)
			if err != nil {
				return nil, err
			}
			widget["Rect"] = v.rect
			widget["AP"] = Dict{"N": v.ap}
			if f.needAppearances(newAF) {
				// The widget keeps the box, which viewers tie to the
				// signature, with nothing drawn; the stamp shows the seal.
				blank, err := inc.blank(v)
				if err != nil {
					return nil, err
				}
				widget["AP"] = Dict{"N": blank}
				annots = append(annots, inc.add(sealStamp(v, pageRef, widgetRef, app.Lines)))
			}
		}
		newPage := page.Clone()
		pageChanged, err := f.appendToArray(inc, newPage, "Annots", annots...)
		if err != nil {
			return nil, fmt.Errorf("add widget to page %v: %w", pageRef, err)
		}
		if pageChanged {
			inc.set(pageRef, newPage)
		}
		if _, err := f.appendToArray(inc, newAF, "Fields", widgetRef); err != nil {
			return nil, fmt.Errorf("add field to AcroForm: %w", err)
		}
	}
	flags, _ := newAF["SigFlags"].(Int)
	newAF["SigFlags"] = flags | 3 // SignaturesExist | AppendOnly
	switch {
	case af != nil && bytes.Equal(canonical(af), canonical(newAF)):
		// Signing an existing field in a form already flagged: the form
		// stays as it is.
	case afRef != (Ref{}):
		inc.set(afRef, newAF)
	case af != nil:
		cat.dict["AcroForm"] = newAF
		cat.changed = true
	default:
		cat.dict["AcroForm"] = inc.add(newAF)
		cat.changed = true
	}
	if err := f.declareESIC(inc, cat); err != nil {
		return nil, err
	}
	cat.commit(inc)

	tail, err := inc.write()
	if err != nil {
		return nil, err
	}
	base := int64(len(f.data))
	start := base + int64(ctPH.at)
	end := start + int64(len(ctPH.text))
	br := [4]int64{0, start, end, base + int64(len(tail)) - end}
	text := fmt.Sprintf("[0 %d %d %d", br[1], br[2], br[3])
	copy(tail[brPH.at:], text)
	return &Prepared{base: f.data, tail: tail, byteRange: br, reserved: reserve}, nil
}

// acroForm returns the interactive form dictionary and, when it is an
// indirect object, its reference.
func (f *File) acroForm(cat Dict) (Dict, Ref, error) {
	afRef, _ := cat["AcroForm"].(Ref)
	o, err := f.Resolve(cat["AcroForm"])
	if err != nil {
		return nil, Ref{}, fmt.Errorf("read /AcroForm: %w", err)
	}
	switch d := o.(type) {
	case Dict:
		return d, afRef, nil
	case Null:
		return nil, Ref{}, nil
	default:
		return nil, Ref{}, fmt.Errorf("%w: /AcroForm is %T", ErrMalformed, o)
	}
}

// topLevelFields maps the names of the form's top-level fields to their
// entries in /Fields. A new field must not reuse one of these names: two
// fields with one name would be merged into a single field by readers.
func (f *File) topLevelFields(af Dict) (map[string]Object, error) {
	out := map[string]Object{}
	fields, err := f.Resolve(af["Fields"])
	if err != nil {
		return nil, fmt.Errorf("read /Fields: %w", err)
	}
	arr, _ := fields.(Array)
	for _, fo := range arr {
		d, err := f.Resolve(fo)
		if err != nil {
			return nil, fmt.Errorf("read field %v: %w", fo, err)
		}
		if fd, ok := d.(Dict); ok {
			if t, ok := fd["T"].(String); ok {
				out[decodeText(t.Value)] = fo
			}
		}
	}
	return out, nil
}

// fillField signs the existing field name, which must be an empty
// signature field stored as an indirect object.
func (f *File) fillField(inc *increment, name string, entry Object, sigRef Ref) error {
	ref, ok := entry.(Ref)
	if !ok {
		return fmt.Errorf("field %q exists and is not an indirect object", name)
	}
	o, err := f.Resolve(ref)
	if err != nil {
		return fmt.Errorf("read field %q: %w", name, err)
	}
	d, _ := o.(Dict)
	if d.Name("FT") != "Sig" {
		return fmt.Errorf("field %q exists and is not a signature field", name)
	}
	if _, signed := d["V"]; signed {
		return fmt.Errorf("field %q is already signed", name)
	}
	nd := d.Clone()
	nd["V"] = sigRef
	inc.set(ref, nd)
	return nil
}

// WriteIncrementSignedTo writes the bytes of the byte range that follow the file's
// own (File.Bytes, where every byte range begins) to w, typically a hash.Hash that
// has taken those already: a caller can so hash the file, the bulk of the work,
// while the signature is being prepared.
func (p *Prepared) WriteIncrementSignedTo(w io.Writer) (int64, error) {
	// The byte range is the base, the tail up to /Contents, and the tail
	// after it: /Contents always lies in the tail.
	cut := p.byteRange[1] - int64(len(p.base))
	var n int64
	for _, b := range [][]byte{p.tail[:cut], p.tail[cut+p.byteRange[2]-p.byteRange[1]:]} {
		m, err := w.Write(b)
		n += int64(m)
		if err != nil {
			return n, fmt.Errorf("pdf: write signed bytes: %w", err)
		}
	}
	return n, nil
}

// EmbedIncrement returns the increment, the bytes to append to the original
// file, with der written as hex into /Contents, zero-padded to the
// reservation. der must be one complete DER value; it fails with
// ErrContentsOverflow when der does not fit. A caller keeping revisions apart
// stores just these bytes; the new file is the original followed by them.
func (p *Prepared) EmbedIncrement(der []byte) ([]byte, error) {
	if len(der) == 0 {
		return nil, fmt.Errorf("pdf: embed: empty signature value")
	}
	if n, ok := derLength(der); !ok || n != len(der) {
		return nil, fmt.Errorf("pdf: embed: value is not a single DER element (%d bytes)", len(der))
	}
	if len(der) > p.reserved {
		return nil, fmt.Errorf("%w: %d bytes of DER, %d reserved", ErrContentsOverflow, len(der), p.reserved)
	}
	out := bytes.Clone(p.tail)
	hex.Encode(out[p.byteRange[1]+1-int64(len(p.base)):], der)
	return out, nil
}

// derLength returns the total length of the DER element at the start of
// b, so that the zero padding after a signature value can be removed.
func derLength(b []byte) (int, bool) {
	if len(b) < 2 {
		return 0, false
	}
	i := 1
	if b[0]&0x1f == 0x1f { // high tag number form
		for i < len(b) && b[i]&0x80 != 0 {
			i++
		}
		i++
	}
	if i >= len(b) {
		return 0, false
	}
	l := int(b[i])
	i++
	if l&0x80 != 0 {
		n := l & 0x7f
		if n == 0 || n > 4 || i+n > len(b) {
			return 0, false // indefinite or absurd lengths are not DER
		}
		l = 0
		for _, c := range b[i : i+n] {
			l = l<<8 | int(c)
		}
		i += n
	}
	if l < 0 || i+l > len(b) {
		return 0, false
	}
	return i + l, true
}

// FormatDate formats t as a PDF date string (ISO 32000-1 7.9.4), e.g.
// "D:20261124153000+09'00'".
func FormatDate(t time.Time) string {
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// ParseDate parses a PDF date string. Fields after the year may be
// omitted, as the specification allows; a missing zone means UTC.
func ParseDate(s string) (time.Time, error) {
	v := s
	if len(v) >= 2 && v[:2] == "D:" {
		v = v[2:]
	}
	digits := 0
	for digits < len(v) && digits < 14 && v[digits] >= '0' && v[digits] <= '9' {
		digits++
	}
	if digits < 4 || digits%2 != 0 {
		return time.Time{}, fmt.Errorf("pdf: bad date %q", s)
	}
	full := v[:digits] + "0101000000"[digits-4:]
	loc := time.UTC
	if rest := v[digits:]; rest != "" && rest != "Z" && rest != "Z00'00'" {
		off, ok := parseZone(rest)
		if !ok {
			return time.Time{}, fmt.Errorf("pdf: bad time zone in date %q", s)
		}
		loc = time.FixedZone("", off)
	}
	t, err := time.ParseInLocation("20060102150405", full, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("pdf: bad date %q: %w", s, err)
	}
	return t, nil
}

// parseZone parses the "+HH'mm'" suffix of a PDF date; the minutes and
// apostrophes are optional.
func parseZone(z string) (int, bool) {
	if len(z) < 3 || (z[0] != '+' && z[0] != '-') {
		return 0, false
	}
	num := func(s string) (int, bool) {
		if len(s) != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
			return 0, false
		}
		return int(s[0]-'0')*10 + int(s[1]-'0'), true
	}
	hh, ok := num(z[1:3])
	if !ok || hh > 23 {
		return 0, false
	}
	rest := strings.TrimPrefix(z[3:], "'")
	mm := 0
	if rest != "" {
		if mm, ok = num(rest[:min(2, len(rest))]); !ok || mm > 59 {
			return 0, false
		}
		if rest = rest[2:]; rest != "" && rest != "'" {
			return 0, false
		}
	}
	off := hh*3600 + mm*60
	if z[0] == '-' {
		off = -off
	}
	return off, true
}

// textString encodes s as a PDF text string: literal ASCII when possible,
// otherwise UTF-16BE with a byte order mark (needed for Japanese names).
func textString(s string) String {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		return String{Value: []byte(s)}
	}
	b := []byte{0xfe, 0xff}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return String{Value: b, Hex: true}
}

// decodeText decodes a PDF text string: UTF-16BE with a byte order mark,
// UTF-8 with one (PDF 2.0), or else PDFDocEncoding, read here as Latin-1,
// which agrees with it on every printable ASCII and most Latin letters.
func decodeText(b []byte) string {
	if len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff {
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return string(utf16.Decode(u))
	}
	if len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf {
		return string(b[3:])
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
