package web_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"

	"inkan/app/domain/company"
	"inkan/app/domain/invitation"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

// inviteRoutes are every route of 利用申请URL送信 and 利用申請状況確認, for the plan rule.
var inviteRoutes = []struct{ method, path string }{
	{"GET", "/admin/invitations/new"}, {"GET", "/admin/invitations/confirm?draft=x"},
	{"POST", "/admin/invitations/confirm"}, {"POST", "/admin/invitations/back"}, {"POST", "/admin/invitations/commit"},
	{"GET", "/admin/invitations/template?format=xlsx"}, {"GET", "/admin/invitations/upload?draft=x"},
	{"POST", "/admin/invitations/upload"}, {"POST", "/admin/invitations/upload/commit"},
	{"GET", "/admin/invitations/sent?ids=I000000001"}, {"GET", "/admin/invitations"},
	{"GET", "/admin/invitations/export?format=csv"}, {"POST", "/admin/invitations/I000000001/resend"},
}

func TestInviteOnlyForOneSidePlanAdmins(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	for _, plan := range []company.Plan{company.PlanPartnerOnly, company.PlanBothSides} {
		_, admin, pw := env.AddCompany(t, string(plan)+"建設", plan)
		c, top := loggedIn(t, env, admin, pw)
		if strings.Contains(top.Body, "利用申請URL送信") || strings.Contains(top.Body, "利用申請状況確認") {
			t.Errorf("%s: the menu offers the invitation screens", plan)
		}
		for _, r := range inviteRoutes {
			var got *webtest.Response
			if r.method == "GET" {
				got = c.Get(r.path)
			} else {
				got = c.Post(r.path, url.Values{})
			}
			if got.Status != http.StatusForbidden {
				t.Errorf("%s: %s %s = %d, want 403", plan, r.method, r.path, got.Status)
			}
		}
	}
	// A general user of the 片方課金 company: no admin, no screen.
	general, pw := env.AddUser(t, webtest.DemoCompanyID, "general", "一般 太郎")
	c, _ := loggedIn(t, env, general, pw)
	if r := c.Get("/admin/invitations/new"); r.Status != http.StatusForbidden {
		t.Errorf("general user: %d", r.Status)
	}
	admin := adminClient(t, env)
	if r := admin.Get("/admin"); !strings.Contains(r.Body, "利用申請URL送信") || !strings.Contains(r.Body, "利用申請状況確認") {
		t.Error("the 片方課金 admin's section lacks the invitation screens")
	}
}

// outboxInvitationURL is the URL of the newest 利用申請サイトのお知らせ to addr, as the
// partner reads it in the mail; the stored text holds only the secret's mark.
func outboxInvitationURL(t *testing.T, env *webtest.Env, addr string) string {
	t.Helper()
	var found string
	env.Server.Store.View(func(tx *data.Tx) error {
		mails, _ := tx.RecentMails(200)
		for _, m := range mails {
			if m.Template != "invitation" || m.To[0] != addr {
				continue
			}
			text, err := env.Server.Mail.Open(m)
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(text, "\n") {
				if i := strings.Index(line, "http"); i >= 0 && strings.Contains(line, invitation.PathPrefix) {
					found = strings.TrimSpace(line[i:])
					return nil
				}
			}
		}
		return nil
	})
	if found == "" {
		t.Fatalf("no invitation mail to %s", addr)
	}
	u, _ := url.Parse(found)
	return u.Path
}

func countMails(env *webtest.Env, template string) int {
	n := 0
	env.Server.Store.View(func(tx *data.Tx) error {
		mails, _ := tx.RecentMails(500)
		for _, m := range mails {
			if m.Template == template {
				n++
			}
		}
		return nil
	})
	return n
}

