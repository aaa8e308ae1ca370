package web_test

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"inkan/app/domain/account"
	"inkan/app/testkit/webtest"
	"inkan/views"
)

// supportPages are the 操作マニュアル's pages and 電子帳簿保存法への対応, each with its
// heading and some of what it must say.
var supportPages = []struct {
	path, heading string
	says          []string
}{
	{"/support/manual", "操作マニュアル", []string{"管理者編", "発信者編", "受信者編", "システムの概要", "契約締結の流れ", "通知メールの一覧"}},
	{"/support/manual/admin", "操作マニュアル 管理者編", []string{
		"自社利用者登録", "自社利用者照会", "契約文書照会（自社分全て）", "長期保管文書照会（自社分全て）",
		"電子証明書追加発行申請", "自社電子証明書照会", "紐付け更新", "利用申請URL送信", "利用申請状況確認", "確認", "確定", "戻る"}},
	{"/support/manual/sender", "操作マニュアル 発信者編", []string{
		"証明書有効性確認", "契約文書登録", "契約文書照会", "承認", "差戻し", "署名用パスワード発行のお知らせ", "署名",
		"受領前承認待ち", "完了", "PAdES B-LTA", "長期保管文書", "10年", "取消"}},
	{"/support/manual/receiver", "操作マニュアル 受信者編", []string{
		"契約文書受信のお知らせ", "受領", "受領前承認", "署名用パスワード", "署名", "差戻し", "完了待ち", "長期保管文書照会"}},
	{"/support/records-law", "電子帳簿保存法への対応", []string{
		"訂正又は削除を行うことができない", "タイムスタンプ", "契約締結年月日", "契約金額", "取引先企業", "組み合わせ",
		"ディスプレイ・プリンタ", "操作マニュアル", "システムの概要"}},
}

// A logged-in user, admin or not, gets every page: its heading from the catalog and
// its text; the table of contents links to the three parts, and the サポート page
// lists the manual and the records-law page.
func TestSupportPagesForALoggedInUser(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	id, pw := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "一般 三郎")
	c, _ := loggedIn(t, env, id, pw)
	for _, p := range supportPages {
		r := c.Get(p.path)
		if r.Status != http.StatusOK {
			t.Errorf("GET %s: %d", p.path, r.Status)
			continue
		}
		if got := r.Text("h1"); got != p.heading {
			t.Errorf("GET %s: heading %q, want %q", p.path, got, p.heading)
		}
		text := r.Doc.Find("main").Text()
		for _, s := range p.says {
			if !strings.Contains(text, s) {
				t.Errorf("GET %s does not say %q", p.path, s)
			}
		}
	}
	toc := c.Get("/support/manual")
	for _, part := range []string{"/support/manual/admin", "/support/manual/sender", "/support/manual/receiver"} {
		if !toc.Has(`#manual-parts a[href="` + part + `"]`) {
			t.Errorf("the table of contents has no link to %s", part)
		}
	}
	section := c.Get("/support")
	for _, link := range []string{"/support/manual", "/support/records-law"} {
		if !section.Has(`main a[href="` + link + `"]`) {
			t.Errorf("the サポート page does not list %s", link)
		}
	}
	if !strings.Contains(section.Doc.Find("main").Text(), "電子帳簿保存法への対応") {
		t.Error("the サポート page lacks 電子帳簿保存法への対応")
	}
	if r := c.Get("/support/manual/nobody"); r.Status != http.StatusNotFound {
		t.Errorf("GET an unknown part: %d, want 404", r.Status)
	}
}

// Every link of these pages leads to a route of the app, and every #fragment to an
// element of its page. A screen still to come (長期保管文書照会) answers its placeholder
// page, never 404; an admin of a 片方課金 company follows them, so that 管理者業務 and
// 利用申請URL送信 are reachable.
func TestSupportPagesLinkOnlyToRoutes(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	pages := map[string]*webtest.Response{}
	get := func(path string) *webtest.Response {
		if pages[path] == nil {
			pages[path] = c.Get(path)
		}
		return pages[path]
	}
	for _, p := range supportPages {
		get(p.path).Doc.Find("main a[href]").Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			u, err := url.Parse(href)
			if err != nil || u.Host != "" || (u.Path != "" && !strings.HasPrefix(u.Path, "/")) {
				t.Errorf("%s links outside the app: %q", p.path, href)
				return
			}
			target := u.Path
			if target == "" {
				target = p.path
			}
			r := get(target)
			switch {
			case r.Status == http.StatusNotFound || r.Status == http.StatusMethodNotAllowed || r.Status >= 500:
				t.Errorf("%s links to %s: %d", p.path, href, r.Status)
			case u.Fragment != "" && !r.Has("#"+u.Fragment):
				t.Errorf("%s links to %s: no element #%s there", p.path, href, u.Fragment)
			}
		})
	}
	if len(pages) < 20 {
		t.Errorf("only %d pages linked: are the links found?", len(pages))
	}
}

