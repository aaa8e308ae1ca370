package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
)

// maxDecoded bounds the output of one decoded stream so that a small
// "zip bomb" cannot exhaust memory. Xref streams, object streams and DSS
// entries, the only streams this package decodes, are far smaller.
const maxDecoded = 64 << 20

// DecodeStream returns the decoded data of s. Only FlateDecode (with or
// without PNG predictors) is supported, which covers what this package
// needs to read: cross-reference streams, object streams and DSS entries.
func (f *File) DecodeStream(s *Stream) ([]byte, error) {
	filters, err := f.resolveArray(s.Dict["Filter"])
	if err != nil {
		return nil, fmt.Errorf("read /Filter: %w", err)
	}
	parms, err := f.resolveArray(s.Dict["DecodeParms"])
	if err != nil {
		return nil, fmt.Errorf("read /DecodeParms: %w", err)
	}
	data := s.Data
	for i, fo := range filters {
		name, ok := fo.(Name)
		if !ok {
			return nil, fmt.Errorf("%w: filter is %T, not a name", ErrMalformed, fo)
		}
		var parm Dict
		if i < len(parms) {
			r, err := f.Resolve(parms[i])
			if err != nil {
				return nil, fmt.Errorf("read decode parameters: %w", err)
			}
			parm, _ = r.(Dict)
		}
		switch name {
		case "FlateDecode", "Fl":
			if data, err = inflate(data); err != nil {
				return nil, err
			}
			if data, err = f.unpredict(data, parm); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%w: stream filter /%s", ErrUnsupported, name)
		}
	}
	return data, nil
}

// resolveArray turns a single object or an array of objects into a slice,
// the two forms /Filter and /DecodeParms may take.
func (f *File) resolveArray(o Object) (Array, error) {
	r, err := f.Resolve(o)
	if err != nil {
		return nil, err
	}
	switch v := r.(type) {
	case Null:
		return nil, nil
	case Array:
		return v, nil
	default:
		return Array{v}, nil
	}
}

func inflate(data []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: flate stream: %v", ErrMalformed, err)
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, maxDecoded+1))
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("%w: flate stream: %v", ErrMalformed, err)
	}
	// A missing checksum or trailing garbage after complete data is common
	// in the wild and harmless; data that inflated is kept.
	if len(out) > maxDecoded {
		return nil, fmt.Errorf("%w: stream inflates beyond %d bytes", ErrUnsupported, maxDecoded)
	}
	return out, nil
}

func (f *File) intParam(d Dict, key Name, def int64) int64 {
	if d == nil {
		return def
	}
	o, err := f.Resolve(d[key])
	if err != nil {
		return def
	}
	if v, ok := o.(Int); ok {
		return int64(v)
	}
	return def
}

// unpredict undoes a PNG predictor (Predictor >= 10), the one xref streams
// use in practice.
func (f *File) unpredict(data []byte, parm Dict) ([]byte, error) {
	pred := f.intParam(parm, "Predictor", 1)
	if pred == 1 {
		return data, nil
	}
	if pred < 10 {
		return nil, fmt.Errorf("%w: predictor %d", ErrUnsupported, pred)
	}
	colors := f.intParam(parm, "Colors", 1)
	bpc := f.intParam(parm, "BitsPerComponent", 8)
	cols := f.intParam(parm, "Columns", 1)
	if colors < 1 || colors > 32 || bpc < 1 || bpc > 16 || cols < 1 || cols > 1<<24 {
		return nil, fmt.Errorf("%w: bad predictor parameters", ErrMalformed)
	}
	bpp := int((colors*bpc + 7) / 8)
	rowLen := int((colors*bpc*cols + 7) / 8)
	if rowLen > len(data) {
		// Not even one row: the parameters are wrong, and allocating a row
		// buffer of their size could be made arbitrarily large.
		return nil, fmt.Errorf("%w: predictor rows of %d bytes in %d bytes of data", ErrMalformed, rowLen, len(data))
	}
	out := make([]byte, 0, len(data))
	prev := make([]byte, rowLen)
	for len(data) > 0 {
		if len(data) < rowLen+1 {
			// A short last row is tolerated the way other readers do.
			break
		}
		typ, row := data[0], append([]byte(nil), data[1:rowLen+1]...)
		data = data[rowLen+1:]
		for i := range row {
			var left, upLeft byte
			if i >= bpp {
				left, upLeft = row[i-bpp], prev[i-bpp]
			}
			up := prev[i]
			switch typ {
			case 0:
			case 1:
				row[i] += left
			case 2:
				row[i] += up
			case 3:
				row[i] += byte((int(left) + int(up)) / 2)
			case 4:
				row[i] += paeth(left, up, upLeft)
			default:
				return nil, fmt.Errorf("%w: PNG filter type %d", ErrMalformed, typ)
			}
		}
		out = append(out, row...)
		prev = row
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