func TestInviteByForm(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	c.Get("/admin/invitations/new")
	good := url.Values{"company": {"ABC株式会社"}, "contact": {"大石太郎"}, "email": {"oishi@abc.example"}}
	for _, tt := range []struct{ name, field, value, want string }{
		{"様", "contact", "大石太郎様", "敬称は、自動で「様」が付与されます"},
		{"御中", "contact", "総務部御中", "敬称は、自動で「様」が付与されます"},
		{"no company", "company", "", "必須項目です"},
		{"bad address", "email", "oishi@", "メールアドレスの形式"},
	} {
		r := c.Post("/admin/invitations/confirm", with(good, tt.field, tt.value))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tt.want) {
			t.Errorf("%s: %d, want the message %q", tt.name, r.Status, tt.want)
		}
	}
	r := c.Post("/admin/invitations/confirm", good)
	if r.Status != http.StatusOK || !strings.Contains(r.Text("#confirm"), "大石太郎 様") {
		t.Fatalf("confirm: %d %s", r.Status, r.Text("#confirm"))
	}
	draft, _ := r.Doc.Find(`input[name="draft"]`).Attr("value")
	if got := r.Header.Get("HX-Push-Url"); !strings.HasPrefix(got, "/admin/invitations/confirm?draft=") {
		t.Errorf("push url %q", got)
	}
	done := c.Post("/admin/invitations/commit", url.Values{"draft": {draft}})
	if done.Status != http.StatusOK || !strings.Contains(done.Text("#done"), "1件") {
		t.Fatalf("commit: %d %s", done.Status, done.Body)
	}
	if again := c.Get(done.Header.Get("HX-Push-Url")); again.Status != http.StatusOK || !strings.Contains(again.Text("#invite-sent"), "ABC株式会社") {
		t.Errorf("完了 again: %d", again.Status)
	}
	if replay := c.Post("/admin/invitations/commit", url.Values{"draft": {draft}}); replay.Status != http.StatusConflict {
		t.Errorf("replayed commit: %d", replay.Status)
	}
	if countMails(env, "invitation") != 1 || countMails(env, "invitation_sent") != 1 {
		t.Errorf("mails: %d invitation, %d summary", countMails(env, "invitation"), countMails(env, "invitation_sent"))
	}
	// The same address while its invitation is pending.
	if r := c.Post("/admin/invitations/confirm", good); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "申請中の利用申請URLを送信済み") {
		t.Errorf("pending address: %d", r.Status)
	}
}

