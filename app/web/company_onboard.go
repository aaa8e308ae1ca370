package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/company"
	"inkan/app/domain/draft"
	"inkan/app/locale/i18n"
	"inkan/data"
)

// onboardDraft is the operator's 企業登録 application between 確認 and 確定.
var onboardDraft = draft.Kind[company.Application]{Name: "company_onboard", Validate: company.Application.Validate}

func (h *handler) companyList(c *fiber.Ctx) error {
	v := h.view(c, "operator.companies", "operator.companies")
	err := h.Store.View(func(tx *data.Tx) error {
		companies, err := tx.Companies()
		v["Companies"] = companies
		return err
	})
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "operator/companies", v, layoutOperator)
}

// onboardView is the operator's 企業登録 input screen.
type onboardView struct {
	page
	Form           company.Application
	Plans, Options []fieldOption
}

func (h *handler) onboardView(c *fiber.Ctx, a company.Application) *onboardView {
	v := &onboardView{page: h.page(c, "operator.onboard", "operator.onboard"), Form: a}
	for _, p := range company.Plans {
		v.Plans = append(v.Plans, fieldOption{Name: "plan", Value: string(p), Label: v.L.T(p.LabelKey()), Checked: p == a.Plan})
	}
	v.Options = optionChoices(v.L, a.Options)
	return v
}

// optionChoices are the checkboxes of the company's options, in the manual's order.
func optionChoices(l i18n.Localizer, o data.CompanyOptions) []fieldOption {
	return []fieldOption{
		{Name: "opt_bulk_sign", Value: "1", Label: l.T("option.bulk_sign"), Checked: o.BulkSign},
		{Name: "opt_projects", Value: "1", Label: l.T("option.projects"), Checked: o.Projects},
		{Name: "opt_storage_extension", Value: "1", Label: l.T("option.storage_extension"), Checked: o.StorageExtension},
		{Name: "opt_api", Value: "1", Label: l.T("option.api"), Checked: o.API},
	}
}

// onboardConfirmView is 企業登録's confirm screen; Options are the checkboxes, for the
// hidden fields, OptionLabels the names of those chosen.
type onboardConfirmView struct {
	page
	Form         company.Application
	PlanLabel    string
	Options      []fieldOption
	OptionLabels []string
	Draft        string
}

func parseApplication(c *fiber.Ctx) company.Application {
	return company.Application{
		Name: c.FormValue("name"),
		Plan: company.Plan(c.FormValue("plan")),
		Options: data.CompanyOptions{
			BulkSign:         c.FormValue("opt_bulk_sign") == "1",
			Projects:         c.FormValue("opt_projects") == "1",
			StorageExtension: c.FormValue("opt_storage_extension") == "1",
			API:              c.FormValue("opt_api") == "1",
		},
		Admin: account.UserInput{
			Role: account.RoleAdmin, Name: c.FormValue("admin_name"),
			Kana: c.FormValue("admin_kana"), Email: c.FormValue("admin_email"),
		},
		Certificate: parseFirstCertificate(c),
	}
}

func (h *handler) companyNew(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "operator/company_new", h.onboardView(c, company.Application{Plan: company.PlanOneSide}), layoutOperator)
}

// companyBack is 戻る on the confirm screen: the input screen with what was typed.
func (h *handler) companyBack(c *fiber.Ctx) error {
	pushURL(c, "/operator/companies/new")
	return render(c, fiber.StatusOK, "operator/company_new", h.onboardView(c, parseApplication(c)), layoutOperator)
}

// companyConfirm validates and keeps the normalized application as a single-use draft.
func (h *handler) companyConfirm(c *fiber.Ctx) error {
	a := parseApplication(c).Normalize()
	if errs := a.Validate(); len(errs) > 0 {
		replaceURL(c, "/operator/companies/new")
		return invalid(c, errs, h.onboardView(c, a), "operator/company_new", layoutOperator)
	}
	token, err := keepDraft(h, onboardDraft, operatorActor(stateOf(c)), a)
	if err != nil {
		return err
	}
	pushURL(c, "/operator/companies/confirm?"+url.Values{"draft": {token}}.Encode())
	return h.renderCompanyConfirm(c, a, token)
}

// companyShowConfirm is the confirm screen again at its GET address, from the draft; a
// used or expired one leads back to the input screen.
func (h *handler) companyShowConfirm(c *fiber.Ctx) error {
	token := c.Query("draft")
	a, err := peekDraft(h, onboardDraft, token, operatorActor(stateOf(c)))
	if err != nil {
		// Rendered, not redirected: a history restore (Back) ignores HX-Redirect.
		replaceURL(c, "/operator/companies/new")
		return h.companyNew(c)
	}
	return h.renderCompanyConfirm(c, a, token)
}

func (h *handler) renderCompanyConfirm(c *fiber.Ctx, a company.Application, token string) error {
	v := &onboardConfirmView{page: h.page(c, "operator.onboard_confirm", "operator.onboard"), Form: a, Draft: token}
	v.PlanLabel, v.Options = v.L.T(a.Plan.LabelKey()), optionChoices(v.L, a.Options)
	for _, o := range v.Options {
		if o.Checked {
			v.OptionLabels = append(v.OptionLabels, o.Label)
		}
	}
	return render(c, fiber.StatusOK, "operator/company_confirm", v, layoutOperator)
}

// companyCommit consumes the draft and onboards in one transaction: a second 確定 with
// the same draft finds nothing and creates nothing.
func (h *handler) companyCommit(c *fiber.Ctx) error {
	st := stateOf(c)
	var created data.Company
	var admin data.User
	var cert string
	shown := parseApplication(c)
	err := h.Store.Update(func(tx *data.Tx) error {
		a, err := onboardDraft.Take(tx, draftToken(c), operatorActor(st), h.Accounts.Now())
		if confirmed(err) {
			shown = a
		}
		if err != nil {
			return err
		}
		if created, admin, _, err = h.Onboarder.Onboard(tx, a, operatorActor(st)); err != nil {
			return err
		}
		cert, err = firstCertificateOf(tx, created.ID)
		return err
	})
	if err != nil {
		pushURL(c, "/operator/companies/new")
		return commitRefused(c, err, h.onboardView(c, shown), "operator/company_new", layoutOperator)
	}
	// 企業詳細 is the GET screen standing for 完了: reload and Back show the company.
	pushURL(c, "/operator/companies/"+url.PathEscape(created.ID))
	v := h.view(c, "operator.onboard_done", "operator.onboard")
	v["Company"], v["Admin"], v["Certificate"] = created, admin, cert
	return render(c, fiber.StatusOK, "operator/company_done", v, layoutOperator)
}

func operatorActor(st *state) string { return "operator:" + st.Operator.Login }
