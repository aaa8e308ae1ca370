package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"inkan/app/domain/account"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

// draftGone is the one message of a used or expired draft, in every flow.
const draftGone = "この内容はすでに確定済みか、有効期限が切れています。もう一度入力してください。"

// hiddenFields is what a confirm screen's 確定 form posts.
func hiddenFields(r *webtest.Response) url.Values {
	v := url.Values{}
	r.Doc.Find(`form input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		v.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	return v
}

// checkGone asserts the answer to a 確定 whose draft is gone: 409, the one message, on
// the input screen with the values that were posted.
func checkGone(t *testing.T, r *webtest.Response, field, value string) {
	t.Helper()
	if r.Status != http.StatusConflict || r.Text(".alert") != draftGone {
		t.Errorf("gone draft: %d %q, want 409 %q", r.Status, r.Text(".alert"), draftGone)
	}
	if got := r.Doc.Find(`input[name="`+field+`"]`).AttrOr("value", ""); got != value {
		t.Errorf("input screen shows %s=%q, want %q", field, got, value)
	}
}

func storedUser(t *testing.T, env *webtest.Env, companyID, id string) data.User {
	t.Helper()
	var u data.User
	if err := env.Server.Store.View(func(tx *data.Tx) (err error) { u, err = tx.Tenant(companyID).User(id); return }); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestRegisterCommitIgnoresChangedHiddenFields(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	c.Get("/admin/users/new")
	confirm := c.Post("/admin/users/confirm", registrationForm())
	forged := with(hiddenFields(confirm), "name", "改ざん 太郎", "role", "admin", "email", "evil@example.jp", "dept", "総務部")

	done := c.Post("/admin/users/commit", forged)
	id := regexp.MustCompile(`U\d{6}`).FindString(done.Text("#done"))
	if done.Status != http.StatusOK || id == "" {
		t.Fatalf("commit: %d\n%s", done.Status, done.Body)
	}
	u := storedUser(t, env, webtest.DemoCompanyID, id)
	if u.Name != "佐藤 次郎" || u.Role != account.RoleGeneral || u.Email != "sato@example.jp" || u.Dept != "工務部" {
		t.Errorf("stored %q %q %q %q, want the confirmed values", u.Name, u.Role, u.Email, u.Dept)
	}
	if got := mails(t, env, "evil@example.jp"); len(got) != 0 {
		t.Errorf("%d mails to the forged address", len(got))
	}
	checkGone(t, c.Post("/admin/users/commit", forged), "name", "改ざん 太郎")
}

func TestOnboardCommitIgnoresChangedHiddenFields(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	op := env.Client(t)
	op.OperatorLogin()
	op.Get("/operator/companies/new")
	confirm := op.Post("/operator/companies/confirm", onboardingForm())
	forged := with(hiddenFields(confirm), "name", "改ざん建設株式会社", "plan", "one_side", "opt_projects", "1",
		"admin_name", "改ざん 太郎", "admin_email", "evil@example.jp")

	if done := op.Post("/operator/companies/commit", forged); done.Status != http.StatusOK {
		t.Fatalf("commit: %d\n%s", done.Status, done.Body)
	}
	env.Server.Store.View(func(tx *data.Tx) error {
		co, err := tx.Company("C000002")
		if err != nil {
			t.Fatal(err)
		}
		if co.Name != "ガイア建設株式会社" || co.Plan != "both_sides" || co.Options.Projects || !co.Options.API {
			t.Errorf("stored company %+v, want the confirmed values", co)
		}
		admins, _ := tx.Tenant("C000002").Users()
		if len(admins) != 1 || admins[0].Name != "山田 一郎" || admins[0].Email != "yamada@gaia.example.jp" {
			t.Errorf("stored admins %+v", admins)
		}
		return nil
	})
	if got := mails(t, env, "evil@example.jp"); len(got) != 0 {
		t.Errorf("%d mails to the forged address", len(got))
	}
	checkGone(t, op.Post("/operator/companies/commit", forged), "name", "改ざん建設株式会社")
}

func TestChangeCommitIgnoresChangedHiddenFields(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	id, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "変更 対象")
	other, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "他 人")
	c := adminClient(t, env)
	hash := storedUser(t, env, webtest.DemoCompanyID, id).PasswordHash

	edit := c.Get("/admin/users/" + id + "/edit")
	form := url.Values{}
	edit.Doc.Find(`form input[type="hidden"], form input[type="text"], form input[type="tel"]`).Each(func(_ int, s *goquery.Selection) {
		form.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	form.Set("role", "general")
	form.Set("status", "active")
	form.Set("dept", "システム部")
	confirm := c.Post("/admin/users/"+id+"/confirm", form)
	forged := with(hiddenFields(confirm), "name", "改ざん 太郎", "role", "admin", "status", "suspended",
		"dept", "総務部", "email", "evil@example.jp", "reset_password", "1", "seen", "")

	// The draft names its user: posted to another user's 確定 it is refused, and that
	// user is left alone.
	checkGone(t, c.Post("/admin/users/"+other+"/commit", forged), "name", "改ざん 太郎")
	if u := storedUser(t, env, webtest.DemoCompanyID, other); u.Name != "他 人" || u.Role != account.RoleGeneral {
		t.Errorf("other user changed: %+v", u)
	}

	if done := c.Post("/admin/users/"+id+"/commit", forged); done.Status != http.StatusOK {
		t.Fatalf("commit: %d\n%s", done.Status, done.Body)
	}
	u := storedUser(t, env, webtest.DemoCompanyID, id)
	if u.Name != "変更 対象" || u.Role != account.RoleGeneral || u.Status != account.StatusActive || u.Dept != "システム部" || u.Email == "evil@example.jp" || u.PasswordHash != hash {
		t.Errorf("stored %+v, want the confirmed values", u)
	}
	if got := mails(t, env, "evil@example.jp"); len(got) != 0 {
		t.Errorf("%d mails to the forged address", len(got))
	}
	checkGone(t, c.Post("/admin/users/"+id+"/commit", forged), "name", "改ざん 太郎")
}

// A draft older than a day that the hourly purge has not removed yet is refused.
func TestExpiredDraftIsRefused(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	c.Get("/admin/users/new")
	hidden := hiddenFields(c.Post("/admin/users/confirm", registrationForm()))
	before := countUsers(t, env)

	env.Clock.Advance(24*time.Hour + time.Minute)
	c.Login(env.Creds.AdminID, newPassword) // the session has expired meanwhile
	hidden.Del("_csrf")
	checkGone(t, c.Post("/admin/users/commit", hidden), "name", "佐藤 次郎")
	if n := countUsers(t, env) - before; n != 0 {
		t.Errorf("%d users created from an expired draft", n)
	}
}
