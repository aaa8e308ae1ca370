package web_test

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/domain/company"
	"inkan/app/locale/jst"
	"inkan/app/testkit/tooltest"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

func contractPDF(t *testing.T) []byte {
	t.Helper()
	return testPDF(t, "qpdf-objstm.pdf")
}

// testPDF is a file of testdata/pdf.
func testPDF(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pdf", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// contractWorld is the demo company (片方課金) as sender, with its admin as signer,
// a 取引先専用 partner whose admin receives, and a third company.
type contractWorld struct {
	env                     *webtest.Env
	sender                  *webtest.Client
	partnerID, partnerAdmin string
	partner                 *webtest.Client
	third                   *webtest.Client
}

func newContractWorld(t *testing.T) *contractWorld {
	t.Helper()
	env := webtest.New(t, webtest.Config(t))
	w := &contractWorld{env: env}
	w.sender, _ = loggedIn(t, env, env.Creds.AdminID, env.Creds.AdminPassword)
	w.sender.Get("/certificates/check")
	check := url.Values{"cert": {"DJC-00001"}, "pin": {pinOf(t, env, "DJC-00001")}, "password": {newPassword}}
	if r := w.sender.Post("/certificates/check", check); r.Status != http.StatusOK {
		t.Fatalf("証明書有効性確認: %d", r.Status)
	}
	var pw string
	w.partnerID, w.partnerAdmin, pw = env.AddCompany(t, "受注工務店株式会社", company.PlanPartnerOnly)
	w.partner, _ = loggedIn(t, env, w.partnerAdmin, pw)
	_, thirdAdmin, thirdPW := env.AddCompany(t, "第三建設株式会社", company.PlanOneSide)
	w.third, _ = loggedIn(t, env, thirdAdmin, thirdPW)
	return w
}

func (w *contractWorld) form(approvers ...string) url.Values {
	f := url.Values{
		"title": {"工事請負契約書"}, "amount": {"1,200,000"}, "contract_date": {"2026-04-01"}, "group_tag": {"本社"},
		"order_side": {data.OrderSideBuyer}, "partner_id": {w.partnerID}, "partner_dept": {"工事部"},
		"recipient_id": {w.partnerAdmin}, "signer": {w.env.Creds.AdminID},
	}
	for _, a := range approvers {
		f.Add("approver", a)
	}
	return f
}

// register goes through 確認 and 確定 and returns the detail's path.
func (w *contractWorld) register(t *testing.T, f url.Values) string {
	t.Helper()
	if n := w.sender.Get("/contracts/partner?partner_id=" + url.QueryEscape(w.partnerID)); n.Body != "受注工務店株式会社" {
		t.Errorf("partner name: %q", n.Body)
	}
	w.sender.Get("/contracts/new")
	r := w.sender.PostFile("/contracts/confirm", f, "pdf", "契約書.pdf", contractPDF(t))
	if r.Status != http.StatusOK || !r.Has("#confirm") {
		t.Fatalf("確認: %d %s", r.Status, r.Doc.Find(".alert, .error").Text())
	}
	push := r.Header.Get("HX-Push-Url")
	if !strings.HasPrefix(push, "/contracts/confirm?draft=") {
		t.Fatalf("確認 pushes %q", push)
	}
	if g := w.sender.Get(push); g.Status != http.StatusOK || !strings.Contains(g.Text("#partner"), "受注工務店株式会社") {
		t.Fatalf("confirm at its GET address: %d %q", g.Status, g.Text("#partner"))
	}
	token, _ := url.ParseQuery(strings.TrimPrefix(push, "/contracts/confirm?"))
	r = w.sender.Post("/contracts/commit", url.Values{"draft": {token.Get("draft")}})
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/documents/") {
		t.Fatalf("確定: %d %q %s", r.Status, loc, r.Doc.Find(".alert").Text())
	}
	// A replayed 確定 registers nothing more.
	if again := w.sender.Post("/contracts/commit", url.Values{"draft": {token.Get("draft")}}); again.Status != http.StatusConflict {
		t.Errorf("replayed 確定: %d", again.Status)
	}
	return loc
}

