package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inkan/app/domain/account"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

func lockByLogin(t *testing.T, c *webtest.Client, id string) {
	t.Helper()
	for i := 0; i < account.MaxFailures; i++ {
		c.Login(id, "wrong-pass1!")
	}
}

// A lock ends by itself, and a second lock in a row lasts longer than the first.
func TestLoginLockExpiresAndGrows(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	id, pw := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "一般 花子")
	c := env.Client(t)
	lockByLogin(t, c, id)
	if r := c.Login(id, pw); r.Status != http.StatusLocked {
		t.Fatalf("locked: %d", r.Status)
	}
	env.Clock.Advance(account.LockDuration(1))
	if r := c.Login(id, "wrong-pass1!"); r.Status != http.StatusUnauthorized {
		t.Fatalf("after the first lock ran out: %d", r.Status)
	}
	for i := 1; i < account.MaxFailures; i++ {
		c.Login(id, "wrong-pass1!")
	}
	env.Clock.Advance(account.LockDuration(1))
	if r := c.Login(id, pw); r.Status != http.StatusLocked {
		t.Fatalf("second lock ended after the first's duration: %d", r.Status)
	}
	env.Clock.Advance(account.LockDuration(2))
	if r := c.Login(id, pw); r.Text("h1") != "パスワード変更" {
		t.Fatalf("after the second lock ran out: %d %q", r.Status, r.Text("h1"))
	}
}

// Wrong current passwords on パスワード変更 count toward the lock; the lock ends the session.
func TestPasswordChangeFailuresLock(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	id, pw := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "一般 花子")
	c, _ := loggedIn(t, env, id, pw)
	wrong := url.Values{"current": {"Wrong-pass1!"}, "new": {"Another-2026"}, "confirm": {"Another-2026"}}
	for i := 1; i < account.MaxFailures; i++ {
		c.Get("/password")
		if r := c.Post("/password", wrong); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong current password %d: %d", i, r.Status)
		}
	}
	c.Get("/password")
	if r := c.Post("/password", wrong); r.Status != http.StatusLocked {
		t.Fatalf("fifth wrong current password: %d", r.Status)
	}
	if r := c.Get("/"); r.Status != http.StatusSeeOther {
		t.Errorf("session survived the lock: %d", r.Status)
	}
	if r := env.Client(t).Login(id, newPassword); r.Status != http.StatusLocked {
		t.Errorf("login after the lock: %d", r.Status)
	}
}

// The operator locked out by failures gets 423, and the lock ends by itself; the
// printed password must be changed at the first login under the users' policy.
func TestOperatorLockAndForcedChange(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := env.Client(t)
	c.Get("/operator/login")
	r := c.FollowAll(c.Post("/operator/login", url.Values{"login": {"operator"}, "password": {env.Creds.OperatorPassword}}))
	if r.Text("h1") != "パスワード変更" {
		t.Fatalf("first operator login landed on %q", r.Text("h1"))
	}
	if r := c.Get("/operator/outbox"); r.Header.Get("Location") != "/operator/password" {
		t.Errorf("console before the change: %d %q", r.Status, r.Header.Get("Location"))
	}
	weak := url.Values{"current": {env.Creds.OperatorPassword}, "new": {"password"}, "confirm": {"password"}}
	if r := c.Post("/operator/password", weak); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("weak password accepted: %d", r.Status)
	}
	if r := c.OperatorLogin(); r.Text("h1") != "企業一覧" {
		t.Fatalf("after the change: %q", r.Text("h1"))
	}

	attacker := env.Client(t)
	attacker.Get("/operator/login")
	for i := 0; i < account.MaxFailures; i++ {
		attacker.Post("/operator/login", url.Values{"login": {"operator"}, "password": {"wrong-pass1!"}})
	}
	c2 := env.Client(t)
	c2.Get("/operator/login")
	right := url.Values{"login": {"operator"}, "password": {env.Creds.OperatorPassword}}
	if r := c2.Post("/operator/login", right); r.Status != http.StatusLocked {
		t.Fatalf("locked operator: %d", r.Status)
	}
	env.Clock.Advance(account.LockDuration(1))
	if r := c2.Post("/operator/login", right); r.Status != http.StatusSeeOther {
		t.Errorf("after the lock ran out: %d", r.Status)
	}
}

