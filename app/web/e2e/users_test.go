package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"inkan/data"
)

// choice is the radio button or checkbox inside the label whose visible text is label.
func choice(label string) string {
	return fmt.Sprintf(`//label[normalize-space()=%q]/input`, label)
}

// mailedPassword reads the initial password from the newest password mail in the
// outbox to the address, opened as it is sent (the store holds it sealed).
func mailedPassword(t *testing.T, s *site, to string) string {
	t.Helper()
	re := regexp.MustCompile(`初回ログインパスワード：(\S+)`)
	var pw string
	s.env.Server.Store.View(func(tx *data.Tx) error {
		mails, err := tx.RecentMails(100)
		for _, m := range mails {
			if strings.Join(m.To, ",") == to {
				text, err := s.env.Server.Mail.Open(m)
				if err != nil {
					return err
				}
				if found := re.FindStringSubmatch(text); found != nil {
					pw = found[1]
					break
				}
			}
		}
		return err
	})
	if pw == "" {
		t.Fatalf("no password mail to %s", to)
	}
	return pw
}

func TestAdminRegistersFindsAndSuspendsAUser(t *testing.T) {
	site := startSite(t)
	admin := newBrowser(t)
	err := chromedp.Do(admin,
		login(site.base, site.env.Creds.AdminID, site.env.Creds.AdminPassword),
		changePassword(site.env.Creds.AdminPassword, "Kensetsu-2026"),
		click(link("管理者業務 ▼")),
		heading("管理者業務"),
		click(`//main//a[normalize-space()="自社利用者登録"]`),
		heading("自社利用者登録"),
		click(choice("一般")),
		chromedp.SendKeys(field("利用者名"), "佐藤 次郎"),
		// Half-width kana is converted, not refused.
		chromedp.SendKeys(field("利用者名カナ"), "ｻﾄｳ ｼﾞﾛｳ"),
		chromedp.SendKeys(field("所属"), "工務部"),
		chromedp.SendKeys(field("TEL番号"), "03-1234-5678"),
		chromedp.SendKeys(field("メールアドレス"), "sato@example.jp"),
		click(button("確認")),
		heading("自社利用者情報登録確認"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if shown := text(t, admin, `#confirm`); !strings.Contains(shown, "サトウ　ジロウ") {
		t.Errorf("confirm screen shows %q", shown)
	}
	if err := chromedp.Do(admin, click(button("確定")), heading("自社利用者登録完了")); err != nil {
		t.Fatal(err)
	}
	userID := regexp.MustCompile(`U\d{6}`).FindString(text(t, admin, `#done`))
	if userID == "" {
		t.Fatal("no 利用者ID on the done screen")
	}

	// The new user logs in with the mailed initial password and must change it.
	user := newBrowser(t)
	err = chromedp.Do(user,
		login(site.base, userID, mailedPassword(t, site, "sato@example.jp")),
		changePassword(mailedPassword(t, site, "sato@example.jp"), "Genba-0401"),
	)
	if err != nil {
		t.Fatal(err)
	}

	// The admin finds the user by a part of the name; the search URL survives a reload.
	err = chromedp.Do(admin,
		click(link("管理者業務 ▼")),
		heading("管理者業務"),
		click(`//main//a[normalize-space()="自社利用者照会"]`),
		heading("自社利用者情報検索／一覧"),
		chromedp.SendKeys(field("利用者名"), "佐藤"),
		click(button("検索")),
		chromedp.WaitVisible(`//p[@id="count" and normalize-space()="1件中1～1件目を表示"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(admin, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(loc); u.Query().Get("name") != "佐藤" {
		t.Errorf("search URL not pushed: %s", loc)
	}
	err = chromedp.Do(admin,
		chromedp.Reload(),
		chromedp.WaitVisible(`//p[@id="count" and normalize-space()="1件中1～1件目を表示"]`),
		click(link(userID)),
		heading("利用者ID 登録情報照会"),
		click(link("変更")),
		heading("自社利用者情報変更"),
		click(choice("停止中")),
		click(button("確認")),
		heading("自社利用者情報変更確認"),
		click(button("確定")),
		chromedp.WaitVisible(`//div[@role="status" and contains(., "変更しました")]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if detail := text(t, admin, `#user-detail`); !strings.Contains(detail, "停止中") {
		t.Errorf("detail after suspension: %q", detail)
	}

	// The suspended user's open session is refused at the next click.
	if err := chromedp.Do(user, click(link("個人設定 ▼")), heading("ログイン")); err != nil {
		t.Fatalf("suspended user still inside: %v", err)
	}
}
