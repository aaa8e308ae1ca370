package account

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"inkan/app/domain/form"
	inkanmail "inkan/app/domain/mail"
	"inkan/app/domain/password"
	"inkan/app/locale/kana"
	"inkan/data"
)

// UserInput is what an admin (or the operator, for a company's first admin) types to
// make a 利用者ID.
type UserInput struct {
	Role  string
	Name  string
	Kana  string
	Dept  string
	Title string
	Tel   string
	Email string
}

var telPattern = regexp.MustCompile(`^[0-9]+(-[0-9]+)*$`)

// Normalize widens half-width kana and trims spaces, so that what the confirm screen
// shows is what will be stored.
func (in UserInput) Normalize() UserInput {
	in.Name = kana.Text(in.Name)
	if k, ok := kana.Katakana(in.Kana); ok {
		in.Kana = k
	} else {
		in.Kana = strings.TrimSpace(in.Kana)
	}
	in.Dept, in.Title = kana.Text(in.Dept), kana.Text(in.Title)
	in.Tel, in.Email = normalizeTel(in.Tel), strings.TrimSpace(in.Email)
	return in
}

// normalizeTel narrows full-width digits and hyphens (０３－１２３４), which a Japanese
// input method types by default, instead of refusing them.
func normalizeTel(s string) string { return norm.NFKC.String(strings.TrimSpace(s)) }

// MaxNameLength is the most characters of a 利用者名 or 利用者名カナ.
const MaxNameLength = 50

// Validate checks a normalized input field by field.
func (in UserInput) Validate() form.Errors {
	errs := form.Errors{}
	if in.Role != RoleAdmin && in.Role != RoleGeneral {
		errs.Add("role", "error.required")
	}
	for field, v := range map[string]string{"name": in.Name, "kana": in.Kana, "dept": in.Dept, "title": in.Title} {
		errs.Line(field, v)
	}
	errs.Required("name", in.Name, MaxNameLength)
	errs.Required("kana", in.Kana, MaxNameLength)
	if _, ok := kana.Katakana(in.Kana); in.Kana != "" && !ok {
		errs.Add("kana", "error.kana")
	}
	if utf8.RuneCountInString(in.Dept) > 50 {
		errs.Add("dept", "error.too_long")
	}
	if utf8.RuneCountInString(in.Title) > 50 {
		errs.Add("title", "error.too_long")
	}
	validateContact(errs, in.Tel, in.Email)
	return errs
}

// validateContact checks the TEL and mail fields, shared by the admin's screens and the
// user's own 個人設定.
func validateContact(errs form.Errors, tel, email string) {
	errs.Line("tel", tel)
	errs.Line("email", email)
	if tel != "" && (!telPattern.MatchString(tel) || len(tel) > 20) {
		errs.Add("tel", "error.tel")
	}
	errs.Required("email", email, 254)
	if email != "" && !validEmail(email) {
		errs.Add("email", "error.email")
	}
}

// validEmail accepts a bare addr-spec with a dotted domain, which is what a mail
// server will take as a recipient; display names and comments are refused.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	_, domain, _ := strings.Cut(s, "@")
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// Issue creates a 利用者ID in the company with a random initial password, and queues the
// two credential mails (ID and password apart, as the manual says) in the same
// transaction. It returns the user and the initial password.
func (s *Service) Issue(tx *data.Tx, companyID string, in UserInput) (data.User, string, error) {
	in = in.Normalize()
	if err := in.Validate().Err(); err != nil {
		return data.User{}, "", err
	}
	t := tx.Tenant(companyID)
	company, err := t.Company()
	if err != nil {
		return data.User{}, "", fmt.Errorf("issue user in %s: %w", companyID, err)
	}
	now := s.now()
	pw := password.Generate()
	u := data.User{
		Role: in.Role, Name: in.Name, Kana: in.Kana, Dept: in.Dept, Title: in.Title,
		Tel: in.Tel, Email: in.Email, Status: StatusActive,
		PasswordHash: password.Hash(pw), MustChangePassword: true, PasswordChangedAt: now,
		CreatedAt: now, UpdatedAt: now,
	}
	if err := t.CreateUser(&u); err != nil {
		return data.User{}, "", fmt.Errorf("issue user in %s: %w", companyID, err)
	}
	vars := map[string]any{"UserName": u.Name, "CompanyName": company.Name, "UserID": u.ID, "Password": inkanmail.Secret(pw)}
	for _, tmpl := range []string{"user_id_issued", "initial_password"} {
		msg := inkanmail.Message{Template: tmpl, To: []string{u.Email}, CompanyID: companyID, Data: vars}
		if err := s.mail.Queue(tx, msg, now); err != nil {
			return data.User{}, "", fmt.Errorf("issue user %s: %w", u.ID, err)
		}
	}
	return u, pw, nil
}

// Unlock lifts the lock that repeated login failures put on a user (an admin's action).
func (s *Service) Unlock(tx *data.Tx, companyID, userID, actor string) error {
	t := tx.Tenant(companyID)
	u, err := LiveUser(t, userID)
	if err != nil {
		return err
	}
	unlock(&u.Lockout)
	u.UpdatedAt = s.now()
	if err := t.PutUser(u); err != nil {
		return err
	}
	return tx.Audit(data.Event{Time: s.now(), CompanyID: companyID, Actor: actor, Action: "user.unlock", Target: userID})
}

// ValidEmail reports whether s is a mail address Inkan sends to (see validEmail): the
// one rule for every address typed or uploaded, such as an invitation's recipient.
func ValidEmail(s string) bool { return validEmail(s) }

// NormalizeTel narrows and trims a typed telephone number as the user screens do.
func NormalizeTel(s string) string { return normalizeTel(s) }

// ValidTel reports whether a normalized telephone number has the form the user screens
// take: digits in groups joined by hyphens, at most 20 characters.
func ValidTel(s string) bool { return telPattern.MatchString(s) && len(s) <= 20 }

// CheckEmail checks a mail address typed into a field of another screen (the PIN
// recipient of a certificate application) by the rules of a user's: required, a bare
// address with a dotted domain, no control characters.
func CheckEmail(errs form.Errors, field, email string) {
	errs.Line(field, email)
	errs.Required(field, email, 254)
	if email != "" && !validEmail(email) {
		errs.Add(field, "error.email")
	}
}
