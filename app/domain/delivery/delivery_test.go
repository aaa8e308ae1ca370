package delivery_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"mime"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"inkan/app/domain/delivery"
	"inkan/app/domain/mail"
	"inkan/app/testkit/smtptest"
	"inkan/app/trust/pki"
	"inkan/data"
	"inkan/views"
)

const serviceName = "Inkan電子契約サービス"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// env is an outbox with a worker pointed at one SMTP server.
type env struct {
	store    *data.Store
	worker   *delivery.Worker
	clock    *clock
	composer *mail.Composer
}

// backoff is short so that a test walks through every attempt.
var backoff = []time.Duration{time.Minute, 5 * time.Minute}

func newEnv(t *testing.T, ms *smtptest.Server, cfg delivery.SMTP, edit func(*delivery.Options)) *env {
	t.Helper()
	store, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	master, _ := pki.NewMasterKey()
	box, _ := pki.NewSecretBox(master, "mail secret")
	composer, err := mail.New(views.FS, "mail", serviceName, "https://keiyaku.example.jp", box)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	if cfg.Host == "" {
		cfg.Host, cfg.Port = ms.Host, ms.Port
	}
	if cfg.From == "" {
		cfg.From = "noreply@keiyaku.example.jp"
	}
	o := delivery.Options{
		SMTP: cfg, TLS: ms.ClientTLS, Sender: serviceName, LocalName: "keiyaku.example.jp",
		Mail: composer, Backoff: backoff, Timeout: 10 * time.Second, Now: c.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if edit != nil {
		edit(&o)
	}
	return &env{store: store, worker: delivery.New(store, o), clock: c, composer: composer}
}

// queue writes one mail to the outbox and returns it as stored.
func (e *env) queue(t *testing.T, to string) data.Mail {
	t.Helper()
	var m data.Mail
	err := e.store.Update(func(tx *data.Tx) error {
		msg := mail.Message{Template: "user_id_issued", To: []string{to}, Data: map[string]any{
			"UserName": "髙橋 一郎", "CompanyName": "山﨑建設株式会社", "UserID": "U000002",
		}}
		if err := e.composer.Queue(tx, msg, e.clock.Now()); err != nil {
			return err
		}
		mails, err := tx.RecentMails(1)
		m = mails[0]
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (e *env) mail(t *testing.T, id uint64) data.Mail {
	t.Helper()
	var m data.Mail
	if err := e.store.View(func(tx *data.Tx) (err error) { m, err = tx.Mail(id); return }); err != nil {
		t.Fatal(err)
	}
	return m
}

func (e *env) count(state string) int {
	var n int
	e.store.View(func(tx *data.Tx) error {
		mails, err := tx.MailsInState(state)
		n = len(mails)
		return err
	})
	return n
}

func (e *env) deliver(t *testing.T) int {
	t.Helper()
	n, err := e.worker.DeliverDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkMessage parses what the server received the way a mail client does.
func checkMessage(t *testing.T, got smtptest.Message, want data.Mail) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(got.Raw))
	if err != nil {
		t.Fatalf("parse the received message: %v\n%s", err, got.Raw)
	}
	dec := new(mime.WordDecoder)
	if subject, err := dec.DecodeHeader(msg.Header.Get("Subject")); err != nil || subject != want.Subject {
		t.Errorf("subject %q (%v), want %q", subject, err, want.Subject)
	}
	if !strings.HasPrefix(want.Subject, "【"+serviceName+"】利用者ID発行のお知らせ") {
		t.Errorf("stored subject %q", want.Subject)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != serviceName || from[0].Address != "noreply@keiyaku.example.jp" {
		t.Errorf("From %v (%v)", from, err)
	}
	if to, err := msg.Header.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != want.To[0] {
		t.Errorf("To %v (%v)", to, err)
	}
	if id := msg.Header.Get("Message-ID"); id != want.MessageID || id == "" {
		t.Errorf("Message-ID %q, want %q", id, want.MessageID)
	}
	if date, err := msg.Header.Date(); err != nil || !date.Equal(want.CreatedAt) {
		t.Errorf("Date %q (%v), want %v", msg.Header.Get("Date"), err, want.CreatedAt)
	}
	if ct := msg.Header.Get("Content-Type"); !strings.Contains(strings.ToLower(ct), "charset=utf-8") {
		t.Errorf("Content-Type %q", ct)
	}
	body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, msg.Body))
	if err != nil {
		t.Fatalf("decode the body: %v", err)
	}
	text := strings.ReplaceAll(string(body), "\r\n", "\n")
	for _, s := range []string{"髙橋 一郎 様", "山﨑建設株式会社", "U000002", "https://keiyaku.example.jp/login"} {
		if !strings.Contains(text, s) {
			t.Errorf("body lacks %q:\n%s", s, text)
		}
	}
	if got.From != "noreply@keiyaku.example.jp" || len(got.To) != 1 || got.To[0] != want.To[0] {
		t.Errorf("envelope from %q to %v", got.From, got.To)
	}
	if got.Helo != "keiyaku.example.jp" {
		t.Errorf("EHLO %q", got.Helo)
	}
}

func TestDeliversInEveryTLSMode(t *testing.T) {
	tests := []struct {
		name     string
		server   smtptest.Options
		cfg      delivery.SMTP
		wantTLS  bool
		wantUser string
	}{
		{"STARTTLS with AUTH PLAIN", smtptest.Options{TLS: "starttls", User: "inkan", Password: "s3cret!"},
			delivery.SMTP{TLS: "starttls", User: "inkan", Password: "s3cret!"}, true, "inkan"},
		{"STARTTLS with AUTH LOGIN only", smtptest.Options{TLS: "starttls", User: "inkan", Password: "s3cret!", Mechanisms: []string{"LOGIN"}},
			delivery.SMTP{TLS: "starttls", User: "inkan", Password: "s3cret!"}, true, "inkan"},
		{"implicit TLS with AUTH PLAIN", smtptest.Options{TLS: "tls", User: "inkan", Password: "s3cret!"},
			delivery.SMTP{TLS: "tls", User: "inkan", Password: "s3cret!"}, true, "inkan"},
		{"no TLS to a relay on localhost", smtptest.Options{TLS: "none"},
			delivery.SMTP{TLS: "none"}, false, ""},
		{"no TLS with AUTH on localhost", smtptest.Options{TLS: "none", User: "inkan", Password: "s3cret!"},
			delivery.SMTP{TLS: "none", User: "inkan", Password: "s3cret!"}, false, "inkan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := smtptest.Start(t, tt.server)
			e := newEnv(t, ms, tt.cfg, nil)
			queued := e.queue(t, "takahashi@example.jp")
			if n := e.deliver(t); n != 1 {
				t.Fatalf("sent %d, last error %q", n, e.mail(t, queued.ID).LastError)
			}
			got := ms.Received()
			if len(got) != 1 {
				t.Fatalf("server received %d messages", len(got))
			}
			if got[0].TLS != tt.wantTLS || got[0].User != tt.wantUser {
				t.Errorf("TLS %v user %q, want %v %q", got[0].TLS, got[0].User, tt.wantTLS, tt.wantUser)
			}
			checkMessage(t, got[0], queued)
			m := e.mail(t, queued.ID)
			if m.State != data.MailSent || m.Attempts != 1 || m.SentAt == nil || m.LastError != "" {
				t.Errorf("stored after delivery: %+v", m)
			}
			if e.deliver(t) != 0 || len(ms.Received()) != 1 {
				t.Error("a sent mail was sent again")
			}
		})
	}
}

// TestFailuresAreRetriedThenFailed walks each failure through the backoff: retried
// while it may pass, failed with the server's answer after the last attempt, or at
// once when the server refused the mail itself.
func TestFailuresAreRetriedThenFailed(t *testing.T) {
	tests := []struct {
		name      string
		server    smtptest.Options
		cfg       delivery.SMTP
		to        string
		noRoots   bool
		wantTries int
		wantError string
	}{
		{"server down", smtptest.Options{TLS: "none"}, delivery.SMTP{TLS: "none", Host: "127.0.0.1", Port: -1},
			"a@example.jp", false, 3, "connection refused"},
		{"authentication rejected", smtptest.Options{TLS: "starttls", User: "inkan", Password: "s3cret!"},
			delivery.SMTP{TLS: "starttls", User: "inkan", Password: "wrong"}, "a@example.jp", false, 3, "535"},
		{"certificate not trusted", smtptest.Options{TLS: "tls"}, delivery.SMTP{TLS: "tls"},
			"a@example.jp", true, 3, "certificate"},
		{"no credentials for a server that wants them", smtptest.Options{TLS: "starttls", User: "inkan", Password: "s3cret!"},
			delivery.SMTP{TLS: "starttls"}, "a@example.jp", false, 3, "MAIL FROM"},
		{"server without STARTTLS", smtptest.Options{TLS: "none"}, delivery.SMTP{TLS: "starttls"},
			"a@example.jp", false, 3, "STARTTLS"},
		{"recipient refused", smtptest.Options{TLS: "starttls", Refuse: "nobody@example.jp"}, delivery.SMTP{TLS: "starttls"},
			"nobody@example.jp", false, 1, "550"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := smtptest.Start(t, tt.server)
			if tt.cfg.Port == -1 {
				tt.cfg.Port = smtptest.RefusedPort(t)
			}
			e := newEnv(t, ms, tt.cfg, func(o *delivery.Options) {
				if tt.noRoots {
					o.TLS = nil
				}
			})
			m := e.queue(t, tt.to)
			for try := 1; try <= tt.wantTries; try++ {
				if n := e.deliver(t); n != 0 {
					t.Fatalf("attempt %d sent", try)
				}
				m = e.mail(t, m.ID)
				if m.Attempts != try || !strings.Contains(m.LastError, tt.wantError) {
					t.Fatalf("after attempt %d: attempts %d, error %q", try, m.Attempts, m.LastError)
				}
				if try == tt.wantTries {
					break
				}
				wait := backoff[try-1]
				if m.State != data.MailQueued || !m.NextAttemptAt.Equal(e.clock.Now().Add(wait)) {
					t.Fatalf("after attempt %d: %s, next at %v", try, m.State, m.NextAttemptAt)
				}
				// Not due yet: nothing happens.
				e.clock.Advance(wait - time.Second)
				e.deliver(t)
				if e.mail(t, m.ID).Attempts != try {
					t.Fatalf("attempt %d retried before its time", try)
				}
				e.clock.Advance(time.Second)
			}
			if m.State != data.MailFailed {
				t.Fatalf("after the last attempt: %s", m.State)
			}
			e.clock.Advance(24 * time.Hour)
			if e.deliver(t); e.mail(t, m.ID).Attempts != tt.wantTries {
				t.Error("a failed mail was tried again")
			}
			if len(ms.Received()) != 0 {
				t.Errorf("the server received %d messages", len(ms.Received()))
			}
		})
	}
}

