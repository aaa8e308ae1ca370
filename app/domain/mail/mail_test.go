package mail_test

import (
	"strings"
	"testing"
	"time"

	"inkan/app/domain/mail"
	"inkan/data"
	"inkan/views"
)

func TestRenderEveryTemplate(t *testing.T) {
	c, err := mail.New(views.FS, "mail", "建設契約サービス", "https://keiyaku.example.jp")
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
	c, _ := mail.New(views.FS, "mail", "Inkan", "http://localhost:8080")
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
