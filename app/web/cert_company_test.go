package web_test

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"inkan/app/domain/certificate"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

// issueTo gives the company a certificate linked to the user, as `inkan ca issue` does.
func issueTo(t *testing.T, env *webtest.Env, companyID, userID, dept, title string) data.Certificate {
	t.Helper()
	var c data.Certificate
	err := env.Server.Store.Update(func(tx *data.Tx) (err error) {
		c, err = env.Server.Certs.IssueNow(tx, companyID, certificate.ApplicationInput{
			OrgJa: "会社", OrgEn: "Company", DeptJa: dept, DeptEn: "Dept", TitleJa: title, TitleEn: "Title", UserID: userID,
		}, "", "operator:test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func certNumbers(r *webtest.Response) []string {
	var out []string
	for _, n := range r.Doc.Find("#cert-list tbody a").Nodes {
		out = append(out, n.FirstChild.Data)
	}
	return out
}

func TestCompanyCertificateSearch(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	nakamura, _ := env.AddUser(t, webtest.DemoCompanyID, "general", "中村 五郎")
	second := issueTo(t, env, webtest.DemoCompanyID, nakamura, "東京支店", "支店長")
	otherCompany, otherAdmin, _ := env.AddCompany(t, "株式会社受注工務店", "one_side")
	foreign := issueTo(t, env, otherCompany, otherAdmin, "本社", "社長")
	c := adminClient(t, env)
	notAfter := second.NotAfter.Format("2006-01-02")
	tests := []struct {
		name string
		q    url.Values
		want []string
	}{
		{"empty is all of the company", url.Values{}, []string{"DJC-00001", second.Number}},
		{"exact number", url.Values{"number": {second.Number}}, []string{second.Number}},
		{"a number is exact", url.Values{"number": {"DJC-0000"}}, nil},
		{"lower case number", url.Values{"number": {strings.ToLower(second.Number)}}, []string{second.Number}},
		{"another company's number", url.Values{"number": {foreign.Number}}, nil},
		{"display name partial", url.Values{"name": {"支店"}}, []string{second.Number}},
		{"linked user", url.Values{"user": {nakamura}}, []string{second.Number}},
		{"linked user's name", url.Values{"user_name": {"中村"}}, []string{second.Number}},
		{"linked user's kana", url.Values{"user_name": {"テスト"}}, []string{second.Number}},
		{"valid until from its day", url.Values{"from": {notAfter}, "to": {notAfter}}, []string{"DJC-00001", second.Number}},
		{"valid until before", url.Values{"to": {second.NotAfter.AddDate(0, 0, -1).Format("2006-01-02")}}, nil},
	}
	for _, tt := range tests {
		r := c.Get("/admin/certificates?" + tt.q.Encode())
		if got := certNumbers(r); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if r := c.Get("/admin/certificates?from=2026-13-01"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("a bad date: %d", r.Status)
	}
	list := c.Get("/admin/certificates")
	if got := list.Text("#count"); got != "2件中1～2件目を表示" {
		t.Errorf("count %q", got)
	}
	if cells := list.Doc.Find("#cert-list tbody tr").Eq(1).Text(); !strings.Contains(cells, "東京支店 支店長") || !strings.Contains(cells, "1") {
		t.Errorf("row %q", cells)
	}
	// 利用者詳細's 電子証明書一覧へ leads here filtered by that user.
	href := c.Get("/admin/users/"+nakamura).Doc.Find(`a[href^="/admin/certificates?user="]`).AttrOr("href", "")
	if got := certNumbers(c.Get(href)); !slices.Equal(got, []string{second.Number}) {
		t.Errorf("電子証明書一覧へ %q: %v", href, got)
	}
	detail := c.Get("/admin/certificates/" + second.Number)
	for _, want := range []string{second.Number, "東京支店 支店長", nakamura, "中村 五郎", "利用中", "未確認"} {
		if !strings.Contains(detail.Text("main"), want) {
			t.Errorf("detail lacks %q", want)
		}
	}
	// Another company's certificate is 404 by every route.
	for _, path := range []string{"/admin/certificates/" + foreign.Number, "/admin/certificates/" + foreign.Number + "/links", "/admin/certificates/" + foreign.Number + "/links/done"} {
		if r := c.Get(path); r.Status != http.StatusNotFound {
			t.Errorf("%s: %d", path, r.Status)
		}
	}
	if r := c.Post("/admin/certificates/"+foreign.Number+"/links/confirm", url.Values{"add": {env.Creds.AdminID}}); r.Status != http.StatusNotFound {
		t.Errorf("links/confirm of another company: %d", r.Status)
	}
}

func TestLinkUpdateAddsAndRemovesInOneConfirm(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	second, _ := env.AddUser(t, webtest.DemoCompanyID, "general", "中村 五郎")
	c := adminClient(t, env)
	edit := c.Get("/admin/certificates/DJC-00001/links")
	if edit.Status != http.StatusOK || !edit.Has(`input[name="remove"][value="`+env.Creds.AdminID+`"]`) || !edit.Has(`#add-picker`) {
		t.Fatalf("紐付け更新: %d", edit.Status)
	}
	_, otherAdmin, _ := env.AddCompany(t, "株式会社受注工務店", "one_side")
	for name, f := range map[string]url.Values{
		"nothing":                {},
		"already linked":         {"add": {env.Creds.AdminID}},
		"another company's user": {"add": {otherAdmin}},
	} {
		if r := c.Post("/admin/certificates/DJC-00001/links/confirm", f); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", name, r.Status)
		}
	}
	confirm := c.Post("/admin/certificates/DJC-00001/links/confirm", url.Values{"add": {second}})
	if confirm.Status != http.StatusOK || !strings.Contains(confirm.Text("#links-added"), "中村 五郎") {
		t.Fatalf("confirm: %d %s", confirm.Status, confirm.Text("main"))
	}
	token := confirm.Doc.Find(`input[name="draft"]`).AttrOr("value", "")
	back := c.Post("/admin/certificates/DJC-00001/links/back", url.Values{"draft": {token}})
	if back.Doc.Find(`input[name="add"]`).AttrOr("value", "") != second {
		t.Errorf("戻る lost the user to add")
	}
	done := c.Post("/admin/certificates/DJC-00001/links/commit", url.Values{"draft": {token}})
	if done.Status != http.StatusOK || !strings.Contains(done.Text("#done"), "更新しました") || done.Header.Get("HX-Push-Url") != "/admin/certificates/DJC-00001/links/done" {
		t.Fatalf("commit: %d %s", done.Status, done.Text("main"))
	}
	if got := lastMails(t, env, 1); got[0] != "電子証明書紐付情報更新（署名者変更）のお知らせ → admin@demo-kensetsu.example,user@example.com" {
		t.Errorf("mail %v", got)
	}
	may := func(user string) error {
		return env.Server.Store.View(func(tx *data.Tx) error {
			return env.Server.Certs.MaySignNow(tx, webtest.DemoCompanyID, user, "DJC-00001")
		})
	}
	if err := may(second); !errors.Is(err, certificate.ErrPINNotChecked) {
		t.Errorf("the added user: %v", err)
	}

	// 解除 alone: the mail goes to the operating admin, not to the unlinked user.
	confirm = c.Post("/admin/certificates/DJC-00001/links/confirm", url.Values{"remove": {second}})
	if !strings.Contains(confirm.Text("#links-removed"), second) {
		t.Fatalf("confirm of 解除: %s", confirm.Text("main"))
	}
	token = confirm.Doc.Find(`input[name="draft"]`).AttrOr("value", "")
	c.Post("/admin/certificates/DJC-00001/links/commit", url.Values{"draft": {token}})
	if got := lastMails(t, env, 1); got[0] != "電子証明書紐付情報更新（署名者変更）のお知らせ → admin@demo-kensetsu.example" {
		t.Errorf("mail after 解除: %v", got)
	}
	if err := may(second); !errors.Is(err, certificate.ErrNotLinked) {
		t.Errorf("the unlinked user: %v", err)
	}
	if r := c.Post("/admin/certificates/DJC-00001/links/commit", url.Values{"draft": {token}}); r.Status != http.StatusConflict {
		t.Errorf("second 確定: %d", r.Status)
	}
}
