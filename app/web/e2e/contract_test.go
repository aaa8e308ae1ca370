package e2e

import (
	"context"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"inkan/app/testkit/tooltest"
	"inkan/app/trust/pki"
	"inkan/data"
)

// The names and addresses of the contract's two companies. The partner is on 双方課金,
// as companies the operator onboards from a paper application are; with the demo
// company's 片方課金 they may exchange documents.
const (
	partnerName  = "南設備工業株式会社"
	demoName     = "デモ建設株式会社"
	demoAdminTo  = "admin@demo-kensetsu.example"
	userPassword = "Kensetsu-2026"
)

// person is one user of the contract, in a browser context of their own (their own
// cookies), all in one Chromium.
type person struct {
	name, email, id string
	b               context.Context
}

// contractWorld is the installation with the two companies and their users, each of
// them made through the screens and logged in once with the credentials of the mails.
type contractWorld struct {
	site      *site
	op        context.Context // the operator's console, where the outbox is read
	mails     *mailLog
	partnerID string
	pdf       string
	// The demo company: its admin registers and completes, approver and signer.
	admin, approver, signer person
	// The partner: its 受取担当者 and approver; its admin signs.
	recipient, partnerApprover, partnerAdmin person
}

// session opens a browser context of its own (a person who logs in separately) in the
// Chromium of b.
func session(t *testing.T, b context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	return ctx
}

// do runs the steps in the browser b and fails the test with what the page shows
// when one does not come true.
func do(t *testing.T, b context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b, steps...); err != nil {
		dump(t, b)
		t.Fatal(err)
	}
}

// mailLog checks the outbox step by step: each expect sees the mails queued since
// the one before.
type mailLog struct {
	s    *site
	seen uint64
}

var servicePrefix = regexp.MustCompile(`^【[^】]+】`)