// certifyPartnerAdmin issues the partner a certificate linked to its admin and checks
// it (証明書有効性確認), so that the admin may sign as the receiver's 署名者.
func (w *contractWorld) certifyPartnerAdmin(t *testing.T) {
	t.Helper()
	var number, pin string
	err := w.env.Server.Store.Update(func(tx *data.Tx) error {
		subject := company.DemoCertificateSubject
		subject.DisplayName, subject.CompanyJa, subject.Company = "受注工務店株式会社 管理 次郎", "受注工務店株式会社", "Juchu Komuten Co. Ltd."
		c, p, err := w.env.Server.Certs.Issue(tx, w.partnerID, certificate.Application{Subject: subject, UserIDs: []string{w.partnerAdmin}, PINRecipient: "管理 次郎", PINEmail: "user@example.com"})
		number, pin = c.Number, p
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	w.partner.Get("/certificates/check")
	if r := w.partner.Post("/certificates/check", url.Values{"cert": {number}, "pin": {pin}, "password": {newPassword}}); r.Status != http.StatusOK {
		t.Fatalf("the partner's 証明書有効性確認: %d", r.Status)
	}
}

func (w *contractWorld) signingPassword(t *testing.T) string {
	t.Helper()
	var pw string
	w.env.Server.Store.View(func(tx *data.Tx) error {
		mails, err := tx.RecentMails(100)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mails {
			if m.Template != "doc_sign_password" {
				continue
			}
			text, err := w.env.Server.Mail.Open(m)
			if err != nil {
				t.Fatal(err)
			}
			_, rest, _ := strings.Cut(text, "署名用パスワード：")
			pw, _, _ = strings.Cut(rest, "\n")
			pw = strings.TrimSpace(pw)
			return nil
		}
		return nil
	})
	if pw == "" {
		t.Fatal("no 署名用パスワード mail")
	}
	return pw
}

func TestContractRegisterSignAndReceive(t *testing.T) {
	w := newContractWorld(t)
	doc := w.register(t, w.form())
	r := w.sender.Get(doc)
	if r.Status != http.StatusOK || r.Text("#doc-status") != "署名待ち" || !r.Has("#act-sign") || !r.Has("#act-cancel") {
		t.Fatalf("detail: %d status %q sign %v", r.Status, r.Text("#doc-status"), r.Has("#act-sign"))
	}
	if got := r.Text("#doc-amount"); got != "1,200,000円" {
		t.Errorf("契約金額 on the detail: %q", got)
	}
	if !r.Has("iframe.pdf") || !r.Has("#pdf-download") || !r.Has("#no-signatures") {
		t.Error("detail without the PDF frame, the download or the empty signature list")
	}
	// The PDF is shown in a frame of the page, sandboxed by its own response (the
	// frame has no sandbox attribute, which would stop the browser's PDF viewer), and
	// the page frames nothing but this site and embeds no object.
	if frame := r.Doc.Find("iframe.pdf"); frame.AttrOr("src", "") != doc+"/pdf" || frame.Is("[sandbox]") {
		t.Errorf("the PDF frame: src %q sandbox attribute %v", frame.AttrOr("src", ""), frame.Is("[sandbox]"))
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-src 'self'") || !strings.Contains(csp, "object-src 'none'") {
		t.Errorf("the detail's CSP: %q", csp)
	}
	for _, tc := range []struct{ path, disposition string }{{doc + "/pdf", "inline"}, {doc + "/pdf?download=1", "attachment"}} {
		pdf := w.sender.Get(tc.path)
		disposition, params, err := mime.ParseMediaType(pdf.Header.Get("Content-Disposition"))
		csp := pdf.Header.Get("Content-Security-Policy")
		switch {
		case pdf.Status != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.Body, "%PDF-"):
			t.Errorf("%s: %d %q", tc.path, pdf.Status, pdf.Header.Get("Content-Type"))
		case err != nil || disposition != tc.disposition || params["filename"] != "契約書.pdf":
			t.Errorf("%s: Content-Disposition %q (%v)", tc.path, pdf.Header.Get("Content-Disposition"), err)
		case !strings.HasPrefix(csp, "sandbox;") || !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'self'"):
			t.Errorf("%s: Content-Security-Policy %q", tc.path, csp)
		case pdf.Header.Get("X-Content-Type-Options") != "nosniff" || pdf.Header.Get("X-Frame-Options") != "SAMEORIGIN" || !strings.Contains(pdf.Header.Get("Cache-Control"), "no-store"):
			t.Errorf("%s: nosniff %q, frame %q, cache %q", tc.path, pdf.Header.Get("X-Content-Type-Options"), pdf.Header.Get("X-Frame-Options"), pdf.Header.Get("Cache-Control"))
		}
	}
	// Before it is sent the receiver does not see it; a third company never.
	for name, c := range map[string]*webtest.Client{"receiver before sending": w.partner, "third company": w.third} {
		for _, p := range []string{doc, doc + "/pdf"} {
			if g := c.Get(p); g.Status != http.StatusNotFound {
				t.Errorf("%s GET %s: %d", name, p, g.Status)
			}
		}
		if n := c.Get("/contracts/partner?partner_id=" + webtest.DemoCompanyID); n.Body != "デモ建設株式会社" {
			t.Errorf("%s: partner name %q", name, n.Body)
		}
		if p := c.Post(doc+"/cancel", url.Values{"version": {"0"}}); p.Status != http.StatusNotFound {
			t.Errorf("%s 取消: %d", name, p.Status)
		}
	}
	// A wrong signing password is refused on the detail.
	version := r.Doc.Find(`#sign input[name=version]`).AttrOr("value", "")
	if bad := w.sender.Post(doc+"/sign", url.Values{"version": {version}, "password": {"wrong"}}); bad.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(bad.Text(".alert"), "署名用パスワードが正しくありません") {
		t.Fatalf("wrong password: %d %q", bad.Status, bad.Text(".alert"))
	}
	// 署名用パスワード再発行 replaces the mailed password: the first no longer signs.
	first := w.signingPassword(t)
	if re := w.sender.Post(doc+"/reissue", url.Values{"version": {version}}); re.Status != http.StatusSeeOther {
		t.Fatalf("再発行: %d %s", re.Status, re.Text(".alert"))
	}
	second := w.signingPassword(t)
	if second == first {
		t.Fatal("再発行 mailed the same password")
	}
	if old := w.sender.Post(doc+"/sign", url.Values{"version": {version}, "password": {first}}); old.Status != http.StatusUnprocessableEntity {
		t.Errorf("the replaced password: %d", old.Status)
	}
	ok := w.sender.Post(doc+"/sign", url.Values{"version": {version}, "password": {second}})
	if ok.Status != http.StatusSeeOther || ok.Header.Get("Location") != doc {
		t.Fatalf("署名: %d %q %s", ok.Status, ok.Header.Get("Location"), ok.Text(".alert"))
	}
	r = w.sender.Get(doc)
	if r.Text("#doc-status") != "受領前承認待ち" || !strings.Contains(r.Text("#signatures"), "有効") || r.Has("#act-sign") || !r.Has("#act-cancel") {
		t.Errorf("after 署名: %q, signatures %q", r.Text("#doc-status"), r.Text("#signatures"))
	}
	// Now the receiver sees it and may receive it; a third company still not.
	if g := w.third.Get(doc); g.Status != http.StatusNotFound {
		t.Errorf("third company after sending: %d", g.Status)
	}
	if top := w.partner.Get("/"); !strings.Contains(top.Text("#mylist"), strings.TrimPrefix(doc, "/documents/")) {
		t.Errorf("the 受取担当者's マイリスト lacks the sent document: %q", top.Text("#mylist"))
	}
	// An uninvolved general user of the receiver sees nothing of it.
	strangerID, strangerPW := w.env.AddUser(t, w.partnerID, account.RoleGeneral, "無関係 五郎")
	stranger, _ := loggedIn(t, w.env, strangerID, strangerPW)
	for _, p := range []string{doc, doc + "/pdf", doc + "/pdf?download=1"} {
		if g := stranger.Get(p); g.Status != http.StatusNotFound {
			t.Errorf("an uninvolved user of the receiver GET %s: %d", p, g.Status)
		}
	}
	if p := stranger.Post(doc+"/receive", url.Values{"version": {"0"}, "signer": {strangerID}}); p.Status != http.StatusNotFound {
		t.Errorf("an uninvolved user of the receiver 受領: %d", p.Status)
	}
	rr := w.partner.Get(doc)
	if rr.Status != http.StatusOK || !rr.Has("#act-receive") || !rr.Has("#act-return") {
		t.Fatalf("receiver's detail: %d receive %v", rr.Status, rr.Has("#act-receive"))
	}
	rv := rr.Doc.Find(`#receive input[name=version]`).AttrOr("value", "")
	// The partner's admin has no certificate: 受領 naming them as signer is refused.
	if p := w.partner.Post(doc+"/receive", url.Values{"version": {rv}, "signer": {w.partnerAdmin}}); p.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.Text(".alert"), "署名できる電子証明書") {
		t.Errorf("受領 with a signer without certificate: %d %q", p.Status, p.Text(".alert"))
	}
	// 差戻し needs a reason, then sends it back to the sender.
	if p := w.partner.Post(doc+"/return", url.Values{"version": {rv}}); p.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.Text(".alert"), "差戻し理由") {
		t.Errorf("差戻し without a reason: %d %q", p.Status, p.Text(".alert"))
	}
	if p := w.partner.Post(doc+"/return", url.Values{"version": {rv}, "comment": {"金額を確認してください"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("差戻し: %d %s", p.Status, p.Text(".alert"))
	}
	r = w.sender.Get(doc)
	if r.Text("#doc-status") != "差戻し" || !strings.Contains(r.Text("#history"), "金額を確認してください") || !r.Has("#act-submit") {
		t.Errorf("after 差戻し: %q %q", r.Text("#doc-status"), r.Text("#history"))
	}
	// A stale version is refused.
	if p := w.sender.Post(doc+"/cancel", url.Values{"version": {version}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("取消 with an old version: %d", p.Status)
	}
}

func TestContractApproverRoute(t *testing.T) {
	w := newContractWorld(t)
	approverID, approverPW := w.env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "承認 一郎")
	approver, _ := loggedIn(t, w.env, approverID, approverPW)
	otherID, otherPW := w.env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "無関係 四郎")
	other, _ := loggedIn(t, w.env, otherID, otherPW)
	doc := w.register(t, w.form(approverID))
	// A general user of the sender who takes no part sees nothing of it.
	for _, p := range []string{doc, doc + "/pdf", doc + "/edit"} {
		if g := other.Get(p); g.Status != http.StatusNotFound {
			t.Errorf("an uninvolved general user GET %s: %d", p, g.Status)
		}
	}
	if l := other.Get("/contracts/list"); strings.Contains(l.Text("#documents"), strings.TrimPrefix(doc, "/documents/")) {
		t.Error("an uninvolved general user's 契約文書照会 lists the document")
	}
	r := w.sender.Get(doc)
	if r.Text("#doc-status") != "承認待ち" || r.Has("#act-approve") {
		t.Fatalf("sender's view: %q approve %v", r.Text("#doc-status"), r.Has("#act-approve"))
	}
	id := strings.TrimPrefix(doc, "/documents/")
	if top := approver.Get("/"); !strings.Contains(top.Text("#mylist"), id) {
		t.Errorf("the approver's マイリスト lacks %s: %q", id, top.Text("#mylist"))
	}
	if top := w.sender.Get("/"); strings.Contains(top.Text("#mylist"), id) {
		t.Errorf("the sender's マイリスト shows %s while the approver decides", id)
	}
	if l := w.sender.Get("/contracts/list"); !strings.Contains(l.Text("#documents"), "工事請負契約書") || !strings.Contains(l.Text("#documents"), "承認待ち") {
		t.Errorf("the sender's 契約文書照会: %q", l.Text("#documents"))
	}
	for name, c := range map[string]*webtest.Client{"receiver before sending": w.partner, "third company": w.third} {
		if l := c.Get("/contracts/list"); l.Status != http.StatusOK || strings.Contains(l.Text("#documents"), id) {
			t.Errorf("%s's 契約文書照会 shows %s", name, id)
		}
	}
	a := approver.Get(doc)
	if !a.Has("#act-approve") || !strings.Contains(a.Text("#route .current"), "承認 一郎") {
		t.Fatalf("approver's view: approve %v, current %q", a.Has("#act-approve"), a.Text("#route .current"))
	}
	v := a.Doc.Find(`#actions input[name=version]`).AttrOr("value", "")
	if p := approver.Post(doc+"/approve", url.Values{"version": {v}, "comment": {"確認しました"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("承認: %d %s", p.Status, p.Text(".alert"))
	}
	// The sender may not approve in the approver's place.
	if p := w.sender.Post(doc+"/approve", url.Values{"version": {"0"}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("sender's 承認: %d", p.Status)
	}
	if r := w.sender.Get(doc); r.Text("#doc-status") != "署名待ち" || !strings.Contains(r.Text("#route"), "確認しました") {
		t.Errorf("after 承認: %q %q", r.Text("#doc-status"), r.Text("#route"))
	}
	if top := approver.Get("/"); strings.Contains(top.Text("#mylist"), id) {
		t.Errorf("the approver's マイリスト still shows %s", id)
	}
	if l := approver.Get("/contracts/list"); !strings.Contains(l.Text("#documents"), id) {
		t.Errorf("the approver's 契約文書照会 lacks %s they approved", id)
	}
	if top := w.sender.Get("/"); !strings.Contains(top.Text("#mylist"), id) {
		t.Errorf("the signer's マイリスト lacks %s", id)
	}
}

func TestContractRegisterRefusals(t *testing.T) {
	w := newContractWorld(t)
	bothID, _, _ := w.env.AddCompany(t, "双方建設株式会社", company.PlanBothSides)
	plainUser, _ := w.env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "一般 太郎")
	with := func(k, v string) url.Values { f := w.form(); f.Set(k, v); return f }
	pdf := contractPDF(t)
	if n := w.sender.Get("/contracts/partner?partner_id=C999999"); !strings.Contains(n.Body, "ありません") {
		t.Errorf("unknown partner's name: %q", n.Body)
	}
	tests := []struct {
		name     string
		client   *webtest.Client
		form     url.Values
		file     []byte
		field    string
		contains string
	}{
		{"not a PDF", w.sender, w.form(), []byte("hello, this is text"), "pdf", "PDFファイルではありません"},
		{"a broken PDF", w.sender, w.form(), []byte("%PDF-1.7\n1 0 obj garbage"), "pdf", "PDFファイルとして読み取れません"},
		{"an encrypted PDF", w.sender, w.form(), testPDF(t, "encrypted.pdf"), "pdf", "パスワードで暗号化されていて"},
		{"a restricted PDF", w.sender, w.form(), testPDF(t, "restricted-aes256.pdf"), "pdf", "「保護されたPDF」です"},
		{"no file", w.sender, w.form(), nil, "pdf", "PDF）を指定してください"},
		{"no title", w.sender, with("title", ""), pdf, "title", "必須項目です"},
		{"a control character", w.sender, with("title", "契約\x01書"), pdf, "title", ""},
		{"bad amount", w.sender, with("amount", "十万"), pdf, "amount", "0以上の数字"},
		{"a comma out of place", w.sender, with("amount", "12,34"), pdf, "amount", "0以上の数字"},
		{"a negative amount", w.sender, with("amount", "-1"), pdf, "amount", "0以上の数字"},
		{"unknown partner", w.sender, with("partner_id", "C999999"), pdf, "partner_id", "この企業IDの取引先企業はありません"},
		{"recipient of another company", w.sender, with("recipient_id", w.env.Creds.AdminID), pdf, "recipient_id", "利用中の利用者はいません"},
		{"unknown signer", w.sender, with("signer", "U999999"), pdf, "signer", "利用中の利用者はいません"},
		{"signer without certificate", w.sender, with("signer", plainUser), pdf, "signer", "署名できる電子証明書"},
		{"approver of another company", w.sender, with("approver", w.partnerAdmin), pdf, "approver", "利用中の自社の利用者IDではない"},
		{"plan matrix: a 取引先専用 sender with a 双方課金 partner", w.partner, with("partner_id", bothID), pdf, "partner_id", "ご利用いただけません"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.client.Get("/contracts/new")
			r := tt.client.PostFile("/contracts/confirm", tt.form, "pdf", "a.pdf", tt.file)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", r.Status)
			}
			msg := r.Doc.Find(`[name=` + tt.field + `]`).Closest(".field").Text()
			if !strings.Contains(msg, tt.contains) {
				t.Errorf("message %q, want %q", msg, tt.contains)
			}
		})
	}
}

