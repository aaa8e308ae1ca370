package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
)

func (h *handler) operatorLoginView(c *fiber.Ctx, login string) *loginView {
	return &loginView{page: h.page(c, "operator.login_title", ""), Action: "/operator/login", IDLabel: "login.operator_id", LoginID: login, screen: "operator/login"}
}

func (h *handler) operatorLoginShow(c *fiber.Ctx) error {
	if stateOf(c).Operator != nil {
		return redirect(c, "/operator")
	}
	return render(c, fiber.StatusOK, "operator/login", h.operatorLoginView(c, ""), layoutBare)
}

func (h *handler) operatorLoginSubmit(c *fiber.Ctx) error {
	login := account.ClipID(strings.TrimSpace(c.FormValue("login")))
	token, _, err := h.Accounts.OperatorLogin(login, c.FormValue("password"), h.clientAddress(c))
	if err != nil {
		return h.loginRefused(c, err, h.operatorLoginView(c, login))
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