// expect checks that the mails queued since the last call are want, in order, each
// "subject → recipients" with the subject's service name (【…】) taken off.
func (l *mailLog) expect(t *testing.T, step string, want ...string) {
	t.Helper()
	var got []string
	err := l.s.env.Server.Store.View(func(tx *data.Tx) error {
		mails, err := tx.RecentMails(500)
		for _, m := range slices.Backward(mails) {
			if m.ID <= l.seen {
				continue
			}
			l.seen = m.ID
			subject := servicePrefix.ReplaceAllString(m.Subject, "")
			if subject == m.Subject {
				subject = "(no service name) " + subject
			}
			got = append(got, subject+" → "+strings.Join(m.To, ","))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("mails of %s:\n got %q\nwant %q", step, got, want)
	}
}

// skip passes over the mails queued so far, unchecked: those a failed run before
// left are not the next one's.
func (l *mailLog) skip(t *testing.T) {
	t.Helper()
	err := l.s.env.Server.Store.View(func(tx *data.Tx) error {
		mails, err := tx.RecentMails(1)
		if len(mails) > 0 {
			l.seen = mails[0].ID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// readMail opens, on the operator's 送信メール screen, the newest mail to addr whose
// subject says subject, and returns its text: with no SMTP server the outbox is where
// mail is read, secrets in.
func readMail(t *testing.T, op context.Context, to, subject string) string {
	t.Helper()
	row := fmt.Sprintf(`(//table[@id="outbox"]/tbody/tr[td[3][normalize-space()=%q] and td[4][contains(., %q)]])[1]//a`, to, subject)
	do(t, op,
		click(link("送信メール")),
		// The list again, without the mail opened last.
		chromedp.WaitNotPresent(`#mail-detail`),
		heading("送信メール"),
		click(row),
		chromedp.WaitVisible(`#mail-detail pre.mail-body`),
	)
	return text(t, op, `#mail-detail pre.mail-body`)
}

// mailed is the value after label (up to the end of its line) in a mail's text.
func mailed(t *testing.T, text, label string) string {
	t.Helper()
	_, rest, ok := strings.Cut(text, label)
	if !ok {
		t.Fatalf("mail lacks %s:\n%s", label, text)
	}
	v, _, _ := strings.Cut(rest, "\n")
	return strings.TrimSpace(v)
}

var (
	userIDPattern = regexp.MustCompile(`U\d{6}`)
	pinPattern    = regexp.MustCompile(`\d{4}-\d{4}-\d{4}`)
)

// firstLogin logs p in with the 利用者ID and the password of the two mails the
// registration sent, and sets the new password.
func (w *contractWorld) firstLogin(t *testing.T, p *person) {
	t.Helper()
	id := mailed(t, readMail(t, w.op, p.email, "利用者ID発行のお知らせ"), "利用者ID：")
	if p.id != "" && id != p.id {
		t.Fatalf("利用者ID mail to %s names %s, the screen said %s", p.email, id, p.id)
	}
	p.id = id
	initial := mailed(t, readMail(t, w.op, p.email, "初回ログインパスワードのお知らせ"), "初回ログインパスワード：")
	do(t, p.b, login(w.site.base, p.id, initial), changePassword(initial, userPassword))
}

// register is 自社利用者登録 of a general user by the admin in b: its 利用者ID from the
// done screen.
func register(t *testing.T, b context.Context, name, kana, email string) string {
	t.Helper()
	do(t, b,
		click(link("管理者業務 ▼")),
		heading("管理者業務"),
		click(`//main//a[normalize-space()="自社利用者登録"]`),
		heading("自社利用者登録"),
		click(choice("一般")),
		chromedp.SendKeys(field("利用者名"), name),
		chromedp.SendKeys(field("利用者名カナ"), kana),
		chromedp.SendKeys(field("メールアドレス"), email),
		click(button("確認")),
		heading("自社利用者情報登録確認"),
		click(button("確定")),
		heading("自社利用者登録完了"),
	)
	id := userIDPattern.FindString(text(t, b, `#done`))
	if id == "" {
		t.Fatal("no 利用者ID on the done screen")
	}
	return id
}

// newContractWorld onboards the partner through the operator's 企業登録 with its first
// certificate, and has each company's admin register its users through 自社利用者登録;
// the demo company's signer is linked to DJC-00001 through 紐付け更新; each user logs
// in with the mailed credentials, and both signers pass 証明書有効性確認 with the
// mailed PIN.
func newContractWorld(t *testing.T) *contractWorld {
	site := startSite(t)
	pdf, err := filepath.Abs(filepath.Join("..", "..", "..", "testdata", "pdf", "qpdf-objstm.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowserFor(t, 5*time.Minute)
	w := &contractWorld{site: site, op: b, mails: &mailLog{s: site}, pdf: pdf,
		admin:           person{name: "管理 太郎", email: demoAdminTo, id: site.env.Creds.AdminID, b: session(t, b)},
		approver:        person{name: "承認 一郎", email: "shonin@demo-kensetsu.example", b: session(t, b)},
		signer:          person{name: "署名 次郎", email: "shomei@demo-kensetsu.example", b: session(t, b)},
		partnerAdmin:    person{name: "南 花子", email: "hanako@minami-setsubi.example", b: session(t, b)},
		recipient:       person{name: "受取 三郎", email: "uketori@minami-setsubi.example", b: session(t, b)},
		partnerApprover: person{name: "確認 四郎", email: "kakunin@minami-setsubi.example", b: session(t, b)},
	}
	w.mails.expect(t, "first start", "利用者ID発行のお知らせ → "+demoAdminTo, "初回ログインパスワードのお知らせ → "+demoAdminTo, "PINのお知らせ → "+demoAdminTo)

	// The operator onboards the partner from its paper application, with the
	// certificate of its first admin.
	do(t, w.op,
		operatorFirstLogin(site),
		click(link("企業登録")),
		heading("企業登録"),
		chromedp.SendKeys(field("企業名"), partnerName),
		click(choice("双方課金")),
		chromedp.SendKeys(field("利用者名"), w.partnerAdmin.name),
		chromedp.SendKeys(field("利用者名カナ"), "ミナミ ハナコ"),
		chromedp.SendKeys(field("メールアドレス"), w.partnerAdmin.email),
		click(field("電子証明書")),
		chromedp.SendKeys(field("企業名（アルファベット）"), "Minami Setsubi Kogyo"),
		chromedp.SendKeys(field("部署名（日本語）"), "本社"),
		chromedp.SendKeys(field("部署名（アルファベット）"), "Head office"),
		chromedp.SendKeys(field("役職名（日本語）"), "代表取締役"),
		chromedp.SendKeys(field("役職名（アルファベット）"), "President"),
		click(button("確認")),
		heading("企業登録確認"),
		click(button("確定")),
		heading("企業登録完了"),
	)
	onboarded := text(t, w.op, `#onboarded`)
	w.partnerID = regexp.MustCompile(`C\d{6}`).FindString(onboarded)
	w.partnerAdmin.id = userIDPattern.FindString(onboarded)
	partnerCert := strings.TrimSpace(text(t, w.op, `#first-certificate`))
	if w.partnerID == "" || w.partnerAdmin.id == "" || partnerCert == "" {
		t.Fatalf("企業登録完了 shows %q, certificate %q", onboarded, partnerCert)
	}
	pa := w.partnerAdmin.email
	w.mails.expect(t, "企業登録", "利用者ID発行のお知らせ → "+pa, "初回ログインパスワードのお知らせ → "+pa, "PINのお知らせ → "+pa)

	// The partner's admin logs in from the mails, checks the certificate with the
	// PIN of its mail and registers the 受取担当者 and an approver.
	w.firstLogin(t, &w.partnerAdmin)
	pin := readMail(t, w.op, pa, "PINのお知らせ")
	if !strings.Contains(pin, partnerCert) {
		t.Fatalf("PIN mail to %s does not name %s:\n%s", pa, partnerCert, pin)
	}
	do(t, w.partnerAdmin.b, checkValidity(partnerCert, pinPattern.FindString(pin), userPassword))
	if who := text(t, w.partnerAdmin.b, `header .who`); !strings.Contains(who, partnerName) {
		t.Errorf("the partner admin's header: %q", who)
	}
	w.recipient.id = register(t, w.partnerAdmin.b, w.recipient.name, "ウケトリ サブロウ", w.recipient.email)
	w.partnerApprover.id = register(t, w.partnerAdmin.b, w.partnerApprover.name, "カクニン シロウ", w.partnerApprover.email)

	// The demo company's admin registers an approver and a signer and links the
	// signer to the company's certificate.
	do(t, w.admin.b, login(site.base, site.env.Creds.AdminID, site.env.Creds.AdminPassword), changePassword(site.env.Creds.AdminPassword, userPassword))
	w.approver.id = register(t, w.admin.b, w.approver.name, "ショウニン イチロウ", w.approver.email)
	w.signer.id = register(t, w.admin.b, w.signer.name, "ショメイ ジロウ", w.signer.email)
	do(t, w.admin.b,
		click(link("管理者業務 ▼")),
		heading("管理者業務"),
		click(`//main//a[normalize-space()="自社電子証明書照会"]`),
		heading("自社電子証明書照会"),
		click(link("DJC-00001")),
		chromedp.WaitVisible(`#cert-users`),
		click(link("紐付け更新")),
		heading("自社電子証明書紐付け更新"),
		pick("add", w.signer.name, w.signer.id),
		click(button("確認")),
		heading("自社電子証明書紐付け更新確認"),
		click(button("確定")),
		heading("電子証明書紐付け更新完了"),
	)
	var registered []string
	for _, p := range []person{w.recipient, w.partnerApprover, w.approver, w.signer} {
		registered = append(registered, "利用者ID発行のお知らせ → "+p.email, "初回ログインパスワードのお知らせ → "+p.email)
	}
	w.mails.expect(t, "自社利用者登録 and 紐付け更新", append(registered,
		"電子証明書紐付情報更新（署名者変更）のお知らせ → "+demoAdminTo+","+w.signer.email)...)

	for _, p := range []*person{&w.recipient, &w.partnerApprover, &w.approver, &w.signer} {
		w.firstLogin(t, p)
	}
	// The admin passes the PIN of DJC-00001 on to the new signer, who checks it.
	demoPIN := pinPattern.FindString(readMail(t, w.op, demoAdminTo, "PINのお知らせ"))
	do(t, w.signer.b, checkValidity("DJC-00001", demoPIN, userPassword))
	w.mails.expect(t, "first logins")
	return w
}

// entry is what the sender types on 契約文書登録.
type entry struct {
	title, amount, date, tag, side, dept string
}

// registerContract is 契約文書登録 by the demo admin with its approver and signer, for
// the partner's 受取担当者, 確認 and 確定: the 文書管理番号 of the document.
func (w *contractWorld) registerContract(t *testing.T, e entry) string {
	t.Helper()
	do(t, w.admin.b,
		click(link("契約締結 ▼")),
		heading("契約締結"),
		click(`//main//a[normalize-space()="契約文書登録"]`),
		heading("契約文書登録"),
		chromedp.SetUploadFiles(field("契約文書ファイル（PDF）"), []string{w.pdf}),
		chromedp.SendKeys(field("契約文書名称"), e.title),
		chromedp.SendKeys(field("契約金額"), e.amount),
		chromedp.SetValue(field("契約締結年月日"), e.date),
		chromedp.SendKeys(field("グループタグ"), e.tag),
		click(choice(e.side)),
		chromedp.SendKeys(field("取引先企業ID"), w.partnerID),
		chromedp.SendKeys(field("取引先部署名"), e.dept),
		chromedp.WaitVisible(fmt.Sprintf(`//output[@id="partner-name" and normalize-space()=%q]`, partnerName)),
		chromedp.SendKeys(field("受取担当者"), w.recipient.id),
		chromedp.SendKeys(`(//ol[@id="approvers"]//input[@aria-label="社内承認者"])[1]`, w.approver.id),
		chromedp.SendKeys(field("署名者"), w.signer.id),
		click(button("確認")),
		heading("契約文書登録（確認）"),
	)
	shown := text(t, w.admin.b, `main`)
	for _, want := range []string{e.title, partnerName, w.recipient.name, w.approver.name, w.signer.name} {
		if !strings.Contains(shown, want) {
			t.Errorf("confirm screen lacks %q:\n%s", want, shown)
		}
	}
	do(t, w.admin.b, click(button("確定")), heading("契約文書詳細"), status("承認待ち"))
	return strings.TrimSpace(text(t, w.admin.b, `#doc-id`))
}

// status waits until the document detail shows the ステータス.
func status(s string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.WaitVisible(fmt.Sprintf(`//td[@id="doc-status" and normalize-space()=%q]`, s)), settled())
}

// open finds the document in マイリスト of the top page and opens it.
func open(doc string) chromedp.Action[chromedp.Void] {
	entry := fmt.Sprintf(`//div[@id="mylist"]//a[normalize-space()=%q]`, doc)
	return chromedp.Steps(
		click(link("トップページ")),
		chromedp.WaitVisible(entry),
		click(entry),
		heading("契約文書詳細"),
	)
}

// find opens the document from 契約文書照会, the list of every document the user
// takes part in.
func find(doc string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		contractList(),
		click(fmt.Sprintf(`//main//a[normalize-space()=%q]`, doc)),
		heading("契約文書詳細"),
	)
}

// contractList opens 契約文書照会 from the menu: with an empty form, it lists every
// document the user takes part in that is not yet stored.
func contractList() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		click(link("契約締結 ▼")),
		heading("契約締結"),
		click(`//main//a[normalize-space()="契約文書照会"]`),
		heading("契約文書検索／一覧"), // the manual's name of the screen behind 契約文書照会
	)
}

// comment is the text area of 承認 and 差戻し.
const comment = `//form[.//button[@id="act-approve" or @id="act-return"]]//label[span[normalize-space(text())="コメント・差戻し理由"]]//textarea`

// decide is an approver's 承認 (or 受領前承認, or 差戻し) with a comment, from マイリスト.
func decide(doc, act, note, want string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(open(doc), chromedp.SendKeys(comment, note), click(button(act)), status(want))
}

// sign is 署名 by p with the password of the newest 署名用パスワード発行のお知らせ to
// them, which must name the document.
func (w *contractWorld) sign(t *testing.T, p person, doc, want string) {
	t.Helper()
	mail := readMail(t, w.op, p.email, "署名用パスワード発行のお知らせ")
	if got := mailed(t, mail, "文書管理番号　："); got != doc {
		t.Fatalf("署名用パスワード mail to %s is for %s, want %s", p.email, got, doc)
	}
	do(t, p.b,
		open(doc),
		chromedp.SendKeys(field("署名用パスワード"), mailed(t, mail, "署名用パスワード：")),
		click(button("署名")),
		status(want),
	)
}

// downloadPDF clicks the download link of the detail in b, as a person would, and
// returns the file the browser saved.
func downloadPDF(t *testing.T, b context.Context) []byte {
	t.Helper()
	dir := t.TempDir()
	events := true
	_, err := chromedp.CallBrowser(b, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, BrowserContextID: chromedp.FromContext(b).BrowserContextID,
		DownloadPath: dir, EventsEnabled: &events,
	})
	if err != nil {
		t.Fatal(err)
	}
	listen, stop := context.WithTimeout(b, 30*time.Second)
	defer stop()
	progress := chromedp.BrowserEvents(listen, browser.DownloadProgress)
	do(t, b, click(link("PDFをダウンロード")))
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			got, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				t.Fatal(err)
			}
			return got
		case browser.DownloadProgressStateCanceled:
			t.Fatal("the download was canceled")
		}
	}
	t.Fatal("no download")
	return nil
}

