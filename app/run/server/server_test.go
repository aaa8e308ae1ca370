package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"

	"inkan/app/domain/account"
	"inkan/app/run/server"
	"inkan/app/testkit/smtptest"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

// TestServingDeliversTheOutbox runs the whole installation against a real SMTP server:
// the bootstrap mails go out at start, and a mail queued later goes out at once (the
// worker otherwise idles a minute), woken by the commit that queued it.
func TestServingDeliversTheOutbox(t *testing.T) {
	ms := smtptest.Start(t, smtptest.Options{TLS: "none"})
	cfg := webtest.Config(t)
	cfg.SMTP.Host, cfg.SMTP.Port, cfg.SMTP.TLS = ms.Host, ms.Port, "none"
	env := webtest.New(t, cfg)
	if env.Server.Delivery == nil {
		t.Fatal("no delivery worker with an SMTP server configured")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- env.Server.ServeListener(ctx, ln) }()

	// The demo admin's ID and password mails and the PIN mail of DJC-00001.
	smtptest.Eventually(t, func() bool { return len(ms.Received()) == 3 })
	env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "佐藤 花子")
	// The server holds a mail a moment before the worker has read its answer and
	// marked it sent: wait for both.
	smtptest.Eventually(t, func() bool { return len(ms.Received()) == 5 && sentMails(env) == 5 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// The admin's password went out in clear to the recipient, and no longer rests in
	// the store.
	var delivered bool
	for _, m := range ms.Received() {
		msg, err := netmail.ReadMessage(bytes.NewReader(m.Raw))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, msg.Body))
		delivered = delivered || strings.Contains(string(body), "初回ログインパスワード："+env.Creds.AdminPassword+"\r\n")
	}
	if !delivered {
		t.Error("the admin's password mail did not carry the password")
	}
	env.Server.Store.View(func(tx *data.Tx) error {
		sent, err := tx.MailsInState(data.MailSent)
		for _, m := range sent {
			if m.Secret != nil || strings.Contains(m.Text, env.Creds.AdminPassword) {
				t.Errorf("sent mail %d keeps its secret", m.ID)
			}
		}
		return err
	})
}

func sentMails(env *webtest.Env) int {
	var n int
	env.Server.Store.View(func(tx *data.Tx) error {
		sent, err := tx.MailsInState(data.MailSent)
		n = len(sent)
		return err
	})
	return n
}

func TestNoWorkerWithoutAnSMTPServer(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	if env.Server.Delivery != nil {
		t.Error("a delivery worker without an SMTP host")
	}
}

// lockedBuffer is a log destination the serving goroutine and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedBuffer) String() string { w.mu.Lock(); defer w.mu.Unlock(); return w.b.String() }

// TestStartWarnsOfTheDefaultBaseURL: with only the address changed, certificates and
// mails would point to http://localhost:8080.
func TestStartWarnsOfTheDefaultBaseURL(t *testing.T) {
	for _, tt := range []struct {
		base string
		want bool
	}{{"", true}, {"https://keiyaku.example.jp", false}} {
		cfg := webtest.Config(t)
		if tt.base != "" {
			cfg.BaseURL = tt.base
		}
		var logs lockedBuffer
		s, err := server.New(cfg, slog.New(slog.NewTextHandler(&logs, nil)), nil)
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.ServeListener(ctx, ln) }()
		smtptest.Eventually(t, func() bool { return strings.Contains(logs.String(), "serving") })
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		s.Close()
		if got := strings.Contains(logs.String(), "level=WARN msg=\"the base URL is the default"); got != tt.want {
			t.Errorf("base URL %q on %s: warned %v, want %v\n%s", cfg.BaseURL, ln.Addr(), got, tt.want, logs.String())
		}
	}
}
