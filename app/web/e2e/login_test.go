package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"inkan/app/domain/account"
	"inkan/app/testkit/webtest"
)

func login(base, id, pw string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/login"),
		heading("ログイン"),
		chromedp.SendKeys(field("利用者ID"), id),
		chromedp.SendKeys(field("パスワード"), pw),
		click(button("ログイン")),
	)
}

// operatorFirstLogin logs the operator in on the console for the first time, answering
// the forced change of the printed password, and waits for 企業一覧.
func operatorFirstLogin(s *site) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(s.base+"/operator/login"),
		heading("ログイン"),
		chromedp.SendKeys(field("運営者ID"), s.env.Creds.OperatorLogin),
		chromedp.SendKeys(field("パスワード"), s.env.Creds.OperatorPassword),
		click(button("ログイン")),
		heading("パスワード変更"),
		chromedp.SendKeys(field("現在のパスワード"), s.env.Creds.OperatorPassword),
		chromedp.SendKeys(field("新しいパスワード"), "Operator-2nd#1"),
		chromedp.SendKeys(field("新しいパスワード(確認)"), "Operator-2nd#1"),
		click(button("確定")),
		heading("企業一覧"),
	)
}

func changePassword(current, next string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		heading("パスワード変更"),
		chromedp.SendKeys(field("現在のパスワード"), current),
		chromedp.SendKeys(field("新しいパスワード"), next),
		chromedp.SendKeys(field("新しいパスワード(確認)"), next),
		click(button("確定")),
		chromedp.WaitVisible(`#mylist`),
		settled(),
	)
}

func TestAdminAndGeneralUserFirstLogin(t *testing.T) {
	site := startSite(t)
	userID, userPW := site.env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "一般 花子")
	ctx := newBrowser(t)

	err := chromedp.Do(ctx,
		login(site.base, site.env.Creds.AdminID, site.env.Creds.AdminPassword),
		changePassword(site.env.Creds.AdminPassword, "Kensetsu-2026"),
	)
	if err != nil {
		t.Fatal(err)
	}
	menu, header, lastLogin := text(t, ctx, `nav .menu`), text(t, ctx, `header .who`), text(t, ctx, `#last-login`)
	// htmx ran under the page's CSP (no inline script, no eval).
	htmxLoaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.htmx === "object"`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(menu, "管理者業務") {
		t.Errorf("admin menu lacks 管理者業務: %q", menu)
	}
	if !strings.Contains(header, "デモ建設株式会社") || !strings.Contains(header, "管理 太郎") {
		t.Errorf("header %q", header)
	}
	if !strings.Contains(lastLogin, "前回のログイン日時") {
		t.Errorf("top page lacks 前回のログイン日時: %q", lastLogin)
	}
	if !htmxLoaded {
		t.Error("htmx did not load")
	}

	// The admin reaches 管理者業務 through the menu, boosted by htmx.
	err = chromedp.Do(ctx,
		click(link("管理者業務 ▼")),
		heading("管理者業務"),
		click(`//main//a[normalize-space()="自社利用者登録"]`),
		heading("自社利用者登録"),
		click(button("ログアウト")),
		heading("ログイン"),
	)
	if err != nil {
		t.Fatal(err)
	}

	err = chromedp.Do(ctx,
		login(site.base, userID, userPW),
		changePassword(userPW, "Genba-0401"),
	)
	if err != nil {
		t.Fatal(err)
	}
	generalMenu := text(t, ctx, `nav .menu`)
	if strings.Contains(generalMenu, "管理者業務") {
		t.Errorf("general user's menu shows 管理者業務: %q", generalMenu)
	}
	if !strings.Contains(generalMenu, "個人設定") {
		t.Errorf("general user's menu lacks 個人設定: %q", generalMenu)
	}
}

func TestWrongPasswordMessageIsShownOnTheLoginScreen(t *testing.T) {
	site := startSite(t)
	ctx := newBrowser(t)
	err := chromedp.Do(ctx,
		login(site.base, site.env.Creds.AdminID, "wrong-pass1!"),
		chromedp.WaitVisible(`.alert`),
	)
	if err != nil {
		t.Fatal(err)
	}
	alert := text(t, ctx, `.alert`)
	if !strings.Contains(alert, "利用者IDまたはパスワードが正しくありません") {
		t.Errorf("alert %q", alert)
	}
}
