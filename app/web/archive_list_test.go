package web_test

import (
	"bytes"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"

	"inkan/app/locale/jst"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

// archiveWorld is contractListWorld with documents in long-term storage: the records
// as 完了 leaves them (the signing itself is the contract flow's tests' business).
type archiveWorld struct {
	*contractListWorld
	stored map[string]string // 文書管理番号 by name
}

func newArchiveWorld(t *testing.T) *archiveWorld {
	t.Helper()
	w := &archiveWorld{contractListWorld: newContractListWorld(t), stored: map[string]string{}}
	day := func(s string) time.Time {
		d, err := time.ParseInLocation("2006-01-02", s, jst.Zone)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	yen := func(n int64) *int64 { return &n }
	otherID := w.otherID(t)
	docs := []struct {
		name, title, owner, partner, recipient string
		contract, start                        string
		amount                                 *int64
	}{
		{"road", "道路改良工事 請負契約書", w.env.Creds.AdminID, w.partnerID, w.partnerAdmin, "2025-04-01", "2025-04-10", yen(12_000_000)},
		{"bridge", "橋梁補修工事 請負契約書", w.env.Creds.AdminID, w.partnerID, w.partnerAdmin, "2025-06-15", "2025-06-20", yen(3_500_000)},
		{"survey", "測量業務委託契約書", otherID, w.designID, "", "2025-09-01", "2025-09-03", nil},
	}
	err := w.env.Server.Store.Update(func(tx *data.Tx) error {
		for _, s := range docs {
			start := day(s.start)
			sent := start.Add(-time.Hour)
			d := data.Document{
				Title: s.title, Amount: s.amount, ContractDate: day(s.contract), Status: "完了",
				Sender:   data.Party{UserID: s.owner, OrderSide: data.OrderSideBuyer, Route: &data.Route{Signer: data.Step{UserID: s.owner}}},
				Receiver: data.Party{CompanyID: s.partner, UserID: s.recipient},
				SentAt:   &sent, StorageStart: start, StorageEnd: start.AddDate(10, 0, 0), CreatedAt: sent, UpdatedAt: start,
				Revisions: []data.Revision{{File: data.FileRef{SHA256: strings.Repeat("ab", 32), Name: "a.pdf", Size: 1}, Kind: data.RevisionOriginal, At: sent}},
			}
			if err := tx.Tenant(webtest.DemoCompanyID).CreateDocument(&d); err != nil {
				return err
			}
			w.stored[s.name] = d.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// otherID is the 利用者ID of the sender's second user (the 担当者 of "other's").
func (w *archiveWorld) otherID(t *testing.T) string {
	t.Helper()
	var id string
	w.env.Server.Store.View(func(tx *data.Tx) error {
		d, err := tx.Tenant(webtest.DemoCompanyID).Document(w.ids["other's"])
		id = d.Sender.UserID
		return err
	})
	if id == "" {
		t.Fatal("no second user")
	}
	return id
}

func (w *archiveWorld) want(names ...string) []string {
	var out []string
	for _, n := range names {
		id, ok := w.stored[n]
		if !ok {
			id = w.ids[n]
		}
		out = append(out, id)
	}
	return out
}

func query(path string, kv ...string) string {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return path + "?" + v.Encode()
}

// TestArchiveSearchConditions: 長期保管文書 (the user's) and 長期保管文書照会（自社分全て）
// (the admin's) list only stored documents, by the records law's conditions combined:
// 契約締結年月日, 契約金額 and 取引先, and 保管開始日 and 自社担当者.
func TestArchiveSearchConditions(t *testing.T) {
	w := newArchiveWorld(t)
	tests := []struct {
		name string
		c    *webtest.Client
		path string
		want []string
	}{
		{"the admin's, empty: every stored document of the company, newest first", w.sender, "/admin/archive", w.want("survey", "bridge", "road")},
		{"the user's, empty: the stored documents the user took part in", w.sender, "/archive/list", w.want("bridge", "road")},
		{"the other user's", w.other, "/archive/list", w.want("survey")},
		{"契約締結年月日 range", w.sender, query("/admin/archive", "contract_from", "2025-05-01", "contract_to", "2025-12-31"), w.want("survey", "bridge")},
		{"契約締結年月日 on its bounds", w.sender, query("/admin/archive", "contract_from", "2025-04-01", "contract_to", "2025-06-15"), w.want("bridge", "road")},
		{"契約金額 range, typed full width with commas", w.sender, query("/admin/archive", "amount_min", "５，０００，０００"), w.want("road")},
		{"契約金額 upper bound", w.sender, query("/admin/archive", "amount_max", "3500000"), w.want("bridge")},
		{"取引先 with 取引年月日 and 取引金額", w.sender, query("/admin/archive", "partner", w.partnerID, "contract_from", "2025-01-01", "amount_max", "20,000,000"), w.want("bridge", "road")},
		{"保管開始日 range", w.sender, query("/admin/archive", "storage_from", "2025-06-01", "storage_to", "2025-06-30"), w.want("bridge")},
		{"自社担当者", w.sender, query("/admin/archive", "owner", strings.ToLower(w.otherID(t))), w.want("survey")},
		{"契約文書名称 in part", w.sender, query("/admin/archive", "title", "工事"), w.want("bridge", "road")},
		{"the partner sees the documents it is a party to", w.partner, "/admin/archive", w.want("bridge", "road")},
		{"a third company sees none", w.third, "/admin/archive", nil},
		{"契約文書照会（自社分全て）: every document of the company not stored", w.sender, "/admin/documents", w.want("other's", "cancelled", "design", "signing", "draft")},
		{"契約文書照会 does not list stored documents", w.sender, "/contracts/list", w.want("cancelled", "design", "signing", "draft")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.c.Get(tc.path)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d", tc.path, r.Status)
			}
			if got := rowIDs(r); !slices.Equal(got, tc.want) {
				t.Errorf("%s lists %v, want %v", tc.path, got, tc.want)
			}
		})
	}
}

// TestArchiveListColumns: the manual's columns, 自社担当者名 beside its ID, and the
// dates of storage.
func TestArchiveListColumns(t *testing.T) {
	w := newArchiveWorld(t)
	r := w.sender.Get(query("/admin/archive", "number", w.stored["road"]))
	var heads []string
	for _, th := range r.Doc.Find("#documents thead th").EachIter() {
		heads = append(heads, strings.TrimSpace(th.Text()))
	}
	wantHeads := []string{"No", "文書管理番号", "契約文書名称", "取引先企業名", "取引先 受発注区分", "保管開始日", "保管期限", "自社 担当者ID", "自社担当者名"}
	if !slices.Equal(heads, wantHeads) {
		t.Errorf("columns %q, want %q", heads, wantHeads)
	}
	var cells []string
	for _, td := range r.Doc.Find("#documents tbody td").EachIter() {
		cells = append(cells, strings.TrimSpace(td.Text()))
	}
	want := []string{"1", w.stored["road"], "道路改良工事 請負契約書", "受注工務店株式会社", "受注側", "2025/04/10", "2035/04/10", w.env.Creds.AdminID}
	if len(cells) != len(wantHeads) || !slices.Equal(cells[:len(want)], want) || cells[len(want)] == "" {
		t.Errorf("row %q, want %q and the user's name", cells, want)
	}
}

// TestDocumentListsSortByTheColumnHeaders: a header orders the result by its column,
// descending first, and the current one turns the order round.
func TestDocumentListsSortByTheColumnHeaders(t *testing.T) {
	w := newArchiveWorld(t)
	r := w.sender.Get("/admin/archive")
	link, ok := r.Doc.Find(`#documents thead a:contains("保管開始日")`).Attr("href")
	if !ok {
		t.Fatal("保管開始日 is not sortable")
	}
	r = w.sender.Get(link)
	if got := rowIDs(r); !slices.Equal(got, w.want("survey", "bridge", "road")) {
		t.Errorf("by 保管開始日, newest first: %v", got)
	}
	if s, _ := r.Doc.Find(`#documents thead th:contains("保管開始日")`).Attr("aria-sort"); s != "descending" {
		t.Errorf("aria-sort %q", s)
	}
	link, _ = r.Doc.Find(`#documents thead a:contains("保管開始日")`).Attr("href")
	if got := rowIDs(w.sender.Get(link)); !slices.Equal(got, w.want("road", "bridge", "survey")) {
		t.Errorf("by 保管開始日 turned round: %v", got)
	}
	// 取引先企業名 sorts by the name the company has now: renamed, the second partner
	// (a higher 企業ID) comes first.
	byName := query("/admin/archive", "sort", "counterparty", "order", "asc")
	if got := rowIDs(w.sender.Get(byName)); !slices.Equal(got, w.want("bridge", "road", "survey")) {
		t.Errorf("by 取引先企業名: %v", got)
	}
	err := w.env.Server.Store.Update(func(tx *data.Tx) error {
		c, err := tx.Company(w.designID)
		if err != nil {
			return err
		}
		c.Name = "あおば設計株式会社"
		return tx.PutCompany(c)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := rowIDs(w.sender.Get(byName)); !slices.Equal(got, w.want("survey", "bridge", "road")) {
		t.Errorf("by 取引先企業名 after a rename: %v", got)
	}
	r = w.sender.Get(query("/admin/documents", "sort", "title", "order", "asc", "status", "下書き"))
	if got := rowIDs(r); !slices.Equal(got, w.want("other's", "draft", "design")) { // 別, 工, 設
		t.Errorf("drafts by 契約文書名称: %v", got)
	}
}

// TestArchiveListRefusesBadConditions: a date or an amount that is none is said beside
// its field, on the same screen.
func TestArchiveListRefusesBadConditions(t *testing.T) {
	w := newArchiveWorld(t)
	r := w.sender.Get(query("/admin/archive", "contract_from", "2025-13-40", "amount_max", "12,34"))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Text("#search-alert"), "検索条件に誤りがあります") {
		t.Fatalf("bad conditions: %d %q", r.Status, r.Text("#search-alert"))
	}
	if msg := r.Doc.Find(`[name=contract_from]`).Closest(".field").Text(); !strings.Contains(msg, "日付の形式") {
		t.Errorf("no message beside the date: %q", msg)
	}
	if msg := r.Doc.Find(`[name=amount_max]`).Closest(".field").Text(); !strings.Contains(msg, "円単位") {
		t.Errorf("no message beside the amount: %q", msg)
	}
	if r := w.sender.Get(query("/admin/archive/export", "format", "csv", "contract_from", "yesterday")); r.Status != http.StatusBadRequest {
		t.Errorf("export with a bad date: %d", r.Status)
	}
}

// TestArchiveExports: the whole result of the search on screen, in the three formats;
// the admin's export is the company's, the user's only theirs.
func TestArchiveExports(t *testing.T) {
	w := newArchiveWorld(t)
	r := w.sender.Get(query("/admin/archive", "title", "工事"))
	href, ok := r.Doc.Find(`.export a:contains("CSV")`).First().Attr("href")
	if !ok || !strings.HasPrefix(href, "/admin/archive/export?") || !strings.Contains(href, "title=") {
		t.Fatalf("export link %q", href)
	}
	c := w.sender.Get(href)
	if c.Status != http.StatusOK || !strings.HasPrefix(c.Body, "\ufeff") {
		t.Fatalf("csv: %d", c.Status)
	}
	rows := readCSV(t, strings.TrimPrefix(c.Body, "\ufeff"))
	if len(rows) != 3 || rows[0][1] != "文書管理番号" || rows[1][1] != w.stored["bridge"] || rows[2][2] != "道路改良工事 請負契約書" {
		t.Errorf("csv rows %q", rows)
	}

	sj := w.sender.Get(query("/admin/archive/export", "format", "csv-sjis"))
	decoded, err := japanese.ShiftJIS.NewDecoder().String(sj.Body)
	if err != nil {
		t.Fatal(err)
	}
	if rows := readCSV(t, decoded); len(rows) != 4 || rows[1][2] != "測量業務委託契約書" {
		t.Errorf("Shift_JIS rows %q", rows)
	}

	x := w.sender.Get(query("/archive/list/export", "format", "xlsx"))
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	xrows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(xrows) != 3 || xrows[1][1] != w.stored["bridge"] || xrows[2][1] != w.stored["road"] {
		t.Errorf("the user's xlsx rows %q", xrows)
	}
	if r := w.third.Get(query("/admin/archive/export", "format", "csv")); len(readCSV(t, strings.TrimPrefix(r.Body, "\ufeff"))) != 1 {
		t.Errorf("a third company's export has rows: %q", r.Body)
	}
}

// TestCompanyListsAreTheAdmins: a general user may not open the 自社分全て lists.
func TestCompanyListsAreTheAdmins(t *testing.T) {
	w := newArchiveWorld(t)
	for _, path := range []string{"/admin/documents", "/admin/archive", "/admin/archive/export?format=csv"} {
		if r := w.other.Get(path); r.Status == http.StatusOK {
			t.Errorf("a general user opened %s", path)
		}
	}
}

// TestPartnerPicker: the admin's lists choose 取引先企業 from the companies the company
// has exchanged documents with, by name or 企業ID in part; no other company is ever
// listed or chosen.
func TestPartnerPicker(t *testing.T) {
	w := newArchiveWorld(t)
	r := w.sender.Get("/admin/archive")
	if r.Doc.Find(`#partner-picker summary:contains("参照")`).Length() != 1 || r.Doc.Find(`#partner-picker button:contains("クリア")`).Length() != 1 {
		t.Fatal("no 参照 and クリア for 取引先企業")
	}
	ids := func(r *webtest.Response) []string {
		var out []string
		for _, in := range r.Doc.Find(`input[name=pick_partner]`).EachIter() {
			v, _ := in.Attr("value")
			out = append(out, v)
		}
		return out
	}
	// The sender sent to both partners (one only a draft so far, which names none).
	if got := ids(w.sender.Get("/admin/partners/pick")); !slices.Equal(got, []string{w.partnerID, w.designID}) && !slices.Equal(got, []string{w.designID, w.partnerID}) {
		t.Errorf("partners %v, want %s and %s", got, w.partnerID, w.designID)
	}
	if got := ids(w.sender.Get(query("/admin/partners/pick", "pick_partner_name", "工務店"))); !slices.Equal(got, []string{w.partnerID}) {
		t.Errorf("by name: %v", got)
	}
	if got := ids(w.sender.Get(query("/admin/partners/pick", "pick_partner_id", strings.ToLower(w.designID)))); !slices.Equal(got, []string{w.designID}) {
		t.Errorf("by 企業ID: %v", got)
	}
	if got := ids(w.third.Get("/admin/partners/pick")); len(got) != 0 {
		t.Errorf("a third company's picker lists %v", got)
	}
	chosen := w.sender.Get(query("/admin/partners/choose", "pick_partner", w.partnerID))
	if v, _ := chosen.Doc.Find(`input[name=partner]`).Attr("value"); v != w.partnerID || !strings.Contains(chosen.Text("#partner-name"), "受注工務店株式会社") {
		t.Errorf("chosen: %q %q", v, chosen.Text("#partner-name"))
	}
	if r := w.third.Get(query("/admin/partners/choose", "pick_partner", w.partnerID)); r.Status != http.StatusNotFound {
		t.Errorf("a third company chose another's partner: %d", r.Status)
	}
	if v, _ := w.sender.Get("/admin/partners/choose").Doc.Find(`input[name=partner]`).Attr("value"); v != "" {
		t.Errorf("クリア left %q", v)
	}
	if r := w.other.Get("/admin/partners/pick"); r.Status == http.StatusOK {
		t.Error("a general user opened the admin's picker")
	}
	// The list searched with the chosen company names it beside the ID.
	r = w.sender.Get(query("/admin/archive", "partner", w.partnerID))
	if got := rowIDs(r); !slices.Equal(got, w.want("bridge", "road")) || !strings.Contains(r.Text("#partner-name"), "受注工務店株式会社") {
		t.Errorf("searched by the chosen partner: %v, %q", got, r.Text("#partner-name"))
	}
}

// TestOwnerPicker: the admin's 長期保管文書照会 chooses 自社担当者 with 利用者選択
// (（選択してください）), and the search finds that user's documents.
func TestOwnerPicker(t *testing.T) {
	w := newArchiveWorld(t)
	r := w.sender.Get("/admin/archive")
	if r.Doc.Find(`#owner-picker summary:contains("（選択してください）")`).Length() != 1 {
		t.Fatal("no （選択してください） for 自社担当者")
	}
	other := w.otherID(t)
	found := w.sender.Get(query("/admin/certificates/users/pick", "field", "owner", "pick_id", other))
	if found.Doc.Find(`input[name=pick][value="`+other+`/0"]`).Length() != 1 {
		t.Fatalf("利用者選択 does not find %s", other)
	}
	chosen := w.sender.Get(query("/admin/certificates/users/choose", "field", "owner", "pick", other+"/0"))
	if v, _ := chosen.Doc.Find(`input[name=owner]`).Attr("value"); v != other || chosen.Doc.Find(`input[name^=owner_]`).Length() != 0 {
		t.Errorf("chosen %q, a never renamed user with a period: %d", v, chosen.Doc.Find(`input[name^=owner_]`).Length())
	}
	r = w.sender.Get(query("/admin/archive", "owner", other))
	if got := rowIDs(r); !slices.Equal(got, w.want("survey")) || r.Text("#owner-name") == "" {
		t.Errorf("searched by the chosen 自社担当者: %v, name %q", got, r.Text("#owner-name"))
	}
}

// ownerNames are the 自社担当者名 of the result table by 文書管理番号.
func ownerNames(r *webtest.Response) map[string]string {
	out := map[string]string{}
	for _, tr := range r.Doc.Find("#documents tbody tr").EachIter() {
		out[strings.TrimSpace(tr.Find("a").Text())] = strings.TrimSpace(tr.Find("td").Last().Text())
	}
	return out
}

// TestOwnerRenamed: one 利用者ID passed to another person by a change of 氏名 (manual,
// 長期保管文書照会: 担当者変更等). 利用者選択 lists the ID once per name with its period,
// deleted IDs too; choosing the former name finds only the documents taken before the
// change, and the rows and the CSV name each document's 自社担当者 as they were called
// when they took it. Another company's users are never listed nor chosen.
func TestOwnerRenamed(t *testing.T) {
	w := newArchiveWorld(t)
	admin, other := w.env.Creds.AdminID, w.otherID(t)
	created := time.Date(2025, 1, 6, 9, 0, 0, 0, jst.Zone)
	change := time.Date(2025, 5, 1, 10, 0, 0, 0, jst.Zone) // after "road" was registered, before "bridge"
	var former, otherName string
	err := w.env.Server.Store.Update(func(tx *data.Tx) error {
		tn := tx.Tenant(webtest.DemoCompanyID)
		u, err := tn.User(admin)
		if err != nil {
			return err
		}
		former = u.Name
		u.Name, u.Kana, u.CreatedAt, u.UpdatedAt = "後任 花子", "コウニン ハナコ", created, change
		if err := tn.PutUser(u); err != nil {
			return err
		}
		// The other user has left: deleted, their document stays in storage.
		if u, err = tn.User(other); err != nil {
			return err
		}
		otherName, u.Status = u.Name, "deleted"
		return tn.PutUser(u)
	})
	if err != nil {
		t.Fatal(err)
	}

	picks := func(r *webtest.Response) map[string]string {
		out := map[string]string{}
		for _, tr := range r.Doc.Find(`#owner-pick-results tbody tr`).EachIter() {
			if v, ok := tr.Find(`input[name=pick]`).Attr("value"); ok {
				out[v] = strings.TrimSpace(tr.Find("td").Eq(2).Text()) + " " + strings.TrimSpace(tr.Find("td").Eq(4).Text())
			}
		}
		return out
	}
	listed := picks(w.sender.Get(query("/admin/certificates/users/pick", "field", "owner")))
	for value, want := range map[string]string{
		admin + "/0": former + " 2025/01/06～2025/05/01",
		admin + "/1": "後任 花子 2025/05/01～現在",
		other + "/0": otherName + " ",
	} {
		if got, ok := listed[value]; !ok || !strings.HasPrefix(got, want) {
			t.Errorf("利用者選択 row %s: %q, want %q", value, got, want)
		}
	}
	if got := picks(w.sender.Get(query("/admin/certificates/users/pick", "field", "owner", "pick_name", former))); len(got) != 1 || got[admin+"/0"] == "" {
		t.Errorf("by the former name: %v", got)
	}
	if got := picks(w.sender.Get(query("/admin/certificates/users/pick", "field", "owner", "pick_kana", "コウニン"))); len(got) != 1 || got[admin+"/1"] == "" {
		t.Errorf("by the current カナ: %v", got)
	}
	// The other companies' pickers list their own users only, and cannot choose ours.
	for name, c := range map[string]*webtest.Client{"partner": w.partner, "third": w.third} {
		for value := range picks(c.Get(query("/admin/certificates/users/pick", "field", "owner"))) {
			if strings.HasPrefix(value, admin+"/") || strings.HasPrefix(value, other+"/") {
				t.Errorf("the %s company's picker lists %s", name, value)
			}
		}
		if r := c.Get(query("/admin/certificates/users/choose", "field", "owner", "pick", admin+"/0")); r.Status != http.StatusNotFound {
			t.Errorf("the %s company chose our user: %d", name, r.Status)
		}
	}
	if r := w.sender.Get(query("/admin/certificates/users/choose", "field", "owner", "pick", admin+"/2")); r.Status != http.StatusNotFound {
		t.Errorf("a name the user never had: %d", r.Status)
	}

	// 選択 of the former name: the ID, that name and its period, sent with the search.
	chosen := w.sender.Get(query("/admin/certificates/users/choose", "field", "owner", "pick", admin+"/0"))
	hidden := func(r *webtest.Response, name string) string {
		return r.Doc.Find(`#owner-chosen input[name=`+name+`]`).AttrOr("value", "")
	}
	if hidden(chosen, "owner") != admin || hidden(chosen, "owner_from") != "" || hidden(chosen, "owner_to") != "2025-05-01" ||
		chosen.Text("#owner-name") != former || chosen.Text("#owner-period") != "2025/01/06～2025/05/01" {
		t.Errorf("chosen former name: %q %q～%q %q %q", hidden(chosen, "owner"), hidden(chosen, "owner_from"), hidden(chosen, "owner_to"), chosen.Text("#owner-name"), chosen.Text("#owner-period"))
	}
	current := w.sender.Get(query("/admin/certificates/users/choose", "field", "owner", "pick", admin+"/1"))
	if hidden(current, "owner_from") != "2025-05-01" || hidden(current, "owner_to") != "" || current.Text("#owner-name") != "後任 花子" {
		t.Errorf("chosen current name: %q～%q %q", hidden(current, "owner_from"), hidden(current, "owner_to"), current.Text("#owner-name"))
	}
	// A deleted user can be chosen: their documents remain.
	if r := w.sender.Get(query("/admin/certificates/users/choose", "field", "owner", "pick", other+"/0")); r.Text("#owner-name") != otherName {
		t.Errorf("a deleted user chosen: %d %q", r.Status, r.Text("#owner-name"))
	}
	cleared := w.sender.Get(query("/admin/certificates/users/choose", "field", "owner"))
	if cleared.Doc.Find(`#owner-chosen input[name^=owner]`).Length() != 1 || hidden(cleared, "owner") != "" {
		t.Errorf("クリア left %d inputs, owner %q", cleared.Doc.Find(`#owner-chosen input[name^=owner]`).Length(), hidden(cleared, "owner"))
	}

	tests := []struct {
		name  string
		path  string
		want  map[string]string // 自社担当者名 by document
		shown string            // the picker's name
	}{
		{"the former name: the documents taken before the change", query("/admin/archive", "owner", admin, "owner_to", "2025-05-01"),
			map[string]string{w.stored["road"]: former}, former},
		{"the current name: those taken since", query("/admin/archive", "owner", admin, "owner_from", "2025-05-01"),
			map[string]string{w.stored["bridge"]: "後任 花子"}, "後任 花子"},
		{"the ID typed by hand: all of them, each under the name of its time", query("/admin/archive", "owner", strings.ToLower(admin)),
			map[string]string{w.stored["road"]: former, w.stored["bridge"]: "後任 花子"}, "後任 花子"},
		{"a deleted user's documents keep the name", query("/admin/archive", "owner", other),
			map[string]string{w.stored["survey"]: otherName}, otherName},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := w.sender.Get(tc.path)
			if got := ownerNames(r); r.Status != http.StatusOK || !maps.Equal(got, tc.want) {
				t.Errorf("%d %v, want %v", r.Status, got, tc.want)
			}
			if got := r.Text("#owner-name"); got != tc.shown {
				t.Errorf("the picker shows %q, want %q", got, tc.shown)
			}
			// The export repeats the period (paging and the headers write the same Values).
			href := r.Doc.Find(`.export a:contains("CSV")`).First().AttrOr("href", "")
			asked, _ := url.Parse(tc.path)
			link, _ := url.Parse(href)
			for _, k := range []string{"owner_from", "owner_to"} {
				if link.Query().Get(k) != asked.Query().Get(k) {
					t.Errorf("export link %q loses %s", href, k)
				}
			}
			rows := readCSV(t, strings.TrimPrefix(w.sender.Get(href).Body, "\ufeff"))
			got := map[string]string{}
			for _, row := range rows[1:] {
				got[row[1]] = row[len(row)-1]
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("csv %v, want %v", got, tc.want)
			}
		})
	}
	// The receiver's 自社担当者名 is its 受取担当者's at the document's arrival.
	if got := ownerNames(w.partner.Get("/admin/archive")); len(got) != 2 || got[w.stored["road"]] == "" || got[w.stored["road"]] != got[w.stored["bridge"]] {
		t.Errorf("the receiver's names: %v", got)
	}
	if r := w.sender.Get(query("/admin/archive", "owner", admin, "owner_from", "2025/05/01")); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("a period that is no date: %d", r.Status)
	}
}