func TestDroppedConnectionIsRetriedAndDeliveredOnce(t *testing.T) {
	ms := smtptest.Start(t, smtptest.Options{TLS: "starttls", User: "inkan", Password: "s3cret!", DropFirst: 1})
	e := newEnv(t, ms, delivery.SMTP{TLS: "starttls", User: "inkan", Password: "s3cret!"}, nil)
	m := e.queue(t, "takahashi@example.jp")
	if n := e.deliver(t); n != 0 {
		t.Fatal("a dropped connection counted as sent")
	}
	if m2 := e.mail(t, m.ID); m2.State != data.MailQueued || m2.LastError == "" {
		t.Fatalf("after the drop: %s %q", m2.State, m2.LastError)
	}
	e.clock.Advance(backoff[0])
	if n := e.deliver(t); n != 1 {
		t.Fatalf("second attempt: %q", e.mail(t, m.ID).LastError)
	}
	got := ms.Received()
	if len(got) != 1 {
		t.Fatalf("server holds %d messages, want exactly 1", len(got))
	}
	checkMessage(t, got[0], m)
	if m2 := e.mail(t, m.ID); m2.State != data.MailSent || m2.Attempts != 2 {
		t.Errorf("stored %+v", m2)
	}
}

// TestStopDuringDeliveryLosesNothing simulates a stop at the worst moment: the server
// took the mail but the outcome never reached the store, which still says sending. At
// the next start the mail goes again, once, with the same Message-ID.
func TestStopDuringDeliveryLosesNothing(t *testing.T) {
	ms := smtptest.Start(t, smtptest.Options{TLS: "starttls"})
	e := newEnv(t, ms, delivery.SMTP{TLS: "starttls"}, nil)
	accepted := e.queue(t, "accepted@example.jp")
	e.deliver(t)
	e.queue(t, "cut-off@example.jp")
	err := e.store.Update(func(tx *data.Tx) error {
		mails, err := tx.RecentMails(2)
		for _, m := range mails {
			m.State, m.Attempts = data.MailSending, 1
			if err := tx.PutMail(m); err != nil {
				return err
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.worker.Run(ctx) }()
	// The server holds a mail a moment before the worker has read its answer and
	// marked it sent: wait for both.
	smtptest.Eventually(t, func() bool { return len(ms.Received()) == 3 && e.count(data.MailSent) == 2 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := ms.Received()
	ids := map[string]int{}
	for _, r := range got {
		msg, _ := netmail.ReadMessage(bytes.NewReader(r.Raw))
		ids[msg.Header.Get("Message-ID")]++
	}
	if ids[accepted.MessageID] != 2 || len(ids) != 2 {
		t.Errorf("Message-IDs received %v: want the accepted mail twice, the cut-off one once", ids)
	}
	e.store.View(func(tx *data.Tx) error {
		sending, _ := tx.MailsInState(data.MailSending)
		sent, _ := tx.MailsInState(data.MailSent)
		if len(sending) != 0 || len(sent) != 2 {
			t.Errorf("%d sending, %d sent", len(sending), len(sent))
		}
		for _, m := range sent {
			if m.Attempts != 2 {
				t.Errorf("mail %d: %d attempts, want 2", m.ID, m.Attempts)
			}
		}
		return nil
	})
}

// TestWakeSendsAQueuedMailAtOnce: a running worker idles up to a minute, so only the
// wake-up after the commit explains a delivery within seconds.
func TestWakeSendsAQueuedMailAtOnce(t *testing.T) {
	ms := smtptest.Start(t, smtptest.Options{TLS: "none"})
	e := newEnv(t, ms, delivery.SMTP{TLS: "none"}, func(o *delivery.Options) { o.Now = time.Now })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.worker.Run(ctx) }()
	defer func() { cancel(); <-done }()
	time.Sleep(50 * time.Millisecond) // let the first look at the empty outbox pass
	err := e.store.Update(func(tx *data.Tx) error {
		tx.OnCommit(e.worker.Wake)
		return e.composer.Queue(tx, mail.Message{Template: "user_id_issued", To: []string{"a@example.jp"}}, time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	smtptest.Eventually(t, func() bool { return len(ms.Received()) == 1 })
}

func TestOperatorResendsAFailedMail(t *testing.T) {
	ms := smtptest.Start(t, smtptest.Options{TLS: "none", Refuse: "old@example.jp"})
	e := newEnv(t, ms, delivery.SMTP{TLS: "none"}, nil)
	m := e.queue(t, "old@example.jp")
	e.deliver(t)
	if m = e.mail(t, m.ID); m.State != data.MailFailed {
		t.Fatalf("state %s", m.State)
	}
	ms.SetRefused("") // the mailbox was fixed
	resend := func() error {
		return e.store.Update(func(tx *data.Tx) error { return delivery.Resend(tx, m.ID, "operator:operator", e.clock.Now()) })
	}
	if err := resend(); err != nil {
		t.Fatal(err)
	}
	if m2 := e.mail(t, m.ID); m2.State != data.MailQueued || m2.Attempts != 0 || m2.LastError != "" {
		t.Errorf("after resend: %+v", m2)
	}
	if err := resend(); !errors.Is(err, delivery.ErrNotFailed) {
		t.Errorf("resend of a queued mail: %v", err)
	}
	if e.deliver(t) != 1 || len(ms.Received()) != 1 {
		t.Fatal("the resent mail was not delivered")
	}
	e.store.View(func(tx *data.Tx) error {
		events, _ := tx.RecentEvents(1)
		if len(events) != 1 || events[0].Action != "mail.resend" || events[0].Actor != "operator:operator" {
			t.Errorf("audit %+v", events)
		}
		return nil
	})
	if err := e.store.Update(func(tx *data.Tx) error { return delivery.Resend(tx, 999, "operator:operator", e.clock.Now()) }); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("resend of a missing mail: %v", err)
	}
}

func TestASecretIsSentThenErased(t *testing.T) {
	ms := smtptest.Start(t, smtptest.Options{TLS: "starttls", DropFirst: 1})
	e := newEnv(t, ms, delivery.SMTP{TLS: "starttls"}, nil)
	const pw = "Kp4&x'_9Zq"
	err := e.store.Update(func(tx *data.Tx) error {
		return e.composer.Queue(tx, mail.Message{Template: "initial_password", To: []string{"sato@example.jp"}, Data: map[string]any{
			"UserName": "佐藤 次郎", "Password": mail.Secret(pw),
		}}, e.clock.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	var queued data.Mail
	e.store.View(func(tx *data.Tx) error { ms, _ := tx.RecentMails(1); queued = ms[0]; return nil })
	// A failed attempt keeps the secret for the next one.
	if n := e.deliver(t); n != 0 {
		t.Fatal("a dropped connection counted as sent")
	}
	if m := e.mail(t, queued.ID); m.Secret == nil || strings.Contains(m.Text, pw) {
		t.Fatalf("after a failed attempt: %+v", m)
	}
	e.clock.Advance(backoff[0])
	if n := e.deliver(t); n != 1 {
		t.Fatalf("sent %d: %q", n, e.mail(t, queued.ID).LastError)
	}
	got := ms.Received()
	msg, err := netmail.ReadMessage(bytes.NewReader(got[len(got)-1].Raw))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, msg.Body))
	if !strings.Contains(string(body), "初回ログインパスワード："+pw+"\r\n") || strings.Contains(string(body), mail.SecretMark) {
		t.Errorf("sent body:\n%s", body)
	}
	if id := msg.Header.Get("Message-ID"); id != queued.MessageID {
		t.Errorf("Message-ID %q, want %q", id, queued.MessageID)
	}
	sent := e.mail(t, queued.ID)
	if sent.State != data.MailSent || sent.Secret != nil || !strings.Contains(sent.Text, "初回ログインパスワード："+mail.SentMark) {
		t.Errorf("sent mail %+v", sent)
	}
	if text, _ := e.composer.Open(sent); strings.Contains(text, pw) {
		t.Error("the password opens after delivery")
	}
}
