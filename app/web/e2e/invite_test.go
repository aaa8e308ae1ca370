package e2e

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"inkan/data"
)

// partnersXLSX writes the general contractor's list of partners as Excel would keep it.
func partnersXLSX(t *testing.T, name string, rows [][]any) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	all := append([][]any{{"企業名", "担当者名", "メールアドレス"}}, rows...)
	for i, r := range all {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// newestMailTo is the outbox number of the newest mail of a template to addr.
func newestMailTo(t *testing.T, s *site, template, addr string) uint64 {
	t.Helper()
	var id uint64
	s.env.Server.Store.View(func(tx *data.Tx) error {
		mails, _ := tx.RecentMails(200)
		for _, m := range mails {
			if m.Template == template && m.To[0] == addr && m.ID > id {
				id = m.ID
			}
		}
		return nil
	})
	if id == 0 {
		t.Fatalf("no %s mail to %s", template, addr)
	}
	return id
}

// mailText opens mail id on the operator's 送信メール screen (no SMTP server: the
// screen shows the mail as sent, secrets in) and returns its text.
func mailText(t *testing.T, ctx context.Context, id uint64) string {
	t.Helper()
	var body string
	err := chromedp.Do(ctx,
		click(link("送信メール")),
		heading("送信メール"),
		click(fmt.Sprintf(`#mail-%d a`, id)),
		chromedp.WaitVisible(`pre.mail-body`),
	)
	if err != nil {
		t.Fatal(err)
	}
	body = text(t, ctx, `pre.mail-body`)
	return body
}

// TestInviteFromExcelToANewCompany is the general contractor's path: its admin uploads
// an .xlsx with three partners of which one row is bad, sees the row's error, uploads
// the fixed file and confirms; a partner opens its URL from the mail and applies; the
// operator approves; the partner's admin logs in with the mailed credentials; and
// 利用申請状況確認 shows 申請処理完了 for it and 取引先申請待ち for the others.
func TestInviteFromExcelToANewCompany(t *testing.T) {
	site := startSite(t)
	ctx := newBrowser(t)
	partners := [][]any{
		{"受注工務店株式会社", "受注 花子", "hanako@juchu.example"},
		{"株式会社DFG", "山中麗恵", "yamanaka@efg.example"},
		{"HKK商事", "神戸博一", "kanbe@hik.example"},
	}
	bad := append([][]any{}, partners...)
	bad[1] = []any{"株式会社DFG", "山中麗恵様", "yamanaka@efg.example"}
	badFile := partnersXLSX(t, "取引先_誤.xlsx", bad)
	goodFile := partnersXLSX(t, "取引先.xlsx", partners)

	err := chromedp.Do(ctx,
		login(site.base, site.env.Creds.AdminID, site.env.Creds.AdminPassword),
		changePassword(site.env.Creds.AdminPassword, "Kensetsu-2026"),
		click(link("管理者業務 ▼")),
		heading("管理者業務"),
		click(`//main//a[normalize-space()="利用申請URL送信"]`),
		heading("利用申請URL送信"),
		click(link("CSVファイル取り込み")),
		chromedp.WaitVisible(`input[type=file]`),
		chromedp.SetUploadFiles(`input[type=file]`, []string{badFile}),
		click(button("CSVファイル取り込み")),
		chromedp.WaitVisible(`#invite-rows tr.bad`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if row := text(t, ctx, `#invite-rows tr.bad`); !strings.HasPrefix(strings.TrimSpace(row), "3") || !strings.Contains(row, "敬称") {
		t.Errorf("bad row %q", row)
	}
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles(`input[type=file]`, []string{goodFile}),
		click(button("CSVファイル取り込み")),
		chromedp.WaitNotPresent(`#invite-rows tr.bad`),
		chromedp.WaitVisible(button("確定")),
		click(button("確定")),
		heading("利用申請URL送信完了"),
		click(button("ログアウト")),
		heading("ログイン"),
	)
	if err != nil {
		t.Fatal(err)
	}

	// The operator reads the partner's mail in the outbox.
	err = chromedp.Do(ctx,
		operatorFirstLogin(site),
	)
	if err != nil {
		t.Fatal(err)
	}
	mail := mailText(t, ctx, newestMailTo(t, site, "invitation", "hanako@juchu.example"))
	found := regexp.MustCompile(`https?://\S+/apply/\S+`).FindString(mail)
	if found == "" || !strings.Contains(mail, "受注 花子 様") {
		t.Fatalf("invitation mail:\n%s", mail)
	}
	u, _ := url.Parse(found)

	// The partner applies (no login: the page is public).
	err = chromedp.Do(ctx,
		chromedp.Navigate(site.base+u.Path),
		heading("利用申請"),
		chromedp.SendKeys(field("企業名カナ"), "ジュチュウコウムテン"),
		chromedp.SendKeys(field("郵便番号"), "1000001"),
		chromedp.SendKeys(field("住所"), "東京都千代田区千代田1-1"),
		chromedp.SendKeys(field("電話番号"), "03-1234-5678"),
		chromedp.SendKeys(field("氏名カナ"), "ジュチュウ ハナコ"),
		click(`input[name="terms"]`),
		click(button("確認")),
		heading("利用申請確認"),
		click(button("送信")),
		heading("利用申請送信完了"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, `#done`); !strings.Contains(got, "送信しました") {
		t.Errorf("done %q", got)
	}

	// The operator approves.
	err = chromedp.Do(ctx,
		chromedp.Navigate(site.base+"/operator"),
		heading("企業一覧"),
		click(link("利用申請")),
		heading("利用申請"),
		click(link("受注工務店株式会社")),
		heading("利用申請詳細"),
		click(button("承認")),
		chromedp.WaitVisible(`#done`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, `#application-status`); got != "申請処理完了（登録完了）" {
		t.Errorf("status %q", got)
	}
	idMail := mailText(t, ctx, newestMailTo(t, site, "user_id_issued", "hanako@juchu.example"))
	pwMail := mailText(t, ctx, newestMailTo(t, site, "initial_password", "hanako@juchu.example"))
	newID := regexp.MustCompile(`U\d{6}`).FindString(idMail)
	m := regexp.MustCompile(`初回ログインパスワード：(\S+)`).FindStringSubmatch(pwMail)
	if newID == "" || m == nil {
		t.Fatalf("credential mails:\n%s\n%s", idMail, pwMail)
	}
	err = chromedp.Do(ctx, click(button("ログアウト")), heading("ログイン"))
	if err != nil {
		t.Fatal(err)
	}

	// The partner's admin logs in with the mailed credentials.
	err = chromedp.Do(ctx,
		login(site.base, newID, m[1]),
		changePassword(m[1], "Juchu-2026"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if who := text(t, ctx, `header .who`); !strings.Contains(who, "受注工務店株式会社") {
		t.Errorf("partner header %q", who)
	}
	if menu := text(t, ctx, `nav .menu`); strings.Contains(menu, "利用申請URL送信") {
		t.Error("a 取引先専用 company's menu offers 利用申請URL送信")
	}

	// 利用申請状況確認 of the inviting admin.
	err = chromedp.Do(ctx,
		click(button("ログアウト")),
		heading("ログイン"),
		login(site.base, site.env.Creds.AdminID, "Kensetsu-2026"),
		chromedp.WaitVisible(`#mylist`),
		chromedp.Navigate(site.base+"/admin/invitations"),
		heading("利用申請検索／一覧"),
	)
	if err != nil {
		t.Fatal(err)
	}
	list := text(t, ctx, `#invite-list tbody`)
	for _, line := range strings.Split(list, "\n") {
		switch {
		case strings.Contains(line, "受注工務店株式会社") && !strings.Contains(line, "申請処理完了"):
			t.Errorf("the approved partner: %q", line)
		case (strings.Contains(line, "株式会社DFG") || strings.Contains(line, "HKK商事")) && !strings.Contains(line, "取引先申請待ち"):
			t.Errorf("a partner still invited: %q", line)
		}
	}
	if strings.Count(list, "取引先申請待ち") != 2 || strings.Count(list, "申請処理完了") != 1 {
		t.Errorf("list:\n%s", list)
	}
}
