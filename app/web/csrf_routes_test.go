package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"inkan/app/testkit/webtest"
)

// TestNewPostRoutesNeedTheCSRFToken: every state-changing route of the passkeys, the
// invitations, the operator's 利用申請 and the public page refuses a post without the
// token or with another, logged in or not; and neither area reaches the other's screens.
func TestNewPostRoutesNeedTheCSRFToken(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	admin := adminClient(t, env)
	op := env.Client(t)
	op.OperatorLogin()
	anon := env.Client(t)
	anon.Get("/login")
	tok := "/apply/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	for _, tt := range []struct {
		c    *webtest.Client
		path string
	}{
		{admin, "/admin/invitations/confirm"}, {admin, "/admin/invitations/back"}, {admin, "/admin/invitations/commit"},
		{admin, "/admin/invitations/upload"}, {admin, "/admin/invitations/upload/commit"}, {admin, "/admin/invitations/I000000001/resend"},
		{admin, "/settings/passkeys/begin"}, {admin, "/settings/passkeys/finish"}, {admin, "/settings/passkeys/x/delete"},
		{op, "/operator/passkeys/begin"}, {op, "/operator/passkeys/finish"}, {op, "/operator/passkeys/x/delete"},
		{op, "/operator/partner-applications/I000000001/approve"}, {op, "/operator/partner-applications/I000000001/cancel"},
		{anon, "/login/passkey/begin"}, {anon, "/login/passkey/finish"}, {anon, "/operator/login/passkey/begin"}, {anon, "/operator/login/passkey/finish"},
		{anon, tok + "/confirm"}, {anon, tok + "/back"}, {anon, tok + "/submit"},
	} {
		r := tt.c.Do(http.MethodPost, tt.path, url.Values{}, nil)
		if r.Status != http.StatusForbidden {
			t.Errorf("%s without CSRF: %d", tt.path, r.Status)
		}
		r = tt.c.Do(http.MethodPost, tt.path, url.Values{"_csrf": {"x"}}, nil)
		if r.Status != http.StatusForbidden {
			t.Errorf("%s with bad CSRF: %d", tt.path, r.Status)
		}
	}
	if r := admin.Get("/operator/partner-applications"); r.Status == http.StatusOK {
		t.Errorf("a company admin reaches the operator's 利用申請")
	}
	if r := op.Get("/admin/invitations"); r.Status == http.StatusOK {
		t.Errorf("the operator reaches 利用申請状況確認")
	}
}
