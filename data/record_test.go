package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// documentDictionaryV1SHA256 pins dictionary version 1: records written with it need
// exactly these bytes to be read. A better dictionary is a new version, never an edit.
const documentDictionaryV1SHA256 = "6e17115b07bc18b7c28cf4700da0d9723f580a5b1ecbfe2539d12a796de563ba"

func TestDocumentDictionaryV1NeverChanges(t *testing.T) {
	sum := sha256.Sum256([]byte(documentDictionaryV1))
	if got := hex.EncodeToString(sum[:]); got != documentDictionaryV1SHA256 {
		t.Errorf("dictionary version 1 changed (sha256 %s): records written with it would not read; add a version instead", got)
	}
}

// sampleDocument is a document with every part of the record filled.
func sampleDocument() Document {
	at := time.Date(2026, 4, 1, 9, 0, 0, 123456789, time.FixedZone("JST", 9*3600))
	day := time.Date(2026, 4, 1, 0, 0, 0, 0, time.FixedZone("JST", 9*3600))
	amount := int64(12_000_000)
	return Document{
		V: documentVersion, ID: "0000000042", Title: "第２期電気工事 覚書", Amount: &amount, ContractDate: day, Status: "完了",
		Sender: Party{CompanyID: "C000001", Dept: "工務部", UserID: "U000001", OrderSide: OrderSideBuyer, GroupTag: "PJ-0001",
			Route: &Route{Approvers: []Step{{UserID: "U000002", DoneAt: &at, Comment: "確認しました"}}, Signer: Step{UserID: "U000003", DoneAt: &at}}},
		Receiver: Party{CompanyID: "C000002", UserID: "U000010", Route: &Route{Signer: Step{UserID: "U000011"}}},
		SentAt:   &at, StorageStart: day, StorageEnd: day.AddDate(10, 0, 0), CreatedAt: at, UpdatedAt: at, Version: 7,
		Revisions: []Revision{
			{File: FileRef{SHA256: strings.Repeat("ab", 32), Name: "覚書.pdf", Size: 123456}, Kind: RevisionOriginal, At: at, CompanyID: "C000001", UserID: "U000001"},
			{File: FileRef{SHA256: strings.Repeat("cd", 32), Name: "覚書.pdf", Size: 2345}, Increment: true, Kind: RevisionSignature, At: at},
		},
		History: []HistoryEvent{{At: at, CompanyID: "C000001", UserID: "U000001", Action: "register", Status: "下書き"}},
	}
}

