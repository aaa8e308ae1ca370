package mail_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"inkan/app/domain/mail"
	"inkan/app/trust/pki"
	"inkan/data"
	"inkan/views"
)

func TestRenderEveryTemplate(t *testing.T) {
	c, err := mail.New(views.FS, "mail", "建設契約サービス", "https://keiyaku.example.jp", newBox(t))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{"UserName": "佐藤 次郎", "CompanyName": "発注建設株式会社", "UserID": "U000025", "Password": "abc123!x"}
	tests := []struct {
		template, subject string
		body              []string
	}{
		{"user_id_issued", "【建設契約サービス】利用者ID発行のお知らせ", []string{"U000025", "発注建設株式会社", "https://keiyaku.example.jp/login"}},
		{"initial_password", "【建設契約サービス】初回ログインパスワードのお知らせ", []string{"abc123!x", "佐藤 次郎 様"}},
	}
	for _, tt := range tests {
		subject, body, err := c.Render(mail.Message{Template: tt.template, Data: vars})
		if err != nil {
			t.Fatalf("%s: %v", tt.template, err)
		}
		if subject != tt.subject {
			t.Errorf("%s subject %q, want %q", tt.template, subject, tt.subject)
		}
		for _, want := range tt.body {
			if !strings.Contains(body, want) {
				t.Errorf("%s body lacks %q:\n%s", tt.template, want, body)
			}
		}
	}
	// The ID and the password never travel in the same mail.
	_, idMail, _ := c.Render(mail.Message{Template: "user_id_issued", Data: vars})
	if strings.Contains(idMail, "abc123!x") {
		t.Error("the ID mail carries the password")
	}
}

func TestQueueWritesInTheCallersTransaction(t *testing.T) {
	store, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	c, _ := mail.New(views.FS, "mail", "Inkan", "http://localhost:8080", newBox(t))
	msg := mail.Message{Template: "user_id_issued", To: []string{"a@example.com"}, Data: map[string]any{"UserID": "U000001"}}
	// A transaction that fails after queueing leaves no mail behind.
	_ = store.Update(func(tx *data.Tx) error {
		if err := c.Queue(tx, msg, time.Now()); err != nil {
			t.Fatal(err)
		}
		return data.ErrConflict
	})
	store.Update(func(tx *data.Tx) error { return c.Queue(tx, msg, time.Now()) })
	store.View(func(tx *data.Tx) error {
		mails, _ := tx.RecentMails(10)
		if len(mails) != 1 || mails[0].State != data.MailQueued || !strings.HasSuffix(mails[0].MessageID, "@localhost>") {
			t.Errorf("outbox %+v", mails)
		}
		return nil
	})
	if err := store.Update(func(tx *data.Tx) error { return c.Queue(tx, mail.Message{Template: "user_id_issued"}, time.Now()) }); err == nil {
		t.Error("a mail without recipients was queued")
	}
}

func newBox(t *testing.T) pki.SecretBox {
	t.Helper()
	master, err := pki.NewMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	box, err := pki.NewSecretBox(master, "mail secret")
	if err != nil {
		t.Fatal(err)
	}
	return box
}

func TestASecretRestsSealed(t *testing.T) {
	store, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	c, _ := mail.New(views.FS, "mail", "Inkan", "http://localhost:8080", newBox(t))
	const pw = "Sx7&q'9!Kd"
	vars := map[string]any{"UserName": "佐藤 次郎", "UserID": "U000025", "Password": mail.Secret(pw)}
	err = store.Update(func(tx *data.Tx) error {
		for _, tmpl := range []string{"user_id_issued", "initial_password"} {
			if err := c.Queue(tx, mail.Message{Template: tmpl, To: []string{"sato@example.jp"}, Data: vars}, time.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	if _, err := store.Backup(&raw); err != nil {
		t.Fatal(err)
	}
	escaped, _ := json.Marshal(pw)
	for _, form := range []string{pw, string(escaped[1 : len(escaped)-1])} {
		if bytes.Contains(raw.Bytes(), []byte(form)) {
			t.Errorf("the store holds the password as %q", form)
		}
	}
	var idMail, pwMail data.Mail
	store.View(func(tx *data.Tx) error {
		mails, _ := tx.RecentMails(2)
		pwMail, idMail = mails[0], mails[1]
		return nil
	})
	if idMail.Secret != nil {
		t.Error("the ID mail, which does not show the password, stores a secret")
	}
	if !strings.Contains(pwMail.Text, "初回ログインパスワード："+mail.SecretMark) || pwMail.Secret == nil {
		t.Errorf("stored password mail %+v", pwMail)
	}
	text, err := c.Open(pwMail)
	if err != nil || !strings.Contains(text, "初回ログインパスワード："+pw+"\n") || strings.Contains(text, mail.SecretMark) {
		t.Errorf("opened %v:\n%s", err, text)
	}
	// Bound to its mail: the sealed secret does not open in another one.
	moved := idMail
	moved.Secret = pwMail.Secret
	if _, err := c.Open(moved); err == nil {
		t.Error("a secret moved to another mail opened")
	}
	mail.Erase(&pwMail)
	if pwMail.Secret != nil || !strings.Contains(pwMail.Text, "初回ログインパスワード："+mail.SentMark) {
		t.Errorf("erased %+v", pwMail)
	}
	if text, _ := c.Open(pwMail); text != pwMail.Text {
		t.Errorf("opened after erasing:\n%s", text)
	}
	two := map[string]any{"Password": mail.Secret("a"), "PIN": mail.Secret("b")}
	if err := store.Update(func(tx *data.Tx) error {
		return c.Queue(tx, mail.Message{Template: "pin", To: []string{"a@example.jp"}, Data: two}, time.Now())
	}); err == nil {
		t.Error("a mail with two secrets was queued")
	}
	if _, err := mail.New(views.FS, "mail", "Inkan", "http://localhost:8080", nil); err == nil {
		t.Error("a composer without a sealer")
	}
}
