package web

import (
	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/contract"
	"inkan/app/domain/paging"
	"inkan/app/locale/i18n"
	"inkan/app/locale/jst"
	"inkan/data"
)

// documentRow is one document of 契約文書照会 and マイリスト, seen from the viewer's company.
type documentRow struct {
	No                                                 int
	ID, Title, Partner, OrderSide, Status, Turn, Owner string
	UpdatedAt                                          string
}

// documentRowOf is d as a row for the viewer's company: 取引先企業名 and 取引先 受発注区分
// are the other party's, 自社 担当者ID its own party's.
func documentRowOf(tx *data.Tx, l i18n.Localizer, company string, d data.Document, no int) documentRow {
	own, other := d.Sender, d.Receiver
	if d.Sender.CompanyID != company {
		own, other = d.Receiver, d.Sender
	}
	s := contract.Status(d.Status)
	row := documentRow{No: no, ID: d.ID, Title: d.Title, Partner: companyName(tx, other.CompanyID),
		Status: l.T(s.LabelKey()), Owner: own.UserID, UpdatedAt: datetimeOf(d)}
	if _, side := contract.OrderSides(d, company); side != "" {
		row.OrderSide = l.T(orderSideKey(side))
	}
	if k := s.TurnKey(); k != "" {
		row.Turn = l.T(k)
	}
	return row
}

// myListRows is マイリスト: the documents whose turn is the viewer's, read from the
// records (the turn changes with every step).
func (h *handler) myListRows(c *fiber.Ctx, tx *data.Tx) ([]documentRow, error) {
	st := stateOf(c)
	by := contractActor(st)
	l := h.Catalogs.For(st.Lang)
	docs, err := contract.Mine(tx, by)
	if err != nil {
		return nil, err
	}
	var rows []documentRow
	for _, d := range docs {
		if contract.WaitsFor(d, by) {
			rows = append(rows, documentRowOf(tx, l, st.Company.ID, d, len(rows)+1))
		}
	}
	return rows, nil
}

func datetimeOf(d data.Document) string { return jst.DateTime(d.UpdatedAt) }

// contractListView is 契約文書検索／一覧: the search form and one page of the result.
type contractListView struct {
	page
	Search    []formField
	Count     string
	Rows      []documentRow
	PageLinks []pageLink
	// Partial says that the index is being built and the list may miss documents.
	Partial bool
	// Empty is the catalog key said when there is none.
	Empty string
}

func parseContractFilter(c *fiber.Ctx) contract.Filter {
	return contract.Filter{
		Number: c.Query(contract.SearchNumber), Title: c.Query(contract.SearchTitle), Partner: c.Query(contract.SearchPartner),
		Dept: c.Query(contract.SearchDept), Status: contract.Status(c.Query(contract.SearchStatus)), GroupTag: c.Query(contract.SearchGroupTag),
	}.Normalize()
}

// contractList is 契約文書照会: the documents the user takes part in (any role), not yet
// in long-term storage, searched as the manual's 契約文書検索／一覧 (empty = all). The
// form and the paging links fetch the result part by htmx and push the URL, so reload
// and Back show the same search.
func (h *handler) contractList(c *fiber.Ctx) error {
	st := stateOf(c)
	f := parseContractFilter(c)
	v := &contractListView{page: h.page(c, "contract.list_title", "menu.contracts"), Empty: "contract.list_empty"}
	l := v.L
	v.Errors = f.Validate()
	var err error
	if v.Search, err = contractSearchFields(v, f); err != nil {
		return err
	}
	if len(v.Errors) > 0 {
		// The form with the message, inside the result part too: the htmx search
		// swaps only that part.
		v.Alert = "contract.search_too_long"
		return render(c, fiber.StatusUnprocessableEntity, "contracts/list", v, layoutMain)
	}
	found, err := contract.Find(c.UserContext(), h.Search, h.Store, contractActor(st), f, paging.Parse(c.Query("page")))
	if err != nil {
		return err
	}
	if found.Stale != nil {
		h.Log.Warn("contract list answered from a lagging index", "err", found.Stale)
	}
	if found.Total > 0 {
		v.Count = l.T("common.range", found.Total, found.From, found.To)
	}
	v.Partial = found.Partial
	err = h.Store.View(func(tx *data.Tx) error {
		for i, d := range found.Docs {
			v.Rows = append(v.Rows, documentRowOf(tx, l, st.Company.ID, d, found.From+i))
		}
		return nil
	})
	if err != nil {
		return err
	}
	v.PageLinks = pageLinksAt("/contracts/list", f.Values(), found.Number, found.Pages)
	return render(c, fiber.StatusOK, "contracts/list", v, layoutMain)
}

// contractSearchFields are the fields of 契約文書検索: the manual's, with 取引先企業 typed
// as its 企業ID (a picker of the partners is the admin screens' issue).
func contractSearchFields(v *contractListView, f contract.Filter) ([]formField, error) {
	l := v.L
	statuses := []fieldOption{{Label: l.T("common.choose")}}
	for _, s := range contract.Statuses {
		statuses = append(statuses, fieldOption{Value: string(s), Label: l.T(s.LabelKey()), Checked: s == f.Status})
	}
	return fieldsOf(v, []fieldSpec{
		{contract.SearchNumber, "doc.number", []any{"value", f.Number, "placeholder", true, "maxlength", contract.MaxText, "inputmode", "numeric"}},
		{contract.SearchTitle, "contract.search_title", []any{"value", f.Title, "placeholder", l.T("doc.name"), "maxlength", contract.MaxTitle}},
		{contract.SearchPartner, "contract.search_partner", []any{"value", f.Partner, "placeholder", l.T("contract.partner_id"), "maxlength", account.MaxIDLength}},
		{contract.SearchDept, "contract.partner_dept", []any{"value", f.Dept, "placeholder", true, "maxlength", contract.MaxText}},
		{contract.SearchStatus, "doc.status", []any{"type", "select", "options", statuses}},
		{contract.SearchGroupTag, "contract.search_group_tag", []any{"value", f.GroupTag, "placeholder", l.T("contract.group_tag"), "maxlength", contract.MaxText}},
	})
}
