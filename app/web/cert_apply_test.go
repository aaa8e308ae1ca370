package web_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"inkan/app/testkit/webtest"
	"inkan/data"
)

func applyForm(userID string) url.Values {
	return url.Values{
		"org_ja": {"デモ建設"}, "org_en": {"Demo Kensetsu"}, "dept_ja": {"東京支店"}, "dept_en": {"Tokyo branch"},
		"title_ja": {"支店長"}, "title_en": {"Branch manager"}, "user_id": {userID},
		"pin_name": {"管理 太郎"}, "pin_email": {"pin@demo-kensetsu.example"},
		"applicant_name": {"管理 太郎"}, "applicant_kana": {"カンリ タロウ"}, "applicant_tel": {"03-1111-2222"}, "applicant_email": {"applicant@demo-kensetsu.example"},
	}
}

func TestCertificateApplicationConfirmBackCommit(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	in := c.Get("/admin/certificates/apply")
	if in.Status != http.StatusOK || in.Doc.Find(`input[name="applicant_name"]`).AttrOr("value", "") != "管理 太郎" ||
		in.Doc.Find(`input[name="applicant_email"]`).AttrOr("value", "") != "admin@demo-kensetsu.example" {
		t.Fatalf("the 申請担当者 is not the admin: %d", in.Status)
	}
	if !in.Has(`#reuse select[disabled]`) || !strings.Contains(in.Text("#reuse"), "活用できる電子証明書がありません") {
		t.Error("the reuse picker is not disabled with the manual's hint")
	}

	pdf := sealPDF(t)
	confirm := c.PostFile("/admin/certificates/apply/confirm", applyForm(env.Creds.AdminID), "seal", "印鑑証明書.pdf", pdf)
	if confirm.Status != http.StatusOK {
		t.Fatalf("confirm: %d\n%s", confirm.Status, confirm.Text("main"))
	}
	shown := confirm.Text("#confirm")
	for _, want := range []string{"デモ建設", "Tokyo branch", "印鑑証明書.pdf", env.Creds.AdminID, "管理 太郎", "pin@demo-kensetsu.example", "03-1111-2222"} {
		if !strings.Contains(shown, want) {
			t.Errorf("confirm lacks %q", want)
		}
	}
	if !strings.HasPrefix(confirm.Header.Get("HX-Push-Url"), "/admin/certificates/apply/confirm?draft=") {
		t.Errorf("confirm address %q", confirm.Header.Get("HX-Push-Url"))
	}
	token := confirm.Doc.Find(`input[name="draft"]`).AttrOr("value", "")
	if again := c.Get("/admin/certificates/apply/confirm?draft=" + url.QueryEscape(token)); !strings.Contains(again.Text("#confirm"), "印鑑証明書.pdf") {
		t.Error("the confirm GET address does not show the draft")
	}

	// 戻る keeps everything, the file included: 確認 again needs no new upload.
	back := c.Post("/admin/certificates/apply/back", url.Values{"draft": {token}})
	if back.Doc.Find(`input[name="dept_en"]`).AttrOr("value", "") != "Tokyo branch" || !strings.Contains(back.Text("#seal-kept"), "印鑑証明書.pdf") ||
		back.Doc.Find(`input[name="user_id"]`).AttrOr("value", "") != env.Creds.AdminID {
		t.Fatalf("戻る lost the input:\n%s", back.Text("main"))
	}
	form := applyForm(env.Creds.AdminID)
	form.Set("seal_draft", back.Doc.Find(`input[name="seal_draft"]`).AttrOr("value", ""))
	confirm = c.PostFile("/admin/certificates/apply/confirm", form, "", "", nil)
	if confirm.Status != http.StatusOK || !strings.Contains(confirm.Text("#confirm"), "印鑑証明書.pdf") {
		t.Fatalf("confirm after 戻る: %d %s", confirm.Status, confirm.Text("main"))
	}
	token = confirm.Doc.Find(`input[name="draft"]`).AttrOr("value", "")
	done := c.Post("/admin/certificates/apply/commit", url.Values{"draft": {token}})
	if done.Status != http.StatusOK || !strings.Contains(done.Text("#done"), "受け付けました") {
		t.Fatalf("commit: %d %s", done.Status, done.Text("main"))
	}
	if twice := c.Post("/admin/certificates/apply/commit", url.Values{"draft": {token}}); twice.Status != http.StatusConflict {
		t.Errorf("second 確定: %d", twice.Status)
	}
	if got := lastMails(t, env, 1); got[0] != "電子証明書追加発行申請受付のお知らせ → applicant@demo-kensetsu.example" {
		t.Errorf("mail %v", got)
	}
	var apps []data.CertApplication
	env.Server.Store.View(func(tx *data.Tx) (err error) { apps, err = tx.Applications(); return })
	if len(apps) != 1 || apps[0].State != data.ApplicationReceived || apps[0].Seal.Size != int64(len(pdf)) || len(apps[0].Seal.SHA256) != 64 {
		t.Fatalf("applications %+v", apps)
	}
	a := apps[0]
	doneURL := done.Header.Get("HX-Push-Url")
	if doneURL != "/admin/certificates/applications/"+a.ID {
		t.Errorf("完了 address %q", doneURL)
	}
	if seal := c.Get(doneURL + "/seal"); !bytes.Equal([]byte(seal.Body), pdf) {
		t.Error("the admin cannot read back their 印鑑証明書")
	}

	// Another company gets 404 for the application and its file, on every route.
	_, otherAdmin, otherPW := env.AddCompany(t, "株式会社受注工務店", "one_side")
	other, _ := loggedIn(t, env, otherAdmin, otherPW)
	for _, path := range []string{doneURL, doneURL + "/seal", "/admin/certificates/apply/confirm?draft=" + url.QueryEscape(token)} {
		r := other.Get(path)
		if path == doneURL || path == doneURL+"/seal" {
			if r.Status != http.StatusNotFound {
				t.Errorf("another company at %s: %d", path, r.Status)
			}
		} else if strings.Contains(r.Body, "Tokyo branch") {
			t.Errorf("another company sees the draft at %s", path)
		}
	}
	if r := other.Get("/admin/certificates/users/choose?field=user_id&pick=" + env.Creds.AdminID); r.Status != http.StatusNotFound {
		t.Errorf("another company picks U000001: %d", r.Status)
	}
	// Another company's seal draft names no file of ours.
	other.Get("/admin/certificates/apply")
	f := applyForm(otherAdmin)
	f.Set("seal_draft", back.Doc.Find(`input[name="seal_draft"]`).AttrOr("value", ""))
	if r := other.PostFile("/admin/certificates/apply/confirm", f, "", "", nil); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Text("main"), "PDFファイルを選択") {
		t.Errorf("another company used our seal draft: %d", r.Status)
	}
}

