package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inkan/app/domain/invitation"
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

// TestApplyPagesAreNotStoredNorReferred: the public page's address is the partner's
// credential and its screens hold what the partner typed, so no cache keeps them and
// no request from them names the address in its Referer, even to this site.
func TestApplyPagesAreNotStoredNorReferred(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	admin := adminClient(t, env)
	admin.Get("/admin/invitations/new")
	r := admin.Post("/admin/invitations/confirm", url.Values{"company": {"受注工務店"}, "contact": {"受注 花子"}, "email": {"hanako@juchu.example"}})
	d, _ := r.Doc.Find(`input[name="draft"]`).Attr("value")
	admin.Post("/admin/invitations/commit", url.Values{"draft": {d}})
	path := outboxInvitationURL(t, env, "hanako@juchu.example")
	partner := env.Client(t)
	form := partner.Get(path)
	conf := partner.Post(path+"/confirm", url.Values{
		"company_name": {"受注工務店"}, "company_kana": {"ジュチュウコウムテン"}, "postal_code": {"100-0001"}, "address": {"東京都"},
		"company_tel": {"03-1111-2222"}, "admin_name": {"受注 花子"}, "admin_kana": {"ジュチュウ ハナコ"}, "admin_email": {"hanako@juchu.example"}, "terms": {"1"},
	})
	unknown := env.Client(t).Get(invitation.PathPrefix + strings.Repeat("B", 43))
	for name, r := range map[string]*webtest.Response{"form": form, "confirm": conf, "unknown URL": unknown} {
		if got := r.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", name, got)
		}
		if got := r.Header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("%s: Referrer-Policy %q, want no-referrer", name, got)
		}
	}
	if conf.Status != http.StatusOK || form.Status != http.StatusOK {
		t.Errorf("form %d, confirm %d", form.Status, conf.Status)
	}
}
