package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"

	"inkan/app/domain/company"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

// usageWorld is the demo company (片方課金, C000001), a 双方課金 company (C000002) and a
// 取引先専用 one (C000003), with usage recorded straight into the store: the recording
// itself belongs to the contract flow and is tested there (and once through the screens
// below).
func usageWorld(t *testing.T) (*webtest.Env, *webtest.Client) {
	t.Helper()
	env := webtest.New(t, webtest.Config(t))
	both, _, _ := env.AddCompany(t, "双方建材株式会社", company.PlanBothSides)
	partner, _, _ := env.AddCompany(t, "ｼﾞｭﾁｭｳ工務店株式会社", company.PlanPartnerOnly)
	if both != "C000002" || partner != "C000003" {
		t.Fatalf("companies %s %s", both, partner)
	}
	records := []struct{ company, month, doc string }{
		{webtest.DemoCompanyID, "2025-04", "0000000001"}, // before the default year
		{webtest.DemoCompanyID, "2025-05", "0000000002"}, // its first month
		{webtest.DemoCompanyID, "2026-03", "0000000003"},
		{webtest.DemoCompanyID, "2026-03", "0000000004"},
		{webtest.DemoCompanyID, "2026-04", "0000000005"},
		{both, "2026-04", "0000000005"},
	}
	err := env.Server.Store.Update(func(tx *data.Tx) error {
		for _, r := range records {
			if _, err := tx.RecordUsage(data.Usage{CompanyID: r.company, Month: r.month, DocumentID: r.doc, Side: "sender", At: env.Clock.Now()}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	op := env.Client(t)
	op.OperatorLogin()
	return env, op
}

// usageTable reads the table as rows of cell texts, the 合計 row last.
func usageTable(r *webtest.Response) [][]string {
	var out [][]string
	r.Doc.Find("#usage tr").Each(func(_ int, tr *goquery.Selection) {
		var row []string
		tr.Find("th, td").Each(func(_ int, c *goquery.Selection) { row = append(row, strings.TrimSpace(c.Text())) })
		out = append(out, row)
	})
	return out
}

// monthsHeader is the heading of the table for the months from (a JST month) on.
func monthsHeader(from time.Time, n int) []string {
	out := []string{"企業ID", "企業名", "プラン"}
	for i := range n {
		m := from.AddDate(0, i, 0)
		out = append(out, fmt.Sprintf("%d年%d月", m.Year(), int(m.Month())))
	}
	return append(out, "合計")
}

func TestUsageScreen(t *testing.T) {
	_, op := usageWorld(t)
	menu := op.Get("/operator")
	if href, _ := menu.Doc.Find(`nav a:contains("利用状況")`).Attr("href"); href != "/operator/usage" {
		t.Errorf("the console's menu links 利用状況 to %q", href)
	}

	// By default the twelve months up to the current one in Japan (the clock stands at
	// 2026-04-01 18:00 JST): 2025-04 is out, 2025-05 in.
	r := op.Get("/operator/usage")
	if r.Status != http.StatusOK || r.Text("h1") != "利用状況" {
		t.Fatalf("利用状況: %d %q", r.Status, r.Text("h1"))
	}
	if from, _ := r.Doc.Find(`input[name=from]`).Attr("value"); from != "2025-05" {
		t.Errorf("default from %q", from)
	}
	if to, _ := r.Doc.Find(`input[name=to]`).Attr("value"); to != "2026-04" {
		t.Errorf("default to %q", to)
	}
	zeros := func(n int) []string { return slices.Repeat([]string{"0"}, n) }
	row := func(id, name, plan string, counts ...string) []string {
		return append([]string{id, name, plan}, counts...)
	}
	demo := row("C000001", "デモ建設株式会社", "片方課金", append(append(append([]string{"1"}, zeros(9)...), "2", "1"), "4")...)
	want := [][]string{
		monthsHeader(time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC), 12),
		demo,
		row("C000002", "双方建材株式会社", "双方課金", append(zeros(11), "1", "1")...),
		row("C000003", "ジュチュウ工務店株式会社", "取引先専用", zeros(13)...),
		append([]string{"合計"}, append(append(append([]string{"1"}, zeros(9)...), "2", "2"), "5")...),
	}
	if got := usageTable(r); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("table:\n got %q\nwant %q", got, want)
	}
	if href, _ := r.Doc.Find(`#usage a:contains("C000002")`).Attr("href"); href != "/operator/companies/C000002" {
		t.Errorf("company link %q", href)
	}
	if d := op.Get("/operator/companies/C000002"); d.Status != http.StatusOK || !strings.Contains(d.Body, "双方建材株式会社") {
		t.Errorf("the linked 企業詳細: %d", d.Status)
	}
	if got := r.Text("#count"); got != "3件中1～3件目を表示" {
		t.Errorf("count %q", got)
	}
	exports := r.Doc.Find(".export a").Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("href", "") })
	if len(exports) != 3 || !strings.HasPrefix(exports[0], "/operator/usage/export?") || !strings.Contains(exports[1], "format=csv-sjis") ||
		!strings.Contains(exports[0], "from=2025-05") {
		t.Errorf("export links %q", exports)
	}

	tests := []struct {
		name, query string
		status      int
		rows        []string // the 企業ID of each row
		header      []string
		message     string
	}{
		{"one month", "from=2026-03&to=2026-03", 200, []string{"C000001", "C000002", "C000003", "合計"}, []string{"企業ID", "企業名", "プラン", "2026年3月", "合計"}, ""},
		{"typed as 2026/3 in full width", "from=" + url.QueryEscape("２０２６/３") + "&to=202604", 200, []string{"C000001", "C000002", "C000003", "合計"}, []string{"企業ID", "企業名", "プラン", "2026年3月", "2026年4月", "合計"}, ""},
		{"only the start: a year from it", "from=2025-01", 200, nil, monthsHeader(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 12), ""},
		{"only the end: the year up to it", "to=2025-12", 200, nil, monthsHeader(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 12), ""},
		{"by 企業ID, typed lower case", "id=c000002", 200, []string{"C000002", "合計"}, nil, ""},
		{"by part of the 企業名, in hiragana", "name=" + url.QueryEscape("じゅちゅう"), 200, []string{"C000003", "合計"}, nil, ""},
		{"no company found", "id=C999999", 200, []string{"該当するデータはありません。"}, nil, ""},
		{"no month", "from=2026-13", 422, nil, nil, "年月は「2026-04」の形式で入力してください。"},
		{"backwards", "from=2026-04&to=2026-03", 422, nil, nil, "終了年月には開始年月以降の年月を指定してください。"},
		{"longer than a year", "from=2025-04&to=2026-04", 422, nil, nil, "期間は12か月以内で指定してください。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := op.Get("/operator/usage?" + tt.query)
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d", r.Status, tt.status)
			}
			table := usageTable(r)
			if tt.message != "" {
				if r.Text("#results #search-alert") != tt.message || !strings.Contains(r.Text("form.search .error"), tt.message) {
					t.Errorf("refusal %q / %q", r.Text("#search-alert"), r.Text("form .error"))
				}
				if r.Has(".export a") {
					t.Error("exports offered for a refused search")
				}
				return
			}
			if tt.header != nil && !slices.Equal(table[0], tt.header) {
				t.Errorf("header %q, want %q", table[0], tt.header)
			}
			if tt.rows != nil {
				var ids []string
				for _, row := range table[1:] {
					ids = append(ids, row[0])
				}
				if !slices.Equal(ids, tt.rows) {
					t.Errorf("rows %q, want %q", ids, tt.rows)
				}
			}
		})
	}
}