// A visitor who is not logged in is sent to the login, which returns to the page.
func TestSupportPagesNeedLogin(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := env.Client(t)
	for _, p := range supportPages {
		r := c.Get(p.path)
		want := "/login?next=" + url.QueryEscape(p.path)
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != want {
			t.Errorf("GET %s logged out: %d → %q, want 303 → %q", p.path, r.Status, r.Header.Get("Location"), want)
		}
	}
}

// In English the titles come from the en catalog, which says the pages are in
// Japanese; the body stays Japanese and is marked so.
func TestSupportPagesInEnglish(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	c.Get("/settings")
	if r := c.Post("/settings", url.Values{"lang": {"en"}}); r.Status != http.StatusOK {
		t.Fatalf("choosing English: %d", r.Status)
	}
	tests := []struct{ path, heading string }{
		{"/support/manual", "Operating manual (Japanese)"},
		{"/support/manual/admin", "Operating manual: administrators (Japanese)"},
		{"/support/manual/sender", "Operating manual: senders (Japanese)"},
		{"/support/manual/receiver", "Operating manual: receivers (Japanese)"},
		{"/support/records-law", "Records law compliance (Japanese)"},
	}
	for _, tt := range tests {
		r := c.Get(tt.path)
		if got := r.Text("h1"); got != tt.heading {
			t.Errorf("GET %s in English: heading %q, want %q", tt.path, got, tt.heading)
		}
		if !strings.Contains(r.Text("title"), tt.heading) {
			t.Errorf("GET %s in English: title %q", tt.path, r.Text("title"))
		}
		if lang, _ := r.Doc.Find("article.manual").Attr("lang"); lang != "ja" {
			t.Errorf("GET %s in English: the body is not marked Japanese (lang %q)", tt.path, lang)
		}
	}
	if menu := c.Get("/support").Doc.Find("nav .menu").Text(); !strings.Contains(menu, "Operating manual (Japanese)") || !strings.Contains(menu, "Records law compliance (Japanese)") {
		t.Errorf("English menu lacks the support items: %q", menu)
	}
}

// The manual quotes the screens' labels verbatim: every label it sets in bold is a
// text of the Japanese catalog, and every mail subject it names is the subject of a
// mail template, so a renamed label or mail shows up here.
func TestManualQuotesLabelsVerbatim(t *testing.T) {
	labels := catalogTexts(t)
	subjects := mailSubjects(t)
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	for _, p := range supportPages {
		r := c.Get(p.path)
		bold := r.Doc.Find("article.manual b")
		if bold.Length() == 0 {
			t.Errorf("%s quotes no label", p.path)
		}
		bold.Each(func(_ int, b *goquery.Selection) {
			if text := b.Text(); !labels[text] {
				t.Errorf("%s quotes %q, which no screen shows", p.path, text)
			}
		})
		r.Doc.Find("article.manual .mail").Each(func(_ int, m *goquery.Selection) {
			if text := m.Text(); !subjects[text] {
				t.Errorf("%s names the mail %q, which is not sent", p.path, text)
			}
		})
	}
}

func catalogTexts(t *testing.T) map[string]bool {
	t.Helper()
	raw, err := os.ReadFile("../locale/i18n/catalogs/ja.json")
	if err != nil {
		t.Fatal(err)
	}
	var catalog map[string]string
	if err := json.Unmarshal(raw, &catalog); err != nil {
		t.Fatal(err)
	}
	texts := map[string]bool{}
	for _, s := range catalog {
		texts[s] = true
	}
	return texts
}

func mailSubjects(t *testing.T) map[string]bool {
	t.Helper()
	names, err := fs.Glob(views.FS, "mail/*.txt")
	if err != nil || len(names) == 0 {
		t.Fatalf("mail templates: %v %v", names, err)
	}
	subjects := map[string]bool{}
	for _, name := range names {
		raw, err := fs.ReadFile(views.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		head, _, _ := strings.Cut(string(raw), "\n")
		subjects[strings.TrimSpace(strings.TrimPrefix(head, "Subject: "))] = true
	}
	return subjects
}
