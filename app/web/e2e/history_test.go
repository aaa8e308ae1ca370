package e2e

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"inkan/app/domain/account"
	"inkan/app/testkit/webtest"
)

// reloadShows reloads the page and waits for the same screen, checking that the
// address is one a GET answers (no POST step of a flow).
func reloadShows(t *testing.T, b context.Context, title string) {
	t.Helper()
	if err := chromedp.Do(b, chromedp.Reload(), heading(title)); err != nil {
		t.Fatalf("reload of %s: %v", title, err)
	}
	noPostAddress(t, b)
}

func noPostAddress(t *testing.T, b context.Context) {
	t.Helper()
	loc, err := chromedp.Run(b, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/commit", "/back"} {
		if strings.Contains(loc, p) {
			t.Errorf("address bar shows the POST step %s", loc)
		}
	}
}

// TestReloadAndBackInTheConfirmFlows: after every step of 自社利用者登録 and 変更,
// reload shows the same screen, and Back after 確定 does not show 完了 at a POST
// address.
func TestReloadAndBackInTheConfirmFlows(t *testing.T) {
	site := startSite(t)
	admin := newBrowser(t)
	err := chromedp.Do(admin,
		login(site.base, site.env.Creds.AdminID, site.env.Creds.AdminPassword),
		changePassword(site.env.Creds.AdminPassword, "Kensetsu-2026"),
		chromedp.Navigate(site.base+"/admin/users/new"),
		heading("自社利用者登録"),
		click(choice("一般")),
		chromedp.SendKeys(field("利用者名"), "佐藤 次郎"),
		chromedp.SendKeys(field("利用者名カナ"), "サトウ ジロウ"),
		chromedp.SendKeys(field("メールアドレス"), "sato@example.jp"),
		click(button("確認")),
		heading("自社利用者情報登録確認"),
	)
	if err != nil {
		t.Fatal(err)
	}
	reloadShows(t, admin, "自社利用者情報登録確認")
	if err := chromedp.Do(admin, click(button("戻る")), heading("自社利用者登録")); err != nil {
		t.Fatal(err)
	}
	reloadShows(t, admin, "自社利用者登録")
	err = chromedp.Do(admin,
		click(choice("一般")),
		chromedp.SendKeys(field("利用者名"), "佐藤 次郎"),
		chromedp.SendKeys(field("利用者名カナ"), "サトウ ジロウ"),
		chromedp.SendKeys(field("メールアドレス"), "sato@example.jp"),
		click(button("確認")),
		heading("自社利用者情報登録確認"),
		click(button("確定")),
		heading("自社利用者登録完了"),
	)
	if err != nil {
		t.Fatal(err)
	}
	reloadShows(t, admin, "自社利用者登録完了")
	userID := regexp.MustCompile(`U\d{6}`).FindString(text(t, admin, `#done`))
	// Back leaves 完了: the confirm address finds its draft used and shows the input.
	if err := chromedp.Do(admin, chromedp.Evaluate[chromedp.Void]("history.back()"), heading("自社利用者登録")); err != nil {
		t.Fatalf("back after 確定: %v", err)
	}
	noPostAddress(t, admin)

	// 変更 of the new user: confirm, reload, 確定, reload, Back.
	err = chromedp.Do(admin,
		chromedp.Navigate(site.base+"/admin/users/"+userID+"/edit"),
		heading("自社利用者情報変更"),
		click(choice("停止中")),
		click(button("確認")),
		heading("自社利用者情報変更確認"),
	)
	if err != nil {
		t.Fatal(err)
	}
	reloadShows(t, admin, "自社利用者情報変更確認")
	if err := chromedp.Do(admin, click(button("確定")), chromedp.WaitVisible(`//div[@role="status" and contains(., "変更しました")]`)); err != nil {
		t.Fatal(err)
	}
	reloadShows(t, admin, "利用者ID 登録情報照会")
	if err := chromedp.Do(admin, chromedp.Evaluate[chromedp.Void]("history.back()"), heading("自社利用者情報変更")); err != nil {
		t.Fatalf("back after 確定: %v", err)
	}
	noPostAddress(t, admin)
}

