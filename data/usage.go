package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

var (
	bucketUsage           = []byte("usage")
	bucketUsageByDocument = []byte("usage_by_document")
)

// Usage is one billable document of a company in a month (JST, "2006-01"): a document
// that reached its partner, charged to this company by the plan matrix (manual A2).
type Usage struct {
	V          int       `json:"v"`
	CompanyID  string    `json:"company_id"`
	Month      string    `json:"month"`
	DocumentID string    `json:"document_id"`
	Side       string    `json:"side"` // "sender" or "receiver"
	At         time.Time `json:"at"`
}

// RecordUsage stores u unless the company was already charged for the document (a
// document sent again after a 差戻し is one document); it reports whether it stored.
func (tx *Tx) RecordUsage(u Usage) (bool, error) {
	byDoc := tx.bucket(bucketUsageByDocument)
	key := indexKey(u.DocumentID, u.CompanyID)
	if byDoc.Get(key) != nil {
		return false, nil
	}
	u.V = 1
	if err := tx.put(bucketUsage, u.CompanyID+"/"+u.Month+"/"+u.DocumentID, u); err != nil {
		return false, fmt.Errorf("data: usage of %s: %w", u.CompanyID, err)
	}
	if err := byDoc.Put(key, []byte(u.Month)); err != nil {
		return false, fmt.Errorf("data: usage of %s: %w", u.CompanyID, err)
	}
	return true, nil
}

// UsageOf lists the company's usage records of a month, in 文書管理番号 order.
func (tx *Tx) UsageOf(companyID, month string) ([]Usage, error) {
	prefix := []byte(companyID + "/" + month + "/")
	var out []Usage
	c := tx.bucket(bucketUsage).Cursor()
	for k, v := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
		var u Usage
		if err := json.Unmarshal(v, &u); err != nil {
			return nil, fmt.Errorf("data: decode usage %s: %w", k, err)
		}
		out = append(out, u)
	}
	return out, nil
}

// UsageCounts counts the documents charged to each of the companies in every month from
// to ("2006-01", both included): counts[companyID][month], a company or a month without
// usage left out. The records are keyed company/month/document, so a company's range is
// one seek and a run of adjacent keys, and no record is decoded: the cost follows the
// usage inside the range, not all the usage ever recorded.
func (tx *Tx) UsageCounts(companyIDs []string, from, to string) (map[string]map[string]int, error) {
	counts := map[string]map[string]int{}
	c := tx.bucket(bucketUsage).Cursor()
	for _, id := range companyIDs {
		prefix := []byte(id + "/")
		var month []byte // the month of the run of keys being counted
		n := 0
		flush := func() {
			if n == 0 {
				return
			}
			if counts[id] == nil {
				counts[id] = map[string]int{}
			}
			counts[id][string(month)] = n
		}
		for k, _ := c.Seek([]byte(id + "/" + from)); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
			rest := k[len(prefix):]
			end := bytes.IndexByte(rest, '/')
			if end < 0 {
				return nil, fmt.Errorf("data: usage key %q has no month", k)
			}
			if string(rest[:end]) > to {
				break
			}
			if !bytes.Equal(rest[:end], month) {
				flush()
				// k is valid only until the cursor moves: keep a copy.
				month, n = bytes.Clone(rest[:end]), 0
			}
			n++
		}
		flush()
	}
	return counts, nil
}
