package web

import (
	"errors"
	"html"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/contract"
	"inkan/app/domain/paging"
	"inkan/app/locale/i18n"
	"inkan/app/locale/jst"
	"inkan/app/locale/sheet"
	"inkan/data"
	"inkan/search"
)

// myListRows is マイリスト: the documents whose turn is the viewer's (contract.Waiting),
// as rows of 契約文書照会, and how many there are in all.
func (h *handler) myListRows(c *fiber.Ctx) (listRows, int, error) {
	st := stateOf(c)
	l := h.Catalogs.For(st.Lang)
	var rows listRows
	r := &rowContext{l: l, company: st.Company.ID}
	found, err := contract.Waiting(c.UserContext(), h.Search, h.Store, contractActor(st), func(tx *data.Tx, d data.Document) error {
		r.tx = tx
		rows = append(rows, rowOf(r, myDocuments, d, len(rows)+1))
		return nil
	})
	if found.Stale != nil {
		h.Log.Warn("マイリスト from an index behind the store", "err", found.Stale)
	}
	return rows, found.Total, err
}

func datetimeOf(d data.Document) string { return jst.DateTime(d.UpdatedAt) }

// documentListing is one of the four searches of documents: 契約文書照会 and 長期保管文書
// (the documents the user takes part in), and the admin's 自社分全て of each.
type documentListing struct {
	path, titleKey, leadKey, section, exportName string
	scope                                        contract.Scope
	// columns are the result table's, after No; the first is 文書管理番号, a link to
	// the detail.
	columns []documentColumn
}

// documentColumn is a column of a result table: its caption, the sort it stands for
// (sortable false: none), and its text for a document.
type documentColumn struct {
	labelKey string
	sortable bool
	sort     search.Column
	// flip says that the column sorts the other way round from sort: 取引先 受発注区分
	// is the opposite of the company's own, which the index keeps.
	flip bool
	cell func(r *rowContext) string
}

// rowContext is what a cell is drawn from: the document seen by company.
type rowContext struct {
	tx       *data.Tx
	l        i18n.Localizer
	company  string
	d        data.Document
	own, oth *data.Party // the company's party of d and the other one
}

var (
	colNumber    = documentColumn{"doc.number", true, search.ByNumber, false, func(r *rowContext) string { return r.d.ID }}
	colTitle     = documentColumn{"doc.name", true, search.ByTitle, false, func(r *rowContext) string { return r.d.Title }}
	colPartner   = documentColumn{"contract.partner_name", true, search.ByCounterparty, false, func(r *rowContext) string { return companyName(r.tx, r.oth.CompanyID) }}
	colOrderSide = documentColumn{"doc.partner_order_side", true, search.ByOrderSide, true, func(r *rowContext) string {
		if _, side := contract.OrderSides(r.d, r.company); side != "" {
			return r.l.T(orderSideKey(side))
		}
		return ""
	}}
	colStatus = documentColumn{"doc.status", true, search.ByStatus, false, func(r *rowContext) string {
		return r.l.T(contract.Status(r.d.Status).LabelKey())
	}}
	colTurn = documentColumn{"contract.turn", false, "", false, func(r *rowContext) string {
		if k := contract.Status(r.d.Status).TurnKey(); k != "" {
			return r.l.T(k)
		}
		return ""
	}}
	colOwner        = documentColumn{"contract.owner", true, search.ByUser, false, func(r *rowContext) string { return r.own.UserID }}
	colOwnerName    = documentColumn{"archive.owner_name", false, "", false, ownerNameOf}
	colUpdated      = documentColumn{"contract.updated_at", false, "", false, func(r *rowContext) string { return datetimeOf(r.d) }}
	colStorageStart = documentColumn{"contract.storage_start", true, search.ByStorageStart, false, func(r *rowContext) string { return dateOf(r.d.StorageStart) }}
	colStorageEnd   = documentColumn{"contract.storage_end", true, search.ByStorageEnd, false, func(r *rowContext) string { return dateOf(r.d.StorageEnd) }}
)

