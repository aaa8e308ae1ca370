package web

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
)

// loginView is a login screen: the company users' or the operators'. IDLabel is the
// catalog key of the ID field's caption; Next the page to go to after the login.
type loginView struct {
	page
	Action, IDLabel, LoginID, Next string
	screen                         string
}

func (h *handler) loginView(c *fiber.Ctx, id string) *loginView {
	return &loginView{page: h.page(c, "login.title", ""), Action: "/login", IDLabel: "login.user_id", LoginID: id, screen: "auth/login"}
}

func (h *handler) loginShow(c *fiber.Ctx) error {
	// Someone already logged in goes on at once: a mail's link to a document is the
	// login with next, and must open the document whether or not a session is live.
	if stateOf(c).User != nil {
		return redirect(c, orTop(nextOf(c)))
	}
	v := h.loginView(c, "")
	v.Next = nextOf(c)
	return render(c, fiber.StatusOK, "auth/login", v, layoutBare)
}

func (h *handler) loginSubmit(c *fiber.Ctx) error {
	// Clipped before anything else sees it: an ID is short, a form field need not be.
	id := account.ClipID(strings.TrimSpace(c.FormValue("login")))
	// Login applies account.NormalizeID: ｕ０００００１ is still the ID U000001.
	token, _, err := h.Accounts.Login(id, c.FormValue("password"), h.clientAddress(c))
	next := nextOf(c)
	if err != nil {
		v := h.loginView(c, id)
		v.Next = next
		return h.loginRefused(c, err, v)
	}
	h.setSessionCookie(c, cookieSession, "/", token)
	// A user with an initial password is sent on to the change, carrying next along.
	return redirect(c, orTop(next))
}

// loginRefused shows the login screen again with the reason a person may be told.
func (h *handler) loginRefused(c *fiber.Ctx, err error, v *loginView) error {
	status, alert, err := h.loginRefusal(c, err)
	if err != nil {
		return err
	}
	v.Alert = alert
	return render(c, status, v.screen, v, layoutBare)
}

// loginRefusal is the status and the catalog key of the message for a refused login
// (by password or passkey), setting Retry-After when throttled; err for any other
// error.
func (h *handler) loginRefusal(c *fiber.Ctx, err error) (int, string, error) {
	switch {
	case errors.Is(err, account.ErrLocked):
		return fiber.StatusLocked, "login.error.locked", nil
	case errors.Is(err, account.ErrSuspended):
		return fiber.StatusForbidden, "login.error.suspended", nil
	case errors.Is(err, account.ErrThrottled):
		var t *account.ThrottledError
		if errors.As(err, &t) {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(t.RetryAfter.Seconds()))))
		}
		return fiber.StatusTooManyRequests, "login.error.throttled", nil
	case errors.Is(err, account.ErrBadCredentials):
		return fiber.StatusUnauthorized, "login.error.credentials", nil
	}
	return 0, "", err
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
