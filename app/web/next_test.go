package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"inkan/app/domain/account"
	"inkan/app/testkit/webtest"
)

// A deep link opened without a session is followed after the login, and after the
// forced password change of a first login.
func TestDeepLinkSurvivesTheLogin(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	deep := "/admin/users?name=" + url.QueryEscape("管理")

	c := env.Client(t)
	r := c.Get(deep)
	if loc := r.Header.Get("Location"); r.Status != http.StatusSeeOther || loc != "/login?next="+url.QueryEscape(deep) {
		t.Fatalf("anonymous deep link: %d %q", r.Status, loc)
	}
	login := c.Follow(r)
	if got := login.Doc.Find(`form input[name="next"]`).AttrOr("value", ""); got != deep {
		t.Fatalf("login form carries next %q", got)
	}
	// The first login goes through the forced change, which keeps next too.
	r = c.Post("/login", url.Values{"login": {env.Creds.AdminID}, "password": {env.Creds.AdminPassword}, "next": {deep}})
	if loc := r.Header.Get("Location"); loc != deep {
		t.Fatalf("login sent to %q", loc)
	}
	r = c.Follow(r)
	if loc := r.Header.Get("Location"); loc != "/password?next="+url.QueryEscape(deep) {
		t.Fatalf("forced change at %q", loc)
	}
	pw := c.Follow(r)
	if got := pw.Doc.Find(`form input[name="next"]`).AttrOr("value", ""); got != deep {
		t.Fatalf("password form carries next %q", got)
	}
	r = c.Post("/password", url.Values{"current": {env.Creds.AdminPassword}, "new": {newPassword}, "confirm": {newPassword}, "next": {deep}})
	if loc := r.Header.Get("Location"); loc != deep {
		t.Fatalf("after the forced change: %d %q", r.Status, loc)
	}
	if got := c.Follow(r).Text("#count"); got == "" {
		t.Errorf("the deep link did not show the search")
	}

	// A later login with a wrong password keeps next for the next try.
	again := env.Client(t)
	again.Get("/login?next=" + url.QueryEscape(deep))
	refused := again.Post("/login", url.Values{"login": {env.Creds.AdminID}, "password": {"wrong-pass1!"}, "next": {deep}})
	if got := refused.Doc.Find(`form input[name="next"]`).AttrOr("value", ""); got != deep {
		t.Errorf("refused login dropped next: %q", got)
	}
	r = again.Post("/login", url.Values{"login": {env.Creds.AdminID}, "password": {newPassword}, "next": {deep}})
	if loc := r.Header.Get("Location"); loc != deep {
		t.Errorf("second login sent to %q", loc)
	}
}

// next takes only a path on this site: every way to name another origin lands on the
// top page instead.
func TestLoginRefusesOpenRedirects(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	id, pw := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "一般 花子")
	loggedIn(t, env, id, pw)
	for _, next := range []string{
		"https://evil.example/", "//evil.example/", "///evil.example/", `/\evil.example/`, `\\evil.example/`,
		`\/evil.example/`, "/\t/evil.example/", "/\r\nLocation: https://evil.example/", "javascript:alert(1)",
		"http:/evil.example", "evil.example", " /x", "https:evil.example",
	} {
		t.Run(next, func(t *testing.T) {
			c := env.Client(t)
			shown := c.Get("/login?next=" + url.QueryEscape(next))
			if shown.Has(`input[name="next"]`) {
				t.Errorf("login form carries %q", next)
			}
			r := c.Post("/login", url.Values{"login": {id}, "password": {newPassword}, "next": {next}})
			if loc := r.Header.Get("Location"); r.Status != http.StatusSeeOther || loc != "/" {
				t.Errorf("login with next %q: %d %q", next, r.Status, loc)
			}
			// Logged in, the login screen sends on at once: still only to this site.
			if r := c.Get("/login?next=" + url.QueryEscape(next)); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
				t.Errorf("logged in, login with next %q: %d %q", next, r.Status, r.Header.Get("Location"))
			}
		})
	}
}
