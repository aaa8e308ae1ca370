package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
)

func (h *handler) loginShow(c *fiber.Ctx) error {
	if stateOf(c).User != nil {
		return redirect(c, "/")
	}
	v := h.view(c, "login.title", "")
	v["Action"] = "/login"
	return render(c, fiber.StatusOK, "auth/login", v, layoutBare)
}

func (h *handler) loginSubmit(c *fiber.Ctx) error {
	id := strings.TrimSpace(c.FormValue("login"))
	// Login applies account.NormalizeID: ｕ０００００１ is still the ID U000001.
	token, _, err := h.Accounts.Login(id, c.FormValue("password"), c.IP())
	if err != nil {
		v := h.view(c, "login.title", "")
		v["Action"], v["LoginID"] = "/login", id
		return h.loginRefused(c, err, v)
	}
	h.setSessionCookie(c, cookieSession, "/", token)
	return redirect(c, "/")
}

// loginRefused shows the login screen again with the reason a person may be told.
func (h *handler) loginRefused(c *fiber.Ctx, err error, v fiber.Map) error {
	status, alert := fiber.StatusUnauthorized, "login.error.credentials"
	switch {
	case errors.Is(err, account.ErrLocked):
		status, alert = fiber.StatusLocked, "login.error.locked"
	case errors.Is(err, account.ErrSuspended):
		status, alert = fiber.StatusForbidden, "login.error.suspended"
	case errors.Is(err, account.ErrThrottled):
		status, alert = fiber.StatusTooManyRequests, "login.error.throttled"
	case !errors.Is(err, account.ErrBadCredentials):
		return err
	}
	v["Alert"] = alert
	return render(c, status, "auth/login", v, layoutBare)
}

func (h *handler) setSessionCookie(c *fiber.Ctx, name, path, token string) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: token, Path: path, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: h.Config.SecureCookies(),
	})
}

func (h *handler) clearCookie(c *fiber.Ctx, name, path string) {
	c.Cookie(&fiber.Cookie{Name: name, Path: path, HTTPOnly: true, MaxAge: -1, Secure: h.Config.SecureCookies()})
}

func (h *handler) logout(c *fiber.Ctx) error {
	if err := h.Accounts.Logout(c.Cookies(cookieSession)); err != nil {
		return err
	}
	h.clearCookie(c, cookieSession, "/")
	return redirect(c, "/login")
}