// TestLongSearchInTheBrowser: a search several times too long, as a pasted link, shows
// the search form and the Japanese message; the form field keeps to its maxlength.
func TestLongSearchInTheBrowser(t *testing.T) {
	site := startSite(t)
	admin := newBrowser(t)
	err := chromedp.Do(admin,
		login(site.base, site.env.Creds.AdminID, site.env.Creds.AdminPassword),
		changePassword(site.env.Creds.AdminPassword, "Kensetsu-2026"),
		chromedp.Navigate(site.base+"/admin/users?name="+url.QueryEscape(strings.Repeat("鈴", 420))),
		heading("自社利用者情報検索／一覧"),
		chromedp.WaitVisible(`//*[@role="alert"][contains(., "検索条件が長すぎます")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := text(t, admin, `#search-alert`); !strings.Contains(got, "利用者名は50文字以内") {
		t.Errorf("alert %q", got)
	}
}

// TestReloadAndBackInDelete: 削除 of a user, reload at each step, and Back after it.
func TestReloadAndBackInDelete(t *testing.T) {
	site := startSite(t)
	userID, _ := site.env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "削除 予定")
	admin := newBrowser(t)
	err := chromedp.Do(admin,
		login(site.base, site.env.Creds.AdminID, site.env.Creds.AdminPassword),
		changePassword(site.env.Creds.AdminPassword, "Kensetsu-2026"),
		chromedp.Navigate(site.base+"/admin/users/"+userID),
		heading("利用者ID 登録情報照会"),
		click(link("削除")),
		heading("利用者ID 削除"),
	)
	if err != nil {
		t.Fatal(err)
	}
	reloadShows(t, admin, "利用者ID 削除")
	if err := chromedp.Do(admin, click(button("削除")), chromedp.WaitVisible(`#done`)); err != nil {
		t.Fatal(err)
	}
	reloadShows(t, admin, "利用者ID 削除")
	if got := text(t, admin, `#done`); !strings.Contains(got, userID) {
		t.Errorf("完了 after reload says %q", got)
	}
	// Back: the confirm address asks the server again, which says the ID is deleted
	// and offers no second 削除; reload there shows the same.
	if err := chromedp.Do(admin, chromedp.Evaluate[chromedp.Void]("history.back()"), chromedp.WaitVisible(`#done`)); err != nil {
		t.Fatalf("back after 削除: %v", err)
	}
	reloadShows(t, admin, "利用者ID 削除")
	if n, err := chromedp.Run(admin, chromedp.Evaluate[int](`document.querySelectorAll("main button.danger").length`)); err != nil || n != 0 {
		t.Errorf("Back after 削除 offers 削除 again (%d buttons, %v)", n, err)
	}
}

// TestReloadAndBackInTheOperatorFlows: 企業登録 (input, 確認, 戻る, 確定) and 企業詳細's
// ロック解除 and パスワード初期化, reload after each step and Back after 確定.
func TestReloadAndBackInTheOperatorFlows(t *testing.T) {
	site := startSite(t)
	b := newBrowser(t)
	err := chromedp.Do(b,
		operatorFirstLogin(site),
		click(link("企業登録")),
		heading("企業登録"),
	)
	if err != nil {
		t.Fatal(err)
	}
	reloadShows(t, b, "企業登録")
	fill := chromedp.Steps(
		chromedp.SendKeys(field("企業名"), "株式会社履歴工務店"),
		chromedp.SendKeys(field("利用者名"), "履歴 一郎"),
		chromedp.SendKeys(field("利用者名カナ"), "リレキ イチロウ"),
		chromedp.SendKeys(field("メールアドレス"), "rireki@example.jp"),
		click(button("確認")),
		heading("企業登録確認"),
	)
	if err := chromedp.Do(b, fill); err != nil {
		t.Fatal(err)
	}
	reloadShows(t, b, "企業登録確認")
	if err := chromedp.Do(b, click(button("戻る")), heading("企業登録")); err != nil {
		t.Fatal(err)
	}
	reloadShows(t, b, "企業登録")
	err = chromedp.Do(b,
		fill,
		click(button("確定")),
		heading("企業登録完了"),
	)
	if err != nil {
		t.Fatal(err)
	}
	noPostAddress(t, b)
	// The GET address standing for 完了 is the new company's 企業詳細.
	reloadShows(t, b, "企業詳細")
	if err := chromedp.Do(b, chromedp.Evaluate[chromedp.Void]("history.back()"), heading("企業登録")); err != nil {
		t.Fatalf("back after 確定: %v", err)
	}
	noPostAddress(t, b)

	// 企業詳細 of the demo company: its admin locked, then unlocked and reset.
	c := site.env.Client(t)
	for range 5 {
		c.Login(site.env.Creds.AdminID, "wrong-password-1")
	}
	err = chromedp.Do(b,
		chromedp.Navigate(site.base+"/operator/companies/"+webtest.DemoCompanyID),
		heading("企業詳細"),
		click(button("ロック解除")),
		chromedp.WaitVisible(`//div[@role="status"][contains(., "ロックを解除しました")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	reloadShows(t, b, "企業詳細")
	for _, p := range []string{"/unlock", "/reset"} {
		if loc, _ := chromedp.Run(b, chromedp.Location()); strings.HasSuffix(loc, p) {
			t.Errorf("address bar shows the POST %s", loc)
		}
	}
	err = chromedp.Do(b,
		click(button("パスワード初期化")),
		chromedp.WaitVisible(`//div[@role="status"][contains(., "パスワードを初期化しました")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	reloadShows(t, b, "企業詳細")
	if loc, _ := chromedp.Run(b, chromedp.Location()); !strings.HasSuffix(loc, "/operator/companies/"+webtest.DemoCompanyID) {
		t.Errorf("after パスワード初期化 the address is %s", loc)
	}
}
