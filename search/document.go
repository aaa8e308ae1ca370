package search

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// An entry's bleve document is built here directly, with its terms already analysed,
// instead of handing bleve a map to walk by reflection and analyse field by field.
// Bulk indexing is mostly the cost of small allocations per term (a token, a frequency,
// a location, a map entry) and of collecting them again; building the terms of an
// entry into a few shared slices keeps that to a couple of dozen allocations per entry.
// The fields and their options are those of indexMapping, which stays the mapping
// stored with every index.

// field is a document field whose terms are known: Analyze has nothing left to do.
type field struct {
	name   string
	opts   index.FieldIndexingOptions
	length int // number of tokens
	freqs  index.TokenFrequencies
}

func (f *field) Name() string                                     { return f.name }
func (f *field) ArrayPositions() []uint64                         { return nil }
func (f *field) Options() index.FieldIndexingOptions              { return f.opts }
func (f *field) Analyze()                                         {}
func (f *field) Value() []byte                                    { return nil } // nothing is stored
func (f *field) NumPlainTextBytes() uint64                        { return 0 }
func (f *field) EncodedFieldType() byte                           { return 't' }
func (f *field) AnalyzedLength() int                              { return f.length }
func (f *field) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }

// Size is what the field holds in memory, for bleve's accounting of batches.
func (f *field) Size() int {
	n := 64 + len(f.name)
	for t := range f.freqs {
		n += 48 + 2*len(t)
	}
	return n
}

const keywordOptions = index.IndexField | index.SkipFreqNorm

// token is one term of an entry while its document is put together: bytes start:end
// of the entry's term buffer, in field f (an index of fields).
type token struct {
	f          int
	start, end int
}

// fields are the index's fields with their options, in the order of token.f.
var fields = [...]struct {
	name string
	opts index.FieldIndexingOptions
}{
	{fieldKeys, keywordOptions},
	{fieldText, keywordOptions},
	{fieldColumns, keywordOptions},
	{fieldTitle, keywordOptions},
}

// fieldIndex is the number of the field named name in fields.
func fieldIndex(name string) int {
	for i, f := range fields {
		if f.name == name {
			return i
		}
	}
	panic("search: no field " + name)
}

// termSet collects the terms of one entry. It is scratch space, reused through
// termSets: what the index keeps is copied out of it by addTo.
type termSet struct {
	buf    []byte
	tokens []token
}

var termSets = sync.Pool{New: func() any { return &termSet{buf: make([]byte, 0, 1024), tokens: make([]token, 0, 64)} }}

// keyword adds the term of v under k; an empty value adds nothing.
func (s *termSet) keyword(k key, v string) {
	if v == "" {
		return
	}
	f := fieldIndex(k.field)
	start := len(s.buf)
	s.buf = append(s.buf, k.prefix...)
	s.buf = append(s.buf, v...)
	s.tokens = append(s.tokens, token{f: f, start: start, end: len(s.buf)})
}

// substring adds a normalised text under k: the whole text, and with a pairs key every
// pair of adjacent characters and the last character alone, each with the key's
// prefix ("工事契約" → 工事 事契 契約 約). Positions are left out: they would cost every
// pair a location to write and merge, while the whole text answers what they would
// (see substringQuery).
func (s *termSet) substring(k substringKeys, v string) {
	if v == "" {
		return
	}
	s.keyword(k.whole, v)
	if k.pairs.field == "" {
		return
	}
	f := fieldIndex(k.pairs.field)
	for i := 0; i < len(v); {
		_, w1 := utf8.DecodeRuneInString(v[i:])
		end := i + w1
		if end < len(v) {
			_, w2 := utf8.DecodeRuneInString(v[end:])
			end += w2
		}
		start := len(s.buf)
		s.buf = append(s.buf, k.pairs.prefix...)
		s.buf = append(s.buf, v[i:end]...)
		s.tokens = append(s.tokens, token{f: f, start: start, end: len(s.buf)})
		i += w1
	}
}

func (s *termSet) date(k key, t time.Time) {
	if v, ok := dayTerm(t); ok {
		s.keyword(k, v)
	}
}

// addEntry appends the fields of an entry to doc: what the index holds of it, texts
// normalised here (the title once per document, by Entries) and empty values left out.
func addEntry(doc *document.Document, e Entry) {
	s := termSets.Get().(*termSet)
	defer func() {
		s.buf, s.tokens = s.buf[:0], s.tokens[:0]
		termSets.Put(s)
	}()
	title := e.normTitle
	if e.normFrom != e.Title {
		title = Normalize(e.Title)
	}
	s.keyword(keyParty, e.Company+"/"+e.Side)
	s.substring(substringTitle, title)
	s.substring(substringGroupTag.forCompany(e.Company), Normalize(e.GroupTag))
	s.substring(substringDept.forCompany(e.Company), Normalize(e.Dept))
	s.keyword(keyCounterparty, e.Counterparty)
	s.keyword(keyStatus, e.Status)
	s.keyword(keyOrderSide, e.OrderSide)
	s.keyword(keyUser, e.UserID)
	s.keyword(keyTurn, e.Turn)
	for _, u := range e.Participants {
		s.keyword(keyParticipant, u)
	}
	if e.Amount != nil {
		s.keyword(keyAmount, amountTerm(*e.Amount))
	}
	s.date(keyContractDate, e.ContractDate)
	s.date(keyStorageStart, e.StorageStart)
	s.date(keyStorageEnd, e.StorageEnd)
	s.date(keyUpdated, e.Updated)
	s.date(keyAssigned, e.Assigned)
	s.addTo(doc)
}

// addTo appends the fields to doc. All terms share one string (for the frequency maps'
// keys) and one byte slice (for the terms); the frequencies come from one slice. A
// term repeated in a field (a pair that occurs twice) is one frequency entry: without
// frequencies or positions there is nothing to count.
func (s *termSet) addTo(doc *document.Document) {
	keys := string(s.buf)
	terms := []byte(keys)
	var counts [len(fields)]int
	for _, t := range s.tokens {
		counts[t.f]++
	}
	out := make([]field, len(fields))
	for i, f := range fields {
		out[i] = field{name: f.name, opts: f.opts, length: counts[i]}
		if counts[i] > 0 {
			out[i].freqs = make(index.TokenFrequencies, counts[i])
		}
	}
	freqs := make([]index.TokenFreq, len(s.tokens))
	for i, t := range s.tokens {
		f := &out[t.f]
		key := keys[t.start:t.end]
		if f.freqs[key] == nil {
			freqs[i].Term = terms[t.start:t.end:t.end]
			f.freqs[key] = &freqs[i]
		}
	}
	doc.Fields = slices.Grow(doc.Fields, len(out)+1) // and the _id bleve adds
	for i := range out {
		if counts[i] > 0 {
			doc.AddField(&out[i])
		}
	}
}

// entryDocument is the bleve document of an entry.
func entryDocument(e Entry) *document.Document {
	doc := document.NewDocument(docKey(e.Company, e.ID))
	addEntry(doc, e)
	return doc
}

// entryMapping is the mapping a Loader's builders write with: an Entry becomes its
// prepared fields (addEntry), and everything else, including what is stored in the
// index, is indexMapping.
type entryMapping struct{ mapping.IndexMapping }

func (m entryMapping) MapDocument(doc *document.Document, data any) error {
	e, ok := data.(Entry)
	if !ok {
		return fmt.Errorf("search: cannot index a %T", data)
	}
	addEntry(doc, e)
	return nil
}

func (m entryMapping) MarshalJSON() ([]byte, error) { return json.Marshal(m.IndexMapping) }
