package invitation

import (
	"io"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"inkan/app/domain/account"
	"inkan/app/domain/form"
	"inkan/app/locale/kana"
	"inkan/app/locale/sheet"
	"inkan/data"
)

// Entry is one recipient of 利用申請URL送信: the partner's 企業名, its contact's 担当者名
// (without honorific: the mail adds 様) and the メールアドレス the URL goes to.
type Entry struct {
	Company string `json:"company"`
	Contact string `json:"contact"`
	Email   string `json:"email"`
}

// The most characters of each field.
const (
	MaxCompanyLength = 100
	MaxContactLength = 50
	MaxEmailLength   = 254
)

// MaxEntries is the most recipients one file may hold (manual p.25: 100件まで).
const MaxEntries = 100

// MaxFileSize is the largest file taken: a hundred rows need a few kilobytes, and even
// a workbook with styles and pictures stays far below.
const MaxFileSize = 2 << 20

// honorifics are what the manual says not to type after a name (敬称は自動で「様」が付
// 与されます): a contact ending in one is refused with that hint.
var honorifics = []string{"様", "殿", "さん", "御中"}

// Normalize trims and widens the names (half-width kana) and narrows the address
// (full-width letters and digits an input method types), so that what the confirm
// screen shows is what is stored and mailed.
func (e Entry) Normalize() Entry {
	e.Company, e.Contact = kana.Text(e.Company), kana.Text(e.Contact)
	e.Email = strings.TrimSpace(norm.NFKC.String(strings.TrimSpace(e.Email)))
	return e
}

// Validate checks a normalized entry field by field: all three required, within their
// lengths, no control characters, a contact without honorific, an address mail can go
// to.
func (e Entry) Validate() form.Errors {
	errs := form.Errors{}
	errs.Line("company", e.Company)
	errs.Line("contact", e.Contact)
	errs.Line("email", e.Email)
	errs.Required("company", e.Company, MaxCompanyLength)
	errs.Required("contact", e.Contact, MaxContactLength)
	errs.Required("email", e.Email, MaxEmailLength)
	for _, h := range honorifics {
		if strings.HasSuffix(e.Contact, h) {
			errs.Add("contact", "error.honorific")
		}
	}
	if e.Email != "" && !account.ValidEmail(e.Email) {
		errs.Add("email", "error.email")
	}
	return errs
}

// emailKey is an address as compared for duplicates: mail servers take the domain in
// any case and, in practice, the local part too.
func emailKey(s string) string { return strings.ToLower(s) }

// pendingEmails is the set of the company's addresses whose invitation is still open
// or being processed at now: inviting one again is refused until it expires or
// completes. A URL past its validity counts as expired (Current) before the job marks it.
func pendingEmails(t data.Tenant, now time.Time) (map[string]bool, error) {
	invs, err := t.Invitations()
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, inv := range invs {
		switch Current(inv, now) {
		case StatusWaiting, StatusInputting, StatusProcessing:
			out[emailKey(inv.Email)] = true
		}
	}
	return out, nil
}

// CheckPending refuses, beside its email field, an entry whose address has an
// invitation of the company still pending at now (the form's one recipient).
func CheckPending(tx *data.Tx, companyID string, e Entry, errs form.Errors, now time.Time) error {
	pending, err := pendingEmails(tx.Tenant(companyID), now)
	if err != nil {
		return err
	}
	if pending[emailKey(e.Email)] {
		errs.Add("email", "error.invite_pending")
	}
	return nil
}

// FileRow is one row of an uploaded list as the confirm screen shows it: its row number
// in the file, the entry, and what is wrong with it (empty when it can be sent).
type FileRow struct {
	Number int
	Entry  Entry
	Errors form.Errors
}

// OK reports whether the row can be sent.
func (r FileRow) OK() bool { return len(r.Errors) == 0 }

// File is an uploaded list, validated: every row, good and bad.
type File struct {
	Rows []FileRow
}

// Good are the entries that can be sent.
func (f File) Good() []Entry {
	var out []Entry
	for _, r := range f.Rows {
		if r.OK() {
			out = append(out, r.Entry)
		}
	}
	return out
}

// Bad counts the rows that cannot be sent.
func (f File) Bad() int { return len(f.Rows) - len(f.Good()) }

