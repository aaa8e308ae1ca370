package company

import (
	"fmt"
	"time"
	"unicode/utf8"

	"inkan/app/domain/account"
	"inkan/app/domain/form"
	"inkan/app/locale/kana"
	"inkan/data"
)

// Application is what the operator types to onboard a company that applied on paper.
type Application struct {
	Name    string
	Plan    Plan
	Options data.CompanyOptions
	Admin   account.UserInput
}

// Normalize trims and widens what was typed, so the confirm screen shows what is stored.
func (a Application) Normalize() Application {
	a.Name = kana.Text(a.Name)
	a.Admin.Role = account.RoleAdmin
	a.Admin = a.Admin.Normalize()
	return a
}

// Validate checks a normalized application; admin fields are prefixed "admin_".
func (a Application) Validate() form.Errors {
	errs := form.Errors{}
	errs.Line("name", a.Name)
	switch {
	case a.Name == "":
		errs.Add("name", "error.required")
	case utf8.RuneCountInString(a.Name) > 100:
		errs.Add("name", "error.too_long")
	}
	if !a.Plan.Valid() {
		errs.Add("plan", "error.required")
	}
	for f, k := range a.Admin.Validate() {
		errs.Add("admin_"+f, k)
	}
	return errs
}

// Onboarder creates companies.
type Onboarder struct {
	Accounts *account.Service
	Now      func() time.Time
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
	err = tx.Audit(data.Event{Time: now, CompanyID: c.ID, Actor: actor, Action: "company.onboard", Target: c.ID, Detail: admin.ID})
	return c, admin, pw, err
}
