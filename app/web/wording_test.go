package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"inkan/app/domain/account"
	"inkan/app/testkit/webtest"
)

// The English screens read right for any count, and their buttons use the manual's
// terms: 確認 is Review, 確定 is Confirm.
func TestEnglishWording(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "鈴木 一郎")
	c := adminClient(t, env)
	c.Get("/settings")
	if r := c.Post("/settings", url.Values{"lang": {"en"}}); r.Status != http.StatusOK {
		t.Fatalf("choosing English: %d", r.Status)
	}
	if got := c.Get("/admin/users?name=" + url.QueryEscape("鈴木")).Text("#count"); got != "Showing 1–1 of 1" {
		t.Errorf("count line %q", got)
	}
	in := c.Get("/admin/users/new")
	if got := in.Text(`form[action="/admin/users/confirm"] button`); got != "Review" {
		t.Errorf("input screen's button %q", got)
	}
	confirm := c.Post("/admin/users/confirm", registrationForm())
	if got := confirm.Text(`form button[hx-disabled-elt]`); got != "Confirm" {
		t.Errorf("confirm screen's button %q\n%.500s", got, confirm.Body)
	}
}