// The refusals of a whole file, shown as the screen's one message.
const (
	FileTooLarge    = "error.invite_file_too_large"
	FileTooManyRows = "error.invite_file_too_many_rows"
	FileUnsupported = "error.invite_file_type"
	FileUnreadable  = "error.invite_file_unreadable"
	FileHeader      = "error.invite_file_header"
	FileEmpty       = "error.invite_file_empty"
)

// FileError refuses a whole uploaded file; Key is the catalog key of its message.
type FileError struct{ Key string }

func (e *FileError) Error() string { return "invitation: file refused: " + e.Key }

// TemplateHeader is the template's header row, the columns of a list in this order.
var TemplateHeader = []string{"企業名", "担当者名", "メールアドレス"}

// Sample is the template's one sample row (manual p.28).
var Sample = []string{"ABC株式会社", "大石太郎", "oishi@abc.example.com"}

// ReadFile reads an uploaded list (CSV in UTF-8 or Shift_JIS, or .xlsx) and validates
// every row: the fields, rows repeated in the file (the second and later, by address)
// and addresses whose invitation is still pending in pending. A file too large, with
// more than MaxEntries rows, of another type, unreadable, without the template's header
// or without a row is refused as a whole with a *FileError.
func ReadFile(r io.Reader, pending map[string]bool) (File, error) {
	t, err := sheet.Read(r, sheet.Limits{MaxBytes: MaxFileSize, MaxRows: MaxEntries})
	switch {
	case err == sheet.ErrTooLarge:
		return File{}, &FileError{FileTooLarge}
	case err == sheet.ErrTooManyRows:
		return File{}, &FileError{FileTooManyRows}
	case err == sheet.ErrUnsupported:
		return File{}, &FileError{FileUnsupported}
	case err == sheet.ErrUnreadable:
		return File{}, &FileError{FileUnreadable}
	case err != nil:
		return File{}, err
	}
	if !headerMatches(t.Header) {
		return File{}, &FileError{FileHeader}
	}
	if len(t.Rows) == 0 {
		return File{}, &FileError{FileEmpty}
	}
	f := File{Rows: make([]FileRow, 0, len(t.Rows))}
	seen := map[string]int{}
	for _, row := range t.Rows {
		e := Entry{Company: row.Cell(0), Contact: row.Cell(1), Email: row.Cell(2)}.Normalize()
		errs := e.Validate()
		if _, bad := errs["email"]; !bad && e.Email != "" {
			k := emailKey(e.Email)
			if _, dup := seen[k]; dup {
				errs.Add("email", "error.invite_duplicate")
			} else {
				seen[k] = row.Number
			}
			if pending[k] {
				errs.Add("email", "error.invite_pending")
			}
		}
		f.Rows = append(f.Rows, FileRow{Number: row.Number, Entry: e.clipped(), Errors: errs})
	}
	return f, nil
}

// clipped is e with every field cut to its most characters, marked "…" where cut: a
// cell may be as long as the file, and a row refused as too long is shown and kept
// for 確定 so, not whole. A valid entry is returned unchanged.
func (e Entry) clipped() Entry {
	e.Company, e.Contact, e.Email = clip(e.Company, MaxCompanyLength), clip(e.Contact, MaxContactLength), clip(e.Email, MaxEmailLength)
	return e
}

func clip(s string, max int) string {
	if len(s) <= max { // bytes ≥ characters
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// PendingEmails is the set of addresses ReadFile flags as pending for the company at now.
func PendingEmails(tx *data.Tx, companyID string, now time.Time) (map[string]bool, error) {
	return pendingEmails(tx.Tenant(companyID), now)
}

// headerMatches takes the template's header, also with the spaces or width a user's
// editing may have put in (ＭＡＩＬ … are not expected; kana.Text widens kana only).
func headerMatches(h []string) bool {
	if len(h) < len(TemplateHeader) {
		return false
	}
	for i, want := range TemplateHeader {
		if strings.ReplaceAll(norm.NFKC.String(h[i]), " ", "") != want {
			return false
		}
	}
	return true
}

// ValidateEntries checks a list kept for 確定: every entry valid, none repeated. The
// draft of the file's confirm screen runs it again at 確定.
func ValidateEntries(entries []Entry) form.Errors {
	errs := form.Errors{}
	if len(entries) == 0 || len(entries) > MaxEntries {
		errs.Add("", "error.invite_file_empty")
		return errs
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if len(e.Validate()) > 0 || seen[emailKey(e.Email)] {
			errs.Add("", "error.bad_request")
		}
		seen[emailKey(e.Email)] = true
	}
	return errs
}
