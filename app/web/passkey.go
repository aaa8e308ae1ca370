package web

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"inkan/app/domain/form"
	"inkan/app/domain/passkey"
	"inkan/data"
)

// cookieCeremony carries the token of a passkey ceremony between its two steps. The
// ceremony itself stays server-side (package passkey); the cookie only names it.
const cookieCeremony = "inkan_passkey"

// ceremonyAge is how long the ceremony cookie lives: as long as the ceremony.
const ceremonyAge = 5 * 60

// passkeyArea is what differs between the company users' passkeys and the operators':
// the session kind, where the ceremonies are posted, and the session cookie.
type passkeyArea struct {
	kind          string
	path          string // the prefix of the ceremony routes
	session, home string // the session cookie and its path
}

var (
	userPasskeys     = passkeyArea{kind: data.SessionUser, path: "/login/passkey", session: cookieSession, home: "/"}
	operatorPasskeys = passkeyArea{kind: data.SessionOperator, path: "/operator/login/passkey", session: cookieOperator, home: "/operator"}
)

func (h *handler) passkeyRoutes(app *fiber.App, user func(...fiber.Handler) []fiber.Handler, operator func(fiber.Handler) []fiber.Handler) {
	for _, area := range []passkeyArea{userPasskeys, operatorPasskeys} {
		app.Post(area.path+"/begin", h.passkeyBeginLimiter(), h.passkeyLoginBegin(area))
		app.Post(area.path+"/finish", h.passkeyLoginFinish(area))
	}
	// Registering and removing are for a person already logged in, past the forced
	// password change.
	app.Post("/settings/passkeys/begin", user(h.passkeyRegisterBegin(userPasskeys))...)
	app.Post("/settings/passkeys/finish", user(h.passkeyRegisterFinish(userPasskeys))...)
	app.Post("/settings/passkeys/:id/delete", user(h.passkeyRemove("/settings"))...)
	app.Get("/operator/passkeys", operator(h.operatorPasskeysShow)...)
	app.Post("/operator/passkeys/begin", operator(h.passkeyRegisterBegin(operatorPasskeys))...)
	app.Post("/operator/passkeys/finish", operator(h.passkeyRegisterFinish(operatorPasskeys))...)
	app.Post("/operator/passkeys/:id/delete", operator(h.passkeyRemove("/operator/passkeys"))...)
}

// passkeyBeginsPerMinute bounds the login ceremonies one address may start: each keeps
// its challenge in the store before anyone is known (the throttle of refused answers
// comes only at the second step), far more than a person clicking パスキーでログイン.
const passkeyBeginsPerMinute = 30

// passkeyBeginLimiter throttles starting a login ceremony per client address, with a
// JSON reply the script shows.
func (h *handler) passkeyBeginLimiter() fiber.Handler {
	return limiter.New(limiter.Config{
		Max:          passkeyBeginsPerMinute,
		Expiration:   time.Minute,
		KeyGenerator: h.clientAddress,
		LimitReached: func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(60))
			return h.ceremonyRefused(c, fiber.StatusTooManyRequests, "passkey.error.throttled")
		},
	})
}

// passkeyOwner is the logged-in account as the owner of passkeys.
func passkeyOwner(c *fiber.Ctx) passkey.Owner {
	st := stateOf(c)
	if st.Operator != nil {
		return passkey.Owner{Kind: data.SessionOperator, Subject: st.Operator.Login, Name: st.Operator.Name}
	}
	return passkey.Owner{Kind: data.SessionUser, Subject: st.User.ID, CompanyID: st.Company.ID, Name: st.User.Name}
}

// ceremonyReply is what the browser's script reads after a step: the options for the
// authenticator, where to go next, or the message to show.
type ceremonyReply struct {
	Options json.RawMessage `json:"options,omitempty"`
	Next    string          `json:"next,omitempty"`
	Error   string          `json:"error,omitempty"`
}

func (h *handler) ceremonyRefused(c *fiber.Ctx, status int, key string) error {
	return c.Status(status).JSON(ceremonyReply{Error: h.Catalogs.For(stateOf(c).Lang).T(key)})
}

func (h *handler) startCeremony(c *fiber.Ctx, path string, options []byte, token string) error {
	c.Cookie(&fiber.Cookie{
		Name: cookieCeremony, Value: token, Path: path, HTTPOnly: true, MaxAge: ceremonyAge,
		SameSite: fiber.CookieSameSiteStrictMode, Secure: h.Config.SecureCookies(),
	})
	return c.JSON(ceremonyReply{Options: options})
}

// endCeremony reads the ceremony's token and drops its cookie: a token serves once.
func (h *handler) endCeremony(c *fiber.Ctx, path string) string {
	token := c.Cookies(cookieCeremony)
	h.clearCookie(c, cookieCeremony, path)
	return token
}

