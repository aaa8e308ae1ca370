package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/domain/company"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

// signingPassword reads the 署名用パスワード of the newest 署名用パスワード発行のお知らせ.
func signingPassword(t *testing.T, s *site) string {
	t.Helper()
	var pw string
	s.env.Server.Store.View(func(tx *data.Tx) error {
		mails, err := tx.RecentMails(100)
		for _, m := range mails {
			if m.Template != "doc_sign_password" {
				continue
			}
			text, err := s.env.Server.Mail.Open(m)
			if err != nil {
				return err
			}
			_, rest, _ := strings.Cut(text, "署名用パスワード：")
			pw, _, _ = strings.Cut(rest, "\n")
			pw = strings.TrimSpace(pw)
			break
		}
		return err
	})
	if pw == "" {
		t.Fatal("no 署名用パスワード mail")
	}
	return pw
}

// TestContractBetweenTwoCompaniesInTheBrowser: the demo company registers a contract
// for a 取引先専用 partner with an approver (confirm, 確定); the approver finds it in
// マイリスト and approves; the sender's admin signs it with the signing password of the
// mail; the partner's 受取担当者 finds it in マイリスト and receives it naming an
// approver and himself as signer; the approver approves (受領前承認); he signs; the
// sender completes it: 完了 with three valid entries.
func TestContractBetweenTwoCompaniesInTheBrowser(t *testing.T) {
	site := startSite(t)
	partnerID, partnerAdmin, partnerPW := site.env.AddCompany(t, "受注工務店株式会社", company.PlanPartnerOnly)
	var number, pin string
	err := site.env.Server.Store.Update(func(tx *data.Tx) error {
		subject := company.DemoCertificateSubject
		subject.DisplayName, subject.CompanyJa, subject.Company = "受注工務店株式会社 管理 次郎", "受注工務店株式会社", "Juchu Komuten Co. Ltd."
		c, p, err := site.env.Server.Certs.Issue(tx, partnerID, certificate.Application{Subject: subject, UserIDs: []string{partnerAdmin}, PINRecipient: "管理 次郎", PINEmail: "user@example.com"})
		number, pin = c.Number, p
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	approverID, approverPW := site.env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "承認 三郎")
	rApproverID, rApproverPW := site.env.AddUser(t, partnerID, account.RoleGeneral, "受領 四郎")
	pdf, err := filepath.Abs(filepath.Join("..", "..", "..", "testdata", "pdf", "qpdf-objstm.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	const pw = "Kensetsu-2026"

	sender := newBrowser(t)
	err = chromedp.Do(sender,
		login(site.base, site.env.Creds.AdminID, site.env.Creds.AdminPassword),
		changePassword(site.env.Creds.AdminPassword, pw),
		checkValidity("DJC-00001", mailedPIN(t, site, "DJC-00001", "admin@demo-kensetsu.example"), pw),
		click(link("契約締結 ▼")),
		heading("契約締結"),
		click(`//main//a[normalize-space()="契約文書登録"]`),
		heading("契約文書登録"),
		chromedp.SetUploadFiles(`input[name="pdf"]`, []string{pdf}),
		chromedp.SendKeys(`input[name="title"]`, "工事請負契約書"),
		chromedp.SendKeys(`input[name="amount"]`, "1200000"),
		chromedp.SendKeys(`input[name="partner_id"]`, partnerID),
		chromedp.SendKeys(`input[name="recipient_id"]`, partnerAdmin),
		chromedp.WaitVisible(`//output[@id="partner-name" and normalize-space()="受注工務店株式会社"]`),
		chromedp.SendKeys(`#approvers li:first-child input`, approverID),
		chromedp.SendKeys(`input[name="signer"]`, site.env.Creds.AdminID),
		click(button("確認")),
		heading("契約文書登録（確認）"),
	)
	if err != nil {
		dump(t, sender)
		t.Fatal(err)
	}
	// The confirm screen has a GET address: reload shows it again.
	reloadShows(t, sender, "契約文書登録（確認）")
	err = chromedp.Do(sender,
		click(button("確定")),
		heading("契約文書詳細"),
		chromedp.WaitVisible(`//td[@id="doc-status" and normalize-space()="承認待ち"]`),
	)
	if err != nil {
		dump(t, sender)
		t.Fatal(err)
	}
	docURL, err := chromedp.Run(sender, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(docURL, "/documents/") {
		t.Fatalf("after 確定 the address is %s", docURL)
	}
	docID := docURL[strings.LastIndex(docURL, "/")+1:]
	// approve has the approver find it in マイリスト and 承認 it.
	approve := func(id, initial, button string, wantStatus string) {
		t.Helper()
		b := newBrowser(t)
		err := chromedp.Do(b,
			login(site.base, id, initial),
			changePassword(initial, pw),
			chromedp.WaitVisible(`//div[@id="mylist"]//a[normalize-space()="`+docID+`"]`),
			click(`//div[@id="mylist"]//a[normalize-space()="`+docID+`"]`),
			heading("契約文書詳細"),
			chromedp.SendKeys(`#actions textarea[name="comment"]`, "内容を確認しました"),
			click(`//button[normalize-space()="`+button+`"]`),
			chromedp.WaitVisible(`//td[@id="doc-status" and normalize-space()="`+wantStatus+`"]`),
		)
		if err != nil {
			dump(t, b)
			t.Fatal(err)
		}
	}
	approve(approverID, approverPW, "承認", "署名待ち")
	err = chromedp.Do(sender,
		chromedp.Reload(),
		chromedp.WaitVisible(`//td[@id="doc-status" and normalize-space()="署名待ち"]`),
		chromedp.SendKeys(`#sign input[name="password"]`, signingPassword(t, site)),
		click(button("署名")),
		chromedp.WaitVisible(`//td[@id="doc-status" and normalize-space()="受領前承認待ち"]`),
		chromedp.WaitVisible(`//table[@id="signatures"]//td[contains(., "有効")]`),
	)
	if err != nil {
		dump(t, sender)
		t.Fatal(err)
	}

	if loc, _ := chromedp.Run(sender, chromedp.Location()); loc != docURL {
		t.Errorf("after 署名 the address is %s, want %s", loc, docURL)
	}
	t.Log("sender signed")
	receiver := newBrowser(t)
	err = chromedp.Do(receiver,
		login(site.base, partnerAdmin, partnerPW),
		changePassword(partnerPW, pw),
		checkValidity(number, pin, pw),
	)
	if err != nil {
		dump(t, receiver)
		t.Fatal(err)
	}
	t.Log("receiver checked")
	err = chromedp.Do(receiver,
		click(link("トップページ")),
		chromedp.WaitVisible(`//div[@id="mylist"]//a[normalize-space()="`+docID+`"]`),
		click(`//div[@id="mylist"]//a[normalize-space()="`+docID+`"]`),
		heading("契約文書詳細"),
		chromedp.SendKeys(`#receive li:first-child input[name="approver"]`, rApproverID),
		chromedp.SendKeys(`#receive input[name="signer"]`, partnerAdmin),
		click(button("受領")),
		chromedp.WaitVisible(`//td[@id="doc-status" and normalize-space()="受領前承認待ち"]`),
	)
	if err != nil {
		dump(t, receiver)
		t.Fatal(err)
	}
	t.Log("received")
	approve(rApproverID, rApproverPW, "受領前承認", "署名待ち")
	err = chromedp.Do(receiver,
		chromedp.Reload(),
		chromedp.WaitVisible(`//td[@id="doc-status" and normalize-space()="署名待ち"]`),
		chromedp.SendKeys(`#sign input[name="password"]`, signingPassword(t, site)),
		click(button("署名")),
		chromedp.WaitVisible(`//td[@id="doc-status" and normalize-space()="完了待ち"]`),
	)
	if err != nil {
		dump(t, receiver)
		t.Fatal(err)
	}
	err = chromedp.Do(sender,
		chromedp.Reload(),
		chromedp.WaitVisible(`//td[@id="doc-status" and normalize-space()="完了待ち"]`),
		click(button("完了")),
		chromedp.WaitVisible(`//td[@id="doc-status" and normalize-space()="完了"]`),
	)
	if err != nil {
		dump(t, sender)
		t.Fatal(err)
	}
	if rows := text(t, sender, "#signatures"); strings.Count(rows, "有効") != 3 || strings.Contains(rows, "無効") {
		t.Errorf("signatures after 完了: %s", rows)
	}
}
