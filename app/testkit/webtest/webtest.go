// Package webtest builds a real Inkan installation in a temporary data directory for
// tests, with a clock the test moves, and a cookie-keeping client that drives the real
// fiber app the way a browser does (forms, CSRF tokens, htmx headers).
package webtest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"inkan/app/domain/account"
	"inkan/app/domain/company"
	"inkan/app/run/config"
	"inkan/app/run/server"
	"inkan/data"
)

// Clock is a settable clock shared by the server and the test.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now reads the clock.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Env is a bootstrapped installation.
type Env struct {
	Server *server.Server
	Creds  company.Credentials
	Clock  *Clock
}

// Config is the configuration tests start from: a fresh data directory, defaults
// otherwise.
func Config(t testing.TB) config.Config {
	t.Helper()
	args := []string{"--data", t.TempDir(), "--proxy-header", "X-Real-Ip"}
	cfg, _, err := config.Parse("test", args, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// New builds and bootstraps an installation from cfg.
func New(t testing.TB, cfg config.Config) *Env {
	t.Helper()
	clock := &Clock{t: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	s, err := server.New(cfg, log, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	creds, ok, err := s.Bootstrap()
	if err != nil || !ok {
		t.Fatalf("bootstrap: ok=%v err=%v", ok, err)
	}
	// Serving starts by building the search index (Engine.Run); tests call the app
	// without serving, so they build it here.
	if err := s.Search.Rebuild(context.Background()); err != nil {
		t.Fatalf("search index: %v", err)
	}
	return &Env{Server: s, Creds: creds, Clock: clock}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// Client is one browser: it keeps cookies and the CSRF token of the last page.
type Client struct {
	t       testing.TB
	env     *Env
	cookies map[string]*http.Cookie
	// CSRF is the token found in the last HTML page, sent with the next post.
	CSRF string
	// Header is sent with every request (e.g. Accept-Language, HX-Request).
	Header http.Header
	// IP is the client address the server sees.
	IP string
}

// Cookie is the value of a cookie the client holds, or "".
func (c *Client) Cookie(name string) string {
	if ck := c.cookies[name]; ck != nil {
		return ck.Value
	}
	return ""
}

// Client makes a new browser with no cookies.
func (e *Env) Client(t testing.TB) *Client {
	return &Client{t: t, env: e, cookies: map[string]*http.Cookie{}, Header: http.Header{}, IP: "192.0.2.10"}
}

// Response is an answer with its body parsed as HTML.
type Response struct {
	Status int
	Header http.Header
	Body   string
	Doc    *goquery.Document
}

// Text is the trimmed text of the first element matching sel.
func (r *Response) Text(sel string) string { return strings.TrimSpace(r.Doc.Find(sel).First().Text()) }

// Has reports whether any element matches sel.
func (r *Response) Has(sel string) bool { return r.Doc.Find(sel).Length() > 0 }

// Get requests a page.
func (c *Client) Get(path string) *Response { return c.Do(http.MethodGet, path, nil, nil) }

// Post submits a form, adding the current CSRF token unless the form has one.
func (c *Client) Post(path string, form url.Values) *Response {
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", c.CSRF)
	}
	return c.Do(http.MethodPost, path, form, nil)
}

// PostFile submits a multipart form with one file, as a browser does for a form with
// enctype multipart/form-data, adding the current CSRF token unless the form has one.
func (c *Client) PostFile(path string, form url.Values, field, filename string, content []byte) *Response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", c.CSRF)
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if field != "" {
		fw, err := w.CreateFormFile(field, filename)
		if err != nil {
			c.t.Fatal(err)
		}
		fw.Write(content)
	}
	w.Close()
	return c.send(http.MethodPost, path, &b, w.FormDataContentType(), nil)
}

// Do sends one request through the real fiber app.
func (c *Client) Do(method, path string, form url.Values, header http.Header) *Response {
	c.t.Helper()
	var body io.Reader
	contentType := ""
	if form != nil {
		body = strings.NewReader(form.Encode())
		contentType = "application/x-www-form-urlencoded"
	}
	return c.send(method, path, body, contentType, header)
}

func (c *Client) send(method, path string, body io.Reader, contentType string, header http.Header) *Response {
	c.t.Helper()
	req := httptest.NewRequest(method, path, body)
	req.Header.Set("X-Real-Ip", c.IP)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, vs := range c.Header {
		req.Header[k] = vs
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	for _, ck := range c.cookies {
		if strings.HasPrefix(path, ck.Path) {
			req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
		}
	}
	resp, err := c.env.Server.Web.Test(req, -1)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, ck := range resp.Cookies() {
		if ck.Path == "" {
			ck.Path = "/"
		}
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
			continue
		}
		c.cookies[ck.Name] = ck
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(raw)))
	if err != nil {
		c.t.Fatal(err)
	}
	if tok, ok := doc.Find(`input[name="_csrf"]`).First().Attr("value"); ok {
		c.CSRF = tok
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: string(raw), Doc: doc}
}

// Follow requests the Location (or HX-Redirect) of a redirect answer.
func (c *Client) Follow(r *Response) *Response {
	c.t.Helper()
	to := r.Header.Get("Location")
	if to == "" {
		to = r.Header.Get("HX-Redirect")
	}
	if to == "" {
		c.t.Fatalf("not a redirect: %d", r.Status)
	}
	u, _ := url.Parse(to)
	return c.Get(u.RequestURI())
}

// Login logs a company user in and returns the page the login led to.
func (c *Client) Login(id, pw string) *Response {
	c.Get("/login")
	return c.FollowAll(c.Post("/login", url.Values{"login": {id}, "password": {pw}}))
}

// FollowAll follows redirects until a page answers.
func (c *Client) FollowAll(r *Response) *Response {
	for i := 0; i < 5 && (r.Status == http.StatusSeeOther || r.Header.Get("HX-Redirect") != ""); i++ {
		r = c.Follow(r)
	}
	return r
}

// ChangePassword answers the forced password change and returns the top page.
func (c *Client) ChangePassword(current, next string) *Response {
	c.t.Helper()
	c.Get("/password")
	r := c.Post("/password", url.Values{"current": {current}, "new": {next}, "confirm": {next}})
	if r.Status != http.StatusSeeOther {
		c.t.Fatalf("password change: %d\n%s", r.Status, r.Body)
	}
	return c.FollowAll(r)
}

// OperatorLogin logs the operator in and returns the console's first page; at the
// first login it answers the forced password change (Creds then hold the new password).
func (c *Client) OperatorLogin() *Response {
	c.t.Helper()
	c.Get("/operator/login")
	r := c.Post("/operator/login", url.Values{"login": {c.env.Creds.OperatorLogin}, "password": {c.env.Creds.OperatorPassword}})
	if r.Status != http.StatusSeeOther {
		c.t.Fatalf("operator login: %d", r.Status)
	}
	r = c.Follow(r)
	if r.Status == http.StatusSeeOther && r.Header.Get("Location") == "/operator/password" {
		// The printed password of the first start must be changed first.
		c.Get("/operator/password")
		next := "Operator-2nd#1"
		r = c.Post("/operator/password", url.Values{"current": {c.env.Creds.OperatorPassword}, "new": {next}, "confirm": {next}})
		if r.Status != http.StatusSeeOther {
			c.t.Fatalf("operator password change: %d\n%s", r.Status, r.Body)
		}
		c.env.Creds.OperatorPassword = next
		r = c.Follow(r)
	}
	return r
}

// AddUser issues a user in a company through the domain rules and returns its ID and
// initial password.
func (e *Env) AddUser(t testing.TB, companyID, role, name string) (string, string) {
	t.Helper()
	var id, pw string
	err := e.Server.Store.Update(func(tx *data.Tx) error {
		u, p, err := e.Server.Accounts.Issue(tx, companyID, account.UserInput{
			Role: role, Name: name, Kana: "テスト", Email: "user@example.com",
		})
		id, pw = u.ID, p
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id, pw
}

// AddCompany onboards another company and returns its ID, admin ID and admin password.
func (e *Env) AddCompany(t testing.TB, name string, plan company.Plan) (string, string, string) {
	t.Helper()
	var cid, aid, pw string
	err := e.Server.Store.Update(func(tx *data.Tx) error {
		a := company.DemoApplication
		a.Name, a.Plan = name, plan
		c, admin, p, err := e.Server.Onboarder.Onboard(tx, a, "test")
		cid, aid, pw = c.ID, admin.ID, p
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return cid, aid, pw
}

// DemoCompanyID is the 企業ID the bootstrap gives the demo company.
const DemoCompanyID = "C000001"