func (h *handler) passkeyLoginBegin(area passkeyArea) fiber.Handler {
	return func(c *fiber.Ctx) error {
		options, token, err := h.Passkeys.BeginLogin()
		if err != nil {
			return err
		}
		return h.startCeremony(c, area.path, options, token)
	}
}

func (h *handler) passkeyLoginFinish(area passkeyArea) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token := h.endCeremony(c, area.path)
		session, _, err := h.Passkeys.FinishLogin(area.kind, token, c.Body(), h.clientAddress(c))
		if err != nil {
			status, alert, err := h.loginRefusal(c, err)
			if err != nil {
				return err
			}
			if alert == "login.error.credentials" {
				alert = "passkey.error.login"
			}
			return h.ceremonyRefused(c, status, alert)
		}
		h.setSessionCookie(c, area.session, area.home, session)
		next := area.home
		if area.kind == data.SessionUser {
			next = orTop(nextOf(c))
		}
		return c.JSON(ceremonyReply{Next: next})
	}
}

func (h *handler) passkeyRegisterBegin(area passkeyArea) fiber.Handler {
	return func(c *fiber.Ctx) error {
		options, token, err := h.Passkeys.BeginRegistration(passkeyOwner(c), c.FormValue("name"))
		var errs form.Errors
		if errors.As(err, &errs) {
			return h.ceremonyRefused(c, fiber.StatusUnprocessableEntity, errs["name"])
		}
		if err != nil {
			return err
		}
		return h.startCeremony(c, registerPath(area), options, token)
	}
}

func (h *handler) passkeyRegisterFinish(area passkeyArea) fiber.Handler {
	return func(c *fiber.Ctx) error {
		token := h.endCeremony(c, registerPath(area))
		_, err := h.Passkeys.FinishRegistration(passkeyOwner(c), token, c.Body())
		switch {
		case errors.Is(err, passkey.ErrGone):
			return h.ceremonyRefused(c, fiber.StatusGone, "passkey.error.gone")
		case errors.Is(err, passkey.ErrRefused), errors.Is(err, data.ErrConflict):
			return h.ceremonyRefused(c, fiber.StatusUnprocessableEntity, "passkey.error.register")
		case err != nil:
			return err
		}
		return c.JSON(ceremonyReply{Next: registeredPath(area)})
	}
}

func registerPath(area passkeyArea) string {
	if area.kind == data.SessionOperator {
		return "/operator/passkeys"
	}
	return "/settings/passkeys"
}

// registeredPath is the screen that lists the passkeys, saying one was added.
func registeredPath(area passkeyArea) string {
	if area.kind == data.SessionOperator {
		return "/operator/passkeys?done=passkey_added"
	}
	return "/settings?done=passkey_added"
}

// passkeyRemove deletes one of the logged-in account's passkeys; another account's
// answers 404 like a missing one.
func (h *handler) passkeyRemove(back string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := h.Passkeys.Remove(passkeyOwner(c), c.Params("id"))
		if errors.Is(err, data.ErrNotFound) {
			return fiber.ErrNotFound
		}
		if err != nil {
			return err
		}
		return redirect(c, back+"?done=passkey_removed")
	}
}

// passkeyPanel is the list of the account's passkeys with the form adding one, as
// partials/passkeys draws it on 個人設定 and on the operator's パスキー screen.
type passkeyPanel struct {
	Base     string // where the panel's forms post: Base+"/begin", Base+"/"+id+"/delete"
	Passkeys []data.Passkey
}

func (h *handler) passkeyPanel(c *fiber.Ctx, area passkeyArea) (passkeyPanel, error) {
	keys, err := h.Passkeys.List(passkeyOwner(c))
	return passkeyPanel{Base: registerPath(area), Passkeys: keys}, err
}

// passkeyDone is the catalog key of the notice for the done query of a panel's screen.
func passkeyDone(c *fiber.Ctx) string {
	switch c.Query("done") {
	case "passkey_added":
		return "passkey.added"
	case "passkey_removed":
		return "passkey.removed"
	}
	return ""
}

type operatorPasskeysView struct {
	page
	Done     string
	Passkeys passkeyPanel
}

func (h *handler) operatorPasskeysShow(c *fiber.Ctx) error {
	panel, err := h.passkeyPanel(c, operatorPasskeys)
	if err != nil {
		return err
	}
	v := &operatorPasskeysView{page: h.page(c, "passkey.title", "operator.passkeys"), Done: passkeyDone(c), Passkeys: panel}
	return render(c, fiber.StatusOK, "operator/passkeys", v, layoutOperator)
}