func inviteXLSX(t *testing.T, rows ...[]any) []byte {
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
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestInviteByFile(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	c.Get("/admin/invitations/new?method=file")

	// The template downloads as .xlsx and as CSV, header and one sample row.
	x := c.Get("/admin/invitations/template?format=xlsx")
	f, err := excelize.OpenReader(strings.NewReader(x.Body))
	if err != nil {
		t.Fatalf("template xlsx: %v", err)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	f.Close()
	if len(rows) != 2 || strings.Join(rows[0], ",") != "企業名,担当者名,メールアドレス" {
		t.Errorf("template rows %q", rows)
	}
	cr := c.Get("/admin/invitations/template?format=csv")
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(cr.Body, "\uFEFF"))).ReadAll()
	if err != nil || len(recs) != 2 || recs[0][0] != "企業名" {
		t.Errorf("template csv %q %v", recs, err)
	}

	// Three partners, one row bad: the table shows every row, the bad one with its error.
	bad := inviteXLSX(t, []any{"ABC株式会社", "大石太郎", "oishi@abc.example"}, []any{"株式会社DFG", "山中麗恵様", "yamanaka@efg.example"}, []any{"HKK商事", 4711, "kanbe@hik.example"})
	r := c.PostFile("/admin/invitations/upload", nil, "file", "送信先.xlsx", bad)
	if r.Status != http.StatusOK || r.Doc.Find("#invite-rows tbody tr").Length() != 3 || !strings.Contains(r.Doc.Find("#invite-rows tr.bad").Text(), "3") {
		t.Fatalf("upload: %d\n%s", r.Status, r.Text("#invite-rows"))
	}
	if !strings.Contains(r.Text("#invite-rows"), "敬称") || !strings.Contains(r.Text("#file-count"), "3件中、送信できる宛先 2件、エラー 1件") {
		t.Errorf("row error: %s / %s", r.Text("#invite-rows"), r.Text("#file-count"))
	}
	// Fixed and uploaded again, as Shift_JIS CSV the way Excel saves it; then 確定.
	fixed, _ := japanese.ShiftJIS.NewEncoder().String("企業名,担当者名,メールアドレス\r\nABC株式会社,大石太郎,oishi@abc.example\r\n株式会社DFG,山中麗恵,yamanaka@efg.example\r\nHKK商事,神戸博一,kanbe@hik.example\r\n")
	r = c.PostFile("/admin/invitations/upload", nil, "file", "送信先.csv", []byte(fixed))
	if r.Status != http.StatusOK || r.Doc.Find("#invite-rows tr.bad").Length() != 0 {
		t.Fatalf("fixed upload: %d %s", r.Status, r.Text("#invite-rows"))
	}
	if again := c.Get(r.Header.Get("HX-Push-Url")); again.Doc.Find("#invite-rows tbody tr").Length() != 3 {
		t.Errorf("the confirm screen at its GET address: %s", again.Text("main"))
	}
	draft, _ := r.Doc.Find(`input[name="draft"]`).Attr("value")
	done := c.Post("/admin/invitations/upload/commit", url.Values{"draft": {draft}})
	if done.Status != http.StatusOK || done.Doc.Find("#invite-sent tbody tr").Length() != 3 {
		t.Fatalf("commit: %d %s", done.Status, done.Body)
	}
	if countMails(env, "invitation") != 3 || countMails(env, "invitation_sent") != 1 {
		t.Errorf("mails: %d, %d", countMails(env, "invitation"), countMails(env, "invitation_sent"))
	}
	// Uploading the same list now flags every address as pending, and offers no 確定.
	r = c.PostFile("/admin/invitations/upload", nil, "file", "送信先.csv", []byte(fixed))
	if r.Doc.Find("#invite-rows tr.bad").Length() != 3 || !r.Has("#no-good-rows") {
		t.Errorf("pending rows: %s", r.Text("main"))
	}

	// Files refused at once, on the same screen.
	for _, tt := range []struct {
		name, file string
		body       []byte
		want       string
	}{
		{"101 rows", "a.csv", []byte("企業名,担当者名,メールアドレス\n" + strings.Repeat("A社,山田,a@example.jp\n", 101)), "100件まで"},
		{"a PDF", "a.pdf", []byte("%PDF-1.7\n\x00\x00"), "CSVファイル（.csv）またはExcelファイル（.xlsx）"},
		{"too large", "a.csv", bytes.Repeat([]byte("a"), invitation.MaxFileSize+1), "ファイルが大きすぎます"},
		{"another header", "a.csv", []byte("名前,メール\nA,a@example.jp\n"), "見出し"},
	} {
		r := c.PostFile("/admin/invitations/upload", nil, "file", tt.file, tt.body)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Text("#file-error"), tt.want) {
			t.Errorf("%s: %d %q", tt.name, r.Status, r.Text("#file-error"))
		}
	}
	// A form's route takes no upload-sized body.
	for path, size := range map[string]int{"/admin/invitations/confirm": 70 << 10, "/admin/invitations/upload": invitation.MaxFileSize + 128<<10} {
		if got := announceBody(t, env, path, size); got != http.StatusRequestEntityTooLarge {
			t.Errorf("%d bytes to %s: %d, want 413", size, path, got)
		}
	}
}

