package data

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// A document record is its versioned JSON (the "v" field, the fields of Document, read
// by the migrations and every reader as JSON), stored deflated: the JSON of a document
// is 700 bytes of field names and values most documents share, which the documents
// bucket held over a million times. The stored value is an envelope:
//
//	'{' …            the JSON itself, as every record was written before deflating came;
//	                 it stays readable as it is, forever, so no migration rewrites the
//	                 old records (a record is deflated the next time it is written)
//	0x00 D stream    the JSON, raw deflate (RFC 1951) with preset dictionary version D
//
// The dictionaries are part of the format: a released one never changes, a better one
// gets the next version byte and old records keep reading with theirs. `inkan
// show-record` prints a stored record as its JSON.
//
// encodeDocument and decodeDocument are the one place that turns a document into its
// stored value and back: every read of the documents bucket goes through
// decodeDocument.
const (
	envelopeDeflate = 0x00

	// documentDictionary is the version new records are written with.
	documentDictionary = 1
)

// documentDictionaries are the preset dictionaries by version.
var documentDictionaries = map[byte][]byte{
	1: []byte(documentDictionaryV1),
}

// flate.NewWriterDict allocates about a megabyte; Reset keeps the level and dictionary.
var documentWriters = sync.Pool{New: func() any {
	w, err := flate.NewWriterDict(nil, flate.DefaultCompression, documentDictionaries[documentDictionary])
	if err != nil {
		panic(err) // only for an invalid level
	}
	return w
}}

// documentReaders hold a flate reader (a flate.Resetter, given the dictionary on each
// Reset) and the buffers a decode uses.
type documentReader struct {
	src  bytes.Reader
	fr   io.ReadCloser
	json bytes.Buffer
}

var documentReaders = sync.Pool{New: func() any { return &documentReader{} }}

// encodeDocument is the stored value of a document record: its JSON deflated with the
// current dictionary.
func encodeDocument(d *Document) ([]byte, error) {
	js, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	return deflateDocument(js)
}

func deflateDocument(js []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(js)/3 + 16)
	out.WriteByte(envelopeDeflate)
	out.WriteByte(documentDictionary)
	w := documentWriters.Get().(*flate.Writer)
	defer documentWriters.Put(w)
	w.Reset(&out)
	if _, err := w.Write(js); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// decodeDocument decodes the stored value of a document record into v (a Document, or
// a struct of the few fields a reader needs).
func decodeDocument(raw []byte, v any) error {
	if len(raw) > 0 && raw[0] == '{' {
		return json.Unmarshal(raw, v)
	}
	r := documentReaders.Get().(*documentReader)
	defer documentReaders.Put(r)
	js, err := r.inflate(raw)
	if err != nil {
		return err
	}
	return json.Unmarshal(js, v)
}

// documentJSON is the JSON of a stored document record, in a buffer of its own.
func documentJSON(raw []byte) ([]byte, error) {
	if len(raw) > 0 && raw[0] == '{' {
		return bytes.Clone(raw), nil
	}
	r := documentReaders.Get().(*documentReader)
	defer documentReaders.Put(r)
	js, err := r.inflate(raw)
	return bytes.Clone(js), err
}

// inflate returns the JSON in an envelope, in r's buffer (valid until r is used again).
func (r *documentReader) inflate(raw []byte) ([]byte, error) {
	if len(raw) < 2 || raw[0] != envelopeDeflate {
		return nil, fmt.Errorf("unknown record encoding (first byte %#x)", raw[:min(len(raw), 1)])
	}
	dict, ok := documentDictionaries[raw[1]]
	if !ok {
		return nil, fmt.Errorf("unknown dictionary version %d (written by a newer inkan?)", raw[1])
	}
	r.src.Reset(raw[2:])
	if r.fr == nil {
		r.fr = flate.NewReaderDict(&r.src, dict)
	} else if err := r.fr.(flate.Resetter).Reset(&r.src, dict); err != nil {
		return nil, err
	}
	r.json.Reset()
	if _, err := r.json.ReadFrom(r.fr); err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	return r.json.Bytes(), nil
}

// RecordJSON is the stored value of key in bucket as JSON, for reading the store by
// hand (`inkan show-record`): a document record inflated, any other JSON record as it
// is, a nested bucket (a company's bucket of a company index) as the list of its keys,
// and a value that is not JSON (a sequence, the schema version) as a string of its
// bytes in hex.
func (tx *Tx) RecordJSON(bucket, key string) ([]byte, error) {
	b := tx.tx.Bucket([]byte(bucket))
	if b == nil {
		return nil, fmt.Errorf("data: no bucket %q", bucket)
	}
	if nested := b.Bucket([]byte(key)); nested != nil {
		keys := []string{}
		nested.ForEach(func(k, _ []byte) error { keys = append(keys, string(k)); return nil })
		return json.Marshal(keys)
	}
	raw := b.Get([]byte(key))
	if raw == nil {
		return nil, fmt.Errorf("data: %s/%s: %w", bucket, key, ErrNotFound)
	}
	if bucket == string(bucketDocuments) {
		js, err := documentJSON(raw)
		if err != nil {
			return nil, fmt.Errorf("data: decode %s/%s: %w", bucket, key, err)
		}
		return js, nil
	}
	if json.Valid(raw) {
		return bytes.Clone(raw), nil
	}
	return json.Marshal(fmt.Sprintf("%x", raw))
}
