package company

import (
	"fmt"
	"time"
	"unicode/utf8"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/domain/form"
	"inkan/app/locale/kana"
	"inkan/data"
)

// MaxNameLength bounds a 企業名 in characters.
const MaxNameLength = 100

// Application is what the operator types to onboard a company that applied on paper.
type Application struct {
	Name    string
	Plan    Plan
	Options data.CompanyOptions
	Admin   account.UserInput
	// Certificate, when set, is the first admin's certificate, issued at once: a company
	// applying on paper applies for its first certificate at the same time. Its
	// Japanese company name is the company's; the admin is its user and PIN recipient.
	Certificate *certificate.ApplicationInput `json:",omitempty"`
}

// Normalize trims and widens what was typed, so the confirm screen shows what is stored.
func (a Application) Normalize() Application {
	a.Name = kana.Text(a.Name)
	a.Admin.Role = account.RoleAdmin
	a.Admin = a.Admin.Normalize()
	if a.Certificate != nil {
		c := *a.Certificate
		c.OrgJa = a.Name
		c = c.Normalize()
		a.Certificate = &c
	}
	return a
}

// Validate checks a normalized application; admin fields are prefixed "admin_".
func (a Application) Validate() form.Errors {
	errs := form.Errors{}
	errs.Line("name", a.Name)
	switch {
	case a.Name == "":
		errs.Add("name", "error.required")
	case utf8.RuneCountInString(a.Name) > MaxNameLength:
		errs.Add("name", "error.too_long")
	}
	if !a.Plan.Valid() {
		errs.Add("plan", "error.required")
	}
	for f, k := range a.Admin.Validate() {
		errs.Add("admin_"+f, k)
	}
	if a.Certificate != nil {
		for f, k := range a.Certificate.ValidateIssueNow() {
			if f != "org_ja" {
				errs.Add("cert_"+f, k)
			}
		}
	}
	return errs
}

// Onboarder creates companies.
type Onboarder struct {
	Accounts *account.Service
	Now      func() time.Time
	// Certs issues the first admin's certificate of an application that asks for it.
	Certs *certificate.Service
}

// Onboard creates the company and its 管理用ID in tx; the two credential mails are
// queued in the same transaction. It returns the company, the admin and the admin's
// initial password.
func (o Onboarder) Onboard(tx *data.Tx, a Application, actor string) (data.Company, data.User, string, error) {
	a = a.Normalize()
	if err := a.Validate().Err(); err != nil {
		return data.Company{}, data.User{}, "", err
	}
	now := o.Now()
	c := data.Company{Name: a.Name, Plan: string(a.Plan), Options: a.Options, CreatedAt: now, UpdatedAt: now}
	if err := tx.CreateCompany(&c); err != nil {
		return data.Company{}, data.User{}, "", fmt.Errorf("onboard %s: %w", a.Name, err)
	}
	admin, pw, err := o.Accounts.Issue(tx, c.ID, a.Admin)
	if err != nil {
		return data.Company{}, data.User{}, "", fmt.Errorf("onboard %s: %w", a.Name, err)
	}
	if a.Certificate != nil {
		if o.Certs == nil {
			return data.Company{}, data.User{}, "", fmt.Errorf("onboard %s: no certificate service to issue the first certificate", a.Name)
		}
		in := *a.Certificate
		in.UserID = admin.ID
		if _, err := o.Certs.IssueNow(tx, c.ID, in, "", actor); err != nil {
			return data.Company{}, data.User{}, "", fmt.Errorf("onboard %s: %w", a.Name, err)
		}
	}
	err = tx.Audit(data.Event{Time: now, CompanyID: c.ID, Actor: actor, Action: "company.onboard", Target: c.ID, Detail: admin.ID})
	return c, admin, pw, err
}
