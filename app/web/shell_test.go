package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"inkan/app/domain/account"
	"inkan/app/domain/company"
	"inkan/app/testkit/webtest"
)

// loggedIn returns a client of a user who has already set their own password.
func loggedIn(t *testing.T, env *webtest.Env, id, pw string) (*webtest.Client, *webtest.Response) {
	t.Helper()
	c := env.Client(t)
	c.Login(id, pw)
	return c, c.ChangePassword(pw, newPassword)
}

func menuLabels(r *webtest.Response) string {
	return r.Doc.Find("nav .menu > li > a, nav .menu > li button").Text()
}

func TestTopPageOfAnAdmin(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	_, top := loggedIn(t, env, env.Creds.AdminID, env.Creds.AdminPassword)
	if got := top.Text("#company-name"); got != "デモ建設株式会社" {
		t.Errorf("header company %q", got)
	}
	if got := top.Text("#user-name"); got != "管理 太郎" {
		t.Errorf("header user %q", got)
	}
	menu := menuLabels(top)
	for _, label := range []string{"トップページ", "契約締結", "テンプレート管理", "長期保管文書", "証明書管理", "管理者業務", "個人設定", "サポート", "ログアウト"} {
		if !strings.Contains(menu, label) {
			t.Errorf("menu lacks %s: %q", label, menu)
		}
	}
	for _, h := range []string{"お知らせ", "マイリスト"} {
		if !strings.Contains(top.Doc.Find("h2").Text(), h) {
			t.Errorf("top page lacks the %s section", h)
		}
	}
	heads := top.Doc.Find("#mylist th").Text()
	for _, col := range []string{"No", "文書管理番号", "契約文書名称", "取引先", "受発注区分", "ステータス"} {
		if !strings.Contains(heads, col) {
			t.Errorf("マイリスト lacks column %s", col)
		}
	}
	if !strings.Contains(top.Text("#last-login"), "前回のログイン日時") {
		t.Errorf("last login line %q", top.Text("#last-login"))
	}
}

func TestPreviousLoginTimeIsShown(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	loggedIn(t, env, env.Creds.AdminID, env.Creds.AdminPassword) // 2026-04-01 09:00 UTC
	env.Clock.Advance(26 * 60 * 60 * 1e9)
	top := env.Client(t).Login(env.Creds.AdminID, newPassword)
	if got := top.Text("#last-login"); !strings.Contains(got, "2026/04/01 18:00") {
		t.Errorf("last login %q, want the first login's time in JST", got)
	}
}

func TestGeneralUserNeitherSeesNorReachesAdminScreens(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	id, pw := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "一般 三郎")
	c, top := loggedIn(t, env, id, pw)
	if strings.Contains(menuLabels(top), "管理者業務") {
		t.Error("a general user's menu shows 管理者業務")
	}
	for _, path := range []string{"/admin", "/admin/users/new", "/admin/users", "/admin/users/" + env.Creds.AdminID, "/admin/invitations/new"} {
		if r := c.Get(path); r.Status != http.StatusForbidden {
			t.Errorf("GET %s as a general user: %d, want 403", path, r.Status)
		}
	}
}

func TestEveryMenuLinkLeadsToAPage(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c, top := loggedIn(t, env, env.Creds.AdminID, env.Creds.AdminPassword)
	links := top.Doc.Find("nav .menu a")
	if links.Length() < 20 {
		t.Fatalf("only %d menu links", links.Length())
	}
	links.Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		r := c.Get(href)
		if r.Status != http.StatusOK {
			t.Errorf("menu %q → %s: %d", strings.TrimSpace(a.Text()), href, r.Status)
		}
		if r.Text("h1") == "" {
			t.Errorf("menu %q → %s has no heading", strings.TrimSpace(a.Text()), href)
		}
	})
	if r := c.Get("/templates/new"); !strings.Contains(r.Text("#coming"), "今後のリリース") {
		t.Errorf("a screen to come says %q", r.Text("#coming"))
	}
}

func TestInvitationMenuFollowsThePlan(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	_, adminID, pw := env.AddCompany(t, "受注工務店株式会社", company.PlanPartnerOnly)
	c, top := loggedIn(t, env, adminID, pw)
	if strings.Contains(top.Doc.Find("nav").Text(), "利用申請URL送信") {
		t.Error("a 取引先専用 company's menu shows 利用申請URL送信")
	}
	if r := c.Get("/admin"); strings.Contains(r.Doc.Find("main").Text(), "利用申請URL送信") {
		t.Error("the 管理者業務 page of a 取引先専用 company lists 利用申請URL送信")
	}
	if r := c.Get("/admin/invitations/new"); r.Status != http.StatusForbidden {
		t.Errorf("GET /admin/invitations/new as a 取引先専用 admin: %d, want 403", r.Status)
	}
	demo, demoTop := loggedIn(t, env, env.Creds.AdminID, env.Creds.AdminPassword)
	if !strings.Contains(demoTop.Doc.Find("nav").Text(), "利用申請URL送信") {
		t.Error("a 片方課金 company's menu lacks 利用申請URL送信")
	}
	if r := demo.Get("/admin/invitations/new"); r.Status != http.StatusOK {
		t.Errorf("GET /admin/invitations/new as a 片方課金 admin: %d, want 200", r.Status)
	}
}

