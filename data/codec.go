package data

import (
	"encoding/json"
	"fmt"

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
	string(bucketDocuments):          true,
	string(bucketDocumentsToIndex):   true,
	string(bucketAudit):              true,
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
