package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"inkan/app/domain/account"
	"inkan/app/domain/company"
	"inkan/app/domain/contract"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

// listed is the row of document id in c's 契約文書照会 (the empty form), or "" when the
// list does not show it.
func listed(t *testing.T, c *webtest.Client, id string) string {
	t.Helper()
	r := c.Get("/contracts/list")
	if r.Status != http.StatusOK {
		t.Fatalf("契約文書照会: %d", r.Status)
	}
	row := r.Doc.Find(`#documents a[href="/documents/` + id + `"]`).Closest("tr")
	return strings.TrimSpace(row.Text())
}

// TestContractListFollowsEveryStep takes a document through the whole flow on the
// screens and asks, after each step, whose 契約文書照会 lists it and with what status:
// every step commits a "to index" mark with the change, and the list sees it.
func TestContractListFollowsEveryStep(t *testing.T) {
	w := newContractWorld(t)
	w.certifyPartnerAdmin(t)
	user := func(companyID, name string) (string, *webtest.Client) {
		id, pw := w.env.AddUser(t, companyID, account.RoleGeneral, name)
		c, _ := loggedIn(t, w.env, id, pw)
		return id, c
	}
	approverID, approver := user(webtest.DemoCompanyID, "承認 一郎")
	_, bystander := user(webtest.DemoCompanyID, "無関係 四郎")
	receiverApproverID, receiverApprover := user(w.partnerID, "受領 承認者")
	_, receiverBystander := user(w.partnerID, "無関係 五郎")
	clients := map[string]*webtest.Client{
		"sender's 担当者 and signer": w.sender, "sender's approver": approver, "sender's bystander": bystander,
		"受取担当者 and receiver's signer": w.partner, "receiver's approver": receiverApprover,
		"receiver's bystander": receiverBystander, "third company": w.third,
	}
	doc := w.register(t, w.form(approverID))
	id := strings.TrimPrefix(doc, "/documents/")
	act := func(c *webtest.Client, action string, f url.Values) {
		t.Helper()
		if f == nil {
			f = url.Values{}
		}
		f.Set("version", c.Get(doc).Doc.Find(`#actions input[name=version]`).AttrOr("value", ""))
		if r := c.Post(doc+"/"+action, f); r.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", action, r.Status, r.Text(".alert"))
		}
	}
	steps := []struct {
		name   string
		do     func()
		status string   // as the lists show it; "" when nobody lists it
		seenBy []string // the clients whose list shows it
	}{
		{"確定: the sender's route", func() {}, "承認待ち", []string{"sender's 担当者 and signer", "sender's approver"}},
		{"承認", func() { act(approver, "approve", nil) }, "署名待ち", []string{"sender's 担当者 and signer", "sender's approver"}},
		{"署名: sent", func() { act(w.sender, "sign", url.Values{"password": {w.signingPassword(t)}}) }, "受領前承認待ち",
			[]string{"sender's 担当者 and signer", "sender's approver", "受取担当者 and receiver's signer"}},
		{"受領: the receiver's route", func() {
			act(w.partner, "receive", url.Values{"approver": {receiverApproverID}, "signer": {w.partnerAdmin}})
		}, "受領前承認待ち", []string{"sender's 担当者 and signer", "sender's approver", "受取担当者 and receiver's signer", "receiver's approver"}},
		{"受領前承認", func() { act(receiverApprover, "approve_receipt", nil) }, "署名待ち",
			[]string{"sender's 担当者 and signer", "sender's approver", "受取担当者 and receiver's signer", "receiver's approver"}},
		{"the receiver's 署名", func() { act(w.partner, "sign", url.Values{"password": {w.signingPassword(t)}}) }, "完了待ち",
			[]string{"sender's 担当者 and signer", "sender's approver", "受取担当者 and receiver's signer", "receiver's approver"}},
		// Stored documents are 長期保管文書's: 契約文書照会 lists those before the move.
		{"完了: long-term storage", func() { act(w.sender, "complete", nil) }, "", nil},
	}
	for _, st := range steps {
		st.do()
		for name, c := range clients {
			row := listed(t, c, id)
			switch want := slices.Contains(st.seenBy, name); {
			case want && !strings.Contains(row, st.status):
				t.Errorf("after %s: %s's list shows %q, want the document %s", st.name, name, row, st.status)
			case !want && row != "":
				t.Errorf("after %s: %s's list shows %q", st.name, name, row)
			}
		}
	}
}

