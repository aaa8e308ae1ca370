package web_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"inkan/app/testkit/webtest"
	"inkan/data"
)

// One person mistyping behind an office's NAT is slowed down; the colleagues behind the
// same address still log in with their right passwords.
func TestLoginThrottleSlowsTheMistyperNotTheOffice(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	mistyper := env.Client(t)
	mistyper.IP = "198.51.100.7"
	var last *webtest.Response
	for i := 0; i < 25; i++ {
		last = mistyper.Login("U900001", "wrong-pass1!")
	}
	if last.Status != http.StatusTooManyRequests {
		t.Fatalf("25th failure of one ID from one address: %d, want 429", last.Status)
	}
	if s, err := strconv.Atoi(last.Header.Get("Retry-After")); err != nil || s <= 0 || s > 15*60 {
		t.Errorf("Retry-After %q, want 1..900 seconds", last.Header.Get("Retry-After"))
	}
	colleague := env.Client(t)
	colleague.IP = mistyper.IP
	if r := colleague.Login(env.Creds.AdminID, env.Creds.AdminPassword); r.Text("h1") != "パスワード変更" {
		t.Errorf("right password from the same address: %d, want it accepted", r.Status)
	}
	env.Clock.Advance(16 * time.Minute)
	if r := mistyper.Login("U900001", "wrong-pass1!"); r.Status != http.StatusUnauthorized {
		t.Errorf("after the window: %d, want 401", r.Status)
	}
}

// Spraying one password over many IDs from one address is still stopped, whatever the
// client puts in front of the proxy's entry of X-Forwarded-For.
func TestLoginThrottleStopsASprayOverManyIDs(t *testing.T) {
	cfg := webtest.Config(t)
	cfg.ProxyHeader = "X-Forwarded-For"
	env := webtest.New(t, cfg)
	attacker := env.Client(t)
	var last *webtest.Response
	for i := 0; i < 101; i++ {
		last = loginFrom(attacker, fmt.Sprintf("U9%05d", i), "Spring-2026!", fmt.Sprintf("10.9.%d.%d, 198.51.100.7", i/250, i%250))
	}
	if last.Status != http.StatusTooManyRequests {
		t.Fatalf("101st failure over many IDs from one address: %d, want 429", last.Status)
	}
	r := loginFrom(attacker, env.Creds.AdminID, env.Creds.AdminPassword, "198.51.100.7")
	if r.Status != http.StatusTooManyRequests {
		t.Errorf("right password from the spraying address: %d, want 429", r.Status)
	}
	other := env.Client(t)
	r = loginFrom(other, env.Creds.AdminID, env.Creds.AdminPassword, "198.51.100.8")
	if r.Status != http.StatusSeeOther {
		t.Errorf("another address: %d, want the login accepted", r.Status)
	}
}

// The client address is the entry the trusted proxy appended, never one the client chose.
func TestClientAddressIsReadFromTheRight(t *testing.T) {
	tests := []struct {
		name    string
		proxies int
		header  []string
		want    string
	}{
		{"one entry", 1, []string{"203.0.113.9"}, "203.0.113.9"},
		{"client prefix ignored", 1, []string{"1.2.3.4, 203.0.113.9"}, "203.0.113.9"},
		{"spaces and several lines", 1, []string{"1.2.3.4,5.6.7.8", " 203.0.113.9 "}, "203.0.113.9"},
		{"two proxies", 2, []string{"1.2.3.4, 203.0.113.9, 10.0.0.1"}, "203.0.113.9"},
		{"fewer entries than proxies", 2, []string{"203.0.113.9"}, "203.0.113.9"},
		{"IPv6", 1, []string{"evil, 2001:db8::1"}, "2001:db8::1"},
		{"garbage falls back to the peer", 1, []string{"1.2.3.4, not-an-address"}, "0.0.0.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := webtest.Config(t)
			cfg.ProxyHeader, cfg.TrustedProxies = "X-Forwarded-For", tt.proxies
			env := webtest.New(t, cfg)
			r := loginFrom(env.Client(t), "U900001", "wrong-pass1!", tt.header...)
			if r.Status != http.StatusUnauthorized {
				t.Fatalf("status %d", r.Status)
			}
			if got := lastEvent(t, env).IP; got != tt.want {
				t.Errorf("audited address %q, want %q", got, tt.want)
			}
		})
	}
}

// A huge login ID is refused by its size: neither the store nor the page gets it whole.
func TestLoginInputIsBounded(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := env.Client(t)
	c.Get("/login")
	long := strings.Repeat("A", 40<<10)
	r := c.Post("/login", url.Values{"login": {long}, "password": {"wrong-pass1!"}})
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("40 KiB ID: %d, want 401", r.Status)
	}
	if len(r.Body) > 32<<10 || !strings.Contains(r.Body, strings.Repeat("A", 64)) {
		t.Errorf("page of %d bytes: want the ID echoed clipped", len(r.Body))
	}
	if e := lastEvent(t, env); len(e.Actor) > 80 {
		t.Errorf("audited actor of %d bytes", len(e.Actor))
	}
	c.Get("/operator/login")
	if r := c.Post("/operator/login", url.Values{"login": {long}, "password": {"wrong-pass1!"}}); r.Status != http.StatusUnauthorized || len(r.Body) > 32<<10 {
		t.Errorf("operator login with a 40 KiB ID: %d, %d bytes", r.Status, len(r.Body))
	}
	// app.Test reports an oversized body as its own error: this one goes over a socket.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go env.Server.Web.Listener(ln)
	t.Cleanup(func() { ln.Close() })
	// The request announces an 8 MiB form, more than even the upload routes take; the
	// server refuses it from the header alone, so the test sends no body (a client
	// writing it would race the server's close).
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", 8<<20)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "送信された内容が大きすぎます") {
		t.Errorf("8 MiB form: %d, want 413 with the Japanese message\n%.300s", resp.StatusCode, body)
	}

	// A query longer than any search needs is refused before routing, in Japanese too.
	longQuery, err := http.Get("http://" + ln.Addr().String() + "/admin/users?name=" + strings.Repeat("%E5%90%8D", 3000))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(longQuery.Body)
	longQuery.Body.Close()
	if longQuery.StatusCode != http.StatusRequestHeaderFieldsTooLarge || !strings.Contains(string(body), "送信された内容が大きすぎます") {
		t.Errorf("27 KB query: %d, want 431 with the Japanese message\n%.300s", longQuery.StatusCode, body)
	}
}

func lastEvent(t *testing.T, env *webtest.Env) data.Event {
	t.Helper()
	var events []data.Event
	if err := env.Server.Store.View(func(tx *data.Tx) (err error) { events, err = tx.RecentEvents(1); return }); err != nil || len(events) == 0 {
		t.Fatalf("no audit event: %v", err)
	}
	return events[0]
}

// loginFrom posts the login form with the given X-Forwarded-For lines.
func loginFrom(c *webtest.Client, id, pw string, forwardedFor ...string) *webtest.Response {
	c.Get("/login")
	form := url.Values{"login": {id}, "password": {pw}, "_csrf": {c.CSRF}}
	return c.Do(http.MethodPost, "/login", form, http.Header{"X-Forwarded-For": forwardedFor})
}
