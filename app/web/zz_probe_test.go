package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"inkan/app/testkit/webtest"
)

func TestProbeCSRF(t *testing.T) {
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
	// company admin on the operator's screens
	if r := admin.Get("/operator/partner-applications"); r.Status == http.StatusOK {
		t.Errorf("admin reaches operator queue")
	}
	if r := op.Get("/admin/invitations"); r.Status == http.StatusOK {
		t.Errorf("operator reaches admin list")
	}
}