func TestTenancyForeignUserIDIsNotFound(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	aUser, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "A社 社員")
	_, bAdmin, bPW := env.AddCompany(t, "B建設株式会社", company.PlanBothSides)
	bUser, _ := env.AddUser(t, "C000002", account.RoleGeneral, "B社 社員")
	b, _ := loggedIn(t, env, bAdmin, bPW)
	tests := []struct {
		path string
		want int
	}{
		{"/admin/users/" + aUser, http.StatusNotFound},
		{"/admin/users/" + env.Creds.AdminID, http.StatusNotFound},
		{"/admin/users/U999999", http.StatusNotFound},
		{"/admin/users/" + bUser, http.StatusOK},
	}
	for _, tt := range tests {
		r := b.Get(tt.path)
		if r.Status != tt.want {
			t.Errorf("GET %s as company B: %d, want %d", tt.path, r.Status, tt.want)
		}
		if tt.want == http.StatusNotFound && strings.Contains(r.Body, "A社 社員") {
			t.Errorf("GET %s leaks company A's data", tt.path)
		}
	}
	// The 404 for another company's record is the very page of a missing one.
	foreign, missing := b.Get("/admin/users/"+aUser), b.Get("/admin/users/U999999")
	if foreign.Text("#error-message") != missing.Text("#error-message") {
		t.Error("a foreign ID is answered differently from a missing one")
	}
}

func TestUserDetailShowsEveryField(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c, _ := loggedIn(t, env, env.Creds.AdminID, env.Creds.AdminPassword)
	r := c.Get("/admin/users/" + env.Creds.AdminID)
	text := r.Doc.Find("#user-detail").Text()
	for _, want := range []string{"利用者ID", env.Creds.AdminID, "権限", "管理者", "利用者名", "管理 太郎", "利用者名カナ", "カンリ　タロウ",
		"所属", "役職", "TEL番号", "メールアドレス", "利用ステータス", "利用中", "電子証明書", "API利用", "一括署名利用"} {
		if !strings.Contains(text, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
}

func TestLanguageFromAcceptLanguageAndSettings(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	en := env.Client(t)
	en.Header.Set("Accept-Language", "en-US,en;q=0.9")
	if got := en.Get("/login").Text("h1"); got != "Log in" {
		t.Errorf("English browser sees %q", got)
	}
	if got := env.Client(t).Get("/login").Text("h1"); got != "ログイン" {
		t.Errorf("default login heading %q", got)
	}
	c, _ := loggedIn(t, env, env.Creds.AdminID, env.Creds.AdminPassword)
	c.Get("/settings")
	r := c.Post("/settings", url.Values{"lang": {"en"}})
	if r.Status != http.StatusOK || !strings.Contains(menuLabels(r), "Administration") {
		t.Fatalf("after choosing English: %d %q", r.Status, menuLabels(r))
	}
	if lang, _ := c.Get("/").Doc.Find("html").Attr("lang"); lang != "en" {
		t.Errorf("html lang %q after choosing English", lang)
	}
	if r := c.Post("/settings", url.Values{"lang": {"fr"}}); r.Status != http.StatusBadRequest {
		t.Errorf("unknown language: %d", r.Status)
	}
}

func TestSecurityHeadersAndCookies(t *testing.T) {
	cfg := webtest.Config(t)
	cfg.BaseURL = "https://keiyaku.example.jp"
	env := webtest.New(t, cfg)
	c := env.Client(t)
	r := c.Get("/login")
	csp := r.Header.Get("Content-Security-Policy")
	for _, want := range []string{"frame-ancestors 'none'", "script-src 'self'", "default-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %s", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("nosniff/frame headers: %v", r.Header)
	}
	if r.Has("script:not([src])") || r.Has("[style]") {
		t.Error("the page carries inline script or style")
	}
	login := c.Post("/login", url.Values{"login": {env.Creds.AdminID}, "password": {env.Creds.AdminPassword}})
	cookie := strings.Join(login.Header.Values("Set-Cookie"), "\n")
	for _, want := range []string{"inkan_session=", "HttpOnly", "SameSite=Lax", "secure"} {
		if !strings.Contains(strings.ToLower(cookie), strings.ToLower(want)) {
			t.Errorf("session cookie lacks %s: %s", want, cookie)
		}
	}
}

func TestStaticFilesAreServedWithLongCaching(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := env.Client(t)
	page := c.Get("/login")
	for _, sel := range []string{`link[rel="stylesheet"]`, "script[src]"} {
		el := page.Doc.Find(sel)
		src, ok := el.Attr("href")
		if !ok {
			src, _ = el.Attr("src")
		}
		r := c.Get(src)
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") || len(r.Body) < 100 {
			t.Errorf("GET %s: %d %q (%d bytes)", src, r.Status, r.Header.Get("Cache-Control"), len(r.Body))
		}
	}
	if r := c.Get("/static/000000000000/app.css"); r.Status != http.StatusNotFound {
		t.Errorf("stale hash: %d", r.Status)
	}
}
