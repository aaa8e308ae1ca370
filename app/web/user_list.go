package web

import (
	"bufio"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/roster"
	"inkan/app/locale/jst"
	"inkan/app/locale/sheet"
	"inkan/data"
)

func parseRosterFilter(c *fiber.Ctx) roster.Filter {
	return roster.Filter{ID: c.Query("id"), Name: c.Query("name"), Status: c.Query("status")}.Normalize()
}

// userList is 自社利用者情報検索／一覧. The form and the paging links fetch the result
// table by htmx and push the URL, so reload and Back show the same search.
func (h *handler) userList(c *fiber.Ctx) error {
	st := stateOf(c)
	f := parseRosterFilter(c)
	var page roster.Page
	err := h.Store.View(func(tx *data.Tx) (err error) {
		page, err = roster.Find(tx, st.Company.ID, f, roster.ParsePage(c.Query("page")))
		return err
	})
	if err != nil {
		return err
	}
	v := h.view(c, "user.list_title", "menu.admin")
	v["Filter"], v["Page"] = f, page
	v["Statuses"] = []string{"active", "suspended"}
	v["PageLinks"], v["Exports"] = pageLinks(f.Values(), page), exportLinks(f.Values())
	return render(c, fiber.StatusOK, "admin/user_list", v, layoutMain)
}

// pageLink is one link of the pager.
type pageLink struct {
	Number  int
	URL     string
	Current bool
}

func pageLinks(q url.Values, p roster.Page) []pageLink {
	if p.Pages <= 1 {
		return nil
	}
	var out []pageLink
	for n := 1; n <= p.Pages; n++ {
		// Every page near the current one, and the first and last, keep the pager short.
		if n != 1 && n != p.Pages && (n < p.Number-3 || n > p.Number+3) {
			continue
		}
		out = append(out, pageLink{Number: n, URL: "/admin/users?" + withParam(q, "page", strconv.Itoa(n)), Current: n == p.Number})
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
	Key       string
	URL       string
	Secondary bool
}

// exportLinks repeat the search on screen, so the file holds exactly the result shown.
func exportLinks(q url.Values) []exportLink {
	link := func(key, format string, secondary bool) exportLink {
		return exportLink{Key: key, URL: "/admin/users/export?" + withParam(q, "format", format), Secondary: secondary}
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
	f, l, companyID := parseRosterFilter(c), h.Catalogs.For(st.Lang), st.Company.ID
	stamp := jst.Day(h.Accounts.Now())
	name, fallback := l.T("user.export_name")+"_"+stamp, "users_"+stamp
	c.Set(fiber.HeaderContentType, format.ContentType())
	c.Set(fiber.HeaderContentDisposition, format.ContentDisposition(name, fallback))
	c.Set(fiber.HeaderCacheControl, "no-store")
	// The writer runs after the handler has returned and fiber has recycled c: it may
	// use only what is captured here.
	log := h.Log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		started := time.Now()
		sw, err := sheet.New(w, format, l.T("user.export_name"), roster.Header(l))
		if err == nil {
			err = roster.Export(h.Store, companyID, f, l, sw)
		}
		if cerr := sw.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			// The status line is gone already; the client sees a cut file, the log says why.
			log.Error("user export failed", "company", companyID, "err", err)
			return
		}
		log.Info("user export", "company", companyID, "format", format.String(), "took", time.Since(started))
	})
	return nil
}
