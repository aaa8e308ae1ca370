package company

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"inkan/app/domain/account"
	"inkan/app/domain/form"
	"inkan/app/domain/paging"
	"inkan/app/locale/i18n"
	"inkan/app/locale/jst"
	"inkan/app/locale/kana"
	"inkan/data"
)

// UsageMonths is how many months 利用状況 shows when no range is given, and the most it
// shows at once: a year is the span an operator compares and bills over, and a year of
// columns still fits the table on one screen.
const UsageMonths = 12

// UsagePageSize is the number of companies a page of 利用状況 shows.
const UsagePageSize = 50

// monthLayout is how a month is recorded (data.Usage.Month) and how an input of type
// month sends it.
const monthLayout = "2006-01"

// UsageFilter is the search of 利用状況: the months From to To (both included, "2006-01"
// once normalized), and optionally a 企業ID (exact) and a 企業名 (部分一致).
type UsageFilter struct {
	From, To    string
	CompanyID   string
	CompanyName string
}

// Normalize reads the typed months (2026-04, 2026/4, 202604, full width too) as
// "2006-01" and fills an empty end: without To the range ends in the current month in
// Japan (or a year after From), without From it starts UsageMonths-1 months before To. A
// month that is no month is kept as typed, for Validate to refuse.
func (f UsageFilter) Normalize(now time.Time) UsageFilter {
	f.From, f.To = normalizeMonth(f.From), normalizeMonth(f.To)
	f.CompanyID = account.NormalizeID(f.CompanyID)
	f.CompanyName = strings.TrimSpace(f.CompanyName)
	current := jst.In(now).Format(monthLayout)
	if f.To == "" {
		f.To = current
		if from, err := time.Parse(monthLayout, f.From); err == nil {
			f.To = min(from.AddDate(0, UsageMonths-1, 0).Format(monthLayout), max(current, f.From))
		}
	}
	if f.From == "" {
		if to, err := time.Parse(monthLayout, f.To); err == nil {
			f.From = to.AddDate(0, 1-UsageMonths, 0).Format(monthLayout)
		}
	}
	return f
}

func normalizeMonth(s string) string {
	s = strings.TrimSpace(norm.NFKC.String(s))
	if len(s) == 6 && strings.Trim(s, "0123456789") == "" {
		s = s[:4] + "-" + s[4:]
	}
	s = strings.NewReplacer("/", "-", ".", "-").Replace(s)
	if t, err := time.Parse("2006-1", s); err == nil {
		return t.Format(monthLayout)
	}
	return s
}

// Validate refuses a month that is no month, a range that runs backwards or is longer
// than UsageMonths, and names longer than any stored.
func (f UsageFilter) Validate() form.Errors {
	errs := form.Errors{}
	from, errFrom := time.Parse(monthLayout, f.From)
	to, errTo := time.Parse(monthLayout, f.To)
	if errFrom != nil {
		errs.Add("from", "error.month")
	}
	if errTo != nil {
		errs.Add("to", "error.month")
	}
	switch {
	case errFrom != nil || errTo != nil:
	case from.After(to):
		errs.Add("to", "error.month_order")
	case !from.AddDate(0, UsageMonths, 0).After(to):
		errs.Add("to", "error.month_range")
	}
	if len(f.CompanyID) > account.MaxIDLength {
		errs.Add("id", "error.too_long")
	}
	if utf8.RuneCountInString(f.CompanyName) > MaxNameLength {
		errs.Add("name", "error.too_long")
	}
	return errs
}

// Values is the filter as query parameters (paging, the pushed URL, the exports).
func (f UsageFilter) Values() url.Values {
	v := url.Values{"from": {f.From}, "to": {f.To}}
	if f.CompanyID != "" {
		v.Set("id", f.CompanyID)
	}
	if f.CompanyName != "" {
		v.Set("name", f.CompanyName)
	}
	return v
}

// months lists the months of a validated filter, oldest first.
func (f UsageFilter) months() []string {
	from, _ := time.Parse(monthLayout, f.From)
	var out []string
	for m := from; m.Format(monthLayout) <= f.To; m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format(monthLayout))
	}
	return out
}

// UsageRow is one company of 利用状況: its documents charged per month of the report,
// and their sum.
type UsageRow struct {
	Company data.Company
	Counts  []int
	Total   int
}