func TestApplyApproveAndList(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	admin := adminClient(t, env)
	admin.Get("/admin/invitations/new")
	r := admin.Post("/admin/invitations/confirm", url.Values{"company": {"受注工務店株式会社"}, "contact": {"受注 花子"}, "email": {"hanako@juchu.example"}})
	draft, _ := r.Doc.Find(`input[name="draft"]`).Attr("value")
	admin.Post("/admin/invitations/commit", url.Values{"draft": {draft}})
	path := outboxInvitationURL(t, env, "hanako@juchu.example")

	partner := env.Client(t)
	page := partner.Get(path)
	if page.Status != http.StatusOK || !strings.Contains(page.Text("#inviter"), "デモ建設株式会社") {
		t.Fatalf("public page: %d %s", page.Status, page.Body)
	}
	if list := admin.Get("/admin/invitations"); !strings.Contains(list.Text("#invite-list"), "申請入力中") {
		t.Errorf("after opening: %s", list.Text("#invite-list"))
	}
	form := url.Values{
		"company_name": {"受注工務店株式会社"}, "company_kana": {"ジュチュウコウムテン"}, "postal_code": {"1000001"},
		"address": {"東京都千代田区1-1"}, "company_tel": {"03-1234-5678"},
		"admin_name": {"受注 花子"}, "admin_kana": {"ジュチュウ ハナコ"}, "admin_email": {"hanako@juchu.example"},
	}
	if r := partner.Post(path+"/confirm", form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "利用規約に同意してください") {
		t.Errorf("without consent: %d", r.Status)
	}
	form.Set("terms", "1")
	// CSRF: a post without the page's token is refused.
	if r := partner.Post(path+"/confirm", with(form, "_csrf", "forged")); r.Status != http.StatusForbidden {
		t.Errorf("forged CSRF: %d", r.Status)
	}
	conf := partner.Post(path+"/confirm", form)
	if conf.Status != http.StatusOK || !strings.Contains(conf.Text("#confirm"), "100-0001") {
		t.Fatalf("confirm: %d %s", conf.Status, conf.Body)
	}
	d, _ := conf.Doc.Find(`input[name="draft"]`).Attr("value")
	// Another invitation's URL does not take this one's draft.
	if r := partner.Post(invitation.PathPrefix+strings.Repeat("A", 43)+"/submit", url.Values{"draft": {d}}); r.Status != http.StatusNotFound {
		t.Errorf("a foreign token: %d", r.Status)
	}
	done := partner.Post(path+"/submit", url.Values{"draft": {d}})
	if done.Status != http.StatusOK || !done.Has("#done") {
		t.Fatalf("submit: %d %s", done.Status, done.Body)
	}
	if again := partner.Get(path); again.Status != http.StatusConflict || !strings.Contains(again.Text("#closed"), "すでに送信されています") {
		t.Errorf("the used URL: %d %s", again.Status, again.Text("#closed"))
	}

	// The operator's queue; 承認 makes the company on the 取引先専用 plan.
	op := env.Client(t)
	op.OperatorLogin()
	q := op.Get("/operator/partner-applications")
	link, ok := q.Doc.Find("#applications a").Attr("href")
	if !ok {
		t.Fatalf("queue: %s", q.Body)
	}
	show := op.Get(link)
	if !strings.Contains(show.Text("#application"), "申請処理中") {
		t.Errorf("detail: %s", show.Text("#application"))
	}
	// The first certificate in the same step: its alphabet name is checked first.
	if r := op.Post(link+"/approve", url.Values{"cert": {"1"}, "cert_company": {"受注工務店"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "半角の英数字") || !r.Has(`input[name="cert"][checked]`) {
		t.Errorf("approve with a Japanese alphabet name: %d", r.Status)
	}
	if r := op.Post(link+"/approve", url.Values{"cert": {"1"}, "cert_company": {strings.Repeat("A", 41)}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "40文字") {
		t.Errorf("approve with a 41-character alphabet 企業名: %d", r.Status)
	}
	approved := op.Post(link+"/approve", url.Values{"cert": {"1"}, "cert_company": {"Ｊｕｃｈｕ Komuten Co. Ltd."}})
	if approved.Status != http.StatusOK || !strings.Contains(approved.Text("#application-status"), "申請処理完了（登録完了）") || !strings.Contains(approved.Text("#done"), "電子証明書を発行しました") {
		t.Fatalf("approve: %d %s", approved.Status, approved.Body)
	}
	if again := op.Post(link+"/approve", nil); again.Status != http.StatusUnprocessableEntity {
		t.Errorf("approved twice: %d", again.Status)
	}
	var partnerCo data.Company
	env.Server.Store.View(func(tx *data.Tx) error {
		cs, _ := tx.Companies()
		for _, co := range cs {
			if co.Name == "受注工務店株式会社" {
				partnerCo = co
			}
		}
		return nil
	})
	if partnerCo.Plan != string(company.PlanPartnerOnly) {
		t.Errorf("partner company %+v", partnerCo)
	}
	env.Server.Store.View(func(tx *data.Tx) error {
		certs, _ := tx.Tenant(partnerCo.ID).Certificates()
		if len(certs) != 1 || len(certs[0].Links) != 1 || !strings.Contains(string(certs[0].Subject), "Juchu Komuten Co. Ltd.") {
			t.Errorf("first certificate %+v", certs)
		}
		return nil
	})
	if countMails(env, "pin") != 2 { // the demo company's from the first start, and this one
		t.Errorf("%d PIN mails", countMails(env, "pin"))
	}
	list := admin.Get("/admin/invitations")
	if !strings.Contains(list.Text("#invite-list"), "申請処理完了") || list.Doc.Find("#invite-list tbody td").Eq(5).Text() == "" {
		t.Errorf("list: %s", list.Text("#invite-list"))
	}
	// Search: status checkboxes, partial company name; empty = all.
	for _, tt := range []struct {
		query string
		rows  int
	}{{"", 1}, {"status=waiting", 0}, {"status=done&status=waiting", 1}, {"company=工務店", 1}, {"company=別社", 0}, {"sender=" + env.Creds.AdminID, 1}, {"sender=U999999", 0}} {
		r := admin.Get("/admin/invitations?" + tt.query)
		if n := r.Doc.Find("#invite-list tbody tr").Not(":has(.empty)").Length(); n != tt.rows {
			t.Errorf("search %q: %d rows, want %d", tt.query, n, tt.rows)
		}
	}
	// Export as CSV and Excel.
	exp := admin.Get("/admin/invitations/export?format=csv")
	if !strings.Contains(exp.Body, "申請状況,送信先企業名,送信先担当者名,送信者名,送信日,申請完了日") || !strings.Contains(exp.Body, "受注工務店株式会社") {
		t.Errorf("csv export: %s", exp.Body)
	}
	xl := admin.Get("/admin/invitations/export?format=xlsx")
	if wb, err := excelize.OpenReader(strings.NewReader(xl.Body)); err != nil {
		t.Errorf("xlsx export: %v", err)
	} else {
		rows, _ := wb.GetRows(wb.GetSheetList()[0])
		if len(rows) != 2 {
			t.Errorf("xlsx rows %q", rows)
		}
		wb.Close()
	}
}

func TestInviteExpiryResendAndTenancy(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	admin := adminClient(t, env)
	admin.Get("/admin/invitations/new")
	r := admin.Post("/admin/invitations/confirm", url.Values{"company": {"期限工務店"}, "contact": {"期限 太郎"}, "email": {"kigen@example.jp"}})
	d, _ := r.Doc.Find(`input[name="draft"]`).Attr("value")
	sent := admin.Post("/admin/invitations/commit", url.Values{"draft": {d}})
	sentURL := sent.Header.Get("HX-Push-Url")
	old := outboxInvitationURL(t, env, "kigen@example.jp")

	// Another 片方課金 company sees none of it.
	_, otherAdmin, pw := env.AddCompany(t, "他社建設", company.PlanOneSide)
	other, _ := loggedIn(t, env, otherAdmin, pw)
	var id string
	env.Server.Store.View(func(tx *data.Tx) error {
		invs, _ := tx.Tenant(webtest.DemoCompanyID).Invitations()
		id = invs[0].ID
		return nil
	})
	if r := other.Get(sentURL); r.Status != http.StatusNotFound {
		t.Errorf("another company's 完了: %d", r.Status)
	}
	other.Get("/admin/invitations")
	if r := other.Post("/admin/invitations/"+id+"/resend", nil); r.Status != http.StatusNotFound {
		t.Errorf("another company's resend: %d", r.Status)
	}
	if r := other.Get("/admin/invitations"); strings.Contains(r.Body, "期限工務店") {
		t.Error("another company lists the invitation")
	}
	// Not expired yet: no resend.
	admin.Get("/admin/invitations")
	if r := admin.Post("/admin/invitations/"+id+"/resend", nil); r.Status != http.StatusConflict {
		t.Errorf("resend before expiry: %d", r.Status)
	}

	env.Clock.Advance(invitation.DefaultValidity + 1)
	if _, err := env.Server.Invites.Expire(env.Server.Store); err != nil {
		t.Fatal(err)
	}
	// A month later the admin's session is long gone: log in again.
	admin = env.Client(t)
	admin.Login(env.Creds.AdminID, newPassword)
	partner := env.Client(t)
	if r := partner.Get(old); r.Status != http.StatusGone || !strings.Contains(r.Text("#closed"), "有効期限が切れています") {
		t.Errorf("expired URL: %d %s", r.Status, r.Text("#closed"))
	}
	list := admin.Get("/admin/invitations")
	if !strings.Contains(list.Text("#invite-list"), "期限切れ") || !list.Has("#invite-list form button") {
		t.Fatalf("list: %s", list.Text("#invite-list"))
	}
	resent := admin.Post("/admin/invitations/"+id+"/resend", nil)
	if resent.Status != http.StatusOK || !resent.Has("#done") || !strings.Contains(resent.Text("#invite-list"), "取引先申請待ち") {
		t.Fatalf("resend: %d %s", resent.Status, resent.Text("main"))
	}
	fresh := outboxInvitationURL(t, env, "kigen@example.jp")
	if fresh == old {
		t.Fatal("the resend kept the URL")
	}
	if r := partner.Get(old); r.Status != http.StatusNotFound {
		t.Errorf("the old URL after the resend: %d", r.Status)
	}
	if r := partner.Get(fresh); r.Status != http.StatusOK {
		t.Errorf("the new URL: %d", r.Status)
	}
	// Operator 取消 needs a reason and ends 申請処理完了 (取消).
	partner.Get(fresh)
	form := url.Values{
		"company_name": {"期限工務店"}, "company_kana": {"キゲンコウムテン"}, "postal_code": {"100-0001"}, "address": {"東京都"},
		"company_tel": {"03-1111-2222"}, "admin_name": {"期限 太郎"}, "admin_kana": {"キゲン タロウ"}, "admin_email": {"kigen@example.jp"}, "terms": {"1"},
	}
	conf := partner.Post(fresh+"/confirm", form)
	dd, _ := conf.Doc.Find(`input[name="draft"]`).Attr("value")
	partner.Post(fresh+"/submit", url.Values{"draft": {dd}})
	op := env.Client(t)
	op.OperatorLogin()
	op.Get("/operator/partner-applications/" + id)
	if r := op.Post("/operator/partner-applications/"+id+"/cancel", url.Values{"reason": {" "}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("cancel without reason: %d", r.Status)
	}
	c := op.Post("/operator/partner-applications/"+id+"/cancel", url.Values{"reason": {"申込みの重複"}})
	if !strings.Contains(c.Text("#application-status"), "申請処理完了（取消）") || !strings.Contains(c.Text("#application"), "申込みの重複") {
		t.Errorf("cancelled: %s", c.Text("#application"))
	}
	if r := op.Get("/operator/partner-applications/I999999999"); r.Status != http.StatusNotFound {
		t.Errorf("unknown application: %d", r.Status)
	}
}

// TestApplyDraftAndThrottle: a confirm screen's draft belongs to its one invitation (at
// another invitation's URL it is gone), and the public page answers 429 past its rate.
func TestApplyDraftAndThrottle(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	admin := adminClient(t, env)
	for _, addr := range []string{"a@one.example", "b@two.example"} {
		admin.Get("/admin/invitations/new")
		r := admin.Post("/admin/invitations/confirm", url.Values{"company": {"工務店" + addr}, "contact": {"担当"}, "email": {addr}})
		d, _ := r.Doc.Find(`input[name="draft"]`).Attr("value")
		admin.Post("/admin/invitations/commit", url.Values{"draft": {d}})
	}
	one, two := outboxInvitationURL(t, env, "a@one.example"), outboxInvitationURL(t, env, "b@two.example")
	partner := env.Client(t)
	partner.Get(one)
	form := url.Values{
		"company_name": {"一社"}, "company_kana": {"イッシャ"}, "postal_code": {"100-0001"}, "address": {"東京都"},
		"company_tel": {"03-1111-2222"}, "admin_name": {"一 太郎"}, "admin_kana": {"イチ タロウ"}, "admin_email": {"a@one.example"}, "terms": {"1"},
	}
	conf := partner.Post(one+"/confirm", form)
	d, _ := conf.Doc.Find(`input[name="draft"]`).Attr("value")
	partner.Get(two)
	if r := partner.Post(two+"/submit", with(form, "draft", d)); r.Status != http.StatusConflict {
		t.Errorf("one invitation's draft at another's URL: %d", r.Status)
	}
	var status string
	env.Server.Store.View(func(tx *data.Tx) error {
		invs, _ := tx.Tenant(webtest.DemoCompanyID).Invitations()
		for _, inv := range invs {
			if inv.Email == "b@two.example" {
				status = inv.Status
			}
		}
		return nil
	})
	if status != invitation.StatusInputting {
		t.Errorf("the other invitation is %s", status)
	}
	// One address, many requests: throttled; another address is not.
	hammer := env.Client(t)
	hammer.IP = "198.51.100.7"
	var last int
	for range 40 {
		last = hammer.Get(invitation.PathPrefix + strings.Repeat("B", 43)).Status
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("40 requests in a minute: %d, want 429", last)
	}
	if r := partner.Get(two); r.Status != http.StatusOK {
		t.Errorf("another address while one is throttled: %d", r.Status)
	}
}

// TestResendBeforeTheExpiryJob: an invitation past its validity shows 期限切れ with 再送
// at once, before the job (every 10 minutes) marks it; 再送 and a new invitation to the
// address then work too, rather than calling the address still pending.
func TestResendBeforeTheExpiryJob(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	admin := adminClient(t, env)
	for _, addr := range []string{"mae@example.jp", "ato@example.jp"} {
		admin.Get("/admin/invitations/new")
		r := admin.Post("/admin/invitations/confirm", url.Values{"company": {"期限工務店"}, "contact": {"期限 太郎"}, "email": {addr}})
		d, _ := r.Doc.Find(`input[name="draft"]`).Attr("value")
		admin.Post("/admin/invitations/commit", url.Values{"draft": {d}})
	}
	var id string
	env.Server.Store.View(func(tx *data.Tx) error {
		invs, _ := tx.Tenant(webtest.DemoCompanyID).Invitations()
		for _, inv := range invs {
			if inv.Email == "mae@example.jp" {
				id = inv.ID
			}
		}
		return nil
	})
	env.Clock.Advance(invitation.DefaultValidity + 1)
	admin = env.Client(t)
	admin.Login(env.Creds.AdminID, newPassword)
	list := admin.Get("/admin/invitations")
	if !strings.Contains(list.Text("#invite-list"), "期限切れ") || !list.Has("#invite-list form button") {
		t.Fatalf("list: %s", list.Text("#invite-list"))
	}
	if r := admin.Post("/admin/invitations/"+id+"/resend", nil); r.Status != http.StatusOK || !r.Has("#done") {
		t.Errorf("再送 before the job: %d %s", r.Status, r.Text("main"))
	}
	admin.Get("/admin/invitations/new")
	if r := admin.Post("/admin/invitations/confirm", url.Values{"company": {"期限工務店"}, "contact": {"期限 太郎"}, "email": {"ato@example.jp"}}); r.Status != http.StatusOK {
		t.Errorf("a new invitation to an expired address before the job: %d %s", r.Status, r.Text("main"))
	}
}
