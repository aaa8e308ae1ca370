package data

import (
	"errors"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestDocumentIsSeenByItsPartiesOnly(t *testing.T) {
	s := openTemp(t)
	var a, b, c Company
	d := Document{Title: "工事請負契約書", Receiver: Party{CompanyID: "C000002", Dept: "工務部"}}
	err := s.Update(func(tx *Tx) error {
		for _, co := range []*Company{&a, &b, &c} {
			if err := tx.CreateCompany(co); err != nil {
				return err
			}
		}
		return tx.Tenant(a.ID).CreateDocument(&d)
	})
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != "0000000001" || d.Sender.CompanyID != a.ID {
		t.Fatalf("created %+v", d)
	}
	visible := func(company string) bool {
		var err error
		s.View(func(tx *Tx) error { _, err = tx.Tenant(company).Document(d.ID); return nil })
		return err == nil
	}
	if !visible(a.ID) || visible(b.ID) || visible(c.ID) {
		t.Errorf("before sending: sender %v receiver %v other %v", visible(a.ID), visible(b.ID), visible(c.ID))
	}
	now := time.Now()
	d.SentAt = &now
	if err := s.Update(func(tx *Tx) error { _, err := tx.Tenant(a.ID).PutDocument(d); return err }); err != nil {
		t.Fatal(err)
	}
	if !visible(a.ID) || !visible(b.ID) || visible(c.ID) {
		t.Errorf("after sending: sender %v receiver %v other %v", visible(a.ID), visible(b.ID), visible(c.ID))
	}
	s.View(func(tx *Tx) error {
		if ids := tx.Tenant(b.ID).DocumentIDs(); !slices.Equal(ids, []string{d.ID}) {
			t.Errorf("receiver lists %v", ids)
		}
		return nil
	})
	err = s.Update(func(tx *Tx) error { d.Title = "改ざん"; _, err := tx.Tenant(c.ID).PutDocument(d); return err })
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("a third company wrote the document: %v", err)
	}
	err = s.Update(func(tx *Tx) error { d.Receiver.CompanyID = c.ID; _, err := tx.Tenant(a.ID).PutDocument(d); return err })
	if err == nil {
		t.Error("the receiver was changed")
	}
}

func TestParticipantsAreEachRoleOfTheCompanysSide(t *testing.T) {
	sent := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	route := func(signer string, approvers ...string) *Route {
		r := &Route{Signer: Step{UserID: signer}}
		for _, a := range approvers {
			r.Approvers = append(r.Approvers, Step{UserID: a})
		}
		return r
	}
	draft := Document{
		Sender:   Party{CompanyID: "C1", UserID: "U1", Route: route("U3", "U2", "U1")},
		Receiver: Party{CompanyID: "C2", UserID: "U7"},
	}
	received := draft
	received.SentAt = &sent
	received.Receiver.Route = route("U9", "U8")
	tests := []struct {
		name    string
		d       Document
		company string
		want    []string
	}{
		{"the sender's 担当者, approvers and signer, each once", draft, "C1", []string{"U1", "U2", "U3"}},
		{"the receiver before it was sent", draft, "C2", nil},
		{"the receiver's 受取担当者 once sent", Document{Sender: draft.Sender, Receiver: draft.Receiver, SentAt: &sent}, "C2", []string{"U7"}},
		{"the receiver's route once received", received, "C2", []string{"U7", "U8", "U9"}},
		{"the sender's side of a received document", received, "C1", []string{"U1", "U2", "U3"}},
		{"a third company", received, "C3", nil},
		{"no company", received, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Participants(tt.company); !slices.Equal(got, tt.want) {
				t.Errorf("Participants(%s) = %v, want %v", tt.company, got, tt.want)
			}
			for _, u := range []string{"U1", "U2", "U3", "U7", "U8", "U9"} {
				if got, want := tt.d.TakesPart(tt.company, u), slices.Contains(tt.want, u); got != want {
					t.Errorf("TakesPart(%s, %s) = %v", tt.company, u, got)
				}
			}
			if tt.d.TakesPart(tt.company, "") {
				t.Error("an empty user takes part")
			}
		})
	}
}

