package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
)

// passwordView is パスワード変更, of a company user or of the operator (Action is where
// the form posts): Forced on the first login, Done the catalog key of the message once
// changed, Next the page to go to after a forced change.
type passwordView struct {
	page
	Action string
	Forced bool
	Done   string
	Next   string
}

func (h *handler) passwordView(c *fiber.Ctx) *passwordView {
	forced := stateOf(c).User.MustChangePassword
	v := &passwordView{page: h.page(c, "password.title", "menu.settings"), Action: "/password", Forced: forced}
	if forced {
		v.Next = nextOf(c)
	}
	return v
}

func (h *handler) passwordShow(c *fiber.Ctx) error {
	v := h.passwordView(c)
	return render(c, fiber.StatusOK, "auth/password", v, layoutMain)
}

func parsePasswordChange(c *fiber.Ctx) account.PasswordChange {
	return account.PasswordChange{Current: c.FormValue("current"), New: c.FormValue("new"), Confirm: c.FormValue("confirm")}
}

func (h *handler) passwordSubmit(c *fiber.Ctx) error {
	st := stateOf(c)
	v := h.passwordView(c)
	err := h.Accounts.ChangePassword(st.Company.ID, st.User.ID, st.Session.ID, parsePasswordChange(c))
	if errors.Is(err, account.ErrLocked) {
		// Wrong current passwords locked the account and ended its sessions.
		h.clearCookie(c, cookieSession, "/")
		return h.loginRefused(c, err, h.loginView(c, st.User.ID))
	}
	if err != nil {
		return invalid(c, err, v, "auth/password", layoutMain)
	}
	if st.User.MustChangePassword {
		return redirect(c, orTop(v.Next))
	}
	v.Done = "password.done"
	return render(c, fiber.StatusOK, "auth/password", v, layoutMain)
}

func (h *handler) operatorPasswordView(c *fiber.Ctx) *passwordView {
	return &passwordView{page: h.page(c, "password.title", ""), Action: "/operator/password", Forced: stateOf(c).Operator.MustChangePassword}
}

// operatorPasswordShow is the operator's パスワード変更, forced after a printed password.
func (h *handler) operatorPasswordShow(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "auth/password", h.operatorPasswordView(c), layoutOperator)
}

func (h *handler) operatorPasswordSubmit(c *fiber.Ctx) error {
	st := stateOf(c)
	v := h.operatorPasswordView(c)
	err := h.Accounts.ChangeOperatorPassword(st.Operator.Login, st.Session.ID, parsePasswordChange(c))
	if errors.Is(err, account.ErrLocked) {
		h.clearCookie(c, cookieOperator, "/operator")
		return h.loginRefused(c, err, h.operatorLoginView(c, st.Operator.Login))
	}
	if err != nil {
		return invalid(c, err, v, "auth/password", layoutOperator)
	}
	if st.Operator.MustChangePassword {
		return redirect(c, "/operator")
	}
	v.Done = "password.done"
	return render(c, fiber.StatusOK, "auth/password", v, layoutOperator)
}
