// Package delivery sends the durable outbox through the configured SMTP server. A
// worker picks the queued mails that are due, stamps each attempt in the store before
// it talks to the server, and writes the outcome after: sent, queued again after a
// backoff, or failed for the operator to resend.
//
// Restart safety: a mail found in the sending state at start was cut off by a stop
// while the server may or may not have taken it. It is sent again with the same
// Message-ID, so a stop loses no mail and causes at most one duplicate, which
// receiving servers and clients can recognise by that Message-ID.
package delivery

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"time"

	"inkan/app/domain/mail"
	"inkan/data"
)

// defaultBackoff is the wait after each failed attempt: six attempts over about nine
// hours, long enough to outlast an SMTP server's maintenance window.
var defaultBackoff = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour}

// maxIdle bounds the wait between two looks at the outbox, so that a mail queued
// without a wake-up (another process writing the store offline) still goes out.
const maxIdle = time.Minute

// storeErrorPause keeps a failing store from turning the loop into a busy one.
const storeErrorPause = 10 * time.Second

// SMTP is the outgoing mail server. With no Host the outbox only stores mail.
type SMTP struct {
	Host     string
	Port     int
	User     string
	Password string
	From     string
	TLS      string
}

// Options configure a Worker.
type Options struct {
	SMTP SMTP
	// TLS is the TLS configuration for the server; nil uses the system's roots.
	// Tests set their own roots here.
	TLS *tls.Config
	// Mail opens the sealed secret of a mail to build the message sent.
	Mail *mail.Composer
	// Sender is the display name of the From address (the service name).
	Sender string
	// LocalName is the host name given in EHLO.
	LocalName string
	// Backoff is the wait after each failed attempt; a mail whose attempts outnumber
	// it fails. Nil means six attempts over
	// about nine hours (1m, 5m, 30m, 2h, 6h).
	Backoff []time.Duration
	// Timeout bounds one SMTP session; zero means two minutes.
	Timeout time.Duration
	Now     func() time.Time
	Log     *slog.Logger
}

// Worker delivers the outbox. Only one may run on a store.
type Worker struct {
	store   *data.Store
	smtp    transport
	mail    *mail.Composer
	from    netmail.Address
	backoff []time.Duration
	now     func() time.Time
	log     *slog.Logger
	wake    chan struct{}
}

// New makes a worker for the outbox in store.
func New(store *data.Store, o Options) *Worker {
	if o.Backoff == nil {
		o.Backoff = defaultBackoff
	}
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Worker{
		store:   store,
		smtp:    transport{cfg: o.SMTP, tls: o.TLS, localName: o.LocalName, timeout: o.Timeout},
		mail:    o.Mail,
		from:    netmail.Address{Name: o.Sender, Address: o.SMTP.From},
		backoff: o.Backoff,
		now:     o.Now,
		log:     o.Log,
		wake:    make(chan struct{}, 1),
	}
}

