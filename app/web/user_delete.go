package web

import (
	"github.com/gofiber/fiber/v2"

	"inkan/data"
)

// userDeleteView is 削除's confirm screen, and the screen saying it is done.
type userDeleteView struct {
	page
	Target    data.User
	RoleLabel string
}

func (h *handler) deleteView(c *fiber.Ctx, u data.User) *userDeleteView {
	v := &userDeleteView{page: h.page(c, "user.delete_title", "menu.admin"), Target: u}
	v.RoleLabel = v.L.T("role." + u.Role)
	return v
}

// userDeleteAsk asks for confirmation before 削除: the ID can never be used again.
func (h *handler) userDeleteAsk(c *fiber.Ctx) error {
	u, err := h.loadUser(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "admin/user_delete", h.deleteView(c, u), layoutMain)
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
	v := h.deleteView(c, u)
	if err != nil {
		return invalid(c, err, v, "admin/user_delete", layoutMain)
	}
	return render(c, fiber.StatusOK, "admin/user_deleted", v, layoutMain)
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
