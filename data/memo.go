package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"
)

// memo keeps the decoding of records that every request reads (the session, the
// logged-in user and company, a company's user list, the documents of a list page),
// so that a page does not decode
// the same JSON again and again. It is no cache of data: an entry is used only when the
// bytes just read in the caller's transaction are exactly the bytes it was decoded
// from, so a record changed since is decoded anew, and it is keyed by the record's key,
// so it answers nothing a read of that key would not. A rebuild of the search index
// decodes without it.
type memo[T any] struct {
	mu      sync.RWMutex
	entries map[string]*memoEntry[T]
	// size is what the entries hold, counted as twice their stored bytes (the copy
	// kept and the decoded value); past limit the memo starts empty again.
	size, limit int
	// clone copies what a decoded value shares through pointers, so that a caller's
	// change to its copy never reaches the memo.
	clone func(T) T
	// unmarshal decodes a stored value (json.Unmarshal unless set), and weight is
	// what an entry of that value counts against limit (twice its bytes unless set).
	unmarshal func(raw []byte, v *T) error
	weight    func(raw []byte) int
}

type memoEntry[T any] struct {
	raw []byte
	v   T
}

// newMemo makes a memo of at most limit bytes.
func newMemo[T any](limit int, clone func(T) T) *memo[T] {
	if clone == nil {
		clone = func(v T) T { return v }
	}
	return &memo[T]{entries: map[string]*memoEntry[T]{}, limit: limit, clone: clone,
		unmarshal: func(raw []byte, v *T) error { return json.Unmarshal(raw, v) },
		weight:    func(raw []byte) int { return 2 * len(raw) }}
}

// decode is the decoding of raw, the stored value of key.
func (m *memo[T]) decode(bucket, key, raw []byte) (T, error) {
	m.mu.RLock()
	e := m.entries[string(key)]
	m.mu.RUnlock()
	if e != nil && bytes.Equal(e.raw, raw) {
		return m.clone(e.v), nil
	}
	var v T
	if err := m.unmarshal(raw, &v); err != nil {
		return v, fmt.Errorf("data: decode %s/%s: %w", bucket, key, err)
	}
	w := m.weight(raw)
	if w > m.limit {
		return v, nil
	}
	// raw belongs to the transaction's pages: keep a copy.
	e = &memoEntry[T]{raw: bytes.Clone(raw), v: m.clone(v)}
	m.mu.Lock()
	if m.size+w > m.limit {
		clear(m.entries)
		m.size = 0
	}
	if old := m.entries[string(key)]; old != nil {
		m.size -= m.weight(old.raw)
	}
	m.entries[string(key)] = e
	m.size += w
	m.mu.Unlock()
	return v, nil
}

// memos are the store's memos, one per record kind.
type memos struct {
	users        *memo[User]
	companies    *memo[Company]
	certificates *memo[Certificate]
	sessions     *memo[Session]
	// documents keeps the documents that lists and detail pages read: the newest,
	// mostly. A stored record is deflated JSON (record.go), so decoding one costs an
	// inflate and a JSON decode, about 10 µs; a page of fifty read them all.
	documents *memo[Document]
}

func newMemos() *memos {
	return &memos{
		users:        newMemo(8<<20, User.clone),
		companies:    newMemo[Company](1<<20, nil),
		certificates: newMemo(2<<20, Certificate.clone),
		sessions:     newMemo[Session](2<<20, nil),
		documents:    newDocumentMemo(),
	}
}

// documentMemoLimit is what the documents memo holds: some ten thousand documents.
const documentMemoLimit = 24 << 20

func newDocumentMemo() *memo[Document] {
	m := newMemo(documentMemoLimit, Document.clone)
	m.unmarshal = func(raw []byte, d *Document) error { return decodeDocument(raw, d) }
	// A decoded document takes far more memory than its deflated bytes.
	m.weight = func(raw []byte) int { return len(raw) + 2048 }
	return m
}

// clone gives d everything it shares through pointers and slices of its own.
func (d Document) clone() Document {
	if d.Amount != nil {
		a := *d.Amount
		d.Amount = &a
	}
	d.SentAt = cloneTime(d.SentAt)
	d.Sender.Route, d.Receiver.Route = d.Sender.Route.clone(), d.Receiver.Route.clone()
	d.Revisions = slices.Clone(d.Revisions)
	d.History = slices.Clone(d.History)
	return d
}

func (r *Route) clone() *Route {
	if r == nil {
		return nil
	}
	c := &Route{Approvers: slices.Clone(r.Approvers), Signer: r.Signer.clone()}
	for i := range c.Approvers {
		c.Approvers[i] = c.Approvers[i].clone()
	}
	return c
}

func (s Step) clone() Step {
	s.DoneAt = cloneTime(s.DoneAt)
	return s
}

// clone gives u times and former names of its own.
func (u User) clone() User {
	u.LockedAt, u.LastLoginAt, u.PrevLoginAt = cloneTime(u.LockedAt), cloneTime(u.LastLoginAt), cloneTime(u.PrevLoginAt)
	u.FormerNames = slices.Clone(u.FormerNames)
	return u
}

// clone gives c bytes, links and times of its own.
func (c Certificate) clone() Certificate {
	c.DER, c.Subject, c.Key = bytes.Clone(c.DER), bytes.Clone(c.Subject), bytes.Clone(c.Key)
	c.RevokedAt = cloneTime(c.RevokedAt)
	c.Links = slices.Clone(c.Links)
	for i := range c.Links {
		c.Links[i].CheckedAt = cloneTime(c.Links[i].CheckedAt)
		c.Links[i].LockedAt = cloneTime(c.Links[i].LockedAt)
	}
	c.ExpiryNotices = slices.Clone(c.ExpiryNotices)
	return c
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}
