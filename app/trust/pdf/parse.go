package pdf

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strconv"
)

// maxDepth bounds the nesting of arrays and dictionaries. Real documents
// nest a handful of levels; the bound keeps a hostile file from exhausting
// the stack.
const maxDepth = 100

// parser reads PDF objects from a byte slice. It never copies the input:
// strings and stream data it returns may alias it.
type parser struct {
	b     []byte
	pos   int
	depth int
}

func isSpace(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ':
		return true
	}
	return false
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isRegular(c byte) bool { return !isSpace(c) && !isDelim(c) }

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: at offset %d: %s", ErrMalformed, p.pos, fmt.Sprintf(format, args...))
}

// skipSpace skips white space and comments.
func (p *parser) skipSpace() {
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		if isSpace(c) {
			p.pos++
			continue
		}
		if c == '%' {
			for p.pos < len(p.b) && p.b[p.pos] != '\n' && p.b[p.pos] != '\r' {
				p.pos++
			}
			continue
		}
		return
	}
}

// keyword reads a run of regular characters (a keyword or number).
func (p *parser) keyword() []byte {
	start := p.pos
	for p.pos < len(p.b) && isRegular(p.b[p.pos]) {
		p.pos++
	}
	return p.b[start:p.pos]
}

// expectKeyword skips space and consumes kw, which must end at a delimiter.
func (p *parser) expectKeyword(kw string) error {
	p.skipSpace()
	start := p.pos
	if got := p.keyword(); string(got) != kw {
		p.pos = start
		return p.errorf("expected %q, found %q", kw, truncate(got))
	}
	return nil
}

func truncate(b []byte) string {
	if len(b) > 20 {
		return string(b[:20]) + "..."
	}
	return string(b)
}

// unsigned reads a non-negative decimal integer token.
func (p *parser) unsigned() (int64, error) {
	p.skipSpace()
	start := p.pos
	tok := p.keyword()
	n, err := strconv.ParseInt(string(tok), 10, 64)
	if err != nil || n < 0 || len(tok) == 0 || tok[0] == '+' {
		p.pos = start
		return 0, p.errorf("expected a non-negative integer, found %q", truncate(tok))
	}
	return n, nil
}

// object parses one direct object (or an indirect reference).
func (p *parser) object() (Object, error) {
	p.skipSpace()
	if p.pos >= len(p.b) {
		return nil, p.errorf("unexpected end of data")
	}
	switch c := p.b[p.pos]; {
	case c == '/':
		return p.name()
	case c == '(':
		return p.literalString()
	case c == '<':
		if p.pos+1 < len(p.b) && p.b[p.pos+1] == '<' {
			return p.dict()
		}
		return p.hexString()
	case c == '[':
		return p.array()
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		return p.number()
	case isRegular(c):
		start := p.pos
		switch kw := string(p.keyword()); kw {
		case "true":
			return Bool(true), nil
		case "false":
			return Bool(false), nil
		case "null":
			return Null{}, nil
		default:
			p.pos = start
			return nil, p.errorf("unexpected keyword %q", truncate([]byte(kw)))
		}
	default:
		return nil, p.errorf("unexpected character %q", c)
	}
}

func (p *parser) number() (Object, error) {
	start := p.pos
	tok := p.keyword()
	if bytes.IndexByte(tok, '.') < 0 {
		n, err := strconv.ParseInt(string(tok), 10, 64)
		if err != nil {
			p.pos = start
			return nil, p.errorf("bad number %q", truncate(tok))
		}
		if n >= 0 && tok[0] != '+' && tok[0] != '-' {
			if r, ok := p.refAfter(n); ok {
				return r, nil
			}
		}
		return Int(n), nil
	}
	f, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		// Some producers write "-.5" or "5." which ParseFloat accepts; what
		// is left ("1.2.3", "--1") is broken beyond guessing.
		p.pos = start
		return nil, p.errorf("bad number %q", truncate(tok))
	}
	return Real(f), nil
}

