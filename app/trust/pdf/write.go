package pdf

import (
	"bytes"
	"fmt"
	"strconv"
)

// placeholder is a value written verbatim whose position in the output is
// recorded, so that /ByteRange and /Contents can be patched in place once
// the final layout of the increment is known.
type placeholder struct {
	text []byte
	at   int // offset in the output buffer, set when written
}

func (*placeholder) isObject() {}

// writer serialises objects. It only writes the forms this package needs
// and that every reader accepts: no line longer than necessary is a goal,
// not a requirement, since PDF has no line length limit.
type writer struct {
	buf *bytes.Buffer
}

func (w writer) object(o Object) error {
	switch v := o.(type) {
	case nil, Null:
		w.buf.WriteString("null")
	case Bool:
		if v {
			w.buf.WriteString("true")
		} else {
			w.buf.WriteString("false")
		}
	case Int:
		w.buf.WriteString(strconv.FormatInt(int64(v), 10))
	case Real:
		// PDF has no exponent notation; 'f' with the shortest exact digits
		// round-trips every value read from a file.
		w.buf.WriteString(strconv.FormatFloat(float64(v), 'f', -1, 64))
	case Name:
		writeName(w.buf, v)
	case String:
		if v.Hex {
			fmt.Fprintf(w.buf, "<%X>", v.Value)
		} else {
			writeLiteral(w.buf, v.Value)
		}
	case Array:
		w.buf.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				w.buf.WriteByte(' ')
			}
			if err := w.object(e); err != nil {
				return err
			}
		}
		w.buf.WriteByte(']')
	case Dict:
		w.buf.WriteString("<<")
		for _, k := range v.sortedKeys() {
			writeName(w.buf, k)
			w.buf.WriteByte(' ')
			if err := w.object(v[k]); err != nil {
				return err
			}
		}
		w.buf.WriteString(">>")
	case Ref:
		fmt.Fprintf(w.buf, "%d %d R", v.Num, v.Gen)
	case *Stream:
		d := v.Dict.Clone()
		d["Length"] = Int(len(v.Data))
		if err := w.object(d); err != nil {
			return err
		}
		w.buf.WriteString("\nstream\n")
		w.buf.Write(v.Data)
		w.buf.WriteString("\nendstream")
	case *placeholder:
		v.at = w.buf.Len()
		w.buf.Write(v.text)
	default:
		return fmt.Errorf("pdf: cannot write object of type %T", o)
	}
	return nil
}

func writeName(buf *bytes.Buffer, n Name) {
	buf.WriteByte('/')
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c < 0x21 || c > 0x7e || c == '#' || isDelim(c) {
			fmt.Fprintf(buf, "#%02X", c)
			continue
		}
		buf.WriteByte(c)
	}
}

func writeLiteral(buf *bytes.Buffer, s []byte) {
	buf.WriteByte('(')
	for _, c := range s {
		switch c {
		case '(', ')', '\\':
			buf.WriteByte('\\')
			buf.WriteByte(c)
		case '\r':
			// A raw CR would be read back as LF; escape it to keep the value.
			buf.WriteString(`\r`)
		case '\n':
			buf.WriteString(`\n`)
		default:
			buf.WriteByte(c)
		}
	}
	buf.WriteByte(')')
}

// canonical serialises o for comparison of two versions of an object.
func canonical(o Object) []byte {
	var buf bytes.Buffer
	if err := (writer{&buf}).object(o); err != nil {
		return []byte(err.Error())
	}
	return buf.Bytes()
}
