package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inkan/app/testkit/webtest"
)

// TestUserListLongSearch: the longest valid search is answered, an over-long one (420
// characters, as pasted by a user) gets the form and a Japanese message, not the
// English 431 of the HTTP server; from htmx too, inside the part it swaps.
func TestUserListLongSearch(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	tests := []struct {
		name, query string
		status      int
		alert       bool
	}{
		{"longest valid", "id=" + strings.Repeat("U", 64) + "&name=" + url.QueryEscape(strings.Repeat("鈴", 50)) + "&status=active", http.StatusOK, false},
		{"name over-long", "name=" + url.QueryEscape(strings.Repeat("鈴", 420)), http.StatusUnprocessableEntity, true},
		{"ID over-long", "id=" + strings.Repeat("U", 65), http.StatusUnprocessableEntity, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, h := range []http.Header{nil, {"Hx-Request": {"true"}}} {
				r := c.Do(http.MethodGet, "/admin/users?"+tt.query, nil, h)
				if r.Status != tt.status {
					t.Fatalf("status %d, want %d:\n%.300s", r.Status, tt.status, r.Body)
				}
				if !r.Has("#results") {
					t.Errorf("no result part")
				}
				got := r.Text("#results #search-alert")
				if tt.alert != (got != "") || tt.alert && !strings.Contains(got, "検索条件が長すぎます") {
					t.Errorf("alert %q", got)
				}
				if h == nil && !r.Has(`input[name="name"][maxlength="50"]`) {
					t.Errorf("the form lacks the name field with its maxlength")
				}
			}
		})
	}
}

// TestConfirmStepsHaveGETAddresses: the address htmx shows after each POST step
// answers a GET with the same screen, and another company's or a used draft does not.
func TestConfirmStepsHaveGETAddresses(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	c.Get("/admin/users/new")
	form := url.Values{"role": {"general"}, "name": {"佐藤 次郎"}, "kana": {"サトウ ジロウ"}, "email": {"sato@example.jp"}}
	form.Set("_csrf", c.CSRF)
	hx := http.Header{"Hx-Request": {"true"}, "Hx-Boosted": {"true"}}
	r := c.Do(http.MethodPost, "/admin/users/confirm", form, hx)
	push := r.Header.Get("Hx-Push-Url")
	if r.Status != http.StatusOK || !strings.HasPrefix(push, "/admin/users/confirm?draft=") {
		t.Fatalf("confirm: status %d, push %q", r.Status, push)
	}
	if again := c.Get(push); again.Status != http.StatusOK || again.Text("h1") != r.Text("h1") {
		t.Fatalf("GET %s: %d %q, want %q", push, again.Status, again.Text("h1"), r.Text("h1"))
	}
	draft, _ := url.ParseQuery(strings.SplitN(push, "?", 2)[1])
	form.Set("draft", draft.Get("draft"))
	done := c.Do(http.MethodPost, "/admin/users/commit", form, hx)
	push = done.Header.Get("Hx-Push-Url")
	if again := c.Get(push); again.Status != http.StatusOK || again.Text("h1") != done.Text("h1") {
		t.Fatalf("GET %s: %d %q, want %q", push, again.Status, again.Text("h1"), done.Text("h1"))
	}
	// The used draft leads back to the input screen.
	if used := c.FollowAll(c.Get("/admin/users/confirm?draft=" + url.QueryEscape(draft.Get("draft")))); used.Text("h1") != "自社利用者登録" {
		t.Errorf("used draft shows %q", used.Text("h1"))
	}
}