func TestCertificateApplicationRules(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	c.Get("/admin/certificates/apply")
	pdf := sealPDF(t)
	tests := []struct {
		name, field, value string
		ok                 bool
		want               string
	}{
		{"company alphabet of 40", "org_en", strings.Repeat("A", 40), true, ""},
		{"company alphabet of 41", "org_en", strings.Repeat("A", 41), false, "40文字以内"},
		{"dept and title of 60", "dept_en", strings.Repeat("d", 60-len("Branch manager")), true, ""},
		{"dept and title of 61", "dept_en", strings.Repeat("d", 61-len("Branch manager")), false, "合わせて60文字以内"},
		{"kanji in the alphabet", "dept_en", "東京支店", false, "半角の英数字"},
		{"underscore", "title_en", "Branch_manager", false, "半角の英数字"},
		{"hyphen dot space digits", "org_en", "Demo-Kensetsu Co. 2", true, ""},
		{"no user", "user_id", "", false, "必須"},
		{"another company's user", "user_id", "U999999", false, "該当する利用者IDがありません"},
		{"no PIN address", "pin_email", "", false, "必須"},
		{"no applicant tel", "applicant_tel", "", false, "必須"},
		{"control character", "org_ja", "デモ\u202E建設", false, "制御文字"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.PostFile("/admin/certificates/apply/confirm", with(applyForm(env.Creds.AdminID), tt.field, tt.value), "seal", "seal.pdf", pdf)
			if tt.ok {
				if r.Status != http.StatusOK {
					t.Errorf("refused: %d %s", r.Status, r.Text(".error"))
				}
				return
			}
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Text("main"), tt.want) {
				t.Errorf("%d, want 422 with %q: %s", r.Status, tt.want, r.Doc.Find(".error").Text())
			}
		})
	}
	for name, upload := range map[string][]byte{
		"text named .pdf":  []byte("this is no PDF at all"),
		"PNG named .pdf":   append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...),
		"over 4 MB of PDF": append(append([]byte{}, pdf...), make([]byte, 4<<20)...),
	} {
		r := c.PostFile("/admin/certificates/apply/confirm", applyForm(env.Creds.AdminID), "seal", "seal.pdf", upload)
		if r.Status != http.StatusUnprocessableEntity || r.Doc.Find(`input[name="seal"]`).Closest(".field").Find(".error").Length() == 0 {
			t.Errorf("%s: %d", name, r.Status)
		}
	}
	if r := c.PostFile("/admin/certificates/apply/confirm", applyForm(env.Creds.AdminID), "", "", nil); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Text("main"), "PDFファイルを選択") {
		t.Errorf("no file: %d", r.Status)
	}
	// A body beyond the upload limit is refused from its header, before it is read;
	// every other route takes only a form's size.
	if r := c.PostFile("/settings", url.Values{}, "seal", "seal.pdf", pdf[:min(len(pdf), 100)]); r.Status == http.StatusRequestEntityTooLarge {
		t.Errorf("a small multipart post elsewhere was refused")
	}
	for path, size := range map[string]int{"/admin/certificates/apply/confirm": 5 << 20, "/settings": 100 << 10, "/admin/certificates/apply/back": 100 << 10} {
		if got := announceBody(t, env, path, size); got != http.StatusRequestEntityTooLarge {
			t.Errorf("%d bytes to %s: %d", size, path, got)
		}
	}
}

