package web

import (
	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/roster"
	"inkan/data"
)

// userShow is the 利用者ID 登録情報照会 screen.
func (h *handler) userShow(c *fiber.Ctx) error {
	u, err := h.loadUser(c)
	if err != nil {
		return err
	}
	return h.renderUser(c, u, "")
}

// userUnlock lifts the lock that repeated login failures put on the user.
func (h *handler) userUnlock(c *fiber.Ctx) error {
	st := stateOf(c)
	err := h.Store.Update(func(tx *data.Tx) error {
		return h.Accounts.Unlock(tx, st.Company.ID, c.Params("id"), st.User.ID)
	})
	if err != nil {
		return err
	}
	u, err := h.loadUser(c)
	if err != nil {
		return err
	}
	replaceURL(c, userURL(u.ID))
	return h.renderUser(c, u, "user.unlocked")
}

// userShowView is 登録情報照会: the user, whether they hold a certificate, their 権限
// and 状態 in words, whether repeated login failures lock it now, and Done, the catalog key of what was just changed.
type userShowView struct {
	page
	Target                 data.User
	Certified, Locked      bool
	RoleLabel, StatusLabel string
	Done                   string
}

func (h *handler) renderUser(c *fiber.Ctx, u data.User, done string) error {
	var certified bool
	err := h.Store.View(func(tx *data.Tx) (err error) {
		certified, err = roster.Certified(tx.Tenant(u.CompanyID), u.ID)
		return err
	})
	if err != nil {
		return err
	}
	v := &userShowView{page: h.page(c, "user.detail_title", "menu.admin"), Target: u, Certified: certified, Done: done}
	v.Locked = account.IsLocked(u.Lockout, h.Accounts.Now())
	v.RoleLabel, v.StatusLabel = v.L.T("role."+u.Role), v.L.T("status."+u.Status)
	return render(c, fiber.StatusOK, "admin/user_show", v, layoutMain)
}
