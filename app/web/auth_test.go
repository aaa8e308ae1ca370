package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"inkan/app/domain/account"
	"inkan/app/domain/company"
	"inkan/app/testkit/webtest"
)

const newPassword = "Kensetsu-2026"

func TestLoginScreenHasTheManualsLabels(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	r := env.Client(t).Get("/login")
	if r.Status != http.StatusOK {
		t.Fatalf("status %d", r.Status)
	}
	for _, label := range []string{"利用者ID", "パスワード", "ログイン"} {
		if !strings.Contains(r.Doc.Find("form").Text(), label) {
			t.Errorf("login form lacks %q", label)
		}
	}
}

func TestFirstLoginForcesPasswordChange(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := env.Client(t)
	r := c.Login(env.Creds.AdminID, env.Creds.AdminPassword)
	if r.Text("h1") != "パスワード変更" {
		t.Fatalf("first login landed on %q, want パスワード変更", r.Text("h1"))
	}
	for _, label := range []string{"現在のパスワード", "新しいパスワード", "新しいパスワード(確認)", "確定"} {
		if !strings.Contains(r.Doc.Find("main").Text(), label) {
			t.Errorf("password screen lacks %q", label)
		}
	}
	// Every other screen sends the user back until the password is changed, keeping
	// the page asked for to go to afterwards.
	for _, path := range []string{"/", "/admin", "/settings", "/admin/users/U000001"} {
		want := "/password"
		if path != "/" {
			want += "?next=" + url.QueryEscape(path)
		}
		if got := c.Get(path); got.Status != http.StatusSeeOther || got.Header.Get("Location") != want {
			t.Errorf("GET %s before the change: %d → %q", path, got.Status, got.Header.Get("Location"))
		}
	}
	top := c.ChangePassword(env.Creds.AdminPassword, newPassword)
	if !top.Has("#mylist") {
		t.Fatalf("after the change: not the top page:\n%s", top.Body)
	}
	// The new password works, the initial one no longer does.
	if r := env.Client(t).Login(env.Creds.AdminID, env.Creds.AdminPassword); r.Status != http.StatusUnauthorized {
		t.Errorf("initial password still accepted: %d", r.Status)
	}
	if r := env.Client(t).Login(env.Creds.AdminID, newPassword); !r.Has("#mylist") {
		t.Errorf("new password refused: %d", r.Status)
	}
	if r := env.Client(t).Login("ｕ０００００１", newPassword); !r.Has("#mylist") {
		t.Errorf("full-width lower-case ID refused: %d", r.Status)
	}
}

func TestPasswordChangeValidation(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := env.Client(t)
	c.Login(env.Creds.AdminID, env.Creds.AdminPassword)
	cur := env.Creds.AdminPassword
	tests := []struct {
		name                  string
		current, next, second string
		field, message        string
	}{
		{"current missing", "", newPassword, newPassword, "current", "必須項目です"},
		{"current wrong", "wrong-pass1!", newPassword, newPassword, "current", "現在のパスワードが正しくありません"},
		{"too short", cur, "ab1!", "ab1!", "new", "8桁以上"},
		{"no symbol", cur, "abcd12345", "abcd12345", "new", "8桁以上"},
		{"forbidden symbol", cur, "abcd1234@", "abcd1234@", "new", "8桁以上"},
		{"full-width", cur, "ａｂｃｄ1234!", "ａｂｃｄ1234!", "new", "8桁以上"},
		{"same as current", cur, cur, cur, "new", "異なるパスワード"},
		{"mismatch", cur, newPassword, newPassword + "x", "confirm", "一致しません"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.Post("/password", url.Values{"current": {tt.current}, "new": {tt.next}, "confirm": {tt.second}})
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			input := r.Doc.Find(`input[name="` + tt.field + `"]`)
			if v, _ := input.Attr("aria-invalid"); v != "true" {
				t.Errorf("field %s not marked invalid", tt.field)
			}
			if msg := strings.TrimSpace(input.Parent().Find(".error").Text()); !strings.Contains(msg, tt.message) {
				t.Errorf("message beside %s = %q, want it to contain %q", tt.field, msg, tt.message)
			}
		})
	}
}

