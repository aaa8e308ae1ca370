package data

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// The bucket names. Each record kind has one; indexes are named "<kind>_by_<field>".
var (
	bucketMeta           = []byte("meta")
	bucketSequences      = []byte("sequences")
	bucketCompanies      = []byte("companies")
	bucketUsers          = []byte("users")
	bucketUsersByCompany = []byte("users_by_company")
	bucketSessions       = []byte("sessions")
	bucketSessionsBySubj = []byte("sessions_by_subject")
	bucketOutbox         = []byte("outbox")
	bucketOutboxByState  = []byte("outbox_by_state")
	bucketAudit          = []byte("audit")
	bucketNotices        = []byte("notices")
	bucketOperators      = []byte("operators")
	bucketDrafts         = []byte("drafts")
)

// appendOrder are the buckets whose keys arrive in ascending order, at the end of the
// bucket or of one company's range of it (文書管理番号 are issued in order). bbolt splits
// a full page in half by default, which leaves records of a few hundred bytes in
// pages less than 40% full when they only ever come at the end; filling a page before
// starting the next one packs them 95% full. A page that a record grows out of later
// is still split, into a full page and the rest.
var appendOrder = map[string]bool{
	string(bucketDocuments):        true,
	string(bucketDocumentsToIndex): true,
	string(bucketAudit):            true,
}

func (tx *Tx) bucket(name []byte) *bolt.Bucket {
	if b, ok := tx.open[string(name)]; ok {
		return b
	}
	b := tx.tx.Bucket(name)
	if b == nil {
		// Migrations create every bucket before the store is handed out, so a missing
		// one means the file was made by a different program.
		panic(fmt.Sprintf("data: bucket %s missing", name))
	}
	if appendOrder[string(name)] {
		b.FillPercent = 1
	}
	if tx.open == nil {
		tx.open = make(map[string]*bolt.Bucket, 8)
	}
	tx.open[string(name)] = b
	return b
}

func (tx *Tx) get(bucket []byte, key string, v any) error {
	raw := tx.bucket(bucket).Get([]byte(key))
	if raw == nil {
		return ErrNotFound
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("data: decode %s/%s: %w", bucket, key, err)
	}
	return nil
}

func (tx *Tx) put(bucket []byte, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("data: encode %s/%s: %w", bucket, key, err)
	}
	if err := tx.bucket(bucket).Put([]byte(key), raw); err != nil {
		return fmt.Errorf("data: put %s/%s: %w", bucket, key, err)
	}
	return nil
}

func (tx *Tx) del(bucket []byte, key string) error {
	if err := tx.bucket(bucket).Delete([]byte(key)); err != nil {
		return fmt.Errorf("data: delete %s/%s: %w", bucket, key, err)
	}
	return nil
}

// index keys are "<value>/<id>": a prefix scan on "<value>/" lists the IDs.
func indexKey(value, id string) []byte { return []byte(value + "/" + id) }

func (tx *Tx) indexIDs(bucket []byte, value string) []string {
	var ids []string
	prefix := []byte(value + "/")
	c := tx.bucket(bucket).Cursor()
	for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
		ids = append(ids, string(k[len(prefix):]))
	}
	return ids
}

func hasPrefix(b, prefix []byte) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == string(prefix)
}

// Company indexes (documents_by_company, partners_by_company) hold one nested bucket per
// company, named by its 企業ID, whose keys are the IDs it lists and whose values are
// empty. A flat "<company>/<id>" key took 18 bytes and arrived in the middle of the
// key range (each company's range grows at its own end), which left the flat bucket's
// pages half full; inside a company's own bucket of documents the IDs arrive in order
// at its end, so its pages are filled before the next one starts, and each key is only
// the ID. A company's partners come in any order: their buckets keep bbolt's default
// fill (a full page split for every insert in the middle left them 7% full).

// appendOrderWithin are the company indexes whose IDs arrive in order within each
// company's bucket.
var appendOrderWithin = map[string]bool{
	string(bucketDocumentsByCompany): true,
}

// companyIndex is company's bucket in the company index bucket, nil when it has none
// yet (and create is false).
func (tx *Tx) companyIndex(bucket []byte, company string, create bool) (*bolt.Bucket, error) {
	top := tx.bucket(bucket)
	b := top.Bucket([]byte(company))
	if b == nil && create {
		var err error
		if b, err = top.CreateBucket([]byte(company)); err != nil {
			return nil, fmt.Errorf("data: create %s/%s: %w", bucket, company, err)
		}
	}
	if b != nil && appendOrderWithin[string(bucket)] {
		b.FillPercent = 1
	}
	return b, nil
}

// companyIDs lists the IDs in company's bucket of a company index, in order.
func (tx *Tx) companyIDs(bucket []byte, company string) []string {
	b, _ := tx.companyIndex(bucket, company, false)
	if b == nil {
		return nil
	}
	var ids []string
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		ids = append(ids, string(k))
	}
	return ids
}

// putCompanyIndex records id under company in a company index.
func (tx *Tx) putCompanyIndex(bucket []byte, company, id string) error {
	b, err := tx.companyIndex(bucket, company, true)
	if err != nil {
		return err
	}
	// Already there: no write, no dirty page (a pair of partners is recorded again with
	// every document they exchange). Get cannot tell: it reads an empty value put in
	// this transaction as nil.
	if k, _ := b.Cursor().Seek([]byte(id)); string(k) == id {
		return nil
	}
	if err := b.Put([]byte(id), nil); err != nil {
		return fmt.Errorf("data: put %s/%s/%s: %w", bucket, company, id, err)
	}
	return nil
}

// deleteCompanyIndex removes id from company's bucket of a company index.
func (tx *Tx) deleteCompanyIndex(bucket []byte, company, id string) error {
	b, _ := tx.companyIndex(bucket, company, false)
	if b == nil {
		return nil
	}
	if err := b.Delete([]byte(id)); err != nil {
		return fmt.Errorf("data: delete %s/%s/%s: %w", bucket, company, id, err)
	}
	return nil
}

// nestCompanyIndex moves the flat "<company>/<id>" keys of a company index into the
// company's nested bucket (the migration to nested company indexes). Keys without a
// "/" are already nested buckets: a store that ran the partners migration with this
// program wrote them that way.
func nestCompanyIndex(btx *bolt.Tx, bucket []byte) error {
	tx := &Tx{tx: btx}
	top := tx.bucket(bucket)
	byCompany := map[string][]string{}
	var flat [][]byte
	c := top.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		company, id, ok := strings.Cut(string(k), "/")
		if !ok {
			continue
		}
		byCompany[company] = append(byCompany[company], id)
		flat = append(flat, []byte(string(k)))
	}
	for _, k := range flat {
		if err := top.Delete(k); err != nil {
			return fmt.Errorf("delete %s/%s: %w", bucket, k, err)
		}
	}
	companies := make([]string, 0, len(byCompany))
	for company := range byCompany {
		companies = append(companies, company)
	}
	slices.Sort(companies)
	for _, company := range companies {
		// The cursor gave each company's IDs in order: they fill the pages as they come.
		for _, id := range byCompany[company] {
			if err := tx.putCompanyIndex(bucket, company, id); err != nil {
				return err
			}
		}
	}
	return nil
}
