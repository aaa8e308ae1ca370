package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"inkan/app/testkit/webtest"
	"inkan/data"
)

func onboardingForm() url.Values {
	return url.Values{
		"name": {"ｶﾞｲｱ建設株式会社"}, "plan": {"both_sides"}, "opt_bulk_sign": {"1"}, "opt_api": {"1"},
		"admin_name": {"山田 一郎"}, "admin_kana": {"ﾔﾏﾀﾞ ｲﾁﾛｳ"}, "admin_email": {"yamada@gaia.example.jp"},
	}
}

func TestOperatorConsoleNeedsItsOwnLogin(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c, _ := loggedIn(t, env, env.Creds.AdminID, env.Creds.AdminPassword)
	if r := c.Get("/operator"); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/operator/login" {
		t.Errorf("company admin at /operator: %d %q", r.Status, r.Header.Get("Location"))
	}
	op := env.Client(t)
	op.Get("/operator/login")
	if r := op.Post("/operator/login", url.Values{"login": {"operator"}, "password": {"wrong-pass1!"}}); r.Status != http.StatusUnauthorized {
		t.Errorf("wrong operator password: %d", r.Status)
	}
	page := op.OperatorLogin()
	if !strings.Contains(page.Doc.Find("#companies").Text(), "デモ建設株式会社") {
		t.Errorf("company list lacks the demo company:\n%s", page.Body)
	}
	// An operator session is no company session.
	if r := op.Get("/"); r.Status != http.StatusSeeOther {
		t.Errorf("operator cookie opened the company screens: %d", r.Status)
	}
}