func TestDocumentRecordIsDeflatedJSON(t *testing.T) {
	d := sampleDocument()
	raw, err := encodeDocument(&d)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(d)
	if raw[0] != envelopeDeflate || raw[1] != documentDictionary || len(raw) >= len(js)/2 {
		t.Errorf("stored %d bytes starting %x for %d bytes of JSON", len(raw), raw[:2], len(js))
	}
	var back Document
	if err := decodeDocument(raw, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(normalize(t, back), normalize(t, d)) {
		t.Errorf("read back\n%+v\nwant\n%+v", back, d)
	}
	if got, err := documentJSON(raw); err != nil || !bytes.Equal(got, js) {
		t.Errorf("the record's JSON: %s %v\nwant %s", got, err, js)
	}
	// A plain JSON record (as every record was stored before) reads as it is.
	if err := decodeDocument(js, &back); err != nil || back.Title != d.Title {
		t.Errorf("plain JSON: %+v %v", back, err)
	}
	for _, bad := range [][]byte{{envelopeDeflate, 99, 1, 2}, {7, 1}, {envelopeDeflate, documentDictionary, 0xff, 0xff}, nil} {
		if err := decodeDocument(bad, &back); err == nil {
			t.Errorf("%x decoded", bad)
		}
	}
}

// normalize makes times comparable: a decoded time has a zone of its own.
func normalize(t *testing.T, d Document) string {
	t.Helper()
	js, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// TestPlainDocumentRecordsReadEverywhere: a store holding a record written before
// documents were deflated reads it through every reader of the documents bucket, and
// the next write of the document deflates it.
func TestPlainDocumentRecordsReadEverywhere(t *testing.T) {
	s := openTemp(t)
	var a, b Company
	err := s.Update(func(tx *Tx) error {
		for _, c := range []*Company{&a, &b} {
			if err := tx.CreateCompany(c); err != nil {
				return err
			}
		}
		d := sampleDocument()
		d.Sender.CompanyID, d.Receiver.CompanyID, d.StorageStart, d.Version = a.ID, b.ID, time.Time{}, 1
		if err := tx.Tenant(a.ID).CreateDocument(&d); err != nil {
			return err
		}
		js, err := json.Marshal(d)
		if err != nil {
			return err
		}
		return tx.bucket(bucketDocuments).Put([]byte(d.ID), js)
	})
	if err != nil {
		t.Fatal(err)
	}
	const id = "0000000001"
	stored := func() []byte {
		var raw []byte
		s.View(func(tx *Tx) error { raw = bytes.Clone(tx.bucket(bucketDocuments).Get([]byte(id))); return nil })
		return raw
	}
	if raw := stored(); raw[0] != '{' {
		t.Fatalf("the record was not stored as plain JSON: %x", raw[:2])
	}
	var d Document
	s.View(func(tx *Tx) error {
		var err error
		if d, err = tx.Tenant(b.ID).Document(id); err != nil || d.Title != "第２期電気工事 覚書" {
			t.Errorf("Document: %+v %v", d, err)
		}
		if all, err := tx.DocumentsAfter("", 10); err != nil || len(all) != 1 || all[0].Title != d.Title {
			t.Errorf("DocumentsAfter: %v %v", all, err)
		}
		if sums, err := tx.FileSums(); err != nil || len(sums) != 2 {
			t.Errorf("FileSums: %v %v", sums, err)
		}
		if js, err := tx.RecordJSON("documents", id); err != nil || !json.Valid(js) || !bytes.Contains(js, []byte(`"title":"第２期電気工事 覚書"`)) {
			t.Errorf("RecordJSON: %s %v", js, err)
		}
		return nil
	})
	d.Title = "第２期電気工事 変更覚書"
	if err := s.Update(func(tx *Tx) error { _, err := tx.Tenant(a.ID).PutDocument(d); return err }); err != nil {
		t.Fatal(err)
	}
	if raw := stored(); raw[0] != envelopeDeflate {
		t.Errorf("the written record is not deflated: %q", raw)
	}
	s.View(func(tx *Tx) error {
		if got, err := tx.Tenant(a.ID).Document(id); err != nil || got.Title != d.Title || len(got.Revisions) != 2 {
			t.Errorf("after the write: %+v %v", got, err)
		}
		if sums, err := tx.FileSums(); err != nil || len(sums) != 2 {
			t.Errorf("FileSums after the write: %v %v", sums, err)
		}
		if js, err := tx.RecordJSON("documents", id); err != nil || !bytes.Contains(js, []byte(`"title":"第２期電気工事 変更覚書"`)) {
			t.Errorf("RecordJSON after the write: %s %v", js, err)
		}
		return nil
	})
}

func TestRecordJSONOfOtherBuckets(t *testing.T) {
	s := openTemp(t)
	var c Company
	err := s.Update(func(tx *Tx) error {
		if err := tx.CreateCompany(&c); err != nil {
			return err
		}
		return tx.Tenant(c.ID).CreateDocument(&Document{Title: "注文書"})
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		bucket, key, want string
	}{
		{"companies", c.ID, `"id":"` + c.ID + `"`},
		{"documents_by_company", c.ID, `["0000000001"]`},
		{"meta", "schema_version", `"00000000000000`},
	}
	s.View(func(tx *Tx) error {
		for _, tt := range tests {
			if js, err := tx.RecordJSON(tt.bucket, tt.key); err != nil || !json.Valid(js) || !strings.Contains(string(js), tt.want) {
				t.Errorf("%s/%s: %s %v, want %s in it", tt.bucket, tt.key, js, err, tt.want)
			}
		}
		if _, err := tx.RecordJSON("documents", "0000000009"); err == nil {
			t.Error("a missing record was shown")
		}
		if _, err := tx.RecordJSON("no_such_bucket", "x"); err == nil {
			t.Error("a missing bucket was shown")
		}
		return nil
	})
}

// BenchmarkDocumentRecord encodes and decodes one document record of the common
// shape (a completed document with both routes, no revisions).
func BenchmarkDocumentRecord(b *testing.B) {
	d := sampleDocument()
	d.Revisions, d.History = nil, nil
	b.ReportAllocs()
	var size int
	for b.Loop() {
		raw, err := encodeDocument(&d)
		if err != nil {
			b.Fatal(err)
		}
		size = len(raw)
		var back Document
		if err := decodeDocument(raw, &back); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size), "stored-B")
}

// BenchmarkDocumentRecordJSON is BenchmarkDocumentRecord without deflate, to compare.
func BenchmarkDocumentRecordJSON(b *testing.B) {
	d := sampleDocument()
	d.Revisions, d.History = nil, nil
	b.ReportAllocs()
	var size int
	for b.Loop() {
		raw, err := json.Marshal(&d)
		if err != nil {
			b.Fatal(err)
		}
		size = len(raw)
		var back Document
		if err := json.Unmarshal(raw, &back); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size), "stored-B")
}

// BenchmarkDocumentDecode is the read side alone: what a list page pays per record not
// in the memo.
func BenchmarkDocumentDecode(b *testing.B) {
	d := sampleDocument()
	d.Revisions, d.History = nil, nil
	raw, err := encodeDocument(&d)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var back Document
		if err := decodeDocument(raw, &back); err != nil {
			b.Fatal(err)
		}
	}
}