func TestUsagePager(t *testing.T) {
	env, op := usageWorld(t)
	// 55 companies more, straight into the store: onboarding each would cost more than
	// the test.
	err := env.Server.Store.Update(func(tx *data.Tx) error {
		for i := range 55 {
			c := data.Company{Name: fmt.Sprintf("追加商事%02d株式会社", i), Plan: string(company.PlanOneSide)}
			if err := tx.CreateCompany(&c); err != nil {
				return err
			}
			if _, err := tx.RecordUsage(data.Usage{CompanyID: c.ID, Month: "2026-04", DocumentID: fmt.Sprintf("%010d", 100+i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	first := op.Get("/operator/usage?from=2026-04&to=2026-04")
	if got := first.Text("#count"); got != "58件中1～50件目を表示" {
		t.Errorf("count %q", got)
	}
	if n := first.Doc.Find("#usage tbody tr").Length(); n != 50 {
		t.Errorf("%d rows on page 1", n)
	}
	next, ok := first.Doc.Find(`.pager a:contains("2")`).Attr("href")
	if !ok || !strings.Contains(next, "page=2") || !strings.Contains(next, "from=2026-04") {
		t.Fatalf("pager %q", next)
	}
	second := op.Get(next)
	table := usageTable(second)
	if n := second.Doc.Find("#usage tbody tr").Length(); n != 8 || table[1][0] != "C000051" {
		t.Errorf("page 2: %d rows, first %q", n, table[1][0])
	}
	// 合計 is of every company found, not of the page: 2 of the first three, 55 added.
	if total := table[len(table)-1]; !slices.Equal(total, []string{"合計", "57", "57"}) {
		t.Errorf("合計 on page 2: %q", total)
	}
}

func TestUsageExport(t *testing.T) {
	_, op := usageWorld(t)
	want := [][]string{
		{"企業ID", "企業名", "プラン", "2026年3月", "2026年4月", "合計"},
		{"C000001", "デモ建設株式会社", "片方課金", "2", "1", "3"},
		{"C000002", "双方建材株式会社", "双方課金", "0", "1", "1"},
		{"C000003", "ジュチュウ工務店株式会社", "取引先専用", "0", "0", "0"},
	}
	const q = "/operator/usage/export?from=2026-03&to=2026-04&format="
	stamp := "20260401"

	u := op.Get(q + "csv")
	if u.Status != http.StatusOK || u.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(u.Body, "\uFEFF") {
		t.Fatalf("CSV: %d %q %q", u.Status, u.Header.Get("Content-Type"), u.Body[:min(len(u.Body), 10)])
	}
	if cd := u.Header.Get("Content-Disposition"); !strings.Contains(cd, "filename=usage_"+stamp+".csv;") || !strings.Contains(cd, "''%E5%88%A9%E7%94%A8%E7%8A%B6%E6%B3%81_"+stamp+".csv") {
		t.Errorf("Content-Disposition %q", cd)
	}
	got, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(u.Body, "\uFEFF"))).ReadAll()
	if err != nil || !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("CSV (UTF-8) %q %v", got, err)
	}

	s := op.Get(q + "csv-sjis")
	if s.Status != http.StatusOK || s.Header.Get("Content-Type") != "text/csv; charset=Shift_JIS" {
		t.Fatalf("Shift_JIS: %d %q", s.Status, s.Header.Get("Content-Type"))
	}
	decoded, err := japanese.ShiftJIS.NewDecoder().String(s.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, err = csv.NewReader(strings.NewReader(decoded)).ReadAll()
	if err != nil || !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("CSV (Shift_JIS) %q %v", got, err)
	}

	x := op.Get(q + "xlsx")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
	if err != nil {
		t.Fatalf("Excel: %d %v", x.Status, err)
	}
	defer f.Close()
	rows, err := f.GetRows("利用状況")
	if err != nil || !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("Excel %q %v", rows, err)
	}
	// The counts are numbers Excel sums; the 企業ID stays text.
	if typ, _ := f.GetCellType("利用状況", "D2"); typ == excelize.CellTypeInlineString {
		t.Error("a count is text in the workbook")
	}
	if typ, _ := f.GetCellType("利用状況", "A2"); typ != excelize.CellTypeInlineString {
		t.Errorf("企業ID cell type %v", typ)
	}

	for _, bad := range []string{q + "pdf", "/operator/usage/export?from=2026-13"} {
		if r := op.Get(bad); r.Status != http.StatusBadRequest {
			t.Errorf("GET %s: %d", bad, r.Status)
		}
	}
}

// TestUsageIsTheOperatorsOnly: a company's admin, and nobody logged in, are sent to the
// operator's login; the screen and its file never answer them.
func TestUsageIsTheOperatorsOnly(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	admin, _ := loggedIn(t, env, env.Creds.AdminID, env.Creds.AdminPassword)
	for name, c := range map[string]*webtest.Client{"a company admin": admin, "nobody": env.Client(t)} {
		for _, p := range []string{"/operator/usage", "/operator/usage?id=C000001", "/operator/usage/export?format=csv"} {
			r := c.Get(p)
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/operator/login" || strings.Contains(r.Body, "デモ建設") {
				t.Errorf("%s GET %s: %d %q", name, p, r.Status, r.Header.Get("Location"))
			}
		}
	}
	if r := admin.Get("/"); strings.Contains(r.Doc.Find("nav").Text(), "利用状況") {
		t.Error("the company menu shows 利用状況")
	}
}

// TestUsageCountsWhatReachedThePartnerInItsJapanMonth goes through the screens: a
// document sent at 2026-05-01 00:30 in Japan (still April in UTC) is May's; returned by
// the partner (差戻し) and sent again in June it is still one document, May's. The
// 取引先専用 partner pays nothing.
func TestUsageCountsWhatReachedThePartnerInItsJapanMonth(t *testing.T) {
	w := newContractWorld(t)
	// Sessions do not outlive the clock's jumps: everyone logs in again after each.
	relogin := func() *webtest.Client {
		t.Helper()
		w.sender = w.env.Client(t)
		w.sender.Login(w.env.Creds.AdminID, newPassword)
		w.partner = w.env.Client(t)
		w.partner.Login(w.partnerAdmin, newPassword)
		op := w.env.Client(t)
		op.OperatorLogin()
		return op
	}
	w.env.Clock.Advance(time.Date(2026, 4, 30, 15, 30, 0, 0, time.UTC).Sub(w.env.Clock.Now()))
	op := relogin()
	doc := w.register(t, w.form())
	act := func(c *webtest.Client, action string, f url.Values) {
		t.Helper()
		f.Set("version", c.Get(doc).Doc.Find(`#actions input[name=version]`).AttrOr("value", ""))
		if r := c.Post(doc+"/"+action, f); r.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", action, r.Status, r.Text(".alert"))
		}
	}
	act(w.sender, "sign", url.Values{"password": {w.signingPassword(t)}})
	counts := func(query string) [][]string {
		t.Helper()
		table := usageTable(op.Get("/operator/usage?" + query))
		return table[1 : len(table)-1]
	}
	ids := "&id=" + webtest.DemoCompanyID
	if got := counts("from=2026-04&to=2026-05" + ids); !slices.Equal(got[0][3:], []string{"0", "1", "1"}) {
		t.Errorf("sent at 00:30 on May 1 in Japan: %q", got)
	}
	if got := counts("from=2026-05&to=2026-05&id=" + w.partnerID); !slices.Equal(got[0][3:], []string{"0", "0"}) {
		t.Errorf("the 取引先専用 partner: %q", got)
	}

	act(w.partner, "return", url.Values{"comment": {"金額を確認してください"}})
	w.env.Clock.Advance(time.Date(2026, 5, 31, 15, 30, 0, 0, time.UTC).Sub(w.env.Clock.Now()))
	op = relogin()
	act(w.sender, "submit", url.Values{})
	act(w.sender, "sign", url.Values{"password": {w.signingPassword(t)}})
	if got := w.partner.Get(doc).Text("#doc-status"); got != "受領前承認待ち" {
		t.Fatalf("sent again: %q", got)
	}
	if got := counts("from=2026-05&to=2026-06" + ids); !slices.Equal(got[0][3:], []string{"1", "0", "1"}) {
		t.Errorf("sent again in June: %q", got)
	}
}