func TestIndexMarkSurvivesUntilTheIndexCaughtUp(t *testing.T) {
	s := openTemp(t)
	var co Company
	d := Document{Title: "t"}
	s.Update(func(tx *Tx) error {
		if err := tx.CreateCompany(&co); err != nil {
			return err
		}
		return tx.Tenant(co.ID).CreateDocument(&d)
	})
	var first []IndexMark
	s.View(func(tx *Tx) (err error) { first, err = tx.IndexMarks(10); return })
	if len(first) != 1 || first[0].DocumentID != d.ID || !slices.Equal(first[0].Companies, []string{co.ID}) {
		t.Fatalf("marks %+v", first)
	}
	// The document changes again while an indexer handles the first mark: clearing the
	// first mark must keep the newer one.
	s.Update(func(tx *Tx) error { d.Title = "t2"; _, err := tx.Tenant(co.ID).PutDocument(d); return err })
	s.Update(func(tx *Tx) error { return tx.ClearIndexMark(d.ID, first[0].Seq) })
	var left []IndexMark
	s.View(func(tx *Tx) (err error) { left, err = tx.IndexMarks(10); return })
	if len(left) != 1 || left[0].Seq <= first[0].Seq {
		t.Fatalf("after clearing the older mark: %+v", left)
	}
	s.Update(func(tx *Tx) error { return tx.ClearIndexMark(d.ID, left[0].Seq) })
	s.View(func(tx *Tx) (err error) { left, err = tx.IndexMarks(10); return })
	if len(left) != 0 {
		t.Errorf("marks left: %+v", left)
	}
}

func TestDocumentsAfterPagesThroughEveryDocument(t *testing.T) {
	s := openTemp(t)
	s.Update(func(tx *Tx) error {
		var co Company
		if err := tx.CreateCompany(&co); err != nil {
			return err
		}
		for range 5 {
			if err := tx.Tenant(co.ID).CreateDocument(&Document{}); err != nil {
				return err
			}
		}
		return nil
	})
	var got []string
	after := ""
	for {
		var page []Document
		s.View(func(tx *Tx) (err error) { page, err = tx.DocumentsAfter(after, 2); return })
		if len(page) == 0 {
			break
		}
		for _, d := range page {
			got = append(got, d.ID)
		}
		after = page[len(page)-1].ID
	}
	want := []string{"0000000001", "0000000002", "0000000003", "0000000004", "0000000005"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v", got)
	}
}

// TestDocumentWritesCheckVersionAndGrowOnly: a write of a version older than the
// stored one is ErrChanged; revisions and history cannot be rewritten or shortened.
func TestDocumentWritesCheckVersionAndGrowOnly(t *testing.T) {
	s := openTemp(t)
	var co Company
	d := Document{Title: "t", Revisions: []Revision{{Kind: RevisionOriginal, File: FileRef{SHA256: "aa"}}}, History: []HistoryEvent{{Action: "register"}}}
	s.Update(func(tx *Tx) error { tx.CreateCompany(&co); return tx.Tenant(co.ID).CreateDocument(&d) })
	put := func(d Document) (Document, error) {
		var out Document
		err := s.Update(func(tx *Tx) (err error) { out, err = tx.Tenant(co.ID).PutDocument(d); return err })
		return out, err
	}
	if d.Version != 1 {
		t.Fatalf("created at version %d", d.Version)
	}
	next := d
	next.Title = "t2"
	stored, err := put(next)
	if err != nil || stored.Version != 2 {
		t.Fatalf("put: %v %d", err, stored.Version)
	}
	if _, err := put(next); !errors.Is(err, ErrChanged) {
		t.Errorf("a stale write: %v", err)
	}
	for name, change := range map[string]func(d *Document){
		"history shortened":   func(d *Document) { d.History = nil },
		"history rewritten":   func(d *Document) { d.History[0].Action = "x" },
		"revision replaced":   func(d *Document) { d.Revisions = []Revision{{Kind: RevisionOriginal, File: FileRef{SHA256: "bb"}}} },
		"revisions shortened": func(d *Document) { d.Revisions = nil },
		"a whole signed file appended": func(d *Document) {
			d.Revisions = append(d.Revisions, Revision{Kind: RevisionSignature, File: FileRef{SHA256: "cc"}})
		},
		"an original after a signature": func(d *Document) {
			d.Revisions = append(d.Revisions, Revision{Kind: RevisionSignature, File: FileRef{SHA256: "cc"}, Increment: true},
				Revision{Kind: RevisionOriginal, File: FileRef{SHA256: "dd"}})
		},
	} {
		c := stored
		c.History, c.Revisions = slices.Clone(stored.History), slices.Clone(stored.Revisions)
		change(&c)
		if _, err := put(c); err == nil {
			t.Errorf("%s: stored", name)
		}
	}
	// What the flow does goes through: a replaced original before any signature, then
	// a signature appended as an increment.
	c := stored
	c.Revisions = append(slices.Clone(stored.Revisions), Revision{Kind: RevisionOriginal, File: FileRef{SHA256: "ee"}},
		Revision{Kind: RevisionSignature, File: FileRef{SHA256: "ff"}, Increment: true})
	if _, err := put(c); err != nil {
		t.Errorf("a replaced original, then a signature: %v", err)
	}
}