// The four listings, with the manual's columns.
var (
	myDocuments = documentListing{path: "/contracts/list", titleKey: "contract.list_title", leadKey: "contract.list_lead", section: "menu.contracts",
		columns: []documentColumn{colNumber, colTitle, colPartner, colOrderSide, colStatus, colTurn, colOwner, colUpdated}}
	companyDocuments = documentListing{path: "/admin/documents", titleKey: "menu.admin.documents", leadKey: "contract.company_list_lead", section: "menu.admin",
		scope: contract.Scope{Company: true}, columns: []documentColumn{colNumber, colTitle, colPartner, colOrderSide, colStatus}}
	storedColumns = []documentColumn{colNumber, colTitle, colPartner, colOrderSide, colStorageStart, colStorageEnd, colOwner, colOwnerName}
	myArchive     = documentListing{path: "/archive/list", titleKey: "menu.archive.list", leadKey: "archive.list_lead", section: "menu.archive", exportName: "archive.export_name",
		scope: contract.Scope{Stored: true}, columns: storedColumns}
	companyArchive = documentListing{path: "/admin/archive", titleKey: "menu.admin.archive", leadKey: "archive.company_list_lead", section: "menu.admin", exportName: "archive.export_name",
		scope: contract.Scope{Company: true, Stored: true}, columns: storedColumns}
)

// ownerNameOf is 自社担当者名: the name the 自社担当者's ID had when it took the document
// (data.Document.TakenAt), which was another person's when the ID has changed hands
// since by a change of 氏名. A deleted ID keeps its names: its documents remain.
func ownerNameOf(r *rowContext) string {
	return userNameAt(r.tx.Tenant(r.company), r.own.UserID, r.d.TakenAt(r.company))
}

func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return jst.Date(t)
}

// listHeader is a column header: its caption and, when sortable, the address of the
// result sorted by it (the other way round when it is the current order).
type listHeader struct {
	Label, URL string
	Sorted     string // "ascending", "descending" or "" (aria-sort)
}

// listHeads are the column headers of a result table.
type listHeads []listHeader

// HTML is the header cells, each sortable one a link that swaps the results part in
// place, made here for the reason of listRows.HTML.
func (heads listHeads) HTML() template.HTML {
	var b strings.Builder
	for _, h := range heads {
		b.WriteString("<th")
		if h.Sorted != "" {
			b.WriteString(` aria-sort="` + html.EscapeString(h.Sorted) + `"`)
		}
		b.WriteString(">")
		label := html.EscapeString(h.Label)
		if h.URL == "" {
			b.WriteString(label + "</th>")
			continue
		}
		writeResultsLink(&b, h.URL, label)
		b.WriteString("</th>")
	}
	return template.HTML(b.String())
}

// writeResultsLink writes a link to another view of a result list (a sort, a page)
// that swaps the results part in place and pushes its address; label is HTML.
func writeResultsLink(b *strings.Builder, to, label string) {
	u := html.EscapeString(to)
	b.WriteString(`<a href="` + u + `" hx-get="` + u + `" hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-push-url="true">` + label + "</a>")
}

// listRow is one document of a result table: No, the 文書管理番号 and the other cells.
type listRow struct {
	No    int
	ID    string
	Cells []string
}

// listRows are the rows of a result table.
type listRows []listRow

// HTML is the rows as table rows, 文書管理番号 a link to the detail. A page of fifty
// rows made in the template cost about nine escaper calls a row through reflection,
// a third of the time of the whole request; made here, each text is escaped by
// html.EscapeString directly.
func (rows listRows) HTML() template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 320)
	for _, r := range rows {
		id := html.EscapeString(r.ID)
		b.WriteString("<tr><td>")
		b.WriteString(strconv.Itoa(r.No))
		b.WriteString(`</td><td><a href="/documents/`)
		b.WriteString(html.EscapeString(url.PathEscape(r.ID)))
		b.WriteString(`">`)
		b.WriteString(id)
		b.WriteString("</a></td>")
		for _, c := range r.Cells {
			b.WriteString("<td>")
			b.WriteString(html.EscapeString(c))
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String())
}

