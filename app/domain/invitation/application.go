package invitation

import (
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"

	"inkan/app/domain/account"
	"inkan/app/domain/company"
	"inkan/app/domain/form"
	"inkan/app/locale/kana"
	"inkan/data"
)

// Application is what the partner types on the public page: its company (企業名,
// 企業名カナ, 郵便番号, 住所, 電話番号) and its first admin (氏名, 氏名カナ, 所属, 役職, TEL,
// メールアドレス), with its consent to the terms. Admin fields are named "admin_…".
type Application struct {
	CompanyName string `json:"company_name"`
	CompanyKana string `json:"company_kana"`
	PostalCode  string `json:"postal_code"`
	Address     string `json:"address"`
	CompanyTel  string `json:"company_tel"`
	Admin       account.UserInput
	TermsAgreed bool `json:"terms_agreed"`
}

var postalPattern = regexp.MustCompile(`^[0-9]{3}-[0-9]{4}$`)

// Normalize trims and widens what was typed; a postal code of seven digits gets its
// hyphen (1000001 → 100-0001), full-width digits become half-width.
func (a Application) Normalize() Application {
	a.CompanyName, a.Address = kana.Text(a.CompanyName), kana.Text(a.Address)
	if k, ok := kana.Katakana(a.CompanyKana); ok {
		a.CompanyKana = k
	} else {
		a.CompanyKana = strings.TrimSpace(a.CompanyKana)
	}
	p := strings.ReplaceAll(norm.NFKC.String(strings.TrimSpace(a.PostalCode)), "ー", "-")
	if len(p) == 7 && !strings.Contains(p, "-") {
		p = p[:3] + "-" + p[3:]
	}
	a.PostalCode = p
	a.CompanyTel = account.NormalizeTel(a.CompanyTel)
	a.Admin.Role = account.RoleAdmin
	a.Admin = a.Admin.Normalize()
	return a
}

// Validate checks a normalized application field by field.
func (a Application) Validate() form.Errors {
	errs := form.Errors{}
	for f, v := range map[string]string{"company_name": a.CompanyName, "company_kana": a.CompanyKana, "address": a.Address, "postal_code": a.PostalCode, "company_tel": a.CompanyTel} {
		errs.Line(f, v)
	}
	errs.Required("company_name", a.CompanyName, MaxCompanyLength)
	errs.Required("company_kana", a.CompanyKana, MaxCompanyLength)
	if _, ok := kana.Katakana(a.CompanyKana); a.CompanyKana != "" && !ok {
		errs.Add("company_kana", "error.kana")
	}
	errs.Required("postal_code", a.PostalCode, 8)
	if a.PostalCode != "" && !postalPattern.MatchString(a.PostalCode) {
		errs.Add("postal_code", "error.postal_code")
	}
	errs.Required("address", a.Address, 200)
	errs.Required("company_tel", a.CompanyTel, 20)
	if a.CompanyTel != "" && !account.ValidTel(a.CompanyTel) {
		errs.Add("company_tel", "error.tel")
	}
	for f, k := range a.Admin.Validate() {
		errs.Add("admin_"+f, k)
	}
	if !a.TermsAgreed {
		errs.Add("terms", "error.terms")
	}
	return errs
}

// record is the application as the invitation keeps it.
func (a Application) record() *data.InvitationApplication {
	return &data.InvitationApplication{
		CompanyName: a.CompanyName, CompanyKana: a.CompanyKana, PostalCode: a.PostalCode,
		Address: a.Address, CompanyTel: a.CompanyTel,
		AdminName: a.Admin.Name, AdminKana: a.Admin.Kana, AdminDept: a.Admin.Dept, AdminTitle: a.Admin.Title,
		AdminTel: a.Admin.Tel, AdminEmail: a.Admin.Email, TermsAgreed: a.TermsAgreed,
	}
}

// FromRecord is the application an invitation keeps, for the operator's screen.
func FromRecord(r data.InvitationApplication) Application {
	return Application{
		CompanyName: r.CompanyName, CompanyKana: r.CompanyKana, PostalCode: r.PostalCode,
		Address: r.Address, CompanyTel: r.CompanyTel, TermsAgreed: r.TermsAgreed,
		Admin: account.UserInput{
			Role: account.RoleAdmin, Name: r.AdminName, Kana: r.AdminKana, Dept: r.AdminDept,
			Title: r.AdminTitle, Tel: r.AdminTel, Email: r.AdminEmail,
		},
	}
}

// onboarding is the application as company onboarding takes it: a company on the
// 取引先専用 plan and its 管理用ID.
func (a Application) onboarding() company.Application {
	return company.Application{Name: a.CompanyName, Plan: company.PlanPartnerOnly, Admin: a.Admin}
}