// contractListWorld is a sender with documents in several states, partners and
// departments, registered through the contract service (the screens are
// TestContractListFollowsEveryStep's).
type contractListWorld struct {
	*contractWorld
	designID string            // a second partner
	ids      map[string]string // 文書管理番号 by name
	other    *webtest.Client   // a general user of the sender, 担当者 of "other's"
}

func newContractListWorld(t *testing.T) *contractListWorld {
	t.Helper()
	w := &contractListWorld{contractWorld: newContractWorld(t), ids: map[string]string{}}
	w.designID, _, _ = w.env.AddCompany(t, "設計事務所株式会社", company.PlanPartnerOnly)
	otherID, otherPW := w.env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "別の 担当者")
	w.other, _ = loggedIn(t, w.env, otherID, otherPW)
	admin := contract.Actor{CompanyID: webtest.DemoCompanyID, UserID: w.env.Creds.AdminID}
	contracts := w.env.Server.Contracts
	pdf, err := contracts.PutPDF("a.pdf", contractPDF(t))
	if err != nil {
		t.Fatal(err)
	}
	docs := []struct {
		name   string
		by     contract.Actor
		in     contract.Input
		submit bool
		cancel bool
	}{
		{"draft", admin, contract.Input{Title: "工事請負契約書", GroupTag: "本社案件", PartnerID: w.partnerID, PartnerDept: "工務部", OrderSide: data.OrderSideBuyer}, false, false},
		{"signing", admin, contract.Input{Title: "ＡＢＣビル新築工事 注文書", GroupTag: "支店案件", PartnerID: w.partnerID, PartnerDept: "購買課",
			RecipientID: w.partnerAdmin, Signer: w.env.Creds.AdminID, OrderSide: data.OrderSideSeller}, true, false},
		{"design", admin, contract.Input{Title: "設計業務委託契約書", GroupTag: "本社案件", PartnerID: w.designID, PartnerDept: "設計部"}, false, false},
		{"cancelled", admin, contract.Input{Title: "取消した覚書", PartnerID: w.partnerID, PartnerDept: "工務部"}, false, true},
		{"other's", contract.Actor{CompanyID: webtest.DemoCompanyID, UserID: otherID}, contract.Input{Title: "別担当の契約書", GroupTag: "本社案件", PartnerID: w.partnerID}, false, false},
	}
	err = w.env.Server.Store.Update(func(tx *data.Tx) error {
		for _, d := range docs {
			doc, err := contracts.Register(tx, d.by, d.in, pdf)
			if err != nil {
				return fmt.Errorf("%s: %w", d.name, err)
			}
			if d.submit {
				doc, err = contracts.Submit(tx, d.by, doc.ID, doc.Version)
			}
			if d.cancel {
				doc, err = contracts.Cancel(tx, d.by, doc.ID, doc.Version, "")
			}
			if err != nil {
				return fmt.Errorf("%s: %w", d.name, err)
			}
			w.ids[d.name] = doc.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// rowIDs are the 文書管理番号 of the result table, in order.
func rowIDs(r *webtest.Response) []string {
	var out []string
	r.Doc.Find("#documents tbody a").Each(func(_ int, a *goquery.Selection) { out = append(out, a.Text()) })
	return out
}

func TestContractListSearchConditions(t *testing.T) {
	w := newContractListWorld(t)
	id := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, w.ids[n])
		}
		return out
	}
	q := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return "/contracts/list?" + v.Encode()
	}
	tests := []struct {
		name  string
		c     *webtest.Client
		path  string
		want  []string
		count string
	}{
		{"empty form: every document the user takes part in, newest first", w.sender, q(), id("cancelled", "design", "signing", "draft"), "4件中1～4件目を表示"},
		{"文書管理番号 without its zeros", w.sender, q("number", strings.TrimLeft(w.ids["signing"], "0")), id("signing"), "1件中1～1件目を表示"},
		{"文書管理番号 of a document the user takes no part in", w.sender, q("number", w.ids["other's"]), nil, ""},
		{"契約文書名称 in part, typed in another width and case", w.sender, q("title", "ａｂｃ"), id("signing"), "1件中1～1件目を表示"},
		{"契約文書名称 in part", w.sender, q("title", "契約書"), id("design", "draft"), "2件中1～2件目を表示"},
		{"取引先企業 by its ID, typed in lower case", w.sender, q("partner", strings.ToLower(w.designID)), id("design"), "1件中1～1件目を表示"},
		{"取引先部署名 in part", w.sender, q("dept", "工務"), id("cancelled", "draft"), "2件中1～2件目を表示"},
		{"ステータス", w.sender, q("status", "署名待ち"), id("signing"), "1件中1～1件目を表示"},
		{"ステータス 取消", w.sender, q("status", "取消"), id("cancelled"), "1件中1～1件目を表示"},
		{"a status the select does not offer is no condition", w.sender, q("status", "bogus"), id("cancelled", "design", "signing", "draft"), "4件中1～4件目を表示"},
		{"グループタグ in part", w.sender, q("group_tag", "本社"), id("design", "draft"), "2件中1～2件目を表示"},
		{"conditions together", w.sender, q("title", "契約", "group_tag", "本社", "partner", w.partnerID), id("draft"), "1件中1～1件目を表示"},
		{"nothing matches", w.sender, q("title", "契約", "group_tag", "支店"), nil, ""},
		{"another user of the company sees only theirs", w.other, q(), id("other's"), "1件中1～1件目を表示"},
		{"the partner sees nothing it was not sent", w.partner, q(), nil, ""},
		{"a third company gets nothing, even by number", w.third, q("number", w.ids["signing"]), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.c.Get(tt.path)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d", r.Status)
			}
			if got := rowIDs(r); strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("rows %v, want %v", got, tt.want)
			}
			if got := r.Text("#count"); got != tt.count {
				t.Errorf("count line %q, want %q", got, tt.count)
			}
			if len(tt.want) == 0 && !strings.Contains(r.Text("#documents"), "該当する契約文書はありません") {
				t.Errorf("no rows and no message: %q", r.Text("#documents"))
			}
		})
	}
	// The row: 取引先企業名, 取引先 受発注区分 (the partner's side: we sell, it orders),
	// the status with whose turn it is, and the 担当者.
	r := w.sender.Get(q("status", "署名待ち"))
	cells := r.Doc.Find("#documents tbody tr td").Map(func(_ int, s *goquery.Selection) string { return strings.TrimSpace(s.Text()) })
	want := []string{"1", w.ids["signing"], "ＡＢＣビル新築工事 注文書", "受注工務店株式会社", "発注側", "署名待ち", "署名者", w.env.Creds.AdminID}
	if len(cells) < len(want) || strings.Join(cells[:len(want)], "|") != strings.Join(want, "|") {
		t.Errorf("row %q, want %q", cells, want)
	}
	// The form keeps what was typed; ステータス is the contract's one list.
	r = w.sender.Get(q("title", "工事", "status", "取消"))
	if got := r.Doc.Find(`input[name=title]`).AttrOr("value", ""); got != "工事" {
		t.Errorf("the title field holds %q", got)
	}
	if got := r.Doc.Find(`select[name=status] option[selected]`).Text(); got != "取消" {
		t.Errorf("the status select has %q chosen", got)
	}
	if n, first := r.Doc.Find(`select[name=status] option`).Length(), r.Doc.Find(`select[name=status] option`).First().Text(); n != len(contract.Statuses)+1 || first != "（選択してください）" {
		t.Errorf("the status select has %d options, the first %q", n, first)
	}
}

