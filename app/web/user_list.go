package web

import (
	"html"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/paging"
	"inkan/app/domain/roster"
	"inkan/app/locale/i18n"
	"inkan/app/locale/jst"
	"inkan/app/locale/sheet"
	"inkan/data"
)

func parseRosterFilter(c *fiber.Ctx) roster.Filter {
	return roster.Filter{ID: c.Query("id"), Name: c.Query("name"), Status: c.Query("status")}.Normalize()
}

// userListView is 自社利用者照会: the search form and one page of the result.
type userListView struct {
	page
	Filter roster.Filter
	// Search are the fields of the search form, made here rather than by the field
	// template function: its arguments go through reflection, and this page is busy.
	Search    []formField
	Count     string
	Rows      template.HTML
	PageLinks pageLinks
	Exports   []exportLink
}

// userList is 自社利用者情報検索／一覧. The form and the paging links fetch the result
// table by htmx and push the URL, so reload and Back show the same search.
func (h *handler) userList(c *fiber.Ctx) error {
	st := stateOf(c)
	f := parseRosterFilter(c)
	v := &userListView{page: h.page(c, "user.list_title", "menu.admin"), Filter: f}
	l := v.L
	errs := f.Validate()
	v.Errors = errs
	var err error
	if v.Search, err = searchFields(v, f); err != nil {
		return err
	}
	if len(errs) > 0 {
		// The form with the message, inside the result part too: the htmx search
		// swaps only that part.
		v.Alert = "error.search_too_long"
		return render(c, fiber.StatusUnprocessableEntity, "admin/user_list", v, layoutMain)
	}
	var found roster.Page
	err = h.Store.View(func(tx *data.Tx) (err error) {
		found, err = roster.Find(tx, st.Company.ID, f, paging.Parse(c.Query("page")), h.Accounts.Now())
		return err
	})
	if err != nil {
		return err
	}
	if found.Total > 0 {
		v.Count = l.T("common.range", found.Total, found.From, found.To)
	}
	v.Rows = userRows(l, found.Rows)
	v.PageLinks, v.Exports = userPageLinks(f.Values(), found), exportLinks(l, f.Values())
	return render(c, fiber.StatusOK, "admin/user_list", v, layoutMain)
}

// userRows draws the rows of the result table. They are the one part of the page that
// grows with the data, and html/template spends about a microsecond and a half of our
// two cores on every action: nine cells of fifty rows were half the cost of the page.
// So the rows are written here, each value escaped by html.EscapeString; the table
// around them stays in views/admin/user_list.html.
func userRows(l i18n.Localizer, rows []roster.Row) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	// Labels are looked up once per value, not once per row.
	labels := map[string]string{}
	label := func(key string) string {
		s, ok := labels[key]
		if !ok {
			s = l.T(key)
			labels[key] = s
		}
		return s
	}
	yes, none := l.T("common.yes"), l.T("common.none")
	b := make([]byte, 0, len(rows)*256)
	cell := func(s string) {
		b = append(b, "<td>"...)
		b = append(b, html.EscapeString(s)...)
		b = append(b, "</td>"...)
	}
	for i := range rows {
		r := &rows[i]
		b = append(b, "<tr><td>"...)
		b = strconv.AppendInt(b, int64(r.No), 10)
		b = append(b, `</td><td><a href="/admin/users/`...)
		b = append(b, html.EscapeString(url.PathEscape(r.ID))...)
		b = append(b, `">`...)
		b = append(b, html.EscapeString(r.ID)...)
		b = append(b, "</a></td>"...)
		cell(r.Name)
		cell(r.Kana)
		cell(label(roster.RoleKey(r.Role)))
		if r.Certificate {
			cell(yes)
		} else {
			cell(none)
		}
		cell(label(r.StatusKey()))
		b = append(b, "<td>"...)
		b = jst.AppendDate(b, r.UpdatedAt)
		b = append(b, "</td></tr>\n"...)
	}
	return template.HTML(b)
}

