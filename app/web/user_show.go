package web

import (
	"github.com/gofiber/fiber/v2"

	"inkan/app/account"
	"inkan/data"
)

// userShow is the 利用者ID 登録情報照会 screen (read-only here; 変更 and 削除 come with
// the user administration screens).
func (h *handler) userShow(c *fiber.Ctx) error {
	return h.renderUser(c, "")
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
	return h.renderUser(c, "user.unlocked")
}

func (h *handler) renderUser(c *fiber.Ctx, done string) error {
	st := stateOf(c)
	var u data.User
	err := h.Store.View(func(tx *data.Tx) (err error) {
		u, err = tx.Tenant(st.Company.ID).User(c.Params("id"))
		return err
	})
	if err != nil {
		return err
	}
	if u.Status == account.StatusDeleted {
		return data.ErrNotFound
	}
	v := h.view(c, "user.detail_title", "menu.admin")
	v["Target"], v["Done"] = u, done
	return render(c, fiber.StatusOK, "admin/user_show", v, layoutMain)
}