// Wake makes a running worker look at the outbox now. It never blocks, and does
// nothing on a nil worker (no SMTP server configured).
func (w *Worker) Wake() {
	if w == nil {
		return
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run puts mails cut off by an earlier stop back in the queue, then delivers due mails
// until ctx ends. A delivery error is written to its mail, not returned.
func (w *Worker) Run(ctx context.Context) error {
	n, err := w.Recover()
	if err != nil {
		return err
	}
	if n > 0 {
		w.log.Warn("mails cut off by a stop during delivery are sent again", "count", n)
	}
	for {
		wait := time.Duration(0)
		if _, err := w.DeliverDue(ctx); err != nil {
			w.log.Error("deliver the outbox", "err", err)
			wait = storeErrorPause
		}
		t := time.NewTimer(max(wait, w.untilNextDue()))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-w.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// Recover puts every mail left in the sending state back in the queue, due now, and
// returns how many there were. Call it only when no delivery is under way.
func (w *Worker) Recover() (int, error) {
	var n int
	err := w.store.Update(func(tx *data.Tx) error {
		sending, err := tx.MailsInState(data.MailSending)
		if err != nil {
			return err
		}
		for _, m := range sending {
			m.State, m.NextAttemptAt = data.MailQueued, w.now()
			m.LastError = "interrupted by a stop during delivery; the server may have received it"
			if err := tx.PutMail(m); err != nil {
				return err
			}
		}
		n = len(sending)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("delivery: recover interrupted mails: %w", err)
	}
	return n, nil
}

// DeliverDue makes one attempt at every queued mail that is due and returns how many
// were sent. It stops early, between two mails, when ctx ends.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	var due []uint64
	err := w.store.View(func(tx *data.Tx) error {
		queued, err := tx.MailsInState(data.MailQueued)
		for _, m := range queued {
			if !m.NextAttemptAt.After(w.now()) {
				due = append(due, m.ID)
			}
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delivery: list due mails: %w", err)
	}
	sent := 0
	for _, id := range due {
		if ctx.Err() != nil {
			break
		}
		ok, err := w.deliver(ctx, id)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

// deliver makes one attempt at mail id. The error is the store's; the SMTP outcome is
// written to the mail.
func (w *Worker) deliver(ctx context.Context, id uint64) (bool, error) {
	m, ok, err := w.claim(id)
	if err != nil || !ok {
		return false, err
	}
	msg, sendErr := w.build(m)
	if sendErr != nil {
		sendErr = refusal{sendErr}
	} else {
		sendErr = w.smtp.send(ctx, w.from.Address, m.To, msg)
	}
	if err := w.finish(m, sendErr); err != nil {
		// The mail stays sending and is tried again at the next start.
		return false, fmt.Errorf("delivery: record the outcome of mail %d: %w", id, err)
	}
	return sendErr == nil, nil
}

// build writes the message with the mail's secret opened; the opened text lives only
// in the bytes sent.
func (w *Worker) build(m data.Mail) ([]byte, error) {
	if m.Secret != nil && w.mail == nil {
		return nil, fmt.Errorf("mail %d: no key to open its secret", m.ID)
	}
	if w.mail != nil {
		text, err := w.mail.Open(m)
		if err != nil {
			return nil, err
		}
		m.Text = text
	}
	return mail.Build(m, w.from)
}

// claim stamps the attempt durably before the server is contacted: from here on a stop
// leaves the mail sending, never queued as if nothing had been sent.
func (w *Worker) claim(id uint64) (data.Mail, bool, error) {
	var m data.Mail
	var ok bool
	err := w.store.Update(func(tx *data.Tx) error {
		var err error
		if m, err = tx.Mail(id); err != nil {
			return err
		}
		if m.State != data.MailQueued || m.NextAttemptAt.After(w.now()) {
			return nil
		}
		m.State, ok = data.MailSending, true
		m.Attempts++
		return tx.PutMail(m)
	})
	if err != nil {
		return m, false, fmt.Errorf("delivery: claim mail %d: %w", id, err)
	}
	return m, ok, nil
}

// finish writes the outcome of an attempt: sent; failed when the server refused the
// mail or the attempts are used up; else queued again after the backoff.
func (w *Worker) finish(m data.Mail, sendErr error) error {
	now := w.now()
	switch {
	case sendErr == nil:
		m.State, m.SentAt, m.LastError = data.MailSent, &now, ""
		// The recipient has the secret now; the store need not keep it.
		mail.Erase(&m)
		w.log.Info("mail sent", "mail", m.ID, "template", m.Template, "attempts", m.Attempts)
	case isRefusal(sendErr) || m.Attempts > len(w.backoff):
		m.State, m.LastError = data.MailFailed, sendErr.Error()
		w.log.Error("mail failed: the operator can resend it from the outbox", "mail", m.ID, "attempts", m.Attempts, "err", sendErr)
	default:
		m.State, m.LastError = data.MailQueued, sendErr.Error()
		m.NextAttemptAt = now.Add(w.backoff[m.Attempts-1])
		w.log.Warn("mail not delivered, will retry", "mail", m.ID, "attempts", m.Attempts, "next", m.NextAttemptAt, "err", sendErr)
	}
	return w.store.Update(func(tx *data.Tx) error { return tx.PutMail(m) })
}

// untilNextDue is how long the worker may sleep before the next queued mail is due.
func (w *Worker) untilNextDue() time.Duration {
	wait := maxIdle
	err := w.store.View(func(tx *data.Tx) error {
		queued, err := tx.MailsInState(data.MailQueued)
		for _, m := range queued {
			wait = min(wait, m.NextAttemptAt.Sub(w.now()))
		}
		return err
	})
	if err != nil {
		w.log.Error("look for the next due mail", "err", err)
	}
	return max(wait, 0)
}

// ErrNotFailed is returned when an operator asks to resend a mail that has not failed.
var ErrNotFailed = errors.New("delivery: only a failed mail can be sent again")

// Resend puts a failed mail back in the queue, due now, with its attempts reset, and
// records who asked in the audit trail.
func Resend(tx *data.Tx, id uint64, actor string, now time.Time) error {
	m, err := tx.Mail(id)
	if err != nil {
		return fmt.Errorf("delivery: resend mail %d: %w", id, err)
	}
	if m.State != data.MailFailed {
		return ErrNotFailed
	}
	m.State, m.Attempts, m.NextAttemptAt, m.LastError = data.MailQueued, 0, now, ""
	if err := tx.PutMail(m); err != nil {
		return fmt.Errorf("delivery: resend mail %d: %w", id, err)
	}
	return tx.Audit(data.Event{Time: now, CompanyID: m.CompanyID, Actor: actor, Action: "mail.resend", Target: fmt.Sprint(id)})
}
