// Package roster is a company's list of its users (自社利用者照会): the search
// conditions, one screen page of the result with its total, and the whole result written
// out as CSV or Excel without holding it in memory.
package roster

import (
	"unicode/utf8"

	"inkan/app/domain/form"
	"inkan/app/domain/paging"
	"net/url"
	"strings"
	"time"

	"inkan/app/domain/account"
	"inkan/app/locale/kana"
	"inkan/data"
)

// PageSize is the number of rows a result page shows.
const PageSize = 50

// Filter is the search form. Empty fields match everything; deleted IDs never appear.
type Filter struct {
	// ID is a 利用者ID, matched exactly after account.NormalizeID (width and case do
	// not matter).
	ID string
	// Name is matched as a substring of 利用者名 or 利用者名カナ, folded by kana.Fold.
	Name string
	// Status is "", account.StatusActive or account.StatusSuspended.
	Status string
}

// Normalize trims and folds the typed ID and drops a status the form does not offer.
func (f Filter) Normalize() Filter {
	f.ID = account.NormalizeID(f.ID)
	f.Name = strings.TrimSpace(f.Name)
	if f.Status != account.StatusActive && f.Status != account.StatusSuspended {
		f.Status = ""
	}
	return f
}

// Validate refuses a filter no user can match for its length: an ID longer than any
// issued, a name longer than a 利用者名 or its カナ may be.
func (f Filter) Validate() form.Errors {
	errs := form.Errors{}
	if utf8.RuneCountInString(f.ID) > account.MaxIDLength {
		errs.Add("id", "error.too_long")
	}
	if utf8.RuneCountInString(f.Name) > account.MaxNameLength {
		errs.Add("name", "error.too_long")
	}
	return errs
}

// Values is the filter as query parameters, for paging links, the pushed URL and the
// export links, so that each repeats exactly the search on screen.
func (f Filter) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"id": f.ID, "name": f.Name, "status": f.Status} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// matcher is a normalized filter ready to test users.
type matcher struct {
	Filter
	name string
}

func (f Filter) matcher() matcher {
	f = f.Normalize()
	return matcher{Filter: f, name: kana.Fold(f.Name)}
}

func (m *matcher) match(u *data.User) bool {
	switch {
	case !account.IsLive(*u):
		return false
	case m.ID != "" && u.ID != m.ID:
		return false
	case m.Status != "" && u.Status != m.Status:
		return false
	case m.name != "" && !strings.Contains(kana.Fold(u.Name), m.name) && !strings.Contains(kana.Fold(u.Kana), m.name):
		return false
	}
	return true
}

// NamePeriods are the name periods (account.NamePeriods) of the company's users that
// match f's 利用者ID and 利用者名 (the period's name or カナ, as Find folds them), in
// 利用者ID order, oldest name first: the 自社担当者 of 長期保管文書照会 is chosen among
// them. Unlike Find's, suspended and deleted IDs are listed (their documents remain
// in storage under them) and f.Status is not applied.
func NamePeriods(tx *data.Tx, companyID string, f Filter) ([]account.NamePeriod, error) {
	m := f.matcher()
	all, err := account.CompanyNamePeriods(tx.Tenant(companyID))
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, p := range all {
		if (m.ID == "" || p.UserID == m.ID) && (m.name == "" || strings.Contains(kana.Fold(p.Name), m.name) || strings.Contains(kana.Fold(p.Kana), m.name)) {
			out = append(out, p)
		}
	}
	return out, nil
}

// Row is one line of the result table. Locked tells that repeated login failures lock
// the user at the time of the search.
type Row struct {
	No                           int
	ID, Name, Kana, Role, Status string
	UpdatedAt                    time.Time
	Certificate, Locked          bool
}

// StatusKey is the catalog key of the row's 利用ステータス.
func (r *Row) StatusKey() string { return statusKey(r.Status, r.Locked) }

// RoleKey is the catalog key of a 権限.
func RoleKey(role string) string {
	switch role {
	case account.RoleAdmin:
		return "role.admin"
	case account.RoleGeneral:
		return "role.general"
	}
	return "role." + role
}

// statusKey is the catalog key of a 利用ステータス as the list and the export show it: a
// running lock shows as ロック中, except on a suspended user, whom unlocking would not
// let in either.
func statusKey(status string, locked bool) string {
	switch {
	case locked && status == account.StatusActive:
		return "status.locked"
	case status == account.StatusActive:
		return "status.active"
	case status == account.StatusSuspended:
		return "status.suspended"
	}
	return "status." + status
}

// Page is one page of the result with the figures of "N件中X～Y件目を表示".
type Page struct {
	Rows []Row
	paging.Window
}

// Find returns page number n (from 1) of the users matching f, in 利用者ID order, with
// the locks as they are at now. A page past the end answers the last page.
func Find(tx *data.Tx, companyID string, f Filter, n int, now time.Time) (Page, error) {
	t := tx.Tenant(companyID)
	certified, err := certifiedUsers(t)
	if err != nil {
		return Page{}, err
	}
	// Every match is kept as a row of a few strings (shared with the decoded record),
	// not as a whole user: the total needs them all, the page a slice of them.
	m := f.matcher()
	hits := make([]Row, 0, PageSize)
	err = t.EachUser(func(u *data.User) error {
		if m.match(u) {
			hits = append(hits, Row{ID: u.ID, Name: u.Name, Kana: u.Kana, Role: u.Role, Status: u.Status, UpdatedAt: u.UpdatedAt,
				Certificate: certified[u.ID], Locked: account.IsLocked(u.Lockout, now)})
		}
		return nil
	})
	if err != nil {
		return Page{}, err
	}
	p := Page{Window: paging.Of(len(hits), n, PageSize)}
	start, end := p.Bounds()
	p.Rows = hits[start:end:end]
	for i := range p.Rows {
		p.Rows[i].No = start + i + 1
	}
	return p, nil
}

// certifiedUsers is the set of the company's users linked to a valid certificate: the
// 電子証明書 あり of the result table.
func certifiedUsers(t data.Tenant) (map[string]bool, error) {
	certs, err := t.Certificates()
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, c := range certs {
		if c.Status != data.CertificateValid {
			continue
		}
		for _, l := range c.Links {
			out[l.UserID] = true
		}
	}
	return out, nil
}

// Certified tells whether one user is linked to a valid certificate.
func Certified(t data.Tenant, userID string) (bool, error) {
	set, err := certifiedUsers(t)
	return set[userID], err
}

// StatusKeyOf is the catalog key of a user's 利用ステータス where no lock is shown (the
// users linked to a certificate).
func StatusKeyOf(status string) string { return statusKey(status, false) }
