package invitation

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"inkan/app/domain/account"
	"inkan/app/domain/form"
	"inkan/app/domain/paging"
	"inkan/app/locale/i18n"
	"inkan/app/locale/jst"
	"inkan/app/locale/kana"
	"inkan/data"
)

// PageSize is the number of rows a page of 利用申請状況確認 shows.
const PageSize = 50

// Filter is the search of 利用申請状況確認: 送信者ID (exact), 送信先企業名 (partial) and
// the 申請状況 ticked; empty fields match everything.
type Filter struct {
	SenderID string
	Company  string
	Statuses []Status
}

// Normalize folds the typed ID as logins do, trims the name and drops unknown statuses.
func (f Filter) Normalize() Filter {
	f.SenderID = account.NormalizeID(f.SenderID)
	f.Company = strings.TrimSpace(f.Company)
	var st []Status
	for _, s := range Statuses {
		for _, t := range f.Statuses {
			if s == t {
				st = append(st, s)
				break
			}
		}
	}
	f.Statuses = st
	return f
}

// Validate refuses a filter longer than anything stored.
func (f Filter) Validate() form.Errors {
	errs := form.Errors{}
	if utf8.RuneCountInString(f.SenderID) > account.MaxIDLength {
		errs.Add("sender", "error.too_long")
	}
	if utf8.RuneCountInString(f.Company) > MaxCompanyLength {
		errs.Add("company", "error.too_long")
	}
	return errs
}

// Values is the filter as query parameters (paging, the pushed URL, the exports).
func (f Filter) Values() url.Values {
	v := url.Values{}
	if f.SenderID != "" {
		v.Set("sender", f.SenderID)
	}
	if f.Company != "" {
		v.Set("company", f.Company)
	}
	for _, s := range f.Statuses {
		v.Add("status", s)
	}
	return v
}

// Has reports whether the status is ticked.
func (f Filter) Has(s Status) bool {
	for _, t := range f.Statuses {
		if t == s {
			return true
		}
	}
	return false
}

// Row is one line of 利用申請状況確認.
type Row struct {
	ID             string
	Status         Status
	Outcome        string
	PartnerCompany string
	PartnerContact string
	SenderName     string
	SentAt         time.Time
	CompletedAt    *time.Time
}

// Resendable reports whether the admin can send the row's invitation again.
func (r Row) Resendable() bool { return r.Status == StatusExpired }

// Page is one page of the result with the figures of "N件中X～Y件目を表示".
type Page struct {
	Rows []Row
	paging.Window
}

func (f Filter) matches(inv data.Invitation, status Status, company string) bool {
	switch {
	case f.SenderID != "" && inv.SenderID != f.SenderID:
		return false
	case company != "" && !strings.Contains(kana.FoldPhrase(inv.PartnerCompany), company):
		return false
	case len(f.Statuses) > 0 && !f.Has(status):
		return false
	}
	return true
}

// rows is every invitation of the company matching f, the newest first, with its
// status as it is at now (a URL past its validity shows 期限切れ before the job runs).
func rows(t data.Tenant, f Filter, now time.Time) ([]Row, error) {
	f = f.Normalize()
	company := kana.FoldPhrase(f.Company)
	invs, err := t.Invitations()
	if err != nil {
		return nil, err
	}
	var out []Row
	for _, inv := range invs {
		st := Current(inv, now)
		if !f.matches(inv, st, company) {
			continue
		}
		out = append(out, Row{ID: inv.ID, Status: st, Outcome: inv.Outcome, PartnerCompany: inv.PartnerCompany,
			PartnerContact: inv.PartnerContact, SenderName: inv.SenderName, SentAt: inv.SentAt, CompletedAt: inv.CompletedAt})
	}
	return out, nil
}

// Find returns page n (from 1) of the company's invitations matching f; a page past the
// end answers the last.
func Find(tx *data.Tx, companyID string, f Filter, n int, now time.Time) (Page, error) {
	hits, err := rows(tx.Tenant(companyID), f, now)
	if err != nil {
		return Page{}, fmt.Errorf("invitation: list of %s: %w", companyID, err)
	}
	p := Page{Window: paging.Of(len(hits), n, PageSize)}
	start, end := p.Bounds()
	p.Rows = hits[start:end:end]
	return p, nil
}

// Columns are the catalog keys of the list's columns, in the manual's order.
var Columns = []string{"invite.col.status", "invite.col.company", "invite.col.contact", "invite.col.sender", "invite.col.sent", "invite.col.completed"}

// StatusLabel is the 申請状況 as the list shows it: 申請処理完了 with its outcome.
func StatusLabel(l i18n.Localizer, status Status, outcome string) string {
	s := l.T(StatusKey(status))
	if status == StatusDone && outcome != "" {
		s += "（" + l.T(OutcomeKey(outcome)) + "）"
	}
	return s
}

// RowWriter receives the export one row at a time; app/locale/sheet's writers fit.
type RowWriter interface {
	Write(row []string) error
}

// Header is the export's first row.
func Header(l i18n.Localizer) []string {
	out := make([]string, len(Columns))
	for i, k := range Columns {
		out[i] = l.T(k)
	}
	return out
}

// Export writes every invitation of the company matching f to w. A company sends a few
// hundred invitations at most, so they are read in one short transaction and written
// after it has ended.
func Export(store *data.Store, companyID string, f Filter, now time.Time, l i18n.Localizer, w RowWriter) error {
	var all []Row
	err := store.View(func(tx *data.Tx) (err error) {
		all, err = rows(tx.Tenant(companyID), f, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("invitation: export of %s: %w", companyID, err)
	}
	for _, r := range all {
		done := ""
		if r.CompletedAt != nil {
			done = jst.Date(*r.CompletedAt)
		}
		if err := w.Write([]string{StatusLabel(l, r.Status, r.Outcome), r.PartnerCompany, r.PartnerContact, r.SenderName, jst.Date(r.SentAt), done}); err != nil {
			return fmt.Errorf("invitation: export of %s: %w", companyID, err)
		}
	}
	return nil
}