// UsageReport is one page of 利用状況: the months (columns), the companies of the page
// (rows), the 合計 of each month and of the range over every company found, and the
// figures of "N件中X～Y件目を表示" counting companies.
type UsageReport struct {
	Months      []string
	Rows        []UsageRow
	MonthTotals []int
	GrandTotal  int

	paging.Window
}

// usageRows reads every company matching f, in 企業ID order, with its counts. Every
// company is listed, those without usage too: the table answers "who used how much",
// and a customer without documents is part of the answer.
func usageRows(tx *data.Tx, f UsageFilter) ([]string, []UsageRow, error) {
	companies, err := tx.Companies()
	if err != nil {
		return nil, nil, err
	}
	name := kana.FoldPhrase(f.CompanyName)
	var matched []data.Company
	var ids []string
	for _, c := range companies {
		if f.CompanyID != "" && c.ID != f.CompanyID || name != "" && !strings.Contains(kana.FoldPhrase(c.Name), name) {
			continue
		}
		matched = append(matched, c)
		ids = append(ids, c.ID)
	}
	counts, err := tx.UsageCounts(ids, f.From, f.To)
	if err != nil {
		return nil, nil, err
	}
	months := f.months()
	rows := make([]UsageRow, len(matched))
	for i, c := range matched {
		rows[i] = UsageRow{Company: c, Counts: make([]int, len(months))}
		for j, m := range months {
			n := counts[c.ID][m]
			rows[i].Counts[j] = n
			rows[i].Total += n
		}
	}
	return months, rows, nil
}

// FindUsage returns page n (from 1) of 利用状況 for a validated filter, read in the
// caller's one transaction; a page past the end answers the last.
func FindUsage(tx *data.Tx, f UsageFilter, n int) (UsageReport, error) {
	months, rows, err := usageRows(tx, f)
	if err != nil {
		return UsageReport{}, fmt.Errorf("company: usage %s..%s: %w", f.From, f.To, err)
	}
	r := UsageReport{Months: months, MonthTotals: make([]int, len(months)), Window: paging.Of(len(rows), n, UsagePageSize)}
	for _, row := range rows {
		for j, c := range row.Counts {
			r.MonthTotals[j] += c
		}
		r.GrandTotal += row.Total
	}
	start, end := r.Bounds()
	r.Rows = rows[start:end:end]
	return r, nil
}

// MonthLabel is a month of the report as the table's heading and the export's header
// show it (2026年4月).
func MonthLabel(l i18n.Localizer, month string) string {
	t, err := time.Parse(monthLayout, month)
	if err != nil {
		return month
	}
	return l.T("usage.month", t.Year(), int(t.Month()))
}

// UsageHeader is the export's first row: 企業ID, 企業名, プラン, the months, 合計.
func UsageHeader(l i18n.Localizer, f UsageFilter) []string {
	out := []string{l.T("company.id"), l.T("company.name"), l.T("company.plan")}
	for _, m := range f.months() {
		out = append(out, MonthLabel(l, m))
	}
	return append(out, l.T("usage.total"))
}

// RowWriter receives the export one row at a time; app/locale/sheet's writers fit.
type RowWriter interface {
	Write(row []string) error
}

// ExportUsage writes every company of a validated filter with its counts to w, one
// company a row as the screen's table has them (the 合計 row is left out: a file is
// summed or imported by whoever reads it). The rows, a few numbers per company, are read
// in one short transaction and written after it has ended.
func ExportUsage(store *data.Store, f UsageFilter, l i18n.Localizer, w RowWriter) error {
	var rows []UsageRow
	err := store.View(func(tx *data.Tx) (err error) {
		_, rows, err = usageRows(tx, f)
		return err
	})
	if err != nil {
		return fmt.Errorf("company: export usage %s..%s: %w", f.From, f.To, err)
	}
	cells := make([]string, 0, len(UsageHeader(l, f)))
	for _, r := range rows {
		cells = append(cells[:0], r.Company.ID, r.Company.Name, l.T(Plan(r.Company.Plan).LabelKey()))
		for _, n := range r.Counts {
			cells = append(cells, strconv.Itoa(n))
		}
		cells = append(cells, strconv.Itoa(r.Total))
		if err := w.Write(cells); err != nil {
			return fmt.Errorf("company: export usage: %w", err)
		}
	}
	return nil
}