// contractListView is a search of documents: the form and one page of the result.
type contractListView struct {
	page
	Lead, Action string
	Search       []formField
	Count        string
	Headers      listHeads
	Rows         listRows
	PageLinks    pageLinks
	Exports      []exportLink
	// PartnerPicker is 取引先企業 as a picker of the company's partners (the admin's
	// lists), in place of the 企業ID typed.
	PartnerPicker *pickedPartner
	// OwnerPicker is 自社担当者 as a picker of the company's users (the admin's
	// 長期保管文書照会), in place of the 利用者ID typed.
	OwnerPicker *pickedUser
	// Partial says that the index is being built and the list may miss documents.
	Partial bool
	// Empty is the catalog key said when there is none.
	Empty string
}

func parseContractFilter(c *fiber.Ctx) contract.Filter {
	return contract.Filter{
		Number: c.Query(contract.SearchNumber), Title: c.Query(contract.SearchTitle), Partner: c.Query(contract.SearchPartner),
		Dept: c.Query(contract.SearchDept), Status: contract.Status(c.Query(contract.SearchStatus)), GroupTag: c.Query(contract.SearchGroupTag),
		ContractFrom: c.Query(contract.SearchContractFrom), ContractTo: c.Query(contract.SearchContractTo),
		AmountMin: c.Query(contract.SearchAmountMin), AmountMax: c.Query(contract.SearchAmountMax),
		StorageFrom: c.Query(contract.SearchStorageFrom), StorageTo: c.Query(contract.SearchStorageTo),
		Owner: c.Query(contract.SearchOwner), OwnerFrom: c.Query(contract.SearchOwnerFrom), OwnerTo: c.Query(contract.SearchOwnerTo),
		Sort: search.Sort{Column: search.Column(c.Query(contract.SearchSort)), Ascending: c.Query(contract.SearchOrder) == "asc"},
	}.Normalize()
}

// list answers the listing's search: the documents found (empty = all), a page at a
// time, sortable by the column headers. The form, the headers and the paging links
// fetch the result part by htmx and push the URL, so reload and Back show the same
// search.
func (h *handler) list(ls documentListing) fiber.Handler {
	return func(c *fiber.Ctx) error {
		st := stateOf(c)
		f := parseContractFilter(c)
		v := &contractListView{page: h.page(c, ls.titleKey, ls.section), Lead: ls.leadKey, Action: ls.path, Empty: "contract.list_empty"}
		l := v.L
		v.Errors = f.Validate()
		var err error
		if v.Search, err = documentSearchFields(v, ls, f); err != nil {
			return err
		}
		v.Headers = listHeaders(l, ls, f)
		if ls.scope.Company {
			if v.PartnerPicker, err = h.partnerPicked(st, f.Partner, l); err != nil {
				return err
			}
		}
		if ls.scope.Company && ls.scope.Stored {
			if v.OwnerPicker, err = h.ownerPicked(st, f, l); err != nil {
				return err
			}
		}
		if len(v.Errors) > 0 {
			// The form with the message, inside the result part too: the htmx search
			// swaps only that part.
			v.Alert = "contract.search_invalid"
			return render(c, fiber.StatusUnprocessableEntity, "contracts/list", v, layoutMain)
		}
		found, err := contract.Find(c.UserContext(), h.Search, h.Store, contractActor(st), ls.scope, f, paging.Parse(c.Query("page")))
		if err != nil {
			return err
		}
		if found.Stale != nil {
			h.Log.Warn("document list answered from a lagging index", "list", ls.path, "err", found.Stale)
		}
		if found.Total > 0 {
			v.Count = l.T("common.range", found.Total, found.From, found.To)
		}
		v.Partial = found.Partial
		err = h.Store.View(func(tx *data.Tx) error {
			v.Rows = make(listRows, 0, len(found.Docs))
			r := &rowContext{tx: tx, l: l, company: st.Company.ID}
			for i, d := range found.Docs {
				v.Rows = append(v.Rows, rowOf(r, ls, d, found.From+i))
			}
			return nil
		})
		if err != nil {
			return err
		}
		v.PageLinks = pageLinksAt(ls.path, f.Values(), found.Number, found.Pages)
		if ls.exportName != "" && found.Total > 0 {
			v.Exports = exportLinksAt(ls.path+"/export", l, f.Values())
		}
		return render(c, fiber.StatusOK, "contracts/list", v, layoutMain)
	}
}

