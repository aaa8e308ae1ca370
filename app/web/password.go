package web

import (
	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
)

// passwordView is パスワード変更: Forced on the first login, Done the catalog key of
// the message once changed.
type passwordView struct {
	page
	Forced bool
	Done   string
}

func (h *handler) passwordView(c *fiber.Ctx) *passwordView {
	return &passwordView{page: h.page(c, "password.title", "menu.settings"), Forced: stateOf(c).User.MustChangePassword}
}

func (h *handler) passwordShow(c *fiber.Ctx) error {
	v := h.passwordView(c)
	return render(c, fiber.StatusOK, "auth/password", v, layoutMain)
}

func (h *handler) passwordSubmit(c *fiber.Ctx) error {
	st := stateOf(c)
	in := account.PasswordChange{Current: c.FormValue("current"), New: c.FormValue("new"), Confirm: c.FormValue("confirm")}
	v := h.passwordView(c)
	if err := h.Accounts.ChangePassword(st.Company.ID, st.User.ID, st.Session.ID, in); err != nil {
		return invalid(c, err, v, "auth/password", layoutMain)
	}
	if st.User.MustChangePassword {
		return redirect(c, "/")
	}
	v.Done = "password.done"
	return render(c, fiber.StatusOK, "auth/password", v, layoutMain)
}