func TestContractListRefusesAnOverLongCondition(t *testing.T) {
	w := newContractWorld(t)
	r := w.sender.Get("/contracts/list?title=" + url.QueryEscape(strings.Repeat("契", contract.MaxTitle+1)))
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Text("#search-alert"), "検索条件に誤りがあります") {
		t.Fatalf("over-long title: %d %q", r.Status, r.Text("#search-alert"))
	}
	if msg := r.Doc.Find(`[name=title]`).Closest(".field").Text(); !strings.Contains(msg, "文字数を超えています") {
		t.Errorf("no message beside the title: %q", msg)
	}
}

func TestContractListPages(t *testing.T) {
	w := newContractWorld(t)
	admin := contract.Actor{CompanyID: webtest.DemoCompanyID, UserID: w.env.Creds.AdminID}
	pdf, err := w.env.Server.Contracts.PutPDF("a.pdf", contractPDF(t))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	err = w.env.Server.Store.Update(func(tx *data.Tx) error {
		for i := 1; i <= 2*contract.PageSize+20; i++ {
			title := fmt.Sprintf("工事請負契約書 %03d", i)
			if i%2 == 0 {
				title = fmt.Sprintf("注文書 %03d", i)
			}
			d, err := w.env.Server.Contracts.Register(tx, admin, contract.Input{Title: title, PartnerID: w.partnerID}, pdf)
			ids = append(ids, d.ID)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	newest := func(i int) string { return ids[len(ids)-i] } // the i-th newest, from 1
	tests := []struct {
		name, query, count, first string
		firstNo                   string
		rows                      int
	}{
		{"first page", "", "120件中1～50件目を表示", newest(1), "1", 50},
		{"second page", "page=2", "120件中51～100件目を表示", newest(51), "51", 50},
		{"last page", "page=3", "120件中101～120件目を表示", newest(101), "101", 20},
		{"a page past the end is the last", "page=9", "120件中101～120件目を表示", newest(101), "101", 20},
		{"a page that is no number is the first", "page=x", "120件中1～50件目を表示", newest(1), "1", 50},
		{"a search has pages of its own", "title=" + url.QueryEscape("注文書") + "&page=2", "60件中51～60件目を表示", "", "51", 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := w.sender.Get("/contracts/list?" + tt.query)
			if got := r.Text("#count"); got != tt.count {
				t.Errorf("count line %q, want %q", got, tt.count)
			}
			got := rowIDs(r)
			if len(got) != tt.rows || tt.first != "" && got[0] != tt.first {
				t.Errorf("%d rows from %v, want %d from %s", len(got), got[:min(1, len(got))], tt.rows, tt.first)
			}
			if no := r.Text("#documents tbody td"); no != tt.firstNo {
				t.Errorf("the first row is No %q, want %q", no, tt.firstNo)
			}
		})
	}
	// The pager repeats the search; htmx asks for the result part alone.
	r := w.sender.Get("/contracts/list?title=" + url.QueryEscape("注文書"))
	if href := r.Doc.Find(`nav.pager a`).First().AttrOr("href", ""); href != "/contracts/list?page=2&title="+url.QueryEscape("注文書") {
		t.Errorf("pager link %q does not repeat the search", href)
	}
	frag := w.sender.Do(http.MethodGet, "/contracts/list?page=2", nil, http.Header{"Hx-Request": {"true"}})
	if !frag.Has("#results") || frag.Has("nav .menu") || frag.Text("#count") != "120件中51～100件目を表示" {
		t.Errorf("htmx request got a whole page or no result:\n%.300s", frag.Body)
	}
	// Reload and Back ask for the pushed address as a whole page.
	if full := w.sender.Get("/contracts/list?page=2"); !full.Has("nav .menu") || !full.Has("form#contract-search") {
		t.Error("the pushed address is not a whole page")
	}
}

// マイリスト shows the newest documents waiting for the user, at most
// contract.MyListLimit, and says how many there are when there are more.
func TestMyListShowsTheNewestAndCountsTheRest(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	admin := env.Creds.AdminID
	n := contract.MyListLimit + 2
	err := env.Server.Store.Update(func(tx *data.Tx) error {
		for i := range n {
			d := data.Document{Title: fmt.Sprintf("下書き %03d", i), Status: string(contract.StatusDraft),
				Sender: data.Party{UserID: admin}, CreatedAt: env.Clock.Now(), UpdatedAt: env.Clock.Now()}
			if err := tx.Tenant(webtest.DemoCompanyID).CreateDocument(&d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := env.Client(t)
	c.Login(admin, env.Creds.AdminPassword)
	c.ChangePassword(env.Creds.AdminPassword, "Mylist-pass-2026")
	top := c.Get("/")
	rows := top.Doc.Find("#mylist tbody tr")
	if rows.Length() != contract.MyListLimit || !strings.Contains(rows.First().Text(), fmt.Sprintf("下書き %03d", n-1)) {
		t.Errorf("マイリスト: %d rows, first %q", rows.Length(), rows.First().Text())
	}
	if got, want := top.Text("#mylist-count"), fmt.Sprintf("%d件中1～%d件目を表示", n, contract.MyListLimit); got != want {
		t.Errorf("count %q, want %q", got, want)
	}
}