func TestOnboardingThroughConfirmAndCommit(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	op := env.Client(t)
	op.OperatorLogin()
	op.Get("/operator/companies/new")

	confirm := op.Post("/operator/companies/confirm", onboardingForm())
	if confirm.Status != http.StatusOK {
		t.Fatalf("confirm: %d\n%s", confirm.Status, confirm.Body)
	}
	shown := confirm.Doc.Find("main").Text()
	for _, want := range []string{"ガイア建設株式会社", "双方課金", "一括署名", "API利用", "山田 一郎", "ヤマダ　イチロウ", "yamada@gaia.example.jp"} {
		if !strings.Contains(shown, want) {
			t.Errorf("confirm screen lacks %q", want)
		}
	}
	draft, _ := confirm.Doc.Find(`input[name="draft"]`).Attr("value")
	hidden := url.Values{}
	confirm.Doc.Find(`form input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		n, _ := s.Attr("name")
		v, _ := s.Attr("value")
		hidden.Set(n, v)
	})

	// 戻る shows the input screen with what was typed.
	back := op.Post("/operator/companies/back", hidden)
	if v, _ := back.Doc.Find(`input[name="admin_email"]`).Attr("value"); v != "yamada@gaia.example.jp" {
		t.Errorf("戻る lost the mail address: %q", v)
	}
	if _, ok := back.Doc.Find(`input[name="plan"][value="both_sides"]`).Attr("checked"); !ok {
		t.Error("戻る lost the plan")
	}

	hidden.Set("draft", draft)
	done := op.Post("/operator/companies/commit", hidden)
	if done.Status != http.StatusOK || !strings.Contains(done.Text("#onboarded"), "C000002") {
		t.Fatalf("commit: %d\n%s", done.Status, done.Body)
	}
	replay := op.Post("/operator/companies/commit", hidden)
	if replay.Status != http.StatusConflict {
		t.Errorf("replayed 確定: %d, want 409", replay.Status)
	}

	env.Server.Store.View(func(tx *data.Tx) error {
		companies, _ := tx.Companies()
		if len(companies) != 2 {
			t.Errorf("%d companies after a double 確定, want 2", len(companies))
		}
		c, _ := tx.Company("C000002")
		if c.Plan != "both_sides" || !c.Options.BulkSign || !c.Options.API || c.Options.Projects {
			t.Errorf("stored company %+v", c)
		}
		admins, _ := tx.Tenant("C000002").Users()
		if len(admins) != 1 || admins[0].Role != "admin" || admins[0].Kana != "ヤマダ　イチロウ" {
			t.Errorf("stored admins %+v", admins)
		}
		mails, _ := tx.RecentMails(2)
		subjects := mails[0].Subject + "|" + mails[1].Subject
		for _, want := range []string{"【Inkan電子契約サービス】利用者ID発行のお知らせ", "【Inkan電子契約サービス】初回ログインパスワードのお知らせ"} {
			if !strings.Contains(subjects, want) {
				t.Errorf("outbox lacks %s: %s", want, subjects)
			}
		}
		for _, m := range mails {
			if m.To[0] != "yamada@gaia.example.jp" || m.State != data.MailQueued || m.MessageID == "" {
				t.Errorf("queued mail %+v", m)
			}
		}
		return nil
	})
}

func TestOnboardingValidation(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	op := env.Client(t)
	op.OperatorLogin()
	tests := []struct {
		field, value, message string
	}{
		{"name", "", "必須項目"},
		{"name", strings.Repeat("建", 101), "文字数"},
		{"plan", "gold", "必須項目"},
		{"admin_name", " ", "必須項目"},
		{"admin_kana", "山田", "全角カタカナ"},
		{"admin_email", "yamada@", "メールアドレスの形式"},
		{"admin_email", "山田 <yamada@gaia.example.jp>", "メールアドレスの形式"},
	}
	for _, tt := range tests {
		t.Run(tt.field+"="+tt.value, func(t *testing.T) {
			form := onboardingForm()
			form.Set(tt.field, tt.value)
			r := op.Post("/operator/companies/confirm", form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			if msg := r.Doc.Find(`[name="` + tt.field + `"]`).First().Closest(".field").Find(".error").Text(); !strings.Contains(msg, tt.message) {
				t.Errorf("message beside %s = %q, want %q", tt.field, msg, tt.message)
			}
		})
	}
}

func TestNoticeReachesEveryCompanysTopPage(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	op := env.Client(t)
	op.OperatorLogin()
	op.Get("/operator/notices")
	if r := op.Post("/operator/notices", url.Values{"title": {""}, "body": {"x"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("empty title: %d", r.Status)
	}
	for _, bad := range []url.Values{
		{"title": {"お知らせ\u202E"}, "body": {"x"}},
		{"title": {"お知らせ\n二行目"}, "body": {"x"}},
		{"title": {"お知らせ"}, "body": {"本文\x1b[31m"}},
	} {
		if r := op.Post("/operator/notices", bad); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "制御文字") {
			t.Errorf("notice %q: %d, want 422 with the control character message", bad, r.Status)
		}
	}
	if r := op.Post("/operator/notices", url.Values{"title": {"メンテナンスのお知らせ"}, "body": {"12月1日 2:00〜4:00 停止します。\r\n詳細は後日。"}}); r.Status != http.StatusOK {
		t.Fatalf("post notice: %d", r.Status)
	}
	_, top := loggedIn(t, env, env.Creds.AdminID, env.Creds.AdminPassword)
	if got := top.Doc.Find("#notices").Text(); !strings.Contains(got, "メンテナンスのお知らせ") || !strings.Contains(got, "停止します") {
		t.Errorf("top page notices: %q", got)
	}
}

func TestOutboxShowsMailAsFragmentOrPage(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	op := env.Client(t)
	list := op.OperatorLogin()
	list = op.Get("/operator/outbox")
	// The demo admin's ID and password mails, and the PIN mail of DJC-00001.
	if got := list.Doc.Find("#outbox tbody tr").Length(); got != 3 {
		t.Fatalf("outbox of a fresh install lists %d mails, want 3", got)
	}
	if subjects := list.Doc.Find("#outbox").Text(); !strings.Contains(subjects, "PINのお知らせ") {
		t.Errorf("outbox lacks the PIN mail: %s", subjects)
	}
	link := list.Doc.Find("#outbox a[hx-get]").First()
	path, _ := link.Attr("hx-get")
	tests := []struct {
		name     string
		header   http.Header
		wantHTML bool
	}{
		{"direct load", nil, true},
		{"htmx swap", http.Header{"Hx-Request": {"true"}}, false},
		{"boosted", http.Header{"Hx-Request": {"true"}, "Hx-Boosted": {"true"}}, true},
		{"history restore", http.Header{"Hx-Request": {"true"}, "Hx-History-Restore-Request": {"true"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := op.Do(http.MethodGet, path, nil, tt.header)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d", r.Status)
			}
			if full := strings.Contains(r.Body, "<html"); full != tt.wantHTML {
				t.Errorf("whole page = %v, want %v", full, tt.wantHTML)
			}
			if !strings.Contains(r.Header.Get("Vary"), "HX-Request") {
				t.Errorf("Vary %q", r.Header.Get("Vary"))
			}
			if !strings.Contains(r.Doc.Find("#mail-detail pre").Text(), "送信専用アドレス") {
				t.Errorf("mail body not shown:\n%s", r.Body)
			}
		})
	}
	if r := op.Get("/operator/outbox/999"); r.Status != http.StatusNotFound {
		t.Errorf("missing mail: %d", r.Status)
	}
}
