package data

import (
	"fmt"
	"strconv"
	"time"
)

// Mail states in the outbox. A mail is sending from the moment a delivery attempt is
// stamped until its outcome is written; one found sending at start was cut off by a
// stop and is tried again.
const (
	MailQueued  = "queued"
	MailSending = "sending"
	MailSent    = "sent"
	MailFailed  = "failed"
)

// Mail is one message in the durable outbox. It carries everything delivery needs, so
// the worker never has to re-render it.
type Mail struct {
	V         int      `json:"v"`
	ID        uint64   `json:"id"`
	CompanyID string   `json:"company_id,omitempty"`
	To        []string `json:"to"`
	Subject   string   `json:"subject"`
	Text      string   `json:"text"`
	// Secret is the sealed secret of the mail (a password, a PIN) that Text shows only as
	// a mark; delivery erases it once the mail is sent.
	Secret        []byte     `json:"secret,omitempty"`
	Template      string     `json:"template"`
	State         string     `json:"state"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	LastError     string     `json:"last_error,omitempty"`
	MessageID     string     `json:"message_id"`
	CreatedAt     time.Time  `json:"created_at"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
}

const mailVersion = 1

func mailKey(id uint64) string { return string(u64(id)) }

// QueueMail gives m the next outbox number and stores it in state queued.
func (tx *Tx) QueueMail(m *Mail) error {
	n, err := tx.next(seqMail)
	if err != nil {
		return err
	}
	m.ID, m.State = n, MailQueued
	return tx.PutMail(*m)
}

// PutMail stores a mail and keeps the by-state index in step.
func (tx *Tx) PutMail(m Mail) error {
	m.V = mailVersion
	idx := tx.bucket(bucketOutboxByState)
	if old, err := tx.Mail(m.ID); err == nil {
		if err := idx.Delete(indexKey(old.State, mailKey(old.ID))); err != nil {
			return fmt.Errorf("data: mail %d: %w", m.ID, err)
		}
	}
	if err := tx.put(bucketOutbox, mailKey(m.ID), m); err != nil {
		return err
	}
	return idx.Put(indexKey(m.State, mailKey(m.ID)), nil)
}

// Mail reads one outbox message.
func (tx *Tx) Mail(id uint64) (Mail, error) {
	var m Mail
	if err := tx.get(bucketOutbox, mailKey(id), &m); err != nil {
		if err == ErrNotFound {
			return m, err
		}
		return m, fmt.Errorf("data: mail %s: %w", strconv.FormatUint(id, 10), err)
	}
	return m, nil
}

// MailsInState lists the messages in one state, oldest first.
func (tx *Tx) MailsInState(state string) ([]Mail, error) {
	var out []Mail
	for _, k := range tx.indexIDs(bucketOutboxByState, state) {
		var m Mail
		if err := tx.get(bucketOutbox, k, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// RecentMails lists up to limit messages, newest first.
func (tx *Tx) RecentMails(limit int) ([]Mail, error) {
	var out []Mail
	c := tx.bucket(bucketOutbox).Cursor()
	for k, _ := c.Last(); k != nil && len(out) < limit; k, _ = c.Prev() {
		var m Mail
		if err := tx.get(bucketOutbox, string(k), &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
