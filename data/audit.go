package data

import "time"

// Event is one line of the audit trail. Events are only ever appended.
type Event struct {
	V         int       `json:"v"`
	Seq       uint64    `json:"seq"`
	Time      time.Time `json:"time"`
	CompanyID string    `json:"company_id,omitempty"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"`
	Target    string    `json:"target,omitempty"`
	Detail    string    `json:"detail,omitempty"`
	IP        string    `json:"ip,omitempty"`
}

// Audit appends an event to the trail in the caller's transaction, so the event exists
// exactly when the change it describes does.
func (tx *Tx) Audit(e Event) error {
	n, err := tx.next(seqAudit)
	if err != nil {
		return err
	}
	e.Seq, e.V = n, 1
	return tx.put(bucketAudit, string(u64(n)), e)
}

// RecentEvents lists up to limit events, newest first.
func (tx *Tx) RecentEvents(limit int) ([]Event, error) {
	var out []Event
	c := tx.bucket(bucketAudit).Cursor()
	for k, _ := c.Last(); k != nil && len(out) < limit; k, _ = c.Prev() {
		var e Event
		if err := tx.get(bucketAudit, string(k), &e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
