// Package mail renders Inkan's mails from embedded templates and writes them to the
// durable outbox. Queueing happens inside the caller's transaction, so a mail exists
// exactly when the change that causes it does; delivery is a separate worker.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"text/template"
	"time"

	"inkan/data"
)

// Composer renders mails and queues them.
type Composer struct {
	tmpl    *template.Template
	service string
	baseURL string
	host    string
	queued  func()
}

// New parses every *.txt template in dir of fsys. A template starts with a "Subject: "
// line, then a blank line, then the body.
func New(fsys fs.FS, dir, serviceName, baseURL string) (*Composer, error) {
	tmpl, err := template.ParseFS(fsys, dir+"/*.txt")
	if err != nil {
		return nil, fmt.Errorf("mail: parse templates: %w", err)
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("mail: base url: %w", err)
	}
	return &Composer{tmpl: tmpl, service: serviceName, baseURL: baseURL, host: u.Hostname()}, nil
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

// Queue renders m and writes it to the outbox in tx.
func (c *Composer) Queue(tx *data.Tx, m Message, now time.Time) error {
	if len(m.To) == 0 {
		return fmt.Errorf("mail: %s has no recipient", m.Template)
	}
	subject, body, err := c.Render(m)
	if err != nil {
		return err
	}
	rec := data.Mail{
		CompanyID: m.CompanyID, To: m.To, Subject: subject, Text: body, Template: m.Template,
		NextAttemptAt: now, CreatedAt: now, MessageID: c.messageID(),
	}
	if err := tx.QueueMail(&rec); err != nil {
		return fmt.Errorf("mail: queue %s: %w", m.Template, err)
	}
	if c.queued != nil {
		tx.OnCommit(c.queued)
	}
	return nil
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