// rootPEM is the installation's root certificate as published at its address.
func rootPEM(t *testing.T, s *site) string {
	t.Helper()
	r, err := http.Get(s.base + pki.RootCertPath)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	der, err := io.ReadAll(r.Body)
	if err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("root certificate: %d %v", r.StatusCode, err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// TestContractBetweenTwoCompaniesInTheBrowser concludes contracts by the visible
// labels between the demo company and a partner the operator onboarded (see
// newContractWorld), with the mails of each step checked in the outbox.
func TestContractBetweenTwoCompaniesInTheBrowser(t *testing.T) {
	w := newContractWorld(t)

	// 締結: the sender registers with an approver and a signer; the approver approves,
	// the signer signs with the password of the mail; the 受取担当者 receives it and sets
	// an approver and a signer, who approve and sign; the sender completes. The
	// downloaded PDF verifies in pdfsig, openssl and qpdf with nothing but the root.
	t.Run("締結", func(t *testing.T) {
		doc := w.registerContract(t, entry{title: "工事請負契約書", amount: "1200000", date: "2026-04-01", tag: "本社ビル改修", side: "発注側", dept: "工事部"})
		w.mails.expect(t, "確定", "契約文書承認依頼のお知らせ → "+w.approver.email)
		// Not sent yet: the partner's company does not see it.
		do(t, w.recipient.b, chromedp.Navigate(w.site.base+"/documents/"+doc), heading("ページが見つかりません"))

		do(t, w.approver.b, decide(doc, "承認", "内容を確認しました", "署名待ち"))
		w.mails.expect(t, "承認", "署名用パスワード発行のお知らせ → "+w.signer.email)
		w.sign(t, w.signer, doc, "受領前承認待ち")
		w.mails.expect(t, "sender's 署名", "契約文書受信のお知らせ → "+w.recipient.email)

		do(t, w.recipient.b,
			open(doc),
			chromedp.SendKeys(`(//form[@id="receive"]//input[@aria-label="社内承認者"])[1]`, w.partnerApprover.id),
			chromedp.SendKeys(`//form[@id="receive"]`+field("署名者"), w.partnerAdmin.id),
			click(button("受領")),
			// The same status as before: the receiver's route shows it was received.
			chromedp.WaitVisible(`//table[@id="route"]/tbody/tr[td[1][normalize-space()="受信者"]]`),
			status("受領前承認待ち"),
		)
		w.mails.expect(t, "受領", "契約文書承認依頼のお知らせ → "+w.partnerApprover.email)
		do(t, w.partnerApprover.b, decide(doc, "受領前承認", "社内確認済みです", "署名待ち"))
		w.mails.expect(t, "受領前承認", "署名用パスワード発行のお知らせ → "+w.partnerAdmin.email)
		w.sign(t, w.partnerAdmin, doc, "完了待ち")
		w.mails.expect(t, "receiver's 署名", "契約文書完了待ちのお知らせ → "+demoAdminTo)

		// 完了 stores it: the detail becomes 長期保管契約文書照会, with no action.
		do(t, w.admin.b, open(doc), click(button("完了")), heading("長期保管契約文書照会"))
		w.mails.expect(t, "完了", "契約文書締結完了のお知らせ → "+demoAdminTo, "契約文書締結完了のお知らせ → "+w.recipient.email)
		if rows := text(t, w.admin.b, "#signatures"); strings.Count(rows, "有効") != 3 || strings.Contains(rows, "無効") || strings.Contains(rows, "信頼されていない") {
			t.Errorf("signatures after 完了: %s", rows)
		}

		// The stored document has left 契約文書照会 (it is a 長期保管文書 now): the
		// 受取担当者 opens it from the link of the 完了 mail and downloads it.
		do(t, w.recipient.b, contractList())
		if got := text(t, w.recipient.b, "#results"); strings.Contains(got, doc) {
			t.Errorf("契約文書照会 still lists the stored %s: %s", doc, got)
		}
		mail := readMail(t, w.op, w.recipient.email, "契約文書締結完了のお知らせ")
		_, after, _ := strings.Cut(mail, "契約文書（ログインすると表示されます）：")
		line, _, _ := strings.Cut(strings.TrimSpace(after), "\n")
		// The mail names the installation's base URL; the test's server listens elsewhere.
		link, err := url.Parse(strings.TrimSpace(line))
		if err != nil || link.Query().Get("next") != "/documents/"+doc {
			t.Fatalf("the 完了 mail's link %q: %v", line, err)
		}
		do(t, w.recipient.b, chromedp.Navigate(w.site.base+link.RequestURI()), heading("長期保管契約文書照会"))
		if got := text(t, w.recipient.b, "#document"); !strings.Contains(got, "保管期限") || !strings.Contains(got, "2036/04/01") {
			t.Errorf("the receiver's view of the stored document: %s", got)
		}
		// Its print view: the sheet, and the 印刷 button opens the print dialog through
		// static/print.js (window.print is replaced to see it called: headless Chromium
		// would print to nowhere).
		do(t, w.recipient.b, click(`//a[@id="print-link" and normalize-space()="印刷"]`), chromedp.WaitVisible(`#print-sheet`), heading("長期保管契約文書照会"),
			chromedp.Evaluate[chromedp.Void](`window.printed = false; window.print = function () { window.printed = true; }`),
			click(`#print-button`))
		if printed, err := chromedp.Run(w.recipient.b, chromedp.Evaluate[bool](`window.printed`)); err != nil || !printed {
			t.Errorf("印刷 did not call window.print: %v %v", printed, err)
		}
		if got := text(t, w.recipient.b, "#print-sheet #signatures"); strings.Count(got, "有効") != 3 {
			t.Errorf("the print view's signatures: %s", got)
		}
		do(t, w.recipient.b, click(`#print-back`), heading("長期保管契約文書照会"), chromedp.WaitVisible(`iframe.pdf`))
		file := filepath.Join(t.TempDir(), doc+".pdf")
		if err := os.WriteFile(file, downloadPDF(t, w.recipient.b), 0o600); err != nil {
			t.Fatal(err)
		}
		root := rootPEM(t, w.site)
		report := tooltest.PDFSigTrusting(t, root, file)
		if strings.Count(report, "Signature is Valid.") != 2 || strings.Count(report, "Certificate is Trusted.") != 2 ||
			!strings.Contains(report, "O="+demoName) || !strings.Contains(report, "O="+partnerName) {
			t.Errorf("pdfsig, trusting the root alone:\n%s", report)
		}
		if got := tooltest.VerifyPDFWithOpenSSL(t, root, file); got != (tooltest.OpenSSLVerified{Signatures: 2, Timestamps: 1}) {
			t.Errorf("openssl verified %+v, want both signatures and the document timestamp", got)
		}
		if out, err := exec.Command(tooltest.Need(t, "qpdf"), "--check", file).CombinedOutput(); err != nil {
			t.Errorf("qpdf --check: %v\n%s", err, out)
		}

		w.findStored(t, doc)
	})

	// 差戻しと取消: the sender's approver returns the document with a reason; the sender
	// sees it, fixes the amount and applies again; once sent, the receiver's 受取担当者
	// returns it with a reason; the sender sees it and applies again; then withdraws
	// it (取消) before the receiver signs, and the receiver sees it 取消 with nothing
	// left to do.
	t.Run("差戻しと取消", func(t *testing.T) {
		w.mails.skip(t)
		doc := w.registerContract(t, entry{title: "追加工事請負契約書", amount: "300000", date: "2026-04-10", tag: "本社ビル改修", side: "発注側", dept: "工事部"})
		w.mails.expect(t, "確定", "契約文書承認依頼のお知らせ → "+w.approver.email)

		const ownReason = "契約金額が見積書と異なります"
		w.returnBy(t, w.approver, doc, ownReason, demoName)
		do(t, w.admin.b,
			click(link("編集")),
			heading("契約文書登録"),
			chromedp.SetValue(field("契約金額"), "330000"),
			click(button("確認")),
			heading("契約文書登録（確認）"),
			click(button("確定")),
			heading("契約文書詳細"),
			status("承認待ち"),
		)
		if got := text(t, w.admin.b, "#document"); !strings.Contains(got, "330") {
			t.Errorf("the fixed amount: %s", got)
		}
		w.mails.expect(t, "申請 after the fix", "契約文書承認依頼のお知らせ → "+w.approver.email)
		w.sendToPartner(t, doc)

		const partnerReason = "工期の記載が打合せ内容と異なります"
		w.returnBy(t, w.recipient, doc, partnerReason, partnerName)
		do(t, w.admin.b, click(button("申請")), status("承認待ち"))
		w.mails.expect(t, "申請 again", "契約文書承認依頼のお知らせ → "+w.approver.email)
		w.sendToPartner(t, doc)

		// The receiver's turn: not in the sender's マイリスト, but in 契約文書照会.
		do(t, w.admin.b, find(doc), status("受領前承認待ち"), click(button("取消")), status("取消"))
		w.mails.expect(t, "取消", "契約文書取消のお知らせ → "+w.recipient.email)
		do(t, w.recipient.b,
			chromedp.Navigate(w.site.base+"/documents/"+doc),
			heading("契約文書詳細"),
			status("取消"),
			chromedp.WaitVisible(`#no-actions`),
			click(link("トップページ")),
			chromedp.WaitVisible(`#mylist`),
		)
		if list := text(t, w.recipient.b, "#mylist"); strings.Contains(list, doc) {
			t.Errorf("the cancelled document still waits in the receiver's マイリスト: %s", list)
		}
	})
}

// sendToPartner is the sender's route once more (承認, 署名) up to the 受取担当者, who
// finds the document in マイリスト.
func (w *contractWorld) sendToPartner(t *testing.T, doc string) {
	t.Helper()
	do(t, w.approver.b, decide(doc, "承認", "修正を確認しました", "署名待ち"))
	w.mails.expect(t, "承認", "署名用パスワード発行のお知らせ → "+w.signer.email)
	w.sign(t, w.signer, doc, "受領前承認待ち")
	w.mails.expect(t, "sender's 署名", "契約文書受信のお知らせ → "+w.recipient.email)
	do(t, w.recipient.b, open(doc), status("受領前承認待ち"))
}

// returnBy is 差戻し by p with a reason: the sender's 担当者 gets the mail naming the
// company that returned it, and sees the reason in the history.
func (w *contractWorld) returnBy(t *testing.T, p person, doc, reason, company string) {
	t.Helper()
	do(t, p.b, decide(doc, "差戻し", reason, "差戻し"))
	w.mails.expect(t, p.name+"'s 差戻し", "契約文書差戻しのお知らせ → "+demoAdminTo)
	w.returnedMail(t, doc, reason, company)
	do(t, w.admin.b, open(doc), status("差戻し"))
	if h := text(t, w.admin.b, "#history"); !strings.Contains(h, reason) {
		t.Errorf("the sender does not see the reason %q: %s", reason, h)
	}
}

// returnedMail checks the newest 契約文書差戻しのお知らせ to the sender: the document,
// the reason and who returned it.
func (w *contractWorld) returnedMail(t *testing.T, doc, reason, by string) {
	t.Helper()
	mail := readMail(t, w.op, demoAdminTo, "契約文書差戻しのお知らせ")
	if got := mailed(t, mail, "文書管理番号："); got != doc {
		t.Errorf("差戻し mail for %s, want %s", got, doc)
	}
	if got := mailed(t, mail, "差戻し理由　："); got != reason {
		t.Errorf("差戻し mail's reason %q, want %q", got, reason)
	}
	if got := mailed(t, mail, "差戻し元　　："); !strings.HasPrefix(got, by+" ") {
		t.Errorf("差戻し mail's 差戻し元 %q, want %q and the user", got, by)
	}
}

// findStored finds the stored document doc as the records law asks: the sender's admin
// searches 長期保管文書照会（自社分全て） by 契約締結年月日 and 契約金額 ranges with the
// partner chosen by 参照 and itself as 自社担当者 (named beside the document), sorts by
// 保管開始日 and opens it; the receiver's 受取担当者 finds it in 長期保管文書.
func (w *contractWorld) findStored(t *testing.T, doc string) {
	t.Helper()
	row := fmt.Sprintf(`//div[@id="documents"]//a[normalize-space()=%q]`, doc)
	do(t, w.admin.b,
		click(link("管理者業務 ▼")),
		heading("管理者業務"),
		click(`//main//a[normalize-space()="長期保管文書照会（自社分全て）"]`),
		heading("長期保管文書照会（自社分全て）"),
		chromedp.SetValue(field("契約締結年月日（FROM）"), "2026-03-01"),
		chromedp.SetValue(field("契約締結年月日（TO）"), "2026-04-30"),
		chromedp.SendKeys(field("契約金額（円）（FROM）"), "1,000,000"),
		click(`//div[@id="partner-picker"]//summary[normalize-space()="参照"]`),
		click(`//div[@id="partner-picker"]//button[normalize-space()="検索"]`),
		chromedp.WaitVisible(fmt.Sprintf(`//div[@id="partner-pick-results"]//td[normalize-space()=%q]`, partnerName)),
		click(fmt.Sprintf(`//div[@id="partner-pick-results"]//tr[td[normalize-space()=%q]]//input`, partnerName)),
		click(`//div[@id="partner-pick-results"]//button[normalize-space()="選択"]`),
		chromedp.WaitVisible(fmt.Sprintf(`//div[@id="partner-name" and normalize-space()=%q]`, partnerName)),
		// 自社担当者 by its name in 利用者選択 (（選択してください）), one row per name.
		click(`//div[@id="owner-picker"]//summary[normalize-space()="（選択してください）"]`),
		chromedp.SendKeys(`//div[@id="owner-picker"]//input[@name="pick_id"]`, w.admin.id),
		click(`//div[@id="owner-picker"]//button[normalize-space()="検索"]`),
		chromedp.WaitVisible(fmt.Sprintf(`//div[@id="owner-pick-results"]//td[normalize-space()=%q]`, w.admin.name)),
		settled(),
		click(fmt.Sprintf(`//div[@id="owner-pick-results"]//tr[td[normalize-space()=%q]]//input`, w.admin.name)),
		click(`//div[@id="owner-pick-results"]//button[normalize-space()="選択"]`),
		chromedp.WaitVisible(fmt.Sprintf(`//div[@id="owner-name" and normalize-space()=%q]`, w.admin.name)),
		click(`//form[@id="contract-search"]//button[@type="submit" and normalize-space()="検索"]`),
		chromedp.WaitVisible(row),
		chromedp.WaitVisible(fmt.Sprintf(`//div[@id="documents"]//tr[td/a[normalize-space()=%q]]/td[last()][normalize-space()=%q]`, doc, w.admin.name)),
		click(`//div[@id="documents"]//th/a[normalize-space()="保管開始日"]`),
		chromedp.WaitVisible(`//div[@id="documents"]//th[@aria-sort="descending"]/a[normalize-space()="保管開始日"]`),
		chromedp.WaitVisible(row),
	)
	if got := text(t, w.admin.b, "#count"); got != "1件中1～1件目を表示" {
		t.Errorf("長期保管文書照会 found %q", got)
	}
	// Outside the amount range, it is not found.
	do(t, w.admin.b,
		chromedp.SetValue(field("契約金額（円）（FROM）"), "2,000,000"),
		click(`//form[@id="contract-search"]//button[@type="submit" and normalize-space()="検索"]`),
		chromedp.WaitVisible(`//div[@id="documents"]//td[@class="empty"]`),
		chromedp.SetValue(field("契約金額（円）（FROM）"), "1,200,000"), // on its bound
		click(`//form[@id="contract-search"]//button[@type="submit" and normalize-space()="検索"]`),
		chromedp.WaitVisible(row),
		click(row),
		heading("長期保管契約文書照会"),
	)
	do(t, w.recipient.b,
		click(link("長期保管文書 ▼")),
		heading("長期保管文書"),
		click(`//main//a[normalize-space()="長期保管文書照会"]`),
		heading("長期保管文書照会"),
		chromedp.WaitVisible(row),
	)
}
