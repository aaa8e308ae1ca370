package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
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
// Asked again for an ID already deleted (Back after 削除, a reload), it says so: a
// history restore shows only a 200 answer, and would leave 完了 under this address.
func (h *handler) userDeleteAsk(c *fiber.Ctx) error {
	u, err := h.loadUser(c)
	if errors.Is(err, data.ErrNotFound) {
		return h.userDeleted(c)
	}
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
		replaceURL(c, userURL(u.ID)+"/delete")
		return invalid(c, err, v, "admin/user_delete", layoutMain)
	}
	pushURL(c, userURL(u.ID)+"/deleted")
	return render(c, fiber.StatusOK, "admin/user_deleted", v, layoutMain)
}

// userDeleted is the 完了 screen of 削除 again at its GET address: only for a deleted
// ID of this company.
func (h *handler) userDeleted(c *fiber.Ctx) error {
	var u data.User
	err := h.Store.View(func(tx *data.Tx) (err error) {
		u, err = tx.Tenant(stateOf(c).Company.ID).User(c.Params("id"))
		return err
	})
	if err != nil {
		return err
	}
	if account.IsLive(u) {
		return data.ErrNotFound
	}
	return render(c, fiber.StatusOK, "admin/user_deleted", h.deleteView(c, u), layoutMain)
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
