package data

import "time"

// Notice is an お知らせ posted by the operator, shown on every company's top page.
type Notice struct {
	V         int       `json:"v"`
	Seq       uint64    `json:"seq"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	PostedBy  string    `json:"posted_by"`
	CreatedAt time.Time `json:"created_at"`
}

// PostNotice stores a new notice.
func (tx *Tx) PostNotice(n *Notice) error {
	seq, err := tx.next(seqNotice)
	if err != nil {
		return err
	}
	n.Seq, n.V = seq, 1
	return tx.put(bucketNotices, string(u64(seq)), n)
}

// Notices lists up to limit notices, newest first.
func (tx *Tx) Notices(limit int) ([]Notice, error) {
	var out []Notice
	c := tx.bucket(bucketNotices).Cursor()
	for k, _ := c.Last(); k != nil && len(out) < limit; k, _ = c.Prev() {
		var n Notice
		if err := tx.get(bucketNotices, string(k), &n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}
