package web_test

import (
	"net/http"
	"testing"

	"inkan/app/testkit/webtest"
)

// TestAuthenticatedResponsesAreNotStored: after ログアウト, Back must not show the
// previous user's screens from the browser's cache.
func TestAuthenticatedResponsesAreNotStored(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	admin, _ := loggedIn(t, env, env.Creds.AdminID, env.Creds.AdminPassword)
	operator := env.Client(t)
	operator.OperatorLogin()
	fragment := http.Header{"Hx-Request": {"true"}}
	tests := []struct {
		name   string
		client *webtest.Client
		path   string
		header http.Header
		want   string
	}{
		{"利用者一覧", admin, "/admin/users", nil, "no-store"},
		{"利用者一覧 fragment", admin, "/admin/users", fragment, "no-store"},
		{"top page", admin, "/", nil, "no-store"},
		{"error page of a user", admin, "/no/such/page", nil, "no-store"},
		{"operator console", operator, "/operator", nil, "no-store"},
		{"login screen", env.Client(t), "/login", nil, ""},
	}
	for _, tt := range tests {
		r := tt.client.Do(http.MethodGet, tt.path, nil, tt.header)
		if got := r.Header.Get("Cache-Control"); got != tt.want {
			t.Errorf("%s: Cache-Control %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestHSTSFollowsTheBaseURL(t *testing.T) {
	for _, tt := range []struct {
		base string
		want bool
	}{{"http://localhost:8080", false}, {"https://keiyaku.example.jp", true}} {
		cfg := webtest.Config(t)
		cfg.BaseURL = tt.base
		env := webtest.New(t, cfg)
		r := env.Client(t).Get("/login")
		if got := r.Header.Get("Strict-Transport-Security") != ""; got != tt.want {
			t.Errorf("base URL %s: HSTS %q", tt.base, r.Header.Get("Strict-Transport-Security"))
		}
	}
}