// rowOf is d as a row of the listing's table, seen by r's company. r is the page's
// context, reused for every row: the columns are called through function values, so
// a context made per row went to the heap, a copy of the record each, a hundred
// kilobytes a page.
func rowOf(r *rowContext, ls documentListing, d data.Document, no int) listRow {
	r.d = d
	r.own, r.oth = &r.d.Sender, &r.d.Receiver
	if d.Sender.CompanyID != r.company {
		r.own, r.oth = &r.d.Receiver, &r.d.Sender
	}
	row := listRow{No: no, ID: d.ID, Cells: make([]string, 0, len(ls.columns)-1)}
	for _, col := range ls.columns[1:] {
		row.Cells = append(row.Cells, col.cell(r))
	}
	return row
}

// listHeaders are the column headers of the listing, each sortable one a link to the
// same search ordered by it: descending first, the other way when already so.
func listHeaders(l i18n.Localizer, ls documentListing, f contract.Filter) listHeads {
	out := make(listHeads, len(ls.columns))
	for i, col := range ls.columns {
		out[i].Label = l.T(col.labelKey)
		if !col.sortable {
			continue
		}
		// What the reader sees as ascending is the index's order, flipped for a
		// column that shows the opposite of what is kept.
		shown := f.Sort.Ascending != col.flip
		current := f.Sort.Column == col.sort
		if current {
			out[i].Sorted = map[bool]string{true: "ascending", false: "descending"}[shown]
		}
		wantShown := current && !shown // a click turns the current order round; else descending
		next := f
		next.Sort = search.Sort{Column: col.sort, Ascending: wantShown != col.flip}
		out[i].URL = ls.path + "?" + next.Values().Encode()
	}
	return out
}

// documentSearchFields are the fields of the listing's search: 契約文書検索 for the
// documents before storage, the records law's search for the stored ones. 取引先企業 is
// typed as its 企業ID and 自社担当者 as its 利用者ID.
func documentSearchFields(v *contractListView, ls documentListing, f contract.Filter) ([]formField, error) {
	l := v.L
	number := fieldSpec{contract.SearchNumber, "doc.number", []any{"value", f.Number, "placeholder", true, "maxlength", contract.MaxText, "inputmode", "numeric"}}
	title := fieldSpec{contract.SearchTitle, "contract.search_title", []any{"value", f.Title, "placeholder", l.T("doc.name"), "maxlength", contract.MaxTitle}}
	partner := fieldSpec{contract.SearchPartner, "contract.search_partner", []any{"value", f.Partner, "placeholder", l.T("contract.partner_id"), "maxlength", account.MaxIDLength}}
	tag := fieldSpec{contract.SearchGroupTag, "contract.search_group_tag", []any{"value", f.GroupTag, "placeholder", l.T("contract.group_tag"), "maxlength", contract.MaxText}}
	owner := fieldSpec{contract.SearchOwner, "archive.owner", []any{"value", f.Owner, "placeholder", l.T("user.id"), "maxlength", account.MaxIDLength}}
	if ls.scope.Company {
		partner, owner = fieldSpec{}, fieldSpec{} // the pickers stand for them
	}
	if !ls.scope.Stored {
		statuses := []fieldOption{{Label: l.T("common.choose")}}
		for _, s := range contract.Statuses {
			statuses = append(statuses, fieldOption{Value: string(s), Label: l.T(s.LabelKey()), Checked: s == f.Status})
		}
		return fieldsOf(v, present(number, title, partner,
			fieldSpec{contract.SearchDept, "contract.partner_dept", []any{"value", f.Dept, "placeholder", true, "maxlength", contract.MaxText}},
			fieldSpec{contract.SearchStatus, "doc.status", []any{"type", "select", "options", statuses}},
			tag))
	}
	date := func(name, label, value string) fieldSpec {
		return fieldSpec{name, label, []any{"type", "date", "value", value}}
	}
	amount := func(name, label, value string) fieldSpec {
		return fieldSpec{name, label, []any{"value", value, "inputmode", "numeric", "placeholder", "1,000,000", "maxlength", 30}}
	}
	return fieldsOf(v, present(number, title, partner, tag,
		date(contract.SearchContractFrom, "archive.contract_from", f.ContractFrom), date(contract.SearchContractTo, "archive.contract_to", f.ContractTo),
		amount(contract.SearchAmountMin, "archive.amount_min", f.AmountMin), amount(contract.SearchAmountMax, "archive.amount_max", f.AmountMax),
		date(contract.SearchStorageFrom, "archive.storage_from", f.StorageFrom), date(contract.SearchStorageTo, "archive.storage_to", f.StorageTo),
		owner,
	))
}

