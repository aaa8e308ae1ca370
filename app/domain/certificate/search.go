package certificate

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"inkan/app/domain/account"
	"inkan/app/domain/form"
	"inkan/app/domain/paging"
	"inkan/app/locale/jst"
	"inkan/app/locale/kana"
	"inkan/data"
)

// PageSize is the number of rows a page of 自社電子証明書照会 shows.
const PageSize = 50

// dateLayout is how a date field (input type=date) arrives.
const dateLayout = "2006-01-02"

// Filter is the search form of 自社電子証明書照会. Empty fields match everything.
type Filter struct {
	// Number is a 電子証明書管理番号, matched exactly (upper case, width folded).
	Number string
	// Name is matched as a substring of the 表示名.
	Name string
	// UserID is a 利用者ID linked to the certificate, matched exactly.
	UserID string
	// UserName is matched as a substring of a linked user's 利用者名 or カナ.
	UserName string
	// From and To bound the 有効期限 (dates as typed, yyyy-mm-dd, To inclusive).
	From, To string
}

// Normalize trims and folds what was typed.
func (f Filter) Normalize() Filter {
	f.Number = account.NormalizeID(f.Number)
	f.Name, f.UserName = strings.TrimSpace(f.Name), strings.TrimSpace(f.UserName)
	f.UserID = account.NormalizeID(f.UserID)
	f.From, f.To = strings.TrimSpace(f.From), strings.TrimSpace(f.To)
	return f
}

// Validate refuses over-long fields and dates that are no dates.
func (f Filter) Validate() form.Errors {
	errs := form.Errors{}
	for field, v := range map[string]string{"number": f.Number, "name": f.Name, "user": f.UserID, "user_name": f.UserName} {
		errs.Line(field, v)
		if utf8.RuneCountInString(v) > account.MaxIDLength {
			errs.Add(field, "error.too_long")
		}
	}
	for field, v := range map[string]string{"from": f.From, "to": f.To} {
		if _, ok := parseDate(v); v != "" && !ok {
			errs.Add(field, "error.date")
		}
	}
	return errs
}

func parseDate(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(dateLayout, s, jst.Zone)
	return t, err == nil
}

// Values is the filter as query parameters, for the paging links and the pushed URL.
func (f Filter) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"number": f.Number, "name": f.Name, "user": f.UserID, "user_name": f.UserName, "from": f.From, "to": f.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// Row is one line of the result: No, the certificate, and how many users are linked.
type Row struct {
	No     int
	Cert   data.Certificate
	Linked int
}

// Page is one page of the result with the figures of "N件中X～Y件目を表示".
type Page struct {
	Rows []Row
	paging.Window
}

// Find returns page n (from 1) of the company's certificates matching f, in number
// order; a page past the end answers the last page.
func Find(t data.Tenant, f Filter, n int) (Page, error) {
	f = f.Normalize()
	certs, err := t.Certificates()
	if err != nil {
		return Page{}, err
	}
	from, hasFrom := parseDate(f.From)
	to, hasTo := parseDate(f.To)
	name, userName := kana.Fold(f.Name), kana.Fold(f.UserName)
	var users map[string]data.User
	if userName != "" {
		users = map[string]data.User{}
		if err := t.EachUser(func(u *data.User) error { users[u.ID] = *u; return nil }); err != nil {
			return Page{}, err
		}
	}
	var hits []Row
	for _, c := range certs {
		switch {
		case f.Number != "" && c.Number != f.Number:
			continue
		case name != "" && !strings.Contains(kana.Fold(c.DisplayName), name):
			continue
		case f.UserID != "" && linkOf(c, f.UserID) < 0:
			continue
		case hasFrom && c.NotAfter.Before(from):
			continue
		case hasTo && !c.NotAfter.Before(to.AddDate(0, 0, 1)):
			continue
		}
		if userName != "" && !linkedByName(c, users, userName) {
			continue
		}
		hits = append(hits, Row{Cert: c, Linked: len(c.Links)})
	}
	p := Page{Window: paging.Of(len(hits), n, PageSize)}
	start, end := p.Bounds()
	p.Rows = hits[start:end:end]
	for i := range p.Rows {
		p.Rows[i].No = start + i + 1
	}
	return p, nil
}

func linkedByName(c data.Certificate, users map[string]data.User, folded string) bool {
	for _, l := range c.Links {
		u, ok := users[l.UserID]
		if ok && account.IsLive(u) && (strings.Contains(kana.Fold(u.Name), folded) || strings.Contains(kana.Fold(u.Kana), folded)) {
			return true
		}
	}
	return false
}