func TestLoginFailuresLockTheAccountUntilAnAdminLiftsIt(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	userID, pw := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "一般 花子")
	c := env.Client(t)
	for i := 0; i < account.MaxFailures; i++ {
		if r := c.Login(userID, "wrong-pass1!"); r.Status != http.StatusUnauthorized || !strings.Contains(r.Text(".alert"), "正しくありません") {
			t.Fatalf("failure %d: %d %q", i, r.Status, r.Text(".alert"))
		}
	}
	r := c.Login(userID, pw)
	if r.Status != http.StatusLocked || !strings.Contains(r.Text(".alert"), "ロック") {
		t.Fatalf("locked account with right password: %d %q", r.Status, r.Text(".alert"))
	}
	// Another company's admin cannot lift it; the user's own admin can, on the detail screen.
	_, otherAdmin, otherPW := env.AddCompany(t, "他社建設株式会社", company.PlanOneSide)
	other, _ := loggedIn(t, env, otherAdmin, otherPW)
	if r := other.Post("/admin/users/"+userID+"/unlock", nil); r.Status != http.StatusNotFound {
		t.Errorf("foreign admin unlocking: %d, want 404", r.Status)
	}
	admin, _ := loggedIn(t, env, env.Creds.AdminID, env.Creds.AdminPassword)
	detail := admin.Get("/admin/users/" + userID)
	if !strings.Contains(detail.Text("#locked"), "ロック") {
		t.Fatalf("detail of a locked user does not say so:\n%s", detail.Body)
	}
	if r := admin.Post("/admin/users/"+userID+"/unlock", nil); r.Status != http.StatusOK || r.Has("#locked") {
		t.Fatalf("unlock: %d", r.Status)
	}
	if r := c.Login(userID, pw); r.Text("h1") != "パスワード変更" {
		t.Errorf("after unlock: %d %q", r.Status, r.Text("h1"))
	}
}

func TestSuspensionEndsOpenSessionsAndRefusesLogin(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	userID, pw := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "一般 次郎")
	c := env.Client(t)
	c.Login(userID, pw)
	c.ChangePassword(pw, newPassword)
	if r := c.Get("/"); r.Status != http.StatusOK {
		t.Fatalf("top before suspension: %d", r.Status)
	}
	setStatus(t, env, userID, account.StatusSuspended)
	if r := c.Get("/"); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Errorf("open session after suspension: %d %q", r.Status, r.Header.Get("Location"))
	}
	r := env.Client(t).Login(userID, newPassword)
	if r.Status != http.StatusForbidden || !strings.Contains(r.Text(".alert"), "停止中") {
		t.Errorf("login while suspended: %d %q", r.Status, r.Text(".alert"))
	}
}

func TestSessionTimeouts(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	login := func() *webtest.Client {
		c := env.Client(t)
		c.Login(env.Creds.AdminID, env.Creds.AdminPassword)
		return c
	}
	c := login()
	env.Clock.Advance(29 * time.Minute)
	if r := c.Get("/password"); r.Status != http.StatusOK {
		t.Fatalf("within the idle limit: %d", r.Status)
	}
	env.Clock.Advance(31 * time.Minute)
	if r := c.Get("/password"); r.Status != http.StatusSeeOther {
		t.Errorf("after 31 idle minutes: %d, want a redirect to login", r.Status)
	}
	// Busy all day long still ends at the absolute limit (12 h).
	c = login()
	for i := 0; i < 12*4; i++ {
		env.Clock.Advance(15 * time.Minute)
		if r := c.Get("/password"); r.Status != http.StatusOK {
			if elapsed := time.Duration(i+1) * 15 * time.Minute; elapsed <= 12*time.Hour {
				t.Fatalf("active session ended after %s", elapsed)
			}
		}
	}
	env.Clock.Advance(15 * time.Minute)
	if r := c.Get("/password"); r.Status != http.StatusSeeOther {
		t.Errorf("past the absolute limit: %d", r.Status)
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := env.Client(t)
	c.Login(env.Creds.AdminID, env.Creds.AdminPassword)
	c.ChangePassword(env.Creds.AdminPassword, newPassword)
	if r := c.Post("/logout", nil); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("logout: %d", r.Status)
	}
	if r := c.Get("/"); r.Status != http.StatusSeeOther {
		t.Errorf("after logout: %d", r.Status)
	}
}

func TestCSRFIsRequiredOnEveryStateChange(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := env.Client(t)
	c.Login(env.Creds.AdminID, env.Creds.AdminPassword)
	top := c.ChangePassword(env.Creds.AdminPassword, newPassword)
	token := c.CSRF
	hx, _ := top.Doc.Find("body").Attr("hx-headers")
	if !strings.Contains(hx, token) {
		t.Errorf("body hx-headers %q does not carry the CSRF token", hx)
	}
	tests := []struct {
		name   string
		form   url.Values
		header http.Header
		want   int
	}{
		{"no token", url.Values{"lang": {"en"}}, nil, http.StatusForbidden},
		{"wrong token", url.Values{"lang": {"en"}, "_csrf": {"forged"}}, nil, http.StatusForbidden},
		{"form field", url.Values{"lang": {"ja"}, "_csrf": {token}}, nil, http.StatusOK},
		{"htmx header", url.Values{"lang": {"ja"}}, http.Header{"X-Csrf-Token": {token}, "Hx-Request": {"true"}}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := c.Do(http.MethodPost, "/settings", tt.form, tt.header); r.Status != tt.want {
				t.Errorf("status %d, want %d", r.Status, tt.want)
			}
		})
	}
	// Before login the token is a double-submit cookie: a form from another site has none.
	if r := env.Client(t).Do(http.MethodPost, "/login", url.Values{"login": {env.Creds.AdminID}, "password": {newPassword}}, nil); r.Status != http.StatusForbidden {
		t.Errorf("login post without the CSRF cookie: %d", r.Status)
	}
}