// TestStoredDocumentRefusesEveryWrite: once in long-term storage, every change of a
// document's fields through every write path is refused with ErrStored; only an
// appended archive revision (with its history event, and 保管期限 moved later) goes
// through.
func TestStoredDocumentRefusesEveryWrite(t *testing.T) {
	s := openTemp(t)
	var a, b Company
	at := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	amount := int64(100)
	d := Document{Title: "工事請負契約書", Amount: &amount, Status: "完了", SentAt: &at, StorageStart: at, StorageEnd: at.AddDate(10, 0, 0),
		Receiver:  Party{CompanyID: "C000002", UserID: "R1", Route: &Route{Signer: Step{UserID: "R3", DoneAt: &at}}},
		Revisions: []Revision{{Kind: RevisionOriginal, File: FileRef{SHA256: "aa"}}, {Kind: RevisionTimestamp, File: FileRef{SHA256: "bb"}, Increment: true}},
		History:   []HistoryEvent{{Action: "complete", Status: "完了"}}}
	d.Sender.Route = &Route{Signer: Step{UserID: "S3", DoneAt: &at}}
	s.Update(func(tx *Tx) error {
		tx.CreateCompany(&a)
		tx.CreateCompany(&b)
		return tx.Tenant(a.ID).CreateDocument(&d)
	})
	later := at.Add(time.Hour)
	other := int64(1)
	changes := map[string]func(d *Document){
		"title":            func(d *Document) { d.Title = "改ざん" },
		"amount":           func(d *Document) { d.Amount = &other },
		"amount removed":   func(d *Document) { d.Amount = nil },
		"contract date":    func(d *Document) { d.ContractDate = later },
		"status":           func(d *Document) { d.Status = "取消" },
		"sender dept":      func(d *Document) { d.Sender.Dept = "x" },
		"sender tag":       func(d *Document) { d.Sender.GroupTag = "x" },
		"sender side":      func(d *Document) { d.Sender.OrderSide = OrderSideSeller },
		"sender user":      func(d *Document) { d.Sender.UserID = "S9" },
		"sender route":     func(d *Document) { d.Sender.Route = &Route{Signer: Step{UserID: "S9"}} },
		"receiver dept":    func(d *Document) { d.Receiver.Dept = "x" },
		"receiver user":    func(d *Document) { d.Receiver.UserID = "R9" },
		"receiver route":   func(d *Document) { d.Receiver.Route = nil },
		"receiver tag":     func(d *Document) { d.Receiver.GroupTag = "x" },
		"sent at":          func(d *Document) { d.SentAt = &later },
		"storage start":    func(d *Document) { d.StorageStart = later },
		"storage unset":    func(d *Document) { d.StorageStart = time.Time{} },
		"storage end back": func(d *Document) { d.StorageEnd = at },
		"created at":       func(d *Document) { d.CreatedAt = later },
		"revision replaced": func(d *Document) {
			d.Revisions = []Revision{d.Revisions[0], {Kind: RevisionTimestamp, File: FileRef{SHA256: "cc"}, Increment: true}}
		},
		"revision dropped":   func(d *Document) { d.Revisions = d.Revisions[:1] },
		"signature appended": func(d *Document) { d.Revisions = append(d.Revisions, Revision{Kind: RevisionSignature}) },
		"history rewritten":  func(d *Document) { d.History = []HistoryEvent{{Action: "x"}} },
	}
	for name, change := range changes {
		c := d
		c.Amount = &amount
		c.Sender.Route = &Route{Signer: Step{UserID: "S3", DoneAt: &at}}
		c.Receiver.Route = &Route{Signer: Step{UserID: "R3", DoneAt: &at}}
		c.Revisions, c.History = slices.Clone(d.Revisions), slices.Clone(d.History)
		change(&c)
		// Both parties' tenants are write paths; each is refused.
		for _, co := range []string{a.ID, b.ID} {
			err := s.Update(func(tx *Tx) error { _, err := tx.Tenant(co).PutDocument(c); return err })
			if !errors.Is(err, ErrStored) {
				t.Errorf("%s through %s: %v", name, co, err)
			}
		}
	}
	// CreateDocument always makes a new number: it cannot overwrite the stored one.
	s.Update(func(tx *Tx) error {
		n := Document{ID: d.ID, Title: "上書き"}
		if err := tx.Tenant(a.ID).CreateDocument(&n); err != nil || n.ID == d.ID {
			t.Errorf("create over a stored document: %v %s", err, n.ID)
		}
		return nil
	})
	var got Document
	s.View(func(tx *Tx) (err error) { got, err = tx.Tenant(a.ID).Document(d.ID); return err })
	if got.Title != d.Title || got.Version != 1 || len(got.Revisions) != 2 {
		t.Errorf("the stored document changed: %+v", got)
	}
	ext := got
	ext.Revisions = append(slices.Clone(got.Revisions), Revision{Kind: RevisionArchive, File: FileRef{SHA256: "dd"}, Increment: true})
	ext.History = append(slices.Clone(got.History), HistoryEvent{Action: "archive"})
	ext.StorageEnd = got.StorageEnd.AddDate(10, 0, 0)
	if err := s.Update(func(tx *Tx) error { _, err := tx.Tenant(a.ID).PutDocument(ext); return err }); err != nil {
		t.Errorf("an archive timestamp: %v", err)
	}
}