// ownerPicked is the 自社担当者 of the search (with the period of a name) as its
// picker shows it.
func (h *handler) ownerPicked(st *state, f contract.Filter, l i18n.Localizer) (*pickedUser, error) {
	var p pickedUser
	err := h.Store.View(func(tx *data.Tx) (err error) {
		p, err = ownerPick(tx.Tenant(st.Company.ID), f, l)
		return err
	})
	p.L = l
	return &p, err
}

// present are the specs that name a field.
func present(specs ...fieldSpec) []fieldSpec {
	return slices.DeleteFunc(specs, func(s fieldSpec) bool { return s.name == "" })
}

// partnerPicked is the 取引先企業 of the search as its picker shows it: a company
// that is no partner of st's keeps its ID and shows no name (and finds nothing).
func (h *handler) partnerPicked(st *state, id string, l i18n.Localizer) (*pickedPartner, error) {
	p := &pickedPartner{ID: id, L: l}
	err := h.Store.View(func(tx *data.Tx) error {
		name, err := partnerName(tx, st.Company.ID, id)
		if errors.Is(err, data.ErrNotFound) {
			return nil
		}
		p.Name = name
		return err
	})
	return p, err
}

// listExport streams the whole result of the listing's search (not only the page
// shown) as CSV (UTF-8 with BOM, or Shift_JIS) or Excel, read from the store a chunk
// at a time after the handler returns.
func (h *handler) listExport(ls documentListing) fiber.Handler {
	return func(c *fiber.Ctx) error {
		st := stateOf(c)
		format, err := sheet.ParseFormat(c.Query("format"))
		if err != nil {
			return fiber.NewError(fiber.StatusBadRequest, "error.bad_request")
		}
		f := parseContractFilter(c)
		if len(f.Validate()) > 0 {
			return fiber.NewError(fiber.StatusBadRequest, "error.bad_request")
		}
		l, by, now := h.Catalogs.For(st.Lang), contractActor(st), h.Accounts.Now()
		header := []string{l.T("common.no")}
		for _, col := range ls.columns {
			header = append(header, l.T(col.labelKey))
		}
		index, store := h.Search, h.Store
		return h.streamSheet(c, format, now, sheetExport{
			name: l.T(ls.exportName), fallback: "documents", header: header,
			write: func(sw sheet.Writer) error {
				no := 0
				r := &rowContext{l: l, company: by.CompanyID}
				return contract.Each(index, store, by, ls.scope, f, func(tx *data.Tx, d data.Document) error {
					no++
					r.tx = tx // each chunk is read in a transaction of its own
					row := rowOf(r, ls, d, no)
					return sw.Write(append([]string{strconv.Itoa(no), d.ID}, row.Cells...))
				})
			},
			log: []any{"export", ls.path, "company", by.CompanyID},
		})
	}
}

// documentListRoutes are the four searches of documents and the exports of the
// stored ones.
func (h *handler) documentListRoutes(app *fiber.App, user, admin func(...fiber.Handler) []fiber.Handler) {
	app.Get("/admin/partners/pick", admin(h.partnerPick)...)
	app.Get("/admin/partners/choose", admin(h.partnerPickChoose)...)
	for _, ls := range []documentListing{myDocuments, companyDocuments, myArchive, companyArchive} {
		chain := user
		if ls.scope.Company {
			chain = admin
		}
		app.Get(ls.path, chain(h.list(ls))...)
		if ls.exportName != "" {
			app.Get(ls.path+"/export", chain(h.listExport(ls))...)
		}
	}
}

// ColSpan is the width of the table in columns, for the row saying there is none.
func (v *contractListView) ColSpan() int { return len(v.Headers) + 1 }
