// Package mail renders Inkan's mails from embedded templates and writes them to the
// durable outbox. Queueing happens inside the caller's transaction, so a mail exists
// exactly when the change that causes it does; delivery is a separate worker.
//
// A secret in a mail (an initial password, a certificate PIN) never rests in the store in
// plain text: the stored text holds SecretMark in its place and the secret itself is
// sealed beside it. Delivery opens it only to build the message it sends, and erases it
// once the server has taken the mail.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"text/template"
	"time"

	"inkan/data"
)

// Secret marks a value of Message.Data as a secret: Queue stores SecretMark in its place
// in the text and the value sealed.
type Secret string

// SecretMark stands for a sealed secret in the text of a queued mail.
const SecretMark = "（暗号化して保管中・送信時に差し込み）"

// SentMark replaces SecretMark once the mail is delivered and its secret erased.
const SentMark = "（送信済みのため表示できません）"

// Sealer encrypts a mail's secret at rest, bound to label (the mail's Message-ID) so that
// a sealed secret copied into another mail does not open there. The composition root
// gives one made from the master key.
type Sealer interface {
	Seal(plaintext []byte, label string) ([]byte, error)
	Open(sealed []byte, label string) ([]byte, error)
}

// Composer renders mails and queues them.
type Composer struct {
	tmpl    *template.Template
	service string
	baseURL string
	host    string
	sealer  Sealer
	queued  func()
}

// New parses every *.txt template in dir of fsys. A template starts with a "Subject: "
// line, then a blank line, then the body. sealer seals the secrets of queued mails.
func New(fsys fs.FS, dir, serviceName, baseURL string, sealer Sealer) (*Composer, error) {
	if sealer == nil {
		return nil, errors.New("mail: no sealer for the secrets of mails")
	}
	tmpl, err := template.ParseFS(fsys, dir+"/*.txt")
	if err != nil {
		return nil, fmt.Errorf("mail: parse templates: %w", err)
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("mail: base url: %w", err)
	}
	return &Composer{tmpl: tmpl, service: serviceName, baseURL: baseURL, host: u.Hostname(), sealer: sealer}, nil
}

// Message is a mail to queue: which template, to whom, with what data.
type Message struct {
	Template  string
	To        []string
	CompanyID string
	Data      map[string]any
}

// Render produces the subject (prefixed 【service name】) and text body.
func (c *Composer) Render(m Message) (subject, body string, err error) {
	vars := map[string]any{"Service": c.service, "BaseURL": c.baseURL}
	for k, v := range m.Data {
		vars[k] = v
	}
	var buf bytes.Buffer
	if err := c.tmpl.ExecuteTemplate(&buf, m.Template+".txt", vars); err != nil {
		return "", "", fmt.Errorf("mail: render %s: %w", m.Template, err)
	}
	head, text, ok := strings.Cut(buf.String(), "\n\n")
	if !ok || !strings.HasPrefix(head, "Subject: ") {
		return "", "", fmt.Errorf("mail: template %s must start with a Subject line and a blank line", m.Template)
	}
	subject = "【" + c.service + "】" + strings.TrimSpace(strings.TrimPrefix(head, "Subject: "))
	return subject, strings.TrimLeft(text, "\n"), nil
}

// OnQueued registers fn to run after a transaction that queued a mail commits (the
// delivery worker's wake-up). Call it while building the server, before any Queue.
func (c *Composer) OnQueued(fn func()) { c.queued = fn }

// Queue renders m and writes it to the outbox in tx, its Secret value (at most one)
// sealed and SecretMark in the text in its place.
func (c *Composer) Queue(tx *data.Tx, m Message, now time.Time) error {
	if len(m.To) == 0 {
		return fmt.Errorf("mail: %s has no recipient", m.Template)
	}
	secret, m, err := withoutSecret(m)
	if err != nil {
		return err
	}
	subject, body, err := c.Render(m)
	if err != nil {
		return err
	}
	if strings.Contains(subject, SecretMark) {
		return fmt.Errorf("mail: %s puts a secret in the subject", m.Template)
	}
	rec := data.Mail{
		CompanyID: m.CompanyID, To: m.To, Subject: subject, Text: body, Template: m.Template,
		NextAttemptAt: now, CreatedAt: now, MessageID: c.messageID(),
	}
	// A template that does not show the secret (the ID mail, rendered from the same
	// data as the password mail) stores none.
	if secret != "" && strings.Contains(body, SecretMark) {
		if rec.Secret, err = c.sealer.Seal([]byte(secret), rec.MessageID); err != nil {
			return fmt.Errorf("mail: queue %s: %w", m.Template, err)
		}
	}
	if err := tx.QueueMail(&rec); err != nil {
		return fmt.Errorf("mail: queue %s: %w", m.Template, err)
	}
	if c.queued != nil {
		tx.OnCommit(c.queued)
	}
	return nil
}

// withoutSecret returns the Secret value of m's data and m with SecretMark in its place.
func withoutSecret(m Message) (Secret, Message, error) {
	var secret Secret
	vars := make(map[string]any, len(m.Data))
	for k, v := range m.Data {
		if s, ok := v.(Secret); ok {
			if secret != "" {
				return "", m, fmt.Errorf("mail: %s carries more than one secret", m.Template)
			}
			if s == "" {
				return "", m, fmt.Errorf("mail: %s: empty secret %s", m.Template, k)
			}
			secret, v = s, SecretMark
		}
		vars[k] = v
	}
	m.Data = vars
	return secret, m, nil
}

// Open returns the text of m with its secret in, as it is sent: only delivery, and the
// operator's screen when no SMTP server is configured (the outbox is then how mail is
// read), need it.
func (c *Composer) Open(m data.Mail) (string, error) {
	if m.Secret == nil {
		return m.Text, nil
	}
	secret, err := c.sealer.Open(m.Secret, m.MessageID)
	if err != nil {
		return "", fmt.Errorf("mail: open the secret of mail %d: %w", m.ID, err)
	}
	defer clear(secret)
	return strings.ReplaceAll(m.Text, SecretMark, string(secret)), nil
}

// Erase drops the sealed secret of a delivered mail; the text keeps SentMark in its place.
func Erase(m *data.Mail) {
	if m.Secret == nil {
		return
	}
	clear(m.Secret)
	m.Secret = nil
	m.Text = strings.ReplaceAll(m.Text, SecretMark, SentMark)
}

// messageID is fixed at queue time so that a retried delivery carries the same
// Message-ID and receiving servers can drop a duplicate.
func (c *Composer) messageID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("mail: read random: %v", err))
	}
	return "<" + hex.EncodeToString(b) + "@" + c.host + ">"
}
