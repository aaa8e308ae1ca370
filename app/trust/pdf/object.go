package pdf

import (
	"fmt"
	"sort"
)

// Object is a PDF object: one of Null, Bool, Int, Real, Name, String,
// Array, Dict, Ref or *Stream.
type Object interface {
	isObject()
}

// Null is the PDF null object.
type Null struct{}

// Bool is a PDF boolean.
type Bool bool

// Int is a PDF integer.
type Int int64

// Real is a PDF real number.
type Real float64

// Name is a PDF name, without the leading slash and with #xx escapes decoded.
type Name string

// String is a PDF string. Hex records whether it was (or is to be) written
// as a hexadecimal string, so that rewriting an object keeps its form.
type String struct {
	Value []byte
	Hex   bool
}

// Array is a PDF array.
type Array []Object

// Dict is a PDF dictionary. Keys are written in sorted order so that the
// output is deterministic.
type Dict map[Name]Object

// Ref is an indirect reference "Num Gen R".
type Ref struct {
	Num uint32
	Gen uint16
}

// Stream is a PDF stream: its dictionary and its still-encoded data. Data
// is not decoded when a file is opened, so that opening a large file does
// not inflate every content stream.
type Stream struct {
	Dict Dict
	Data []byte
}

func (Null) isObject()    {}
func (Bool) isObject()    {}
func (Int) isObject()     {}
func (Real) isObject()    {}
func (Name) isObject()    {}
func (String) isObject()  {}
func (Array) isObject()   {}
func (Dict) isObject()    {}
func (Ref) isObject()     {}
func (*Stream) isObject() {}

// String formats the reference as it appears in a PDF.
func (r Ref) String() string { return fmt.Sprintf("%d %d R", r.Num, r.Gen) }

// Clone returns a shallow copy of d, so that an object read from a file can
// be changed for an increment without altering the cached original.
func (d Dict) Clone() Dict {
	c := make(Dict, len(d))
	for k, v := range d {
		c[k] = v
	}
	return c
}

// Name returns the value of key if it is a name, or "".
func (d Dict) Name(key Name) Name {
	n, _ := d[key].(Name)
	return n
}

// sortedKeys returns the keys of d in byte order; writing in this order
// makes output and object comparison deterministic.
func (d Dict) sortedKeys() []Name {
	keys := make([]Name, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}
