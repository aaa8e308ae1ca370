package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/data"
)

// companyShowView is the operator's 企業詳細: the company and its users, with ロック解除
// and パスワード初期化 for its admins, so that a company whose admins are all locked out
// has a way back. Done is the catalog key of what was just done.
type companyShowView struct {
	page
	Target data.Company
	Users  []companyUserRow
	Done   string
}

// companyUserRow is one user on 企業詳細, its 権限 and 利用ステータス in words.
type companyUserRow struct {
	ID, Name, RoleLabel, StatusLabel string
	Admin, Locked                    bool
}

func (h *handler) companyShow(c *fiber.Ctx) error { return h.renderCompany(c, "", nil) }

// companyUnlockAdmin is ロック解除 of a company's admin by the operator.
func (h *handler) companyUnlockAdmin(c *fiber.Ctx) error {
	err := h.Store.Update(func(tx *data.Tx) error {
		return h.Accounts.UnlockAdmin(tx, c.Params("id"), c.Params("user"), operatorActor(stateOf(c)))
	})
	return h.companyActed(c, err, "user.unlocked")
}

// companyResetAdmin is パスワード初期化 of a company's admin by the operator: the new
// initial password goes to the admin by mail.
func (h *handler) companyResetAdmin(c *fiber.Ctx) error {
	err := h.Store.Update(func(tx *data.Tx) error {
		return h.Accounts.ResetAdminPassword(tx, c.Params("id"), c.Params("user"), operatorActor(stateOf(c)))
	})
	return h.companyActed(c, err, "operator.password_reset")
}

// companyActed shows 企業詳細 after an action: with its message, or with the refusal.
func (h *handler) companyActed(c *fiber.Ctx, err error, done string) error {
	replaceURL(c, "/operator/companies/"+url.PathEscape(c.Params("id")))
	if err != nil {
		return h.renderCompany(c, "", err)
	}
	return h.renderCompany(c, done, nil)
}

func (h *handler) renderCompany(c *fiber.Ctx, done string, refusal error) error {
	v := &companyShowView{page: h.page(c, "operator.company_detail", "operator.companies"), Done: done}
	now := h.Accounts.Now()
	err := h.Store.View(func(tx *data.Tx) error {
		t := tx.Tenant(c.Params("id"))
		var err error
		if v.Target, err = t.Company(); err != nil {
			return err
		}
		users, err := t.Users()
		for _, u := range users {
			if !account.IsLive(u) {
				continue
			}
			v.Users = append(v.Users, companyUserRow{
				ID: u.ID, Name: u.Name, RoleLabel: v.L.T("role." + u.Role), StatusLabel: v.L.T("status." + u.Status),
				Admin: u.Role == account.RoleAdmin, Locked: account.IsLocked(u.Lockout, now),
			})
		}
		return err
	})
	if err != nil {
		return err
	}
	if refusal != nil {
		return invalid(c, refusal, v, "operator/company_show", layoutOperator)
	}
	return render(c, fiber.StatusOK, "operator/company_show", v, layoutOperator)
}
