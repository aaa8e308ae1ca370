package web

import (
	"github.com/gofiber/fiber/v2"

	"inkan/data"
)

// userDeleteAsk asks for confirmation before 削除: the ID can never be used again.
func (h *handler) userDeleteAsk(c *fiber.Ctx) error {
	u, err := h.loadUser(c)
	if err != nil {
		return err
	}
	v := h.view(c, "user.delete_title", "menu.admin")
	v["Target"] = u
	return render(c, fiber.StatusOK, "admin/user_delete", v, layoutMain)
}

// userDelete deletes the ID, or shows on the same screen why it may not be deleted.
func (h *handler) userDelete(c *fiber.Ctx) error {
	st := stateOf(c)
	u, err := h.loadUser(c)
	if err != nil {
		return err
	}
	err = h.Store.Update(func(tx *data.Tx) error {
		return h.Accounts.Delete(tx, st.Company.ID, u.ID, st.User.ID)
	})
	v := h.view(c, "user.delete_title", "menu.admin")
	v["Target"] = u
	if err != nil {
		return invalid(c, err, v, "admin/user_delete", layoutMain)
	}
	v["Done"] = true
	return render(c, fiber.StatusOK, "admin/user_delete", v, layoutMain)
}

// userAPI is the API ID button: the API is a later release, and the screen says so.
func (h *handler) userAPI(c *fiber.Ctx) error {
	u, err := h.loadUser(c)
	if err != nil {
		return err
	}
	v := h.view(c, "user.api_title", "menu.admin")
	v["Target"] = u
	return render(c, fiber.StatusOK, "admin/user_api", v, layoutMain)
}
