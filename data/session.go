package data

import (
	"fmt"
	"time"
)

// Session kinds: a company user or an operator of the installation.
const (
	SessionUser     = "user"
	SessionOperator = "operator"
)

// Session is a server-side login session. ID is a digest of the cookie value, so the
// file never holds a usable token.
type Session struct {
	V          int       `json:"v"`
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	Subject    string    `json:"subject"`
	CompanyID  string    `json:"company_id,omitempty"`
	CSRF       string    `json:"csrf"`
	IP         string    `json:"ip,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
}

const sessionVersion = 1

func subjectKey(kind, subject string) string { return kind + ":" + subject }

// PutSession stores a session.
func (tx *Tx) PutSession(s Session) error {
	s.V = sessionVersion
	if err := tx.put(bucketSessions, s.ID, s); err != nil {
		return err
	}
	return tx.bucket(bucketSessionsBySubj).Put(indexKey(subjectKey(s.Kind, s.Subject), s.ID), nil)
}

// Session reads a session by its ID.
func (tx *Tx) Session(id string) (Session, error) {
	raw := tx.bucket(bucketSessions).Get([]byte(id))
	if raw == nil {
		return Session{}, ErrNotFound
	}
	return tx.memos.sessions.decode(bucketSessions, []byte(id), raw)
}

// DeleteSession removes one session.
func (tx *Tx) DeleteSession(id string) error {
	s, err := tx.Session(id)
	if err != nil {
		return err
	}
	if err := tx.bucket(bucketSessionsBySubj).Delete(indexKey(subjectKey(s.Kind, s.Subject), s.ID)); err != nil {
		return fmt.Errorf("data: delete session index: %w", err)
	}
	return tx.del(bucketSessions, id)
}

// DeleteSessionsOf removes every session of one user or operator but the one named by
// except ("" keeps none), and reports how many it removed.
func (tx *Tx) DeleteSessionsOf(kind, subject, except string) (int, error) {
	n := 0
	for _, id := range tx.indexIDs(bucketSessionsBySubj, subjectKey(kind, subject)) {
		if id == except {
			continue
		}
		if err := tx.DeleteSession(id); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// DeleteSessionsWhere removes every session for which expired answers true.
func (tx *Tx) DeleteSessionsWhere(expired func(Session) bool) (int, error) {
	var ids []string
	err := tx.bucket(bucketSessions).ForEach(func(k, _ []byte) error {
		var s Session
		if err := tx.get(bucketSessions, string(k), &s); err != nil {
			return err
		}
		if expired(s) {
			ids = append(ids, s.ID)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := tx.DeleteSession(id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
