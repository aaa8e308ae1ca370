package data

import (
	"encoding/json"
	"fmt"
	"time"
)

// Draft holds what an input screen validated, between 確認 and 確定. Its token is
// single-use: the commit consumes it in the same transaction that writes the result, so
// a double click or a replayed 確定 finds no draft the second time.
type Draft struct {
	V         int             `json:"v"`
	Token     string          `json:"token"`
	Owner     string          `json:"owner"`
	Kind      string          `json:"kind"`
	Payload   json.RawMessage `json:"payload"`
	CreatedAt time.Time       `json:"created_at"`
}

// PutDraft stores a draft under its token.
func (tx *Tx) PutDraft(d Draft) error {
	d.V = 1
	return tx.put(bucketDrafts, d.Token, d)
}

// Draft reads the draft with the token, if it belongs to owner and is of the given
// kind; otherwise it answers ErrNotFound. The draft stays: a confirm screen shown again
// (reload, Back) reads it, only 確定 takes it.
func (tx *Tx) Draft(token, owner, kind string) (Draft, error) {
	var d Draft
	if err := tx.get(bucketDrafts, token, &d); err != nil {
		return Draft{}, err
	}
	if d.Owner != owner || d.Kind != kind {
		return Draft{}, ErrNotFound
	}
	return d, nil
}

// TakeDraft reads and deletes the draft with the token, if it belongs to owner and is of
// the given kind; otherwise it answers ErrNotFound and changes nothing.
func (tx *Tx) TakeDraft(token, owner, kind string) (Draft, error) {
	d, err := tx.Draft(token, owner, kind)
	if err != nil {
		return Draft{}, err
	}
	if err := tx.del(bucketDrafts, token); err != nil {
		return Draft{}, fmt.Errorf("data: consume draft: %w", err)
	}
	return d, nil
}

// DeleteDraftsBefore removes drafts created before t (abandoned confirm screens).
func (tx *Tx) DeleteDraftsBefore(t time.Time) (int, error) {
	var old []string
	err := tx.bucket(bucketDrafts).ForEach(func(k, _ []byte) error {
		var d Draft
		if err := tx.get(bucketDrafts, string(k), &d); err != nil {
			return err
		}
		if d.CreatedAt.Before(t) {
			old = append(old, d.Token)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range old {
		if err := tx.del(bucketDrafts, k); err != nil {
			return 0, err
		}
	}
	return len(old), nil
}
