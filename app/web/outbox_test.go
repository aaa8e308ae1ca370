package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inkan/app/domain/mail"
	"inkan/app/testkit/smtptest"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

// failMail marks outbox mail id failed, as the delivery worker does after its last
// attempt.
func failMail(t *testing.T, env *webtest.Env, id uint64, lastError string) {
	t.Helper()
	err := env.Server.Store.Update(func(tx *data.Tx) error {
		m, err := tx.Mail(id)
		if err != nil {
			return err
		}
		m.State, m.Attempts, m.LastError = data.MailFailed, 6, lastError
		return tx.PutMail(m)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOperatorResendsAFailedMail(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	failMail(t, env, 1, `RCPT TO:<admin@demo.example.jp>: 550 "5.1.1 no such user"`)
	op := env.Client(t)
	op.OperatorLogin()

	list := op.Get("/operator/outbox")
	if !list.Has("#outbox-failed") || !strings.Contains(list.Text("#outbox-failed"), "1件") {
		t.Errorf("no notice of the failed mail: %q", list.Text("#outbox-failed"))
	}
	row := list.Doc.Find("#mail-1")
	if !strings.Contains(row.Text(), "送信失敗") || !strings.Contains(row.Find(".last-error").Text(), "550") {
		t.Errorf("failed row: %q", row.Text())
	}

	page := op.Get("/operator/outbox/1")
	form := page.Doc.Find(`#mail-detail form[action="/operator/outbox/1/resend"]`)
	if confirm, _ := form.Attr("hx-confirm"); form.Length() != 1 || confirm == "" {
		t.Fatalf("no 再送 form with a confirmation:\n%s", page.Body)
	}
	if !strings.Contains(page.Text("#mail-error"), "no such user") {
		t.Errorf("last error not shown: %q", page.Text("#mail-error"))
	}
	if op.Get("/operator/outbox/2").Has(`#mail-detail form`) {
		t.Error("a queued mail offers 再送")
	}

	tests := []struct {
		name       string
		form       url.Values
		wantStatus int
		wantState  string
	}{
		{"without the CSRF token", url.Values{"_csrf": {"forged"}}, http.StatusForbidden, data.MailFailed},
		{"再送", nil, http.StatusOK, data.MailQueued},
		{"again, after it is queued", nil, http.StatusConflict, data.MailQueued},
	}
	for _, tt := range tests {
		r := op.Post("/operator/outbox/1/resend", tt.form)
		if r.Status != tt.wantStatus {
			t.Fatalf("%s: status %d, want %d\n%s", tt.name, r.Status, tt.wantStatus, r.Body)
		}
		var m data.Mail
		env.Server.Store.View(func(tx *data.Tx) (err error) { m, err = tx.Mail(1); return })
		if m.State != tt.wantState {
			t.Errorf("%s: state %s, want %s", tt.name, m.State, tt.wantState)
		}
		if tt.wantStatus == http.StatusOK {
			if m.Attempts != 0 || m.LastError != "" || !m.NextAttemptAt.Equal(env.Clock.Now()) {
				t.Errorf("%s: stored %+v", tt.name, m)
			}
			if r.Text("#mail-state") != "送信待ち" || !strings.Contains(r.Text("#mail-note"), "送信待ちに戻しました") || r.Has("#outbox-failed") {
				t.Errorf("%s: page after resend:\n%s", tt.name, r.Body)
			}
			if r.Header.Get("HX-Push-Url") != "/operator/outbox/1" {
				t.Errorf("%s: HX-Push-Url %q", tt.name, r.Header.Get("HX-Push-Url"))
			}
		}
		if tt.wantStatus == http.StatusConflict && !strings.Contains(r.Text("#mail-note"), "再送できません") {
			t.Errorf("%s: note %q", tt.name, r.Text("#mail-note"))
		}
	}
	env.Server.Store.View(func(tx *data.Tx) error {
		events, _ := tx.RecentEvents(1)
		if events[0].Action != "mail.resend" || events[0].Target != "1" || !strings.HasPrefix(events[0].Actor, "operator:") {
			t.Errorf("audit %+v", events[0])
		}
		return nil
	})
	if r := op.Post("/operator/outbox/999/resend", nil); r.Status != http.StatusNotFound {
		t.Errorf("resend of a missing mail: %d", r.Status)
	}
	// A company admin cannot reach the console's actions.
	c, _ := loggedIn(t, env, env.Creds.AdminID, env.Creds.AdminPassword)
	if r := c.Post("/operator/outbox/1/resend", nil); r.Status != http.StatusSeeOther && r.Status != http.StatusForbidden {
		t.Errorf("company admin resend: %d", r.Status)
	}
}

// passwordMail is the outbox mail with the demo admin's initial password.
func passwordMail(t *testing.T, env *webtest.Env) data.Mail {
	t.Helper()
	var found data.Mail
	env.Server.Store.View(func(tx *data.Tx) error {
		all, err := tx.RecentMails(100)
		for _, m := range all {
			if m.Template == "initial_password" {
				found = m
			}
		}
		return err
	})
	if found.ID == 0 {
		t.Fatal("no password mail in the outbox")
	}
	return found
}

func TestTheOutboxShowsASecretOnlyWithoutSMTP(t *testing.T) {
	tests := []struct {
		name  string
		smtp  bool
		shown bool
	}{
		{"no SMTP server: the outbox is how mail is read", false, true},
		{"an SMTP server: only the recipient reads it", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := webtest.Config(t)
			if tt.smtp {
				// Configured but never contacted: the test serves no delivery.
				cfg.SMTP.Host, cfg.SMTP.Port = "127.0.0.1", smtptest.RefusedPort(t)
			}
			env := webtest.New(t, cfg)
			pw := env.Creds.AdminPassword
			var raw bytes.Buffer
			if _, err := env.Server.Store.Backup(&raw); err != nil {
				t.Fatal(err)
			}
			escaped, _ := json.Marshal(pw)
			if bytes.Contains(raw.Bytes(), []byte(pw)) || bytes.Contains(raw.Bytes(), escaped[1:len(escaped)-1]) {
				t.Error("the store holds the initial password in plain text")
			}
			m := passwordMail(t, env)
			op := env.Client(t)
			op.OperatorLogin()
			body := op.Get(fmt.Sprint("/operator/outbox/", m.ID)).Text("#mail-detail .mail-body")
			if got := strings.Contains(body, "初回ログインパスワード："+pw); got != tt.shown {
				t.Errorf("password shown %t, want %t:\n%s", got, tt.shown, body)
			}
			if got := strings.Contains(body, mail.SecretMark); got == tt.shown {
				t.Errorf("mark shown %t:\n%s", got, body)
			}
			// Once delivered, the secret is gone for good.
			env.Server.Store.Update(func(tx *data.Tx) error {
				m, _ := tx.Mail(m.ID)
				m.State = data.MailSent
				mail.Erase(&m)
				return tx.PutMail(m)
			})
			body = op.Get(fmt.Sprint("/operator/outbox/", m.ID)).Text("#mail-detail .mail-body")
			if strings.Contains(body, pw) || !strings.Contains(body, "初回ログインパスワード："+mail.SentMark) {
				t.Errorf("after delivery:\n%s", body)
			}
		})
	}
}
