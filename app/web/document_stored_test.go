package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"inkan/app/domain/account"
	"inkan/app/domain/contract"
	"inkan/app/locale/jst"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

// storedDocument takes a document through the contract service to 完了, which puts it
// in long-term storage: the demo admin registers and signs it, the partner's admin
// receives and signs it, the demo admin completes it. It returns the detail's path.
// (TestContractWholeLifeThroughTheScreens goes the same way through the screens.)
func (w *contractWorld) storedDocument(t *testing.T) string {
	t.Helper()
	w.certifyPartnerAdmin(t)
	contracts := w.env.Server.Contracts
	sender := contract.Actor{CompanyID: webtest.DemoCompanyID, UserID: w.env.Creds.AdminID}
	receiver := contract.Actor{CompanyID: w.partnerID, UserID: w.partnerAdmin}
	pdf, err := contracts.PutPDF("契約書.pdf", contractPDF(t))
	if err != nil {
		t.Fatal(err)
	}
	amount := int64(1200000)
	in := contract.Input{
		Title: "工事請負契約書", Amount: &amount, ContractDate: time.Date(2026, 3, 31, 0, 0, 0, 0, jst.Zone), GroupTag: "本社",
		OrderSide: data.OrderSideBuyer, PartnerID: w.partnerID, PartnerDept: "工事部", RecipientID: w.partnerAdmin, Signer: w.env.Creds.AdminID,
	}
	var d data.Document
	update := func(step string, fn func(tx *data.Tx) (data.Document, error)) {
		t.Helper()
		if err := w.env.Server.Store.Update(func(tx *data.Tx) (err error) { d, err = fn(tx); return err }); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	update("登録", func(tx *data.Tx) (data.Document, error) {
		d, err := contracts.Register(tx, sender, in, pdf)
		if err != nil {
			return d, err
		}
		return contracts.Submit(tx, sender, d.ID, d.Version)
	})
	ctx := context.Background()
	if d, err = contracts.Sign(ctx, sender, d.ID, d.Version, w.signingPassword(t)); err != nil {
		t.Fatalf("the sender's 署名: %v", err)
	}
	update("受領", func(tx *data.Tx) (data.Document, error) {
		return contracts.Receive(tx, receiver, d.ID, d.Version, contract.Receipt{Signer: w.partnerAdmin})
	})
	if d, err = contracts.Sign(ctx, receiver, d.ID, d.Version, w.signingPassword(t)); err != nil {
		t.Fatalf("the receiver's 署名: %v", err)
	}
	if d, err = contracts.Complete(ctx, sender, d.ID, d.Version); err != nil {
		t.Fatalf("完了: %v", err)
	}
	if !d.LongTerm() {
		t.Fatalf("%s is not in long-term storage after 完了", d.ID)
	}
	return "/documents/" + d.ID
}

// storedFields are the 契約文書情報 of a stored document as a viewer sees them, by the
// cell's id.
func storedFields(r *webtest.Response, scope string) map[string]string {
	got := map[string]string{}
	for _, id := range []string{"doc-id", "doc-updated", "doc-completed", "doc-storage-end", "doc-kind", "doc-title", "doc-amount", "doc-date", "doc-partner"} {
		got[id] = r.Text(scope + " #" + id)
	}
	return got
}

// TestStoredDocument: a document in long-term storage is the manual's
// 長期保管契約文書照会 from either side, with every field of its record, the PDF, its
// signatures as verified now and until when the document timestamp proves them, the
// history, and no action; its print view shows the same on an A4 sheet; both are 404
// for anyone who may not see the document; English labels come from the en catalog.
func TestStoredDocument(t *testing.T) {
	w := newContractWorld(t)
	doc := w.storedDocument(t)
	id := strings.TrimPrefix(doc, "/documents/")
	today := jst.Date(w.env.Clock.Now())
	storageEnd := jst.Date(w.env.Clock.Now().AddDate(10, 0, 0))

	// Until when the file is provable, as the installation's verifier reads the PDF.
	pdf := w.sender.Get(doc + "/pdf?download=1")
	if pdf.Status != http.StatusOK || !strings.HasPrefix(pdf.Body, "%PDF-") || !strings.HasPrefix(pdf.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("the stored PDF's download: %d %q", pdf.Status, pdf.Header.Get("Content-Disposition"))
	}
	rep, err := w.env.Server.Certs.VerifyPDF(id, []byte(pdf.Body))
	if err != nil || rep.ProvableUntil.IsZero() {
		t.Fatalf("verify the stored PDF: %v, provable until %v", err, rep)
	}
	provable := jst.Date(rep.ProvableUntil)
	if provable <= today {
		t.Errorf("provable until %s, not after 完了 (%s)", provable, today)
	}

	sides := []struct {
		name, company string
		c             *webtest.Client
		want          map[string]string
	}{
		{"sender", "デモ建設株式会社", w.sender, map[string]string{"doc-kind": "契約文書（自社→取引先）", "doc-partner": "受注工務店株式会社"}},
		{"receiver", "受注工務店株式会社", w.partner, map[string]string{"doc-kind": "契約文書（取引先→自社）", "doc-partner": "デモ建設株式会社"}},
	}
	common := map[string]string{
		"doc-id": id, "doc-updated": today, "doc-completed": today, "doc-storage-end": storageEnd,
		"doc-title": "工事請負契約書", "doc-amount": "1,200,000円", "doc-date": "2026/03/31",
	}
	for _, side := range sides {
		want := map[string]string{}
		for k, v := range common {
			want[k] = v
		}
		for k, v := range side.want {
			want[k] = v
		}
		t.Run("detail/"+side.name, func(t *testing.T) {
			r := side.c.Get(doc)
			if r.Status != http.StatusOK || r.Text("h1") != "長期保管契約文書照会" || !strings.HasPrefix(r.Text("title"), "長期保管契約文書照会") {
				t.Fatalf("stored detail: %d heading %q title %q", r.Status, r.Text("h1"), r.Text("title"))
			}
			if got := r.Text("main h2"); got != "契約文書情報" {
				t.Errorf("first section %q", got)
			}
			checkFields(t, r, "#main", want)
			checkSignatures(t, r, "#main", provable)
			// No action: nothing on the screen posts, and no action panel.
			if n := r.Doc.Find("#main form, #main button, #main textarea").Length(); n != 0 || r.Has("#actions") {
				t.Errorf("the stored detail offers %d forms or buttons: %q", n, r.Text("#actions"))
			}
			if href := r.Doc.Find("#print-link").AttrOr("href", ""); href != doc+"/print" || r.Text("#print-link") != "印刷" {
				t.Errorf("印刷 links to %q (%q)", href, r.Text("#print-link"))
			}
			if src := r.Doc.Find("iframe.pdf").AttrOr("src", ""); src != doc+"/pdf" || r.Doc.Find("#pdf-download").AttrOr("href", "") != doc+"/pdf?download=1" {
				t.Errorf("the PDF is framed from %q, downloaded from %q", src, r.Doc.Find("#pdf-download").AttrOr("href", ""))
			}
			checkHistory(t, r, "#main")
		})
		t.Run("print/"+side.name, func(t *testing.T) {
			r := side.c.Get(doc + "/print")
			if r.Status != http.StatusOK || r.Text("#print-sheet h1") != "長期保管契約文書照会" {
				t.Fatalf("print view: %d %q", r.Status, r.Text("#print-sheet h1"))
			}
			checkFields(t, r, "#print-sheet", want)
			checkSignatures(t, r, "#print-sheet", provable)
			checkHistory(t, r, "#print-sheet")
			if got := r.Text("#printed-by"); !strings.HasPrefix(got, side.company+" ") || r.Text("#printed-at") == "" {
				t.Errorf("出力者 %q 出力日時 %q", got, r.Text("#printed-at"))
			}
			if !strings.Contains(r.Text("#print-pdf-note"), "PDFビューアー") || r.Doc.Find("#print-pdf").AttrOr("href", "") != doc+"/pdf" {
				t.Errorf("the note on printing the PDF: %q", r.Text("#print-pdf-note"))
			}
			// The 印刷 button is a plain button for static/print.js (no inline script),
			// which the page loads; the sheet nothing posts from.
			button := r.Doc.Find("#print-button")
			if _, ok := button.Attr("data-print"); !ok || button.AttrOr("type", "") != "button" || button.AttrOr("onclick", "") != "" {
				t.Errorf("印刷 button: %v", goquery.NodeName(button))
			}
			if n := r.Doc.Find("#main form").Length(); n != 0 {
				t.Errorf("the print view has %d forms", n)
			}
			if n := r.Doc.Find("#print-sheet button, #print-sheet form").Length(); n != 0 {
				t.Errorf("the sheet has %d buttons or forms", n)
			}
			checkPrintAssets(t, side.c, r)
		})
	}

	// A stored document refuses every action: posting one shows the same screen with
	// the refusal.
	t.Run("action refused", func(t *testing.T) {
		r := w.sender.Get(doc)
		// The screen sends no version (it has no form): a hand-made request names the
		// record's own.
		var v uint64
		if err := w.env.Server.Store.View(func(tx *data.Tx) error {
			d, err := tx.Tenant(webtest.DemoCompanyID).Document(id)
			v = d.Version
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got := w.sender.Post(doc+"/cancel", url.Values{"version": {strconv.FormatUint(v, 10)}})
		if got.Status != http.StatusUnprocessableEntity || got.Text("h1") != "長期保管契約文書照会" || got.Text(".alert") == "" {
			t.Errorf("取消 of a stored document: %d %q %q", got.Status, got.Text("h1"), got.Text(".alert"))
		}
		if after := w.sender.Get(doc); after.Text("#doc-updated") != r.Text("#doc-updated") {
			t.Errorf("the refused action changed the record")
		}
	})

	// The same viewable rule as the detail: an admin of a third company, and a user of
	// either party who takes no part in the document, get 404 for each of its pages.
	t.Run("tenancy", func(t *testing.T) {
		outsider := func(companyID, name string) *webtest.Client {
			uid, pw := w.env.AddUser(t, companyID, account.RoleGeneral, name)
			c, _ := loggedIn(t, w.env, uid, pw)
			return c
		}
		viewers := []struct {
			name string
			c    *webtest.Client
		}{
			{"third company's admin", w.third},
			{"sender's uninvolved user", outsider(webtest.DemoCompanyID, "無関係 四郎")},
			{"receiver's uninvolved user", outsider(w.partnerID, "無関係 五郎")},
		}
		for _, v := range viewers {
			for _, path := range []string{doc + "/print", doc, doc + "/pdf"} {
				if r := v.c.Get(path); r.Status != http.StatusNotFound {
					t.Errorf("%s: %s answers %d", v.name, path, r.Status)
				}
			}
		}
	})

	// English: the labels are the en catalog's, on the detail and the print view.
	t.Run("english", func(t *testing.T) {
		uid, pw := w.env.AddUser(t, webtest.DemoCompanyID, account.RoleAdmin, "英語 管理者")
		c, _ := loggedIn(t, w.env, uid, pw)
		c.Get("/settings")
		if r := c.Post("/settings", url.Values{"lang": {"en"}}); r.Status != http.StatusOK {
			t.Fatalf("choosing English: %d", r.Status)
		}
		for _, path := range []string{doc, doc + "/print"} {
			r := c.Get(path)
			if r.Status != http.StatusOK || r.Text("h1") != "Stored contract document" {
				t.Errorf("%s in English: %d %q", path, r.Status, r.Text("h1"))
			}
			labels := r.Doc.Find("#document th").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
			want := []string{"Document No.", "Last updated", "Completed on", "Storage end", "Document type", "Contract title", "Contract amount", "Contract date", "Partner"}
			if strings.Join(labels, "|") != strings.Join(want, "|") {
				t.Errorf("%s labels %q, want %q", path, labels, want)
			}
			if got := r.Text("#doc-kind"); got != "Contract (us → partner)" {
				t.Errorf("%s 文書区分 %q", path, got)
			}
			if got := r.Doc.Find("#verification th").Last().Text(); got != "Provable until" {
				t.Errorf("%s: %q", path, got)
			}
			if strings.Contains(r.Text("#main"), "長期保管") || strings.Contains(r.Text("#main"), "契約文書情報") {
				t.Errorf("%s shows Japanese labels in English: %.300s", path, r.Text("#main"))
			}
		}
		if got := c.Get(doc).Text("#print-link"); got != "Print" {
			t.Errorf("印刷 in English: %q", got)
		}
	})
}

func checkFields(t *testing.T, r *webtest.Response, scope string, want map[string]string) {
	t.Helper()
	got := storedFields(r, scope)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s %s = %q, want %q", scope, k, got[k], v)
		}
	}
}

// checkSignatures: both signatures and the document timestamp of 完了, each valid
// now, the timestamp provable until the date the verifier gives.
func checkSignatures(t *testing.T, r *webtest.Response, scope, provable string) {
	t.Helper()
	rows := r.Doc.Find(scope + " #signatures tbody tr")
	if rows.Length() != 3 {
		t.Fatalf("%s: %d signature rows: %q", scope, rows.Length(), r.Text(scope+" #signatures"))
	}
	rows.Each(func(i int, row *goquery.Selection) {
		if got := strings.TrimSpace(row.Find(".sig-verdict").Text()); got != "有効" {
			t.Errorf("%s: signature %d is %q", scope, i, got)
		}
	})
	last := rows.Last()
	if kind := strings.TrimSpace(last.Find("td").First().Text()); kind != "文書タイムスタンプ" || strings.TrimSpace(last.Find(".sig-provable").Text()) != provable {
		t.Errorf("%s: last row %q provable until %q, want a 文書タイムスタンプ until %s", scope, kind, last.Find(".sig-provable").Text(), provable)
	}
	if got := r.Text(scope + " #provable-until"); got != provable {
		t.Errorf("%s: 証明可能期限 %q, want %s", scope, got, provable)
	}
	if r.Text(scope+" #verified-at") == "" {
		t.Errorf("%s: no 検証日時", scope)
	}
}

// checkHistory: every step from 登録 to 完了, in order.
func checkHistory(t *testing.T, r *webtest.Response, scope string) {
	t.Helper()
	var actions []string
	r.Doc.Find(scope + " #history tbody tr").Each(func(_ int, row *goquery.Selection) {
		actions = append(actions, strings.TrimSpace(row.Find("td").Eq(2).Text()))
	})
	if got := strings.Join(actions, " "); got != "登録 申請 署名 受領 署名 完了" {
		t.Errorf("%s: history %q", scope, got)
	}
}

// checkPrintAssets: the page loads the print stylesheet (A4) for print only, and the
// script of the 印刷 button, both served.
func checkPrintAssets(t *testing.T, c *webtest.Client, r *webtest.Response) {
	t.Helper()
	css := r.Doc.Find(`link[rel=stylesheet][media=print]`).AttrOr("href", "")
	if css == "" || !strings.HasSuffix(css, "/print.css") {
		t.Fatalf("no print stylesheet: %q", css)
	}
	if got := c.Get(css); got.Status != http.StatusOK || !strings.Contains(got.Body, "@page") || !strings.Contains(got.Body, "size: A4") {
		t.Errorf("print.css: %d %.100q", got.Status, got.Body)
	}
	var script string
	r.Doc.Find("script[src]").Each(func(_ int, s *goquery.Selection) {
		if src := s.AttrOr("src", ""); strings.HasSuffix(src, "/print.js") {
			script = src
		}
	})
	if got := c.Get(script); script == "" || got.Status != http.StatusOK || !strings.Contains(got.Body, "window.print()") {
		t.Errorf("print.js %q: %d", script, got.Status)
	}
}

// A user renamed after acting on a document (the 利用者ID passed to a successor) is
// shown in its history and route under the name they had when they acted.
func TestStoredDocumentShowsNamesOfTheirTime(t *testing.T) {
	w := newContractWorld(t)
	doc := w.storedDocument(t)
	w.env.Clock.Advance(time.Minute)
	var former string
	err := w.env.Server.Store.Update(func(tx *data.Tx) error {
		tn := tx.Tenant(webtest.DemoCompanyID)
		u, err := tn.User(w.env.Creds.AdminID)
		if err != nil {
			return err
		}
		former = u.Name
		u.Name, u.UpdatedAt = "後任 花子", w.env.Clock.Now()
		return tn.PutUser(u)
	})
	if err != nil {
		t.Fatal(err)
	}
	r := w.sender.Get(doc)
	history := r.Doc.Find("#history tbody").Text()
	if r.Status != http.StatusOK || !strings.Contains(history, former) || strings.Contains(history, "後任 花子") {
		t.Errorf("history after the rename: %d %q, want %s only", r.Status, history, former)
	}
	if route := r.Doc.Find("#main").Text(); strings.Contains(route, "後任 花子") {
		t.Errorf("the stored document shows the successor's name for steps taken before: %q", route)
	}
}
