package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

func (h *handler) operatorLoginShow(c *fiber.Ctx) error {
	if stateOf(c).Operator != nil {
		return redirect(c, "/operator")
	}
	v := h.view(c, "operator.login_title", "")
	v["Action"], v["OperatorLogin"] = "/operator/login", true
	return render(c, fiber.StatusOK, "auth/login", v, layoutBare)
}

func (h *handler) operatorLoginSubmit(c *fiber.Ctx) error {
	login := strings.TrimSpace(c.FormValue("login"))
	token, _, err := h.Accounts.OperatorLogin(login, c.FormValue("password"), c.IP())
	if err != nil {
		v := h.view(c, "operator.login_title", "")
		v["Action"], v["OperatorLogin"], v["LoginID"] = "/operator/login", true, login
		return h.loginRefused(c, err, v)
	}
	h.setSessionCookie(c, cookieOperator, "/operator", token)
	return redirect(c, "/operator")
}

func (h *handler) operatorLogout(c *fiber.Ctx) error {
	if err := h.Accounts.Logout(c.Cookies(cookieOperator)); err != nil {
		return err
	}
	h.clearCookie(c, cookieOperator, "/operator")
	return redirect(c, "/operator/login")
}