// refAfter looks ahead for "gen R" after an object number; it leaves the
// position unchanged when the integer was not the start of a reference.
func (p *parser) refAfter(num int64) (Ref, bool) {
	save := p.pos
	p.skipSpace()
	tok := p.keyword()
	gen, err := strconv.ParseUint(string(tok), 10, 16)
	if err != nil || len(tok) == 0 || tok[0] == '+' || num > 1<<32-1 {
		p.pos = save
		return Ref{}, false
	}
	p.skipSpace()
	if p.pos < len(p.b) && p.b[p.pos] == 'R' && (p.pos+1 == len(p.b) || !isRegular(p.b[p.pos+1])) {
		p.pos++
		return Ref{Num: uint32(num), Gen: uint16(gen)}, true
	}
	p.pos = save
	return Ref{}, false
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (p *parser) name() (Object, error) {
	p.pos++ // '/'
	start := p.pos
	raw := p.keyword()
	if bytes.IndexByte(raw, '#') < 0 {
		return Name(raw), nil
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if raw[i] == '#' && i+2 < len(raw) {
			h, ok1 := unhex(raw[i+1])
			l, ok2 := unhex(raw[i+2])
			if ok1 && ok2 {
				out = append(out, h<<4|l)
				i += 2
				continue
			}
		}
		if raw[i] == '#' {
			p.pos = start
			return nil, p.errorf("bad escape in name %q", truncate(raw))
		}
		out = append(out, raw[i])
	}
	return Name(out), nil
}

func (p *parser) literalString() (Object, error) {
	p.pos++ // '('
	var out []byte
	depth := 1
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		p.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return String{Value: out}, nil
			}
		case '\r':
			// An end-of-line inside a string is read as a single LF.
			if p.pos < len(p.b) && p.b[p.pos] == '\n' {
				p.pos++
			}
			c = '\n'
		case '\\':
			if p.pos >= len(p.b) {
				return nil, p.errorf("unterminated string")
			}
			e := p.b[p.pos]
			p.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if p.pos < len(p.b) && p.b[p.pos] == '\n' {
					p.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for i := 0; i < 2 && p.pos < len(p.b) && p.b[p.pos] >= '0' && p.b[p.pos] <= '7'; i++ {
						v = v*8 + int(p.b[p.pos]-'0')
						p.pos++
					}
					c = byte(v)
				} else {
					c = e // \( \) \\ and unknown escapes: the character itself
				}
			}
		}
		out = append(out, c)
	}
	return nil, p.errorf("unterminated string")
}

func (p *parser) hexString() (Object, error) {
	p.pos++ // '<'
	// The common case, a signature's /Contents of thousands of digits among them,
	// is one unbroken even run: encoding/hex decodes it at once.
	if n := bytes.IndexByte(p.b[p.pos:], '>'); n > 0 && n%2 == 0 {
		out := make([]byte, n/2)
		if _, err := hex.Decode(out, p.b[p.pos:p.pos+n]); err == nil {
			p.pos += n + 1
			return String{Value: out, Hex: true}, nil
		}
	}
	var out []byte
	var hi byte
	half := false
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		p.pos++
		if c == '>' {
			if half {
				out = append(out, hi<<4)
			}
			return String{Value: out, Hex: true}, nil
		}
		if isSpace(c) {
			continue
		}
		v, ok := unhex(c)
		if !ok {
			return nil, p.errorf("bad character %q in hex string", c)
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return nil, p.errorf("unterminated hex string")
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errorf("objects nested deeper than %d levels", maxDepth)
	}
	return nil
}

func (p *parser) array() (Object, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.pos++ // '['
	arr := Array{}
	for {
		p.skipSpace()
		if p.pos >= len(p.b) {
			return nil, p.errorf("unterminated array")
		}
		if p.b[p.pos] == ']' {
			p.pos++
			return arr, nil
		}
		o, err := p.object()
		if err != nil {
			return nil, err
		}
		arr = append(arr, o)
	}
}

func (p *parser) dict() (Object, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	p.pos += 2 // "<<"
	d := Dict{}
	for {
		p.skipSpace()
		if p.pos >= len(p.b) {
			return nil, p.errorf("unterminated dictionary")
		}
		if p.b[p.pos] == '>' {
			if p.pos+1 < len(p.b) && p.b[p.pos+1] == '>' {
				p.pos += 2
				return d, nil
			}
			return nil, p.errorf("bad dictionary end")
		}
		if p.b[p.pos] != '/' {
			return nil, p.errorf("dictionary key is not a name")
		}
		k, err := p.name()
		if err != nil {
			return nil, err
		}
		v, err := p.object()
		if err != nil {
			return nil, err
		}
		// A null value means the same as an absent key (ISO 32000-1 7.3.7).
		if _, isNull := v.(Null); !isNull {
			d[k.(Name)] = v
		}
	}
}

// indirectHeader parses "num gen obj" at the current position.
func (p *parser) indirectHeader() (Ref, error) {
	num, err := p.unsigned()
	if err != nil {
		return Ref{}, err
	}
	gen, err := p.unsigned()
	if err != nil {
		return Ref{}, err
	}
	if num > 1<<32-1 || gen > 65535 {
		return Ref{}, p.errorf("object number %d %d out of range", num, gen)
	}
	if err := p.expectKeyword("obj"); err != nil {
		return Ref{}, err
	}
	return Ref{Num: uint32(num), Gen: uint16(gen)}, nil
}

// streamStart consumes the "stream" keyword and its end-of-line if present
// after a dictionary, and reports where the data begins.
func (p *parser) streamStart() (int, bool) {
	save := p.pos
	p.skipSpace()
	if !bytes.HasPrefix(p.b[p.pos:], []byte("stream")) {
		p.pos = save
		return 0, false
	}
	p.pos += len("stream")
	// The keyword is followed by CRLF or LF; a lone CR is invalid but
	// written by some producers, so it is accepted too.
	if p.pos < len(p.b) && p.b[p.pos] == '\r' {
		p.pos++
	}
	if p.pos < len(p.b) && p.b[p.pos] == '\n' {
		p.pos++
	}
	return p.pos, true
}