// A company whose only admin is locked gets back in through the operator's 企業詳細.
func TestOperatorUnlocksAndResetsACompanysAdmin(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	general, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "一般 花子")
	lockByLogin(t, env.Client(t), env.Creds.AdminID)
	op := env.Client(t)
	op.OperatorLogin()
	detail := op.Get("/operator/companies/" + webtest.DemoCompanyID)
	if detail.Status != http.StatusOK {
		t.Fatalf("detail: %d", detail.Status)
	}
	row := detail.Doc.Find("#company-users tr:contains('" + env.Creds.AdminID + "')")
	for _, want := range []string{"管理者", "ロック中", "ロック解除", "パスワード初期化"} {
		if !strings.Contains(row.Text(), want) {
			t.Errorf("admin row lacks %q: %q", want, row.Text())
		}
	}
	if strings.Contains(detail.Doc.Find("#company-users tr:contains('"+general+"')").Text(), "パスワード初期化") {
		t.Error("a general user offers パスワード初期化 to the operator")
	}
	if r := op.Post("/operator/companies/"+webtest.DemoCompanyID+"/users/"+general+"/reset", nil); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("reset of a general user: %d", r.Status)
	}
	if r := op.Post("/operator/companies/C999999/users/"+env.Creds.AdminID+"/unlock", nil); r.Status != http.StatusNotFound {
		t.Errorf("unlock in an unknown company: %d", r.Status)
	}
	if r := op.Post("/operator/companies/"+webtest.DemoCompanyID+"/users/"+env.Creds.AdminID+"/unlock", nil); r.Status != http.StatusOK {
		t.Fatalf("unlock: %d\n%s", r.Status, r.Body)
	}
	if r := env.Client(t).Login(env.Creds.AdminID, env.Creds.AdminPassword); r.Text("h1") != "パスワード変更" {
		t.Fatalf("admin after unlock: %d %q", r.Status, r.Text("h1"))
	}

	lockByLogin(t, env.Client(t), env.Creds.AdminID)
	op.Get("/operator/companies/" + webtest.DemoCompanyID)
	if r := op.Post("/operator/companies/"+webtest.DemoCompanyID+"/users/"+env.Creds.AdminID+"/reset", nil); r.Status != http.StatusOK {
		t.Fatalf("reset: %d\n%s", r.Status, r.Body)
	}
	var email string
	var audited []string
	env.Server.Store.View(func(tx *data.Tx) error {
		u, _ := tx.Tenant(webtest.DemoCompanyID).User(env.Creds.AdminID)
		email = u.Email
		events, _ := tx.RecentEvents(1000)
		for _, e := range events {
			audited = append(audited, e.Actor+" "+e.Action)
		}
		return nil
	})
	fresh := mailedPassword(t, env, email)
	if fresh == env.Creds.AdminPassword {
		t.Fatal("reset mailed the old password")
	}
	// From the admin's own office: the address that typed the wrong passwords is slowed
	// down for this ID by the throttle, whatever the lock.
	office := env.Client(t)
	office.IP = "198.51.100.7"
	if r := office.Login(env.Creds.AdminID, fresh); r.Text("h1") != "パスワード変更" {
		t.Errorf("admin with the reset password: %d %q", r.Status, r.Text("h1"))
	}
	joined := strings.Join(audited, "\n")
	for _, want := range []string{"operator:operator user.unlock", "operator:operator user.change"} {
		if !strings.Contains(joined, want) {
			t.Errorf("audit lacks %q:\n%s", want, joined)
		}
	}
}

// 自社利用者照会 and its export show a user whose lock is running as ロック中, and as
// 利用中 again once the lock has run out.
func TestUserListShowsARunningLock(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	id, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "一般 花子")
	c := adminClient(t, env)
	lockByLogin(t, env.Client(t), id)
	status := func() (screen, csv string) {
		t.Helper()
		row := c.Get("/admin/users?id=" + id).Doc.Find("#user-list tbody tr td")
		rows := readCSV(t, strings.TrimPrefix(c.Get("/admin/users/export?format=csv&id="+id).Body, "\ufeff"))
		if row.Length() != 8 || len(rows) != 2 {
			t.Fatalf("%d cells, %d CSV rows", row.Length(), len(rows))
		}
		return row.Eq(6).Text(), rows[1][6]
	}
	if screen, csv := status(); screen != "ロック中" || csv != "ロック中" {
		t.Errorf("locked user shows %q on screen, %q in the CSV", screen, csv)
	}
	env.Clock.Advance(account.LockDuration(1))
	if screen, csv := status(); screen != "利用中" || csv != "利用中" {
		t.Errorf("after the lock shows %q on screen, %q in the CSV", screen, csv)
	}
}