// announceBody sends a POST whose header announces size bytes, over a socket (app.Test
// reports an oversized body as its own error), and returns the status answered.
func announceBody(t *testing.T, env *webtest.Env, path string, size int) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go env.Server.Web.Listener(ln)
	defer ln.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n", path, size)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestUserPickerSearchesOneCompanyAndChoosesOne(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	id, _ := env.AddUser(t, webtest.DemoCompanyID, "general", "中村 五郎")
	c := adminClient(t, env)
	r := c.Get("/admin/certificates/users/pick?field=user_id&pick_name=" + url.QueryEscape("中村"))
	if n := r.Doc.Find(`input[type="radio"][name="pick"]`).Length(); n != 1 || r.Doc.Find(`input[name="pick"]`).AttrOr("value", "") != id {
		t.Errorf("search by name: %d radios\n%s", n, r.Body)
	}
	if r := c.Get("/admin/certificates/users/pick?field=user_id&pick_kana=" + url.QueryEscape("テスト")); r.Doc.Find(`input[name="pick"]`).Length() != 1 {
		t.Errorf("search by kana: %s", r.Body)
	}
	if r := c.Get("/admin/certificates/users/pick?field=user_id"); r.Doc.Find(`input[name="pick"]`).Length() != 2 {
		t.Errorf("empty search lists %d", r.Doc.Find(`input[name="pick"]`).Length())
	}
	if r := c.Get("/admin/certificates/users/pick?field=role"); r.Status != http.StatusBadRequest {
		t.Errorf("a field the picker does not fill: %d", r.Status)
	}
	chosen := c.Get("/admin/certificates/users/choose?field=user_id&pick=" + id)
	if chosen.Doc.Find(`input[name="user_id"]`).AttrOr("value", "") != id || chosen.Text("#user_id-name") != "中村 五郎" || chosen.Doc.Find(`input[name="user_id"]`).Length() != 1 {
		t.Errorf("選択: %s", chosen.Body)
	}
	if cleared := c.Get("/admin/certificates/users/choose?field=user_id"); cleared.Doc.Find(`input[name="user_id"]`).AttrOr("value", "x") != "" {
		t.Errorf("クリア: %s", cleared.Body)
	}
}

func TestReusePickerOneYearWindow(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	var notAfter time.Time
	env.Server.Store.View(func(tx *data.Tx) error {
		c, _ := tx.CertificateByNumber("DJC-00001")
		notAfter = c.NotAfter
		return nil
	})
	adminClient(t, env) // the first login's password change
	at := func(t *testing.T, when time.Time) *webtest.Response {
		env.Clock.Advance(when.Sub(env.Clock.Now()))
		c := env.Client(t)
		c.Login(env.Creds.AdminID, newPassword)
		return c.Get("/admin/certificates/apply")
	}
	if r := at(t, notAfter.AddDate(0, 0, -91)); !r.Has(`#reuse select[disabled]`) {
		t.Error("a certificate without expiry notice can be reused")
	}
	if _, err := env.Server.Certs.SendExpiryNotices(notAfter.AddDate(0, 0, -90)); err != nil {
		t.Fatal(err)
	}
	r := at(t, notAfter.AddDate(0, 0, -89))
	if r.Doc.Find(`#reuse option[value="DJC-00001"]`).Length() != 1 {
		t.Errorf("after the expiry notice DJC-00001 is not offered:\n%s", r.Text("#reuse"))
	}
	prefilled := env.Client(t)
	prefilled.Login(env.Creds.AdminID, newPassword)
	p := prefilled.Get("/admin/certificates/apply?reuse=DJC-00001")
	if p.Doc.Find(`input[name="org_en"]`).AttrOr("value", "") != "Demo Kensetsu Co. Ltd." || p.Doc.Find(`input[name="reuse_of"]`).AttrOr("value", "") != "DJC-00001" {
		t.Errorf("reuse did not pre-fill: %s", p.Text("main"))
	}
	if r := at(t, notAfter.AddDate(1, 0, -1)); r.Doc.Find(`#reuse option[value="DJC-00001"]`).Length() != 1 {
		t.Error("expired less than a year ago: not offered")
	}
	if r := at(t, notAfter.AddDate(1, 0, 1)); !r.Has(`#reuse select[disabled]`) {
		t.Error("expired more than a year ago: still offered")
	}
}
