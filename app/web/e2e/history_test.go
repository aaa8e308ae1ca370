package e2e

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
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
		chromedp.Click(choice("一般")),
		chromedp.SendKeys(field("利用者名"), "佐藤 次郎"),
		chromedp.SendKeys(field("利用者名カナ"), "サトウ ジロウ"),
		chromedp.SendKeys(field("メールアドレス"), "sato@example.jp"),
		chromedp.Click(button("確認")),
		heading("自社利用者情報登録確認"),
	)
	if err != nil {
		t.Fatal(err)
	}
	reloadShows(t, admin, "自社利用者情報登録確認")
	if err := chromedp.Do(admin, chromedp.Click(button("戻る")), heading("自社利用者登録")); err != nil {
		t.Fatal(err)
	}
	reloadShows(t, admin, "自社利用者登録")
	err = chromedp.Do(admin,
		chromedp.Click(choice("一般")),
		chromedp.SendKeys(field("利用者名"), "佐藤 次郎"),
		chromedp.SendKeys(field("利用者名カナ"), "サトウ ジロウ"),
		chromedp.SendKeys(field("メールアドレス"), "sato@example.jp"),
		chromedp.Click(button("確認")),
		heading("自社利用者情報登録確認"),
		chromedp.Click(button("確定")),
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
		chromedp.Click(choice("停止中")),
		chromedp.Click(button("確認")),
		heading("自社利用者情報変更確認"),
	)
	if err != nil {
		t.Fatal(err)
	}
	reloadShows(t, admin, "自社利用者情報変更確認")
	if err := chromedp.Do(admin, chromedp.Click(button("確定")), chromedp.WaitVisible(`//div[@role="status" and contains(., "変更しました")]`)); err != nil {
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