// searchFields are the 利用者ID, 利用者名 and 利用ステータス fields of the search form.
func searchFields(v *userListView, f roster.Filter) ([]formField, error) {
	l := v.L
	statuses := append([]fieldOption{{Label: l.T("common.all")}},
		choices(l, "status", "status.", []string{account.StatusActive, account.StatusSuspended}, f.Status)...)
	return fieldsOf(v, []fieldSpec{
		{"id", "user.id", []any{"value", f.ID, "placeholder", "U000001", "maxlength", account.MaxIDLength}},
		{"name", "user.name", []any{"value", f.Name, "maxlength", account.MaxNameLength}},
		{"status", "user.status", []any{"type", "select", "options", statuses}},
	})
}

// pageLink is one link of the pager.
type pageLink struct {
	Number  int
	URL     string
	Current bool
}

// pageLinks are the links of a pager.
type pageLinks []pageLink

// HTML is the links, the current page a span: each swaps the results part in place
// and pushes its address. Made here rather than link by link in partials/pager, where
// its two escaped addresses cost the template more than the rest of the pager.
func (links pageLinks) HTML() template.HTML {
	var b strings.Builder
	for _, p := range links {
		n := strconv.Itoa(p.Number)
		if p.Current {
			b.WriteString(`<span aria-current="page">` + n + "</span> ")
			continue
		}
		writeResultsLink(&b, p.URL, n)
		b.WriteString(" ")
	}
	return template.HTML(b.String())
}

func userPageLinks(q url.Values, p roster.Page) pageLinks {
	return pageLinksAt("/admin/users", q, p.Number, p.Pages)
}

// pageLinksAt is the pager of the list at path: page number of pages, each link
// repeating the search q.
func pageLinksAt(path string, q url.Values, number, pages int) pageLinks {
	if pages <= 1 {
		return nil
	}
	var out pageLinks
	for n := 1; n <= pages; n++ {
		// Every page near the current one, and the first and last, keep the pager short.
		if n != 1 && n != pages && (n < number-3 || n > number+3) {
			continue
		}
		out = append(out, pageLink{Number: n, URL: path + "?" + withParam(q, "page", strconv.Itoa(n)), Current: n == number})
	}
	return out
}

// withParam encodes the search q with one more parameter, leaving q as it was.
func withParam(q url.Values, key, value string) string {
	v := url.Values{key: {value}}
	for k, s := range q {
		v[k] = s
	}
	return v.Encode()
}

// exportLink is one of the download buttons under the result table.
type exportLink struct {
	Label     string
	URL       string
	Secondary bool
}

// exportLinks repeat the search on screen, so the file holds exactly the result shown.
func exportLinks(l i18n.Localizer, q url.Values) []exportLink {
	return exportLinksAt("/admin/users/export", l, q)
}

// exportLinksAt are the download buttons of the export at path, each repeating the
// search q: CSV (UTF-8 with BOM), CSV (Shift_JIS) and Excel.
func exportLinksAt(path string, l i18n.Localizer, q url.Values) []exportLink {
	link := func(key, format string, secondary bool) exportLink {
		return exportLink{Label: l.T(key), URL: path + "?" + withParam(q, "format", format), Secondary: secondary}
	}
	return []exportLink{
		link("common.csv_export", "csv", false),
		link("common.csv_export_sjis", "csv-sjis", true),
		link("common.xlsx_export", "xlsx", true),
	}
}

// userExport streams the current search result as CSV (UTF-8 with BOM, or Shift_JIS)
// or Excel. The body is written after the handler returns, chunk by chunk from the
// store, so a large company's list never sits in memory.
func (h *handler) userExport(c *fiber.Ctx) error {
	st := stateOf(c)
	format, err := sheet.ParseFormat(c.Query("format"))
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "error.bad_request")
	}
	f, l, companyID, now := parseRosterFilter(c), h.Catalogs.For(st.Lang), st.Company.ID, h.Accounts.Now()
	store := h.Store
	return h.streamSheet(c, format, now, sheetExport{
		name: l.T("user.export_name"), fallback: "users", header: roster.Header(l),
		write: func(sw sheet.Writer) error { return roster.Export(store, companyID, f, now, l, sw) },
		log:   []any{"export", "users", "company", companyID},
	})
}
