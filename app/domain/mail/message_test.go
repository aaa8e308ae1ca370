package mail_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"inkan/app/domain/mail"
	"inkan/data"
)

func TestBuildReadsBackInAMailReader(t *testing.T) {
	created := time.Date(2026, 4, 1, 0, 30, 0, 0, time.UTC)
	tests := []struct {
		name     string
		from     netmail.Address
		mail     data.Mail
		wantFrom string
	}{
		{
			name: "Japanese subject and names outside JIS X 0208",
			from: netmail.Address{Name: "Inkan電子契約サービス", Address: "inkan@keiyaku.example.jp"},
			mail: data.Mail{
				ID: 7, To: []string{"takahashi@example.jp"},
				Subject: "【Inkan電子契約サービス】電子証明書紐付情報更新（署名者変更）のお知らせ",
				Text:    "髙橋 様\n山﨑建設株式会社 ①\n\n" + strings.Repeat("長い本文の行です。", 40) + "\n",
			},
			wantFrom: "Inkan電子契約サービス",
		},
		{
			name:     "ASCII sender name that needs quoting, two recipients",
			from:     netmail.Address{Name: "Keiyaku, Inc.", Address: "noreply@example.com"},
			mail:     data.Mail{ID: 8, To: []string{"a@example.com", "b@example.com"}, Subject: "Plain subject", Text: "line 1\r\nline 2"},
			wantFrom: "Keiyaku, Inc.",
		},
		{
			name:     "a line break in the subject stays inside it",
			from:     netmail.Address{Address: "noreply@example.com"},
			mail:     data.Mail{ID: 9, To: []string{"a@example.com"}, Subject: "件名\r\nBcc: x@example.com", Text: "本文"},
			wantFrom: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.mail.MessageID, tt.mail.CreatedAt = "<abc123@keiyaku.example.jp>", created
			raw, err := mail.Build(tt.mail, tt.from)
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(string(raw), "\r\n") {
				if len(line) > 78 {
					t.Errorf("line of %d characters: %q", len(line), line)
				}
				if strings.ContainsAny(line, "\r\n") {
					t.Errorf("bare line break in %q", line)
				}
			}
			msg, err := netmail.ReadMessage(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if err != nil || subject != tt.mail.Subject {
				t.Errorf("subject %q (%v), want %q", subject, err, tt.mail.Subject)
			}
			if msg.Header.Get("Bcc") != "" {
				t.Error("the subject injected a header")
			}
			from, err := msg.Header.AddressList("From")
			if err != nil || len(from) != 1 || from[0].Name != tt.wantFrom || from[0].Address != tt.from.Address {
				t.Errorf("From %v (%v)", from, err)
			}
			to, err := msg.Header.AddressList("To")
			if err != nil || len(to) != len(tt.mail.To) || to[0].Address != tt.mail.To[0] {
				t.Errorf("To %v (%v)", to, err)
			}
			if date, err := msg.Header.Date(); err != nil || !date.Equal(created) || !strings.HasSuffix(msg.Header.Get("Date"), "+0900") {
				t.Errorf("Date %q (%v)", msg.Header.Get("Date"), err)
			}
			if got := msg.Header.Get("Message-ID"); got != tt.mail.MessageID {
				t.Errorf("Message-ID %q", got)
			}
			mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
			if err != nil || mt != "text/plain" || !strings.EqualFold(params["charset"], "utf-8") || msg.Header.Get("MIME-Version") != "1.0" {
				t.Errorf("Content-Type %q, MIME-Version %q", msg.Header.Get("Content-Type"), msg.Header.Get("MIME-Version"))
			}
			if cte := msg.Header.Get("Content-Transfer-Encoding"); cte != "base64" {
				t.Fatalf("Content-Transfer-Encoding %q", cte)
			}
			body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, msg.Body))
			if err != nil {
				t.Fatal(err)
			}
			want := strings.ReplaceAll(strings.TrimRight(strings.ReplaceAll(tt.mail.Text, "\r\n", "\n"), "\n"), "\n", "\r\n") + "\r\n"
			if string(body) != want {
				t.Errorf("body %q, want %q", body, want)
			}
		})
	}
}

func TestBuildRefusesWhatCannotBeAHeader(t *testing.T) {
	good := data.Mail{ID: 1, To: []string{"a@example.com"}, Subject: "s", Text: "t", MessageID: "<x@example.com>"}
	from := netmail.Address{Address: "noreply@example.com"}
	tests := []struct {
		name string
		edit func(*data.Mail, *netmail.Address)
	}{
		{"recipient with a name", func(m *data.Mail, _ *netmail.Address) { m.To = []string{"A <a@example.com>"} }},
		{"recipient with a line break", func(m *data.Mail, _ *netmail.Address) { m.To = []string{"a@example.com\r\nBcc: b@example.com"} }},
		{"no Message-ID", func(m *data.Mail, _ *netmail.Address) { m.MessageID = "" }},
		{"bad sender", func(_ *data.Mail, f *netmail.Address) { f.Address = "nobody" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, f := good, from
			m.To = append([]string(nil), good.To...)
			tt.edit(&m, &f)
			if _, err := mail.Build(m, f); err == nil {
				t.Error("built")
			}
		})
	}
	if _, err := mail.Build(good, from); err != nil {
		t.Errorf("the good mail: %v", err)
	}
}