func TestUsageIsRecordedOncePerCompanyAndDocument(t *testing.T) {
	s := openTemp(t)
	s.Update(func(tx *Tx) error {
		for _, m := range []string{"2026-04", "2026-05"} {
			ok, err := tx.RecordUsage(Usage{CompanyID: "C000001", Month: m, DocumentID: "0000000001", Side: "sender"})
			if err != nil || ok != (m == "2026-04") {
				t.Errorf("%s: %v %v", m, ok, err)
			}
		}
		if u, _ := tx.UsageOf("C000001", "2026-04"); len(u) != 1 || u[0].DocumentID != "0000000001" {
			t.Errorf("usage %+v", u)
		}
		return nil
	})
}

// A company's partners are those it sent documents to or received them from: a draft
// names none yet, and the migration finds them in documents written before the record.
func TestPartnersAreTheCompaniesDocumentsWereExchangedWith(t *testing.T) {
	s := openTemp(t)
	var a, b, c Company
	now := time.Now()
	partners := func(company string) (ids []string) {
		s.View(func(tx *Tx) error { ids = tx.Tenant(company).Partners(); return nil })
		return ids
	}
	err := s.Update(func(tx *Tx) error {
		for _, co := range []*Company{&a, &b, &c} {
			if err := tx.CreateCompany(co); err != nil {
				return err
			}
		}
		draft := Document{Title: "下書き", Receiver: Party{CompanyID: c.ID}}
		if err := tx.Tenant(a.ID).CreateDocument(&draft); err != nil {
			return err
		}
		sent := Document{Title: "送信済み", Receiver: Party{CompanyID: b.ID}, SentAt: &now}
		return tx.Tenant(a.ID).CreateDocument(&sent)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := partners(a.ID); !slices.Equal(got, []string{b.ID}) {
		t.Errorf("sender's partners %v", got)
	}
	if got := partners(b.ID); !slices.Equal(got, []string{a.ID}) {
		t.Errorf("receiver's partners %v", got)
	}
	if got := partners(c.ID); len(got) != 0 {
		t.Errorf("a draft's receiver has partners %v", got)
	}

	// As the migration finds them in a store written before the record.
	err = s.db.Update(func(btx *bolt.Tx) error {
		if err := btx.DeleteBucket(bucketPartners); err != nil {
			return err
		}
		if _, err := btx.CreateBucket(bucketPartners); err != nil {
			return err
		}
		return (&Tx{tx: btx}).recordPartners()
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := partners(b.ID); !slices.Equal(got, []string{a.ID}) {
		t.Errorf("receiver's partners after the migration %v", got)
	}
}

// TestTakenAtIsRegistrationOrArrival: the sender's 担当者 took a document when it was
// registered, the receiver's when it arrived; nobody else, nor the receiver before it
// was sent, took it at all.
func TestTakenAtIsRegistrationOrArrival(t *testing.T) {
	created := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	sent := created.Add(48 * time.Hour)
	d := Document{Sender: Party{CompanyID: "C000001"}, Receiver: Party{CompanyID: "C000002"}, CreatedAt: created}
	unsent := d
	d.SentAt = &sent
	tests := []struct {
		name    string
		d       Document
		company string
		want    time.Time
	}{
		{"the sender", d, "C000001", created},
		{"the receiver", d, "C000002", sent},
		{"the receiver before it was sent", unsent, "C000002", time.Time{}},
		{"a third company", d, "C000003", time.Time{}},
	}
	for _, tc := range tests {
		if got := tc.d.TakenAt(tc.company); !got.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestCompanyIndexesAreNestedFromFlatKeys: a store whose company indexes hold the flat
// "<company>/<id>" keys of before the nesting migration lists the same documents,
// partners and counts after it, and new writes go into the companies' buckets.
func TestCompanyIndexesAreNestedFromFlatKeys(t *testing.T) {
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	nest := slices.IndexFunc(migrations, func(m migration) bool { return strings.HasPrefix(m.name, "nest the company indexes") })
	flat := map[string][]string{
		string(bucketDocumentsByCompany): {"C000001/0000000001", "C000001/0000000002", "C000001/0000000004", "C000002/0000000002", "C000003/0000000003"},
		string(bucketPartners):           {"C000001/C000002", "C000002/C000001"},
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, m := range migrations[:nest] {
			if err := m.run(tx); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketMeta).Put(keySchemaVersion, u64(uint64(nest))); err != nil {
			return err
		}
		for bucket, keys := range flat {
			for _, k := range keys {
				if err := tx.Bucket([]byte(bucket)).Put([]byte(k), nil); err != nil {
					return err
				}
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.View(func(tx *Tx) error {
		if ids := tx.Tenant("C000001").DocumentIDs(); !slices.Equal(ids, []string{"0000000001", "0000000002", "0000000004"}) {
			t.Errorf("C000001 lists %v", ids)
		}
		if p := tx.Tenant("C000002").Partners(); !slices.Equal(p, []string{"C000001"}) {
			t.Errorf("C000002's partners %v", p)
		}
		if p := tx.Tenant("C000003").Partners(); len(p) != 0 {
			t.Errorf("C000003's partners %v", p)
		}
		counts, err := tx.DocumentCountsByCompany()
		if want := map[string]int{"C000001": 3, "C000002": 1, "C000003": 1}; err != nil || !maps.Equal(counts, want) {
			t.Errorf("counts %v %v, want %v", counts, err, want)
		}
		// Paged two at a time, the pairs come company by company, in ID order within each.
		var pairs []string
		var after DocumentParty
		for page := tx.DocumentPartiesAfter(after, 2); len(page) > 0; page = tx.DocumentPartiesAfter(after, 2) {
			for _, p := range page {
				pairs = append(pairs, p.CompanyID+"/"+p.DocumentID)
			}
			after = page[len(page)-1]
		}
		if !slices.Equal(pairs, flat[string(bucketDocumentsByCompany)]) {
			t.Errorf("pairs %v", pairs)
		}
		for _, bucket := range [][]byte{bucketDocumentsByCompany, bucketPartners} {
			tx.bucket(bucket).ForEach(func(k, v []byte) error {
				if tx.bucket(bucket).Bucket(k) == nil {
					t.Errorf("%s: flat key %s left", bucket, k)
				}
				return nil
			})
		}
		return nil
	})
}

// A bulk read (an export) reads the same documents without keeping them in the memo;
// a page read keeps them.
func TestViewBulkLeavesTheMemoAlone(t *testing.T) {
	s := openTemp(t)
	var a Company
	d := Document{Title: "工事請負契約書"}
	err := s.Update(func(tx *Tx) error {
		if err := tx.CreateCompany(&a); err != nil {
			return err
		}
		return tx.Tenant(a.ID).CreateDocument(&d)
	})
	if err != nil {
		t.Fatal(err)
	}
	memoized := func() int {
		s.memos.documents.mu.RLock()
		defer s.memos.documents.mu.RUnlock()
		return len(s.memos.documents.entries)
	}
	var got Document
	if err := s.ViewBulk(func(tx *Tx) error { got, err = tx.Tenant(a.ID).Document(d.ID); return err }); err != nil || got.Title != d.Title {
		t.Fatalf("bulk read: %+v %v", got, err)
	}
	if n := memoized(); n != 0 {
		t.Errorf("a bulk read left %d documents in the memo", n)
	}
	s.View(func(tx *Tx) error { _, err = tx.Tenant(a.ID).Document(d.ID); return err })
	if n := memoized(); n != 1 {
		t.Errorf("a page read left %d documents in the memo, want 1", n)
	}
}
