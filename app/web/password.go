package web

import (
	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
)

func (h *handler) passwordShow(c *fiber.Ctx) error {
	v := h.view(c, "password.title", "menu.settings")
	v["Forced"] = stateOf(c).User.MustChangePassword
	return render(c, fiber.StatusOK, "auth/password", v, layoutMain)
}

func (h *handler) passwordSubmit(c *fiber.Ctx) error {
	st := stateOf(c)
	in := account.PasswordChange{Current: c.FormValue("current"), New: c.FormValue("new"), Confirm: c.FormValue("confirm")}
	v := h.view(c, "password.title", "menu.settings")
	v["Forced"] = st.User.MustChangePassword
	if err := h.Accounts.ChangePassword(st.Company.ID, st.User.ID, st.Session.ID, in); err != nil {
		return invalid(c, err, v, "auth/password", layoutMain)
	}
	if st.User.MustChangePassword {
		return redirect(c, "/")
	}
	v["Done"] = "password.done"
	return render(c, fiber.StatusOK, "auth/password", v, layoutMain)
}
