package data

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

var (
	bucketDocuments          = []byte("documents")
	bucketDocumentsByCompany = []byte("documents_by_company")
	bucketDocumentsToIndex   = []byte("documents_to_index")
)

// The 受発注区分 of a party.
const (
	OrderSideBuyer  = "発注側"
	OrderSideSeller = "受注側"
)

// Document is a contract document (契約文書) between two companies: the sender, who
// registered it, and the receiver. Dates are calendar dates, kept as midnight in Japan
// time; a zero date is unset.
type Document struct {
	V            int       `json:"v"`
	ID           string    `json:"id"` // 文書管理番号, from NextID(SeqDocument)
	Title        string    `json:"title"`
	Amount       *int64    `json:"amount,omitempty"` // 契約金額 in yen; nil when not entered
	ContractDate time.Time `json:"contract_date,omitzero"`
	Status       string    `json:"status"`
	Sender       Party     `json:"sender"`
	Receiver     Party     `json:"receiver"`
	// SentAt is when the document reached the receiver; before it, only the sender sees it.
	SentAt *time.Time `json:"sent_at,omitempty"`
	// StorageStart (保管開始日) is set when the document enters long-term storage;
	// StorageEnd is its 保管期限.
	StorageStart time.Time `json:"storage_start,omitzero"`
	StorageEnd   time.Time `json:"storage_end,omitzero"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	// Version grows by one with every write (1 when created): a writer that read an
	// older version is refused with ErrChanged, so two people acting at once, a double
	// click or a replayed form leave one result.
	Version uint64 `json:"version"`
	// Revisions are the PDF's successive versions, oldest first, kept in Files: the
	// uploaded original, then one per signature or timestamp, each an incremental
	// update appended to the previous bytes, kept as a file of its own (Increment).
	// The list only grows.
	Revisions []Revision `json:"revisions,omitempty"`
	// History is every step taken on the document, oldest first. It only grows.
	History []HistoryEvent `json:"history,omitempty"`
}

// Revision kinds.
const (
	RevisionOriginal  = "original"  // the uploaded PDF
	RevisionSignature = "signature" // a PAdES B-T signature of a signer
	RevisionTimestamp = "timestamp" // validation data and document timestamp at 完了 (B-LTA)
	RevisionArchive   = "archive"   // an archive timestamp of a stored document (長期保管延長)
)

// Revision is one version of a document's PDF.
type Revision struct {
	File FileRef `json:"file"`
	// Increment says File holds only the bytes this revision appended to the previous
	// one; otherwise File is the whole PDF as of this revision (an original, or a
	// revision written before increments were kept apart). A 20 MB contract signed
	// twice and completed takes 20 MB of files, not 80.
	Increment bool      `json:"increment,omitempty"`
	Kind      string    `json:"kind"`
	At        time.Time `json:"at"`
	CompanyID string    `json:"company_id,omitempty"`
	UserID    string    `json:"user_id,omitempty"`
}

// Latest is the newest revision of the PDF (the zero Revision before the first).
func (d Document) Latest() Revision {
	if len(d.Revisions) == 0 {
		return Revision{}
	}
	return d.Revisions[len(d.Revisions)-1]
}

// Parts are the files whose bytes, one after the other, make the newest revision of
// the PDF: the last whole file and the increments after it (none before the first
// revision).
func (d Document) Parts() []FileRef {
	var parts []FileRef
	for i := len(d.Revisions) - 1; i >= 0; i-- {
		parts = append(parts, d.Revisions[i].File)
		if !d.Revisions[i].Increment {
			break
		}
	}
	slices.Reverse(parts)
	return parts
}

// HistoryEvent is one step on a document: who did what when, the status it led to and
// the comment given (a 差戻し's reason).
type HistoryEvent struct {
	At        time.Time `json:"at"`
	CompanyID string    `json:"company_id"`
	UserID    string    `json:"user_id"`
	Action    string    `json:"action"`
	Status    string    `json:"status"`
	Comment   string    `json:"comment,omitempty"`
}

// Route is one party's circulation of a document: its approvers in order, then its
// signer.
type Route struct {
	Approvers []Step `json:"approvers,omitempty"`
	Signer    Step   `json:"signer"`
}

// Step is one user's place on a route and, once they acted, when and with what
// comment.
type Step struct {
	UserID  string     `json:"user_id"`
	DoneAt  *time.Time `json:"done_at,omitempty"`
	Comment string     `json:"comment,omitempty"`
}

// ErrChanged refuses a write of a document that changed since the writer read it.
var ErrChanged = errors.New("the document changed since it was read")

// ErrStored refuses a write to a document in long-term storage: its record can be
// neither corrected nor deleted (電子帳簿保存法); only an archive timestamp may append a
// revision (and move 保管期限 later).
var ErrStored = errors.New("the document is in long-term storage and cannot change")

// Party is one company's side of a document: what that company entered or was given.
type Party struct {
	CompanyID string `json:"company_id"`
	// Dept is the party's 部署名, which the other party sees as 取引先部署名.
	Dept string `json:"dept,omitempty"`
	// UserID is the party's 担当者: the registering user of the sender, the 受取担当者 of
	// the receiver.
	UserID    string `json:"user_id,omitempty"`
	OrderSide string `json:"order_side,omitempty"` // 受発注区分
	GroupTag  string `json:"group_tag,omitempty"`  // グループタグ, the party's own
	// Route is the party's approvers and signer: the sender's from registration, the
	// receiver's once its 受取担当者 received the document (nil before).
	Route *Route `json:"route,omitempty"`
}

// LongTerm reports whether the document is in long-term storage (長期保管文書).
func (d Document) LongTerm() bool { return !d.StorageStart.IsZero() }

// Parties lists the companies that see the document: the sender, and the receiver once
// it was sent.
func (d Document) Parties() []string {
	if !d.reachedReceiver() {
		return []string{d.Sender.CompanyID}
	}
	return []string{d.Sender.CompanyID, d.Receiver.CompanyID}
}

// TakenAt is when company's 担当者 took the document: its registration for the sender,
// its arrival (SentAt) for the receiver; zero for a company that does not see it. It
// tells which of a 利用者ID's names is the document's 自社担当者名 (the search indexes it
// as the time of assignment, the lists name the user as they were called then).
func (d Document) TakenAt(company string) time.Time {
	switch {
	case company == d.Sender.CompanyID:
		return d.CreatedAt
	case d.reachedReceiver() && company == d.Receiver.CompanyID:
		return *d.SentAt
	}
	return time.Time{}
}

func (d Document) reachedReceiver() bool { return d.SentAt != nil && d.Receiver.CompanyID != "" }

// seenBy reports whether company is one of Parties, without making the list (the
// indexer asks it of every entry).
func (d Document) seenBy(company string) bool {
	return company != "" && (company == d.Sender.CompanyID || d.reachedReceiver() && company == d.Receiver.CompanyID)
}

// Participants are the users of company who take part in the document, each once:
// the company's 担当者 on it (the sender's registering user, the receiver's 受取担当者)
// and those on its route (approvers in order, then the signer). A company that does not
// see the document (the receiver before it was sent, any third company) has none.
// This is the one definition of taking part: the lists of a user's documents, the
// search index and the screens' access rules all read it.
func (d Document) Participants(company string) []string {
	if !d.seenBy(company) {
		return nil
	}
	sides := [...]Party{d.Sender, d.Receiver}
	n := 0
	for _, p := range sides {
		if p.CompanyID == company {
			n += 2
			if p.Route != nil {
				n += len(p.Route.Approvers)
			}
		}
	}
	out := make([]string, 0, n) // one allocation: the indexer calls this for every entry
	add := func(user string) {
		if user != "" && !slices.Contains(out, user) {
			out = append(out, user)
		}
	}
	for _, p := range sides {
		if p.CompanyID != company {
			continue
		}
		add(p.UserID)
		if p.Route != nil {
			for _, a := range p.Route.Approvers {
				add(a.UserID)
			}
			add(p.Route.Signer.UserID)
		}
	}
	return out
}

// TakesPart reports whether user of company is one of the document's Participants.
func (d Document) TakesPart(company, user string) bool {
	return user != "" && slices.Contains(d.Participants(company), user)
}

// documentVersion 2 added Version, Revisions, History and the parties' routes; a
// version 1 record reads the same with them empty.
const documentVersion = 2

// IndexMark is a durable "to index" mark: the document changed in a committed
// transaction and the search index has not yet caught up. Seq grows with every mark,
// so an indexer removes only the mark it has handled. Companies are the parties before
// and after the change, whose index entries may need to go.
type IndexMark struct {
	DocumentID string   `json:"-"`
	Seq        uint64   `json:"seq"`
	Companies  []string `json:"companies"`
}

// Document reads one of the company's documents: one it sent, or one sent to it.
func (t Tenant) Document(id string) (Document, error) {
	d, err := t.tx.document(id)
	if err != nil {
		return Document{}, err
	}
	for _, c := range d.Parties() {
		if c == t.company {
			return d, nil
		}
	}
	return Document{}, ErrNotFound
}

// DocumentIDs lists the 文書管理番号 of every document the company sees, in order.
func (t Tenant) DocumentIDs() []string {
	return t.tx.companyIDs(bucketDocumentsByCompany, t.company)
}

// CreateDocument gives d the next 文書管理番号 and stores it with this company as sender.
func (t Tenant) CreateDocument(d *Document) error {
	if _, err := t.Company(); err != nil {
		return fmt.Errorf("data: create document in %s: %w", t.company, err)
	}
	if err := checkAppended(nil, d.Revisions); err != nil {
		return fmt.Errorf("data: create document in %s: %w", t.company, err)
	}
	id, err := t.tx.NextID(SeqDocument)
	if err != nil {
		return err
	}
	d.ID, d.Sender.CompanyID, d.Version = id, t.company, 1
	return t.tx.putDocument(d, nil)
}

// PutDocument stores changes to a document this company is a party to, and returns
// the stored version. d.Version must be the version read (ErrChanged otherwise). The
// sender cannot change, nor the receiver once the document was sent; revisions and history only grow; a document in long-term
// storage refuses every change but an appended archive timestamp (ErrStored).
func (t Tenant) PutDocument(d Document) (Document, error) {
	old, err := t.Document(d.ID)
	if err != nil {
		return Document{}, err
	}
	if err := checkDocumentChange(old, d); err != nil {
		return Document{}, fmt.Errorf("data: document %s: %w", d.ID, err)
	}
	d.Version = old.Version + 1
	return d, t.tx.putDocument(&d, old.Parties())
}

func checkDocumentChange(old, d Document) error {
	switch {
	case d.Version != old.Version:
		return ErrChanged
	case old.LongTerm():
		return checkArchiveOnly(old, d)
	case d.Sender.CompanyID != old.Sender.CompanyID || (old.SentAt != nil && d.Receiver.CompanyID != old.Receiver.CompanyID):
		// Before it was sent the receiver saw nothing: a draft may still name another.
		return errors.New("the parties cannot change")
	case !grows(old.Revisions, d.Revisions) || !grows(old.History, d.History):
		return errors.New("revisions and history only grow")
	}
	return checkAppended(old.Revisions, d.Revisions)
}

// checkAppended holds the revisions appended to old to the rule that nothing is
// rewritten: a signature or timestamp is an increment on the bytes before it, and a
// new original (a replaced PDF) only comes before the first of them.
func checkAppended(old, revs []Revision) error {
	signed := slices.ContainsFunc(old, func(r Revision) bool { return r.Kind != RevisionOriginal })
	for _, r := range revs[len(old):] {
		switch {
		case r.Kind == RevisionOriginal && signed:
			return errors.New("the PDF cannot be replaced once signed or stamped")
		case r.Kind != RevisionOriginal && !r.Increment:
			return fmt.Errorf("a %s revision must be an increment on the PDF before it", r.Kind)
		}
		signed = signed || r.Kind != RevisionOriginal
	}
	return nil
}

// checkArchiveOnly lets a stored document change in one way only: archive revisions
// (and their history events) appended, and 保管期限 moved later.
func checkArchiveOnly(old, d Document) error {
	if !grows(old.Revisions, d.Revisions) || !grows(old.History, d.History) {
		return ErrStored
	}
	for _, r := range d.Revisions[len(old.Revisions):] {
		if r.Kind != RevisionArchive || !r.Increment {
			return ErrStored
		}
	}
	if d.StorageEnd.Before(old.StorageEnd) {
		return ErrStored
	}
	a, b := old, d
	a.Revisions, b.Revisions, a.History, b.History = nil, nil, nil, nil
	a.StorageEnd, b.StorageEnd, a.UpdatedAt, b.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	ra, err := json.Marshal(a)
	if err != nil {
		return err
	}
	rb, err := json.Marshal(b)
	if err != nil {
		return err
	}
	if string(ra) != string(rb) {
		return ErrStored
	}
	return nil
}

// grows reports whether next is prev with zero or more elements appended.
func grows[T any](prev, next []T) bool {
	if len(next) < len(prev) {
		return false
	}
	for i := range prev {
		a, _ := json.Marshal(prev[i])
		b, _ := json.Marshal(next[i])
		if string(a) != string(b) {
			return false
		}
	}
	return true
}

func (tx *Tx) document(id string) (Document, error) {
	raw := tx.bucket(bucketDocuments).Get([]byte(id))
	if raw == nil {
		return Document{}, ErrNotFound
	}
	if tx.bulk {
		var d Document
		if err := decodeDocument(raw, &d); err != nil {
			return Document{}, fmt.Errorf("data: decode document %s: %w", id, err)
		}
		return d, nil
	}
	return tx.memos.documents.decode(bucketDocuments, []byte(id), raw)
}

// putDocument writes the record, its company index entries and the "to index" mark in
// the caller's transaction, so the search index can always be brought up to date.
func (tx *Tx) putDocument(d *Document, before []string) error {
	d.V = documentVersion
	raw, err := encodeDocument(d)
	if err != nil {
		return fmt.Errorf("data: encode document %s: %w", d.ID, err)
	}
	if err := tx.bucket(bucketDocuments).Put([]byte(d.ID), raw); err != nil {
		return fmt.Errorf("data: save document %s: %w", d.ID, err)
	}
	for _, c := range before {
		if err := tx.deleteCompanyIndex(bucketDocumentsByCompany, c, d.ID); err != nil {
			return fmt.Errorf("data: document %s: %w", d.ID, err)
		}
	}
	for _, c := range d.Parties() {
		if err := tx.putCompanyIndex(bucketDocumentsByCompany, c, d.ID); err != nil {
			return fmt.Errorf("data: document %s: %w", d.ID, err)
		}
	}
	if err := tx.putPartners(d.Parties()); err != nil {
		return fmt.Errorf("data: document %s: %w", d.ID, err)
	}
	return tx.markDocument(d.ID, append(before, d.Parties()...))
}

// bucketPartners records, for each company, the companies it has exchanged documents
// with (a company index: company → partner → nothing): the 取引先企業 pickers list them without reading
// every document. A pair stays once recorded; documents are never deleted.
var bucketPartners = []byte("partners_by_company")

// putPartners records the parties of a sent document as each other's partners.
func (tx *Tx) putPartners(parties []string) error {
	if len(parties) != 2 || parties[0] == parties[1] {
		return nil
	}
	if err := tx.putCompanyIndex(bucketPartners, parties[0], parties[1]); err != nil {
		return err
	}
	return tx.putCompanyIndex(bucketPartners, parties[1], parties[0])
}

// Partners are the 企業ID of the companies this company has exchanged documents with
// (sent or received), in ID order.
func (t Tenant) Partners() []string { return t.tx.companyIDs(bucketPartners, t.company) }

func (tx *Tx) markDocument(id string, companies []string) error {
	b := tx.bucket(bucketDocumentsToIndex)
	if raw := b.Get([]byte(id)); raw != nil {
		var old IndexMark
		if err := json.Unmarshal(raw, &old); err != nil {
			return fmt.Errorf("data: decode index mark %s: %w", id, err)
		}
		companies = append(old.Companies, companies...)
	}
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("data: mark document %s: %w", id, err)
	}
	return tx.put(bucketDocumentsToIndex, id, IndexMark{Seq: seq, Companies: dedupe(companies)})
}

func dedupe(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// IndexMarks lists up to limit documents marked "to index", in 文書管理番号 order.
func (tx *Tx) IndexMarks(limit int) ([]IndexMark, error) {
	var out []IndexMark
	c := tx.bucket(bucketDocumentsToIndex).Cursor()
	for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
		m := IndexMark{DocumentID: string(k)}
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, fmt.Errorf("data: decode index mark %s: %w", k, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// LastIndexMark is the Seq of the newest mark ever made (0 before the first).
func (tx *Tx) LastIndexMark() uint64 {
	return tx.bucket(bucketDocumentsToIndex).Sequence()
}

// ClearIndexMark removes the mark of a document once the index holds its state, unless
// the document was marked again since (its Seq is newer than seq).
func (tx *Tx) ClearIndexMark(id string, seq uint64) error {
	raw := tx.bucket(bucketDocumentsToIndex).Get([]byte(id))
	if raw == nil {
		return nil
	}
	var m IndexMark
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("data: decode index mark %s: %w", id, err)
	}
	if m.Seq > seq {
		return nil
	}
	return tx.del(bucketDocumentsToIndex, id)
}

// DocumentForIndex reads any company's document for the search indexer, which keeps
// every company's index; screens go through Tenant.Document.
func (tx *Tx) DocumentForIndex(id string) (Document, error) { return tx.document(id) }

// DocumentsAfter reads up to limit documents of the whole installation whose 文書管理番号
// follows after (all from the first when after is ""), for rebuilding the search index
// in short transactions.
func (tx *Tx) DocumentsAfter(after string, limit int) ([]Document, error) {
	var out []Document
	c := tx.bucket(bucketDocuments).Cursor()
	k, v := c.First()
	if after != "" {
		k, v = c.Seek([]byte(after))
		if k != nil && string(k) == after {
			k, v = c.Next()
		}
	}
	for ; k != nil && len(out) < limit; k, v = c.Next() {
		var d Document
		if err := decodeDocument(v, &d); err != nil {
			return nil, fmt.Errorf("data: decode document %s: %w", k, err)
		}
		out = append(out, d)
	}
	return out, nil
}

// DocumentParty is one company's hold on a document: a key of the by-company index.
type DocumentParty struct{ CompanyID, DocumentID string }

// DocumentPartiesAfter lists up to limit (company, document) pairs following after,
// company by company and in 文書管理番号 order within each; the zero after starts at
// the beginning. A rebuild reads the installation this way, one company at a time.
func (tx *Tx) DocumentPartiesAfter(after DocumentParty, limit int) []DocumentParty {
	var out []DocumentParty
	top := tx.bucket(bucketDocumentsByCompany)
	companies := top.Cursor()
	company, _ := companies.First()
	if after.CompanyID != "" {
		company, _ = companies.Seek([]byte(after.CompanyID))
	}
	for ; company != nil && len(out) < limit; company, _ = companies.Next() {
		b := top.Bucket(company)
		if b == nil {
			continue
		}
		c := b.Cursor()
		id, _ := c.First()
		if string(company) == after.CompanyID {
			id, _ = c.Seek([]byte(after.DocumentID))
			if id != nil && string(id) == after.DocumentID {
				id, _ = c.Next()
			}
		}
		for ; id != nil && len(out) < limit; id, _ = c.Next() {
			out = append(out, DocumentParty{CompanyID: string(company), DocumentID: string(id)})
		}
	}
	return out
}

// DocumentCountsByCompany counts the documents each company sees. It reads the whole
// by-company index and releases the mapped pages as it goes (see Store.Scan), so that
// the count does not make the process as large as the index.
func (tx *Tx) DocumentCountsByCompany() (map[string]int, error) {
	counts := map[string]int{}
	top := tx.bucket(bucketDocumentsByCompany)
	c := top.Cursor()
	n := 0
	for company, _ := c.First(); company != nil; company, _ = c.Next() {
		b := top.Bucket(company)
		if b == nil {
			continue
		}
		// Stats counts the keys from each leaf page's header, without reading them.
		keys := b.Stats().KeyN
		if keys == 0 {
			continue
		}
		counts[string(company)] = keys
		if n += keys; n >= releaseEvery {
			n = 0
			if err := tx.releasePages(); err != nil {
				return nil, err
			}
		}
	}
	return counts, nil
}

// ClearIndexMarksUpTo removes every mark made at or before seq, once a rebuild that
// began after seq has read every document. It returns how many it removed.
func (tx *Tx) ClearIndexMarksUpTo(seq uint64) (int, error) {
	b := tx.bucket(bucketDocumentsToIndex)
	var stale [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var m IndexMark
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("data: decode index mark %s: %w", k, err)
		}
		if m.Seq <= seq {
			stale = append(stale, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range stale {
		if err := b.Delete(k); err != nil {
			return 0, fmt.Errorf("data: clear index mark %s: %w", k, err)
		}
	}
	return len(stale), nil
}

// recordPartners records the partners of every sent document (the migration that
// brought bucketPartners). Only the parties are decoded.
func (tx *Tx) recordPartners() error {
	return tx.bucket(bucketDocuments).ForEach(func(k, raw []byte) error {
		var d struct {
			Sender, Receiver struct {
				CompanyID string `json:"company_id"`
			}
			SentAt *time.Time `json:"sent_at"`
		}
		if err := decodeDocument(raw, &d); err != nil {
			return fmt.Errorf("decode document %s: %w", k, err)
		}
		doc := Document{Sender: Party{CompanyID: d.Sender.CompanyID}, Receiver: Party{CompanyID: d.Receiver.CompanyID}, SentAt: d.SentAt}
		return tx.putPartners(doc.Parties())
	})
}
