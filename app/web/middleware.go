package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/company"
	"inkan/data"
)

const (
	cookieSession  = "inkan_session"
	cookieOperator = "inkan_operator"
	cookieCSRF     = "inkan_csrf"
	headerCSRF     = "X-Csrf-Token"
	fieldCSRF      = "_csrf"
)

// state is what identify learned about the request, kept in c.Locals.
type state struct {
	Session  data.Session
	User     *data.User
	Company  data.Company
	Operator *data.Operator
	Lang     string
	CSRF     string
}

func stateOf(c *fiber.Ctx) *state {
	s, _ := c.Locals("state").(*state)
	if s == nil {
		s = &state{}
		c.Locals("state", s)
	}
	return s
}

// identify resumes the session of the area the request is for (operator console or
// company screens), loads who is behind it and picks the language.
func (h *handler) identify(c *fiber.Ctx) error {
	st := stateOf(c)
	if isOperatorPath(c.Path()) {
		if err := h.identifyOperator(c, st); err != nil {
			return err
		}
	} else if err := h.identifyUser(c, st); err != nil {
		return err
	}
	if st.Lang == "" {
		// The browser's languages only when the user chose none under 個人設定.
		st.Lang = h.Catalogs.Match(c.Get(fiber.HeaderAcceptLanguage))
	}
	if st.User != nil || st.Operator != nil {
		// What a logged-in user sees is theirs alone: after ログアウト, Back must not
		// show it from the browser's cache to whoever sits down next.
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	if st.CSRF == "" {
		st.CSRF = h.anonymousCSRF(c)
	}
	return c.Next()
}

func isOperatorPath(p string) bool { return p == "/operator" || len(p) > 9 && p[:10] == "/operator/" }

func (h *handler) identifyUser(c *fiber.Ctx, st *state) error {
	p, err := h.Accounts.Resume(c.Cookies(cookieSession), data.SessionUser)
	if errors.Is(err, account.ErrSessionExpired) {
		return nil
	}
	if err != nil {
		return err
	}
	st.Session, st.User, st.Company, st.CSRF = p.Session, p.User, p.Company, p.Session.CSRF
	if h.Catalogs.Has(st.User.Lang) {
		st.Lang = st.User.Lang
	}
	return nil
}

func (h *handler) identifyOperator(c *fiber.Ctx, st *state) error {
	p, err := h.Accounts.Resume(c.Cookies(cookieOperator), data.SessionOperator)
	if errors.Is(err, account.ErrSessionExpired) {
		return nil
	}
	if err != nil {
		return err
	}
	st.Session, st.Operator, st.CSRF = p.Session, p.Operator, p.Session.CSRF
	return nil
}

// anonymousCSRF is a double-submit token for the forms shown before login: the cookie
// and the form field must carry the same random value, which another site cannot read.
func (h *handler) anonymousCSRF(c *fiber.Ctx) string {
	if v := c.Cookies(cookieCSRF); len(v) >= 32 {
		return v
	}
	v := randomString()
	c.Cookie(&fiber.Cookie{Name: cookieCSRF, Value: v, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: h.Config.SecureCookies()})
	return v
}

// checkCSRF refuses a state-changing request whose token, from the form field or the
// X-Csrf-Token header that htmx sends, does not match the session's.
func (h *handler) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	sent := c.Get(headerCSRF)
	if sent == "" {
		sent = c.FormValue(fieldCSRF)
	}
	want := stateOf(c).CSRF
	if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(want)) != 1 {
		return fiber.NewError(fiber.StatusForbidden, "error.csrf")
	}
	return c.Next()
}

func (h *handler) requireUser(c *fiber.Ctx) error {
	if stateOf(c).User == nil {
		return redirect(c, withNext("/login", requested(c)))
	}
	return c.Next()
}

// requirePasswordChanged sends a user who still has an initial password to the change
// screen before anything else (manual p.3).
func (h *handler) requirePasswordChanged(c *fiber.Ctx) error {
	if stateOf(c).User.MustChangePassword {
		return redirect(c, withNext("/password", requested(c)))
	}
	return c.Next()
}

func (h *handler) requireAdmin(c *fiber.Ctx) error {
	if stateOf(c).User.Role != account.RoleAdmin {
		return fiber.NewError(fiber.StatusForbidden, "error.forbidden")
	}
	return c.Next()
}

func (h *handler) requireOperator(c *fiber.Ctx) error {
	if stateOf(c).Operator == nil {
		return redirect(c, "/operator/login")
	}
	return c.Next()
}

// requireOperatorPasswordChanged sends an operator with a printed password (inkan init,
// inkan operator reset-password) to the change screen first, as for users.
func (h *handler) requireOperatorPasswordChanged(c *fiber.Ctx) error {
	if stateOf(c).Operator.MustChangePassword {
		return redirect(c, "/operator/password")
	}
	return c.Next()
}

// redirect sends the browser elsewhere. An htmx request gets HX-Redirect, because a
// plain 303 would be followed inside the XHR and its page swapped into the old one.
func redirect(c *fiber.Ctx, to string) error {
	if c.Get("HX-Request") == "true" {
		c.Set("HX-Redirect", to)
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// requireInvite refuses 利用申請URL送信 to a company whose plan lacks it, whatever the
// menu showed: the URL can be typed.
func (h *handler) requireInvite(c *fiber.Ctx) error {
	if !canInvite(stateOf(c).Company) {
		return fiber.NewError(fiber.StatusForbidden, "error.forbidden")
	}
	return c.Next()
}

// canInvite reports whether the user's company plan has 利用申請URL送信.
func canInvite(c data.Company) bool { return company.Plan(c.Plan).CanInvitePartners() }

// randomString is 256 random bits, URL-safe.
func randomString() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("web: read random: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