func TestContractSaveDraft(t *testing.T) {
	w := newContractWorld(t)
	w.sender.Get("/contracts/new")
	f := url.Values{"title": {"下書きの契約書"}}
	r := w.sender.PostFile("/contracts/save", f, "pdf", "a.pdf", contractPDF(t))
	loc := r.Header.Get("Location")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/documents/") {
		t.Fatalf("下書き保存: %d %s", r.Status, r.Doc.Find(".error, .alert").Text())
	}
	d := w.sender.Get(loc)
	if d.Text("#doc-status") != "下書き" || !d.Has("#act-submit") {
		t.Errorf("draft: %q", d.Text("#doc-status"))
	}
	// 申請 of an incomplete draft is refused with the reason.
	v := d.Doc.Find(`#actions input[name=version]`).AttrOr("value", "")
	if p := w.sender.Post(loc+"/submit", url.Values{"version": {v}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text(".alert"), "入力されていません") {
		t.Errorf("申請 of an incomplete draft: %d %q", p.Status, p.Text(".alert"))
	}
	// Only its 担当者 edits it; the partner and a third company do not see it.
	if !d.Has("#act-edit") {
		t.Fatal("the draft's detail offers no 編集")
	}
	for name, c := range map[string]*webtest.Client{"receiver": w.partner, "third company": w.third} {
		if g := c.Get(loc + "/edit"); g.Status != http.StatusNotFound {
			t.Errorf("%s GET edit: %d", name, g.Status)
		}
	}
	edit := w.sender.Get(loc + "/edit")
	if edit.Status != http.StatusOK || edit.Doc.Find(`input[name=title]`).AttrOr("value", "") != "下書きの契約書" {
		t.Fatalf("edit: %d", edit.Status)
	}
	f = w.form()
	f.Set("document", strings.TrimPrefix(loc, "/documents/"))
	f.Set("version", edit.Doc.Find(`input[name=version]`).AttrOr("value", ""))
	r = w.sender.PostFile("/contracts/confirm", f, "", "", nil)
	push := r.Header.Get("HX-Push-Url")
	if r.Status != http.StatusOK || !strings.HasPrefix(push, "/contracts/confirm?draft=") {
		t.Fatalf("確認 of the edited draft: %d %s", r.Status, r.Doc.Find(".error, .alert").Text())
	}
	token, _ := url.ParseQuery(strings.TrimPrefix(push, "/contracts/confirm?"))
	r = w.sender.Post("/contracts/commit", url.Values{"draft": {token.Get("draft")}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != loc {
		t.Fatalf("確定 of the edited draft: %d %q %s", r.Status, r.Header.Get("Location"), r.Text(".alert"))
	}
	if got := w.sender.Get(loc); got.Text("#doc-status") != "署名待ち" || got.Text("#doc-title") != "工事請負契約書" {
		t.Errorf("after 確定 of the edit: %q %q", got.Text("#doc-status"), got.Text("#doc-title"))
	}
	if g := w.sender.Get(loc + "/edit"); g.Status != http.StatusNotFound {
		t.Errorf("edit of a document on its route: %d", g.Status)
	}
}

// TestContractWholeLifeThroughTheScreens: 登録 → 署名 (sent) → 受領 with an approver →
// 受領前承認 → the receiver's 署名 → 完了, each through the detail's forms.
func TestContractWholeLifeThroughTheScreens(t *testing.T) {
	w := newContractWorld(t)
	w.certifyPartnerAdmin(t)
	approverID, approverPW := w.env.AddUser(t, w.partnerID, account.RoleGeneral, "受領 承認者")
	approver, _ := loggedIn(t, w.env, approverID, approverPW)

	doc := w.register(t, w.form())
	act := func(c *webtest.Client, action string, f url.Values, want string) {
		t.Helper()
		page := c.Get(doc)
		if f == nil {
			f = url.Values{}
		}
		f.Set("version", page.Doc.Find(`#actions input[name=version]`).AttrOr("value", ""))
		if r := c.Post(doc+"/"+action, f); r.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", action, r.Status, r.Text(".alert"))
		}
		if got := c.Get(doc).Text("#doc-status"); want != "" && got != want {
			t.Fatalf("after %s: %q, want %q", action, got, want)
		}
	}
	act(w.sender, "sign", url.Values{"password": {w.signingPassword(t)}}, "受領前承認待ち")
	// 受領 sets the receiver's own グループタグ and 自社の受発注区分: the other side of the
	// sender's 発注側, shown, not chosen; the sender's side is refused beside the field,
	// the form as typed.
	rr := w.partner.Get(doc)
	if got := rr.Text("#receiver-side"); got != "受注側" {
		t.Errorf("the 受領 form's 自社の受発注区分: %q", got)
	}
	rv := rr.Doc.Find(`#receive input[name=version]`).AttrOr("value", "")
	bad := w.partner.Post(doc+"/receive", url.Values{"version": {rv}, "approver": {approverID}, "signer": {w.partnerAdmin}, "group_tag": {"受注工事"}, "order_side": {data.OrderSideBuyer}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Doc.Find("#receiver-side").Closest(".field").Text(), "反対") ||
		bad.Doc.Find(`#receive input[name=signer]`).AttrOr("value", "") != w.partnerAdmin || bad.Doc.Find(`#receive input[name=approver]`).First().AttrOr("value", "") != approverID {
		t.Errorf("受領 as the sender's side: %d %q", bad.Status, bad.Doc.Find("#receive").Text())
	}
	act(w.partner, "receive", url.Values{"approver": {approverID}, "signer": {w.partnerAdmin}, "group_tag": {"受注工事"}}, "受領前承認待ち")
	for name, tc := range map[string]struct {
		c          *webtest.Client
		side, tags string
	}{"receiver": {w.partner, "受注側", "受注工事"}, "sender": {w.sender, "発注側", "本社"}} {
		if r := tc.c.Get(doc); r.Text("#own-side") != tc.side || r.Text("#own-tag") != tc.tags || r.Has("#doc-completed") {
			t.Errorf("the %s's own fields: %q %q, 完了日 before 完了 %v", name, r.Text("#own-side"), r.Text("#own-tag"), r.Has("#doc-completed"))
		}
	}
	if r := approver.Get(doc); !r.Has("#act-approve") || !strings.Contains(r.Text("#act-approve"), "受領前承認") {
		t.Fatalf("the receiver's approver sees no 受領前承認: %q", r.Text("#actions"))
	}
	act(approver, "approve_receipt", url.Values{"comment": {"確認済み"}}, "署名待ち")
	act(w.partner, "sign", url.Values{"password": {w.signingPassword(t)}}, "完了待ち")
	act(w.sender, "complete", nil, "") // 完了 stores it: the screen has no ステータス then (below)
	r := w.sender.Get(doc)
	if n := r.Doc.Find("#signatures tbody tr").Length(); n != 3 || strings.Contains(r.Text("#signatures"), "無効") {
		t.Errorf("signatures after 完了: %d rows %q", n, r.Text("#signatures"))
	}
	// Stored now: the detail is 長期保管契約文書照会, with no action (TestStoredDocument).
	if !strings.Contains(r.Text("#document"), "保管期限") || r.Text("h1") != "長期保管契約文書照会" || r.Has("#actions") {
		t.Errorf("stored document: %q %q", r.Text("h1"), r.Text("#document"))
	}
	if p := w.partner.Get(doc); p.Status != http.StatusOK || p.Text("h1") != "長期保管契約文書照会" {
		t.Errorf("receiver's view of the stored document: %d %q", p.Status, p.Text("h1"))
	}
	// 契約文書情報 as the manual's 長期保管契約文書照会 has it, from each side; the
	// signatures name their holders from the certificates, the demo company's first.
	today := jst.Date(w.env.Clock.Now())
	for name, tc := range map[string]struct {
		c    *webtest.Client
		kind string
	}{"sender": {w.sender, "契約文書（自社→取引先）"}, "receiver": {w.partner, "契約文書（取引先→自社）"}} {
		r := tc.c.Get(doc)
		if r.Text("#doc-kind") != tc.kind || r.Text("#doc-updated") != today || r.Text("#doc-completed") != today {
			t.Errorf("the %s's 文書区分 %q 最終更新日 %q 完了日 %q, want %q %s", name, r.Text("#doc-kind"), r.Text("#doc-updated"), r.Text("#doc-completed"), tc.kind, today)
		}
		first := r.Doc.Find("#signatures tbody tr").First()
		if got := first.Find(".sig-company").Text() + "|" + first.Find(".sig-title").Text(); got != "デモ建設株式会社|部長" {
			t.Errorf("the %s sees the first signature by %q, want the demo company's 部長", name, got)
		}
	}
	// The downloaded PDF passes qpdf --check, and pdfsig finds both signatures valid.
	file := filepath.Join(t.TempDir(), "signed.pdf")
	if err := os.WriteFile(file, []byte(w.partner.Get(doc+"/pdf?download=1").Body), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tooltest.Need(t, "qpdf"), "--check", file).CombinedOutput(); err != nil {
		t.Errorf("qpdf --check: %v\n%s", err, out)
	}
	out, _ := exec.Command(tooltest.Need(t, "pdfsig"), file).CombinedOutput()
	if n := strings.Count(string(out), "Signature is Valid"); n < 2 {
		t.Errorf("pdfsig finds %d valid signatures:\n%s", n, out)
	}
}

// TestContractReturnedByTheApproverThenCancelled: the sender's approver returns the
// document with a reason; its 担当者 sees 差戻し with the reason and withdraws it (取消);
// the partner never saw it.
func TestContractReturnedByTheApproverThenCancelled(t *testing.T) {
	w := newContractWorld(t)
	approverID, approverPW := w.env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "承認 一郎")
	approver, _ := loggedIn(t, w.env, approverID, approverPW)
	doc := w.register(t, w.form(approverID))
	a := approver.Get(doc)
	v := a.Doc.Find(`#actions input[name=version]`).AttrOr("value", "")
	if p := approver.Post(doc+"/return", url.Values{"version": {v}, "comment": {"契約金額が違います"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("差戻し: %d %s", p.Status, p.Text(".alert"))
	}
	r := w.sender.Get(doc)
	if r.Text("#doc-status") != "差戻し" || !strings.Contains(r.Text("#history"), "契約金額が違います") || !r.Has("#act-edit") || !r.Has("#act-cancel") {
		t.Fatalf("after 差戻し: %q %q", r.Text("#doc-status"), r.Text("#history"))
	}
	if top := w.sender.Get("/"); !strings.Contains(top.Text("#mylist"), strings.TrimPrefix(doc, "/documents/")) {
		t.Error("the returned document is not in its 担当者's マイリスト")
	}
	v = r.Doc.Find(`#actions input[name=version]`).AttrOr("value", "")
	if p := w.sender.Post(doc+"/cancel", url.Values{"version": {v}}); p.Status != http.StatusSeeOther {
		t.Fatalf("取消: %d %s", p.Status, p.Text(".alert"))
	}
	if r := w.sender.Get(doc); r.Text("#doc-status") != "取消" || !r.Has("#no-actions") {
		t.Errorf("after 取消: %q", r.Text("#doc-status"))
	}
	if g := w.partner.Get(doc); g.Status != http.StatusNotFound {
		t.Errorf("the partner sees a document never sent: %d", g.Status)
	}
}

// TestContractMailLinkOpensTheDocument: the link of a flow mail (here the 受取担当者's
// 契約文書受信のお知らせ) opens the document: at once for a person logged in, after the
// login for one who is not.
func TestContractMailLinkOpensTheDocument(t *testing.T) {
	w := newContractWorld(t)
	doc := w.register(t, w.form())
	v := w.sender.Get(doc).Doc.Find(`#sign input[name=version]`).AttrOr("value", "")
	if r := w.sender.Post(doc+"/sign", url.Values{"version": {v}, "password": {w.signingPassword(t)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("署名: %d %s", r.Status, r.Text(".alert"))
	}
	var link string
	w.env.Server.Store.View(func(tx *data.Tx) error {
		mails, _ := tx.RecentMails(1)
		if len(mails) == 1 && mails[0].Template == "doc_received" {
			_, rest, _ := strings.Cut(mails[0].Text, w.env.Server.Config.BaseURL)
			link, _, _ = strings.Cut(rest, "\n")
		}
		return nil
	})
	if !strings.HasPrefix(link, "/login?") {
		t.Fatalf("the received mail links to %q", link)
	}
	if r := w.partner.Get(link); r.Status != http.StatusSeeOther || r.Header.Get("Location") != doc {
		t.Errorf("logged in, the link: %d %q", r.Status, r.Header.Get("Location"))
	}
	c := w.env.Client(t)
	if r := c.Get(link); r.Doc.Find(`form input[name="next"]`).AttrOr("value", "") != doc {
		t.Fatalf("the login of the link does not carry the document: %d", r.Status)
	}
	r := c.Post("/login", url.Values{"login": {w.partnerAdmin}, "password": {newPassword}, "next": {doc}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != doc {
		t.Fatalf("login from the link: %d %q", r.Status, r.Header.Get("Location"))
	}
	if got := c.Follow(r); got.Text("#doc-id") != strings.TrimPrefix(doc, "/documents/") {
		t.Errorf("the link did not open the document: %q", got.Text("#doc-id"))
	}
}

// TestContractAmountAsTyped: 契約金額 typed with full-width digits and commas (and 円) is
// taken, and the confirm screen shows it as the detail does, 1,234,567円.
func TestContractAmountAsTyped(t *testing.T) {
	w := newContractWorld(t)
	for _, typed := range []string{"１，２３４，５６７", "1234567円", "１２３４５６７"} {
		f := w.form()
		f.Set("amount", typed)
		w.sender.Get("/contracts/new")
		r := w.sender.PostFile("/contracts/confirm", f, "pdf", "a.pdf", contractPDF(t))
		if r.Status != http.StatusOK || r.Text("#amount") != "1,234,567円" {
			t.Errorf("%q: %d %q %s", typed, r.Status, r.Text("#amount"), r.Doc.Find(".error").Text())
		}
	}
}

// TestContractPDFLimitIsConfigured: the limit of --contract-pdf-max-mb (1 MB here) is
// on the input for the page's script and in the hint; a file over it is refused on
// the same screen with the limit in the message, the typed fields kept; only a body
// beyond twice the limit is cut off from its header (the 413 page, in Japanese).
func TestContractPDFLimitIsConfigured(t *testing.T) {
	cfg := webtest.Config(t)
	cfg.ContractPDFMax = 1 << 20
	env := webtest.New(t, cfg)
	sender, _ := loggedIn(t, env, env.Creds.AdminID, env.Creds.AdminPassword)
	page := sender.Get("/contracts/new")
	input := page.Doc.Find(`input[name=pdf]`)
	if input.AttrOr("data-max-bytes", "") != "1048576" || !strings.Contains(input.AttrOr("data-too-large", ""), "1MBまで") ||
		!strings.Contains(input.Closest(".field").Find(".hint").Text(), "1MBまで") {
		t.Errorf("the file field: %s / %q", input.AttrOr("data-max-bytes", ""), input.Closest(".field").Text())
	}
	over := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 3<<19)...) // 1.5 MB
	r := sender.PostFile("/contracts/confirm", url.Values{"title": {"大きな契約書"}}, "pdf", "big.pdf", over)
	msg := r.Doc.Find(`input[name=pdf]`).Closest(".field").Find(".error").Text()
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(msg, "ファイルが大きすぎます。1MBまで") ||
		r.Doc.Find(`input[name=title]`).AttrOr("value", "") != "大きな契約書" {
		t.Errorf("1.5 MB: %d %q", r.Status, msg)
	}
	for _, path := range []string{"/contracts/confirm", "/contracts/save"} {
		if got := announceBody(t, env, path, 3<<20); got != http.StatusRequestEntityTooLarge {
			t.Errorf("3 MB to %s: %d, want 413", path, got)
		}
	}
}

// TestContractPartnerLookup: the 取引先企業ID lookup of 契約文書登録 names only a company
// the plan matrix lets ours exchange documents with, says why not for any other in the
// words of 確認, and answers one user at most partnerLookupsPerMinute times a minute (a
// message where the name would show, 429), so that names cannot be read out ID by ID;
// another user of the same company is not held back.
func TestContractPartnerLookup(t *testing.T) {
	w := newContractWorld(t)
	otherPartnerID, _, _ := w.env.AddCompany(t, "別の取引先株式会社", company.PlanPartnerOnly)
	bothID, bothAdmin, bothPW := w.env.AddCompany(t, "双方建設株式会社", company.PlanBothSides)
	both, _ := loggedIn(t, w.env, bothAdmin, bothPW)
	lookup := func(c *webtest.Client, id string) *webtest.Response {
		return c.Get("/contracts/partner?partner_id=" + url.QueryEscape(id))
	}
	for _, tt := range []struct {
		name   string
		client *webtest.Client
		id     string
		want   string
	}{
		{"片方課金 → 取引先専用", w.sender, w.partnerID, "受注工務店株式会社"},
		{"取引先専用 → 片方課金", w.partner, webtest.DemoCompanyID, "デモ建設株式会社"},
		{"取引先専用 → 取引先専用: our plan must change", w.partner, otherPartnerID, "(注) ご利用いただけません 片方課金プラン"},
		{"取引先専用 → 双方課金: our plan must change", w.partner, bothID, "(注) ご利用いただけません 片方課金プラン"},
		{"双方課金 → 取引先専用: the partner's must", both, w.partnerID, "(注) ご利用いただけません お取引先が"},
		{"双方課金 → 片方課金", both, webtest.DemoCompanyID, "デモ建設株式会社"},
		{"no such company", w.sender, "C999999", "この企業IDの取引先企業はありません"},
		{"our own", w.sender, webtest.DemoCompanyID, "この企業IDの取引先企業はありません"},
		{"nothing typed", both, "", ""},
	} {
		r := lookup(tt.client, tt.id)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Body, tt.want) || (tt.want == "" && r.Body != "") {
			t.Errorf("%s: %d %q, want %q", tt.name, r.Status, r.Body, tt.want)
		}
		if strings.Contains(tt.want, "ご利用いただけません") && (strings.Contains(r.Body, "株式会社")) {
			t.Errorf("%s: the name of a company no document could go to: %q", tt.name, r.Body)
		}
	}
	busyID, busyAdmin, busyPW := w.env.AddCompany(t, "照会建設株式会社", company.PlanOneSide)
	busy, _ := loggedIn(t, w.env, busyAdmin, busyPW)
	for i := 1; i <= 10; i++ {
		if r := lookup(busy, webtest.DemoCompanyID); r.Status != http.StatusOK || r.Body != "デモ建設株式会社" {
			t.Fatalf("lookup %d: %d %q", i, r.Status, r.Body)
		}
	}
	r := lookup(busy, webtest.DemoCompanyID)
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, "しばらく企業名を表示できません") {
		t.Errorf("the 11th lookup in a minute: %d %q", r.Status, r.Body)
	}
	// The register form redrawn with a refusal names no company: the name comes only
	// from the limited lookup (the page asks it), so a refused 確認 reads out none.
	for _, id := range []string{otherPartnerID, webtest.DemoCompanyID} {
		r := busy.PostFile("/contracts/confirm", url.Values{"partner_id": {id}}, "pdf", "a.pdf", nil)
		if r.Status != http.StatusUnprocessableEntity || strings.Contains(r.Body, "別の取引先株式会社") || strings.Contains(r.Body, "デモ建設株式会社") {
			t.Errorf("確認 refused with %s: %d, and the page names the company: %v", id, r.Status, strings.Contains(r.Body, "株式会社"))
		}
	}
	otherID, otherPW := w.env.AddUser(t, busyID, account.RoleGeneral, "別の 利用者")
	other, _ := loggedIn(t, w.env, otherID, otherPW)
	if r := lookup(other, webtest.DemoCompanyID); r.Status != http.StatusOK || r.Body != "デモ建設株式会社" {
		t.Errorf("another user of the company: %d %q", r.Status, r.Body)
	}
	// The users of one company together are bounded too (60 a minute): an
	// administrator can make users at will.
	const userLookups, companyLookups = 10, 60
	manyID, manyAdmin, manyPW := w.env.AddCompany(t, "多人数建設株式会社", company.PlanOneSide)
	clients := []*webtest.Client{}
	c, _ := loggedIn(t, w.env, manyAdmin, manyPW)
	clients = append(clients, c)
	for len(clients) < companyLookups/userLookups+1 {
		id, pw := w.env.AddUser(t, manyID, account.RoleGeneral, fmt.Sprintf("利用者 %d", len(clients)))
		c, _ := loggedIn(t, w.env, id, pw)
		clients = append(clients, c)
	}
	answered := 0
	for _, c := range clients {
		for range userLookups {
			if lookup(c, webtest.DemoCompanyID).Status == http.StatusOK {
				answered++
			}
		}
	}
	if answered != companyLookups {
		t.Errorf("a company's users were answered %d lookups in a minute, want %d", answered, companyLookups)
	}
}
