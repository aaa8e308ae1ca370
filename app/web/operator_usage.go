package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/company"
	"inkan/app/domain/paging"
	"inkan/app/locale/sheet"
	"inkan/data"
)

func parseUsageFilter(c *fiber.Ctx, now time.Time) company.UsageFilter {
	return company.UsageFilter{From: c.Query("from"), To: c.Query("to"), CompanyID: c.Query("id"), CompanyName: c.Query("name")}.Normalize(now)
}

// usageRow is one company of 利用状況 as the table shows it.
type usageRow struct {
	ID, Name, Plan string
	Counts         []int
	Total          int
}

// usageView is the operator's 利用状況: the search (a month range, a company) and one
// page of the company × month table.
type usageView struct {
	page
	Search      []formField
	Months      []string
	Rows        []usageRow
	MonthTotals []int
	GrandTotal  int
	// Columns is the width of the table: 企業ID, 企業名, プラン, the months, 合計.
	Columns   int
	Count     string
	PageLinks pageLinks
	Exports   []exportLink
}

// usageList is 利用状況. The form and the pager fetch the result part by htmx and push
// the URL, as the other searches do.
func (h *handler) usageList(c *fiber.Ctx) error {
	f := parseUsageFilter(c, h.Accounts.Now())
	v := &usageView{page: h.page(c, "operator.usage", "operator.usage"), Columns: 4}
	l := v.L
	errs := f.Validate()
	v.Errors = errs
	search, err := fieldsOf(v, []fieldSpec{
		{"from", "usage.from", []any{"type", "month", "value", f.From, "placeholder", "2026-04"}},
		{"to", "usage.to", []any{"type", "month", "value", f.To, "placeholder", "2026-04"}},
		{"id", "company.id", []any{"value", f.CompanyID, "placeholder", "C000001", "maxlength", account.MaxIDLength}},
		{"name", "company.name", []any{"value", f.CompanyName, "maxlength", company.MaxNameLength}},
	})
	if err != nil {
		return err
	}
	v.Search = search
	if len(errs) > 0 {
		// The message inside the result part too: the htmx search swaps only that part.
		for _, field := range []string{"from", "to", "id", "name"} {
			if errs[field] != "" {
				v.Alert = errs[field]
				break
			}
		}
		return render(c, fiber.StatusUnprocessableEntity, "operator/usage", v, layoutOperator)
	}
	var found company.UsageReport
	err = h.Store.View(func(tx *data.Tx) (err error) {
		found, err = company.FindUsage(tx, f, paging.Parse(c.Query("page")))
		return err
	})
	if err != nil {
		return err
	}
	for _, m := range found.Months {
		v.Months = append(v.Months, company.MonthLabel(l, m))
	}
	plans := map[string]string{}
	for _, r := range found.Rows {
		plan, ok := plans[r.Company.Plan]
		if !ok {
			plan = l.T(company.Plan(r.Company.Plan).LabelKey())
			plans[r.Company.Plan] = plan
		}
		v.Rows = append(v.Rows, usageRow{ID: r.Company.ID, Name: r.Company.Name, Plan: plan, Counts: r.Counts, Total: r.Total})
	}
	v.MonthTotals, v.GrandTotal, v.Columns = found.MonthTotals, found.GrandTotal, len(found.Months)+4
	if found.Total > 0 {
		v.Count = l.T("common.range", found.Total, found.From, found.To)
	}
	q := f.Values()
	v.PageLinks = pageLinksAt("/operator/usage", q, found.Number, found.Pages)
	v.Exports = exportLinksAt("/operator/usage/export", l, q)
	return render(c, fiber.StatusOK, "operator/usage", v, layoutOperator)
}

// usageExport downloads 利用状況 as CSV (UTF-8 with BOM, or Shift_JIS) or Excel, the
// counts as numbers in the workbook; the rows are read in one short transaction and
// written after the handler returns.
func (h *handler) usageExport(c *fiber.Ctx) error {
	st := stateOf(c)
	format, err := sheet.ParseFormat(c.Query("format"))
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "error.bad_request")
	}
	now := h.Accounts.Now()
	f := parseUsageFilter(c, now)
	if len(f.Validate()) > 0 {
		return fiber.NewError(fiber.StatusBadRequest, "error.search_invalid")
	}
	l := h.Catalogs.For(st.Lang)
	header := company.UsageHeader(l, f)
	// The month and 合計 columns, after 企業ID, 企業名 and プラン.
	var counts []int
	for i := 3; i < len(header); i++ {
		counts = append(counts, i)
	}
	store := h.Store
	return h.streamSheet(c, format, now, sheetExport{
		name: l.T("usage.export_name"), fallback: "usage", header: header, opts: []sheet.Option{sheet.Numeric(counts...)},
		write: func(sw sheet.Writer) error { return company.ExportUsage(store, f, l, sw) },
		log:   []any{"export", "usage", "from", f.From, "to", f.To},
	})
}
