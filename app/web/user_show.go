package web

import (
	"github.com/gofiber/fiber/v2"

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
	return h.renderUser(c, u, "user.unlocked")
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
	v := h.view(c, "user.detail_title", "menu.admin")
	v["Target"], v["Done"], v["Certified"] = u, done, certified
	return render(c, fiber.StatusOK, "admin/user_show", v, layoutMain)
}
