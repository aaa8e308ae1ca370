package web

import (
	"errors"
	"fmt"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/form"
	"inkan/app/domain/invitation"
	"inkan/app/locale/i18n"
	"inkan/data"
)

// Layouts: the company screens, the operator console, and pages before login.
const (
	layoutMain     = "layouts/main"
	layoutOperator = "layouts/operator"
	layoutBare     = "layouts/bare"
)

// page is the data every screen shares, the only data the skeleton and the layouts
// read. A screen's view embeds it and adds its own fields.
type page struct {
	L        i18n.Localizer
	Title    string
	Service  string
	CSRF     string
	Active   string
	User     *data.User
	Company  data.Company
	Operator *data.Operator
	// Menu is the menu bar of the company screens or of the operator console, and
	// Logout the path its ログアウト posts to.
	Menu   template.HTML
	Logout string
	// Errors are the messages beside the fields, Alert the one above the form.
	Errors form.Errors
	Alert  string
}

func (p *page) language() string { return p.L.Lang }

// base is the shared page of a view that embeds it.
func (p *page) base() *page { return p }

// refuse records the messages of a refused form.
func (p *page) refuse(errs form.Errors) { p.Errors = errs }

// page builds the shared data: the localizer, the CSRF token, who is logged in, their
// menu bar, and the title.
func (h *handler) page(c *fiber.Ctx, titleKey, active string) page {
	st := stateOf(c)
	l := h.Catalogs.For(st.Lang)
	p := page{L: l, Title: l.T(titleKey), Service: h.Config.ServiceName, CSRF: st.CSRF, Active: active, Errors: form.Errors{}}
	switch {
	case st.User != nil:
		p.User, p.Company, p.Logout = st.User, st.Company, "/logout"
		p.Menu = h.menus.bar(menuBar{lang: l.Lang, active: active, admin: st.User.Role == account.RoleAdmin, canInvite: canInvite(st.Company)})
	case st.Operator != nil:
		p.Operator, p.Logout = st.Operator, "/operator/logout"
		p.Menu = h.menus.bar(menuBar{lang: l.Lang, active: active, operator: true})
	}
	return p
}

// view is the shared data as a map, for the screens with only a value or two of their
// own.
func (h *handler) view(c *fiber.Ctx, titleKey, active string) fiber.Map {
	return h.page(c, titleKey, active).asMap()
}

// asMap is the shared data as the map of view.
func (p page) asMap() fiber.Map {
	return fiber.Map{
		"L": p.L, "Title": p.Title, "Service": p.Service, "CSRF": p.CSRF, "Active": p.Active,
		"User": p.User, "Company": p.Company, "Operator": p.Operator, "Menu": p.Menu, "Logout": p.Logout,
		"Errors": p.Errors, "Alert": p.Alert,
	}
}

// render answers with a whole page, or with the screen's fragment alone when htmx
// asked for a part of a page. Boosted navigation and history restores need the whole
// page, and Vary keeps a cached fragment from being shown after Back.
//
// The page is written straight into the response body, which fasthttp keeps from one
// request to the next (c.Render would write it into a pooled buffer first, which the
// pool drops when pages are larger than most of its buffers).
func render(c *fiber.Ctx, status int, name string, v any, layout string) error {
	c.Vary("HX-Request")
	c.Status(status)
	if isFragmentRequest(c) {
		layout = ""
	}
	c.Response().ResetBody()
	if err := c.App().Config().Views.Render(c.Response().BodyWriter(), name, v, layout); err != nil {
		c.Response().ResetBody()
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return nil
}

// pushURL and replaceURL name the GET address of the screen a POST answers with: htmx
// puts it in the address bar instead of the POST's own, so that reload and Back find
// the screen again and no POST is ever repeated from the history. push is for a new
// step of a flow, replace for the same screen shown again (a refusal, a message).
func pushURL(c *fiber.Ctx, to string)    { c.Set("HX-Push-Url", to) }
func replaceURL(c *fiber.Ctx, to string) { c.Set("HX-Replace-Url", to) }

func isFragmentRequest(c *fiber.Ctx) bool {
	return c.Get("HX-Request") == "true" && c.Get("HX-Boosted") == "" && c.Get("HX-History-Restore-Request") == ""
}

// invalid re-renders a form screen with the messages beside the fields. 422 tells
// scripts and tests the input was refused; htmx is configured to swap it like a 200.
func invalid(c *fiber.Ctx, err error, v any, name, layout string) error {
	var errs form.Errors
	if !errors.As(err, &errs) {
		return err
	}
	if err := withErrors(v, errs, name); err != nil {
		return err
	}
	return render(c, fiber.StatusUnprocessableEntity, name, v, layout)
}

// withErrors puts the messages of a refused form into the screen's view.
func withErrors(v any, errs form.Errors, name string) error {
	switch v := v.(type) {
	case fiber.Map:
		v["Errors"] = errs
	case interface{ refuse(form.Errors) }:
		v.refuse(errs)
	default:
		return fmt.Errorf("render %s: %T takes no messages", name, v)
	}
	return nil
}

// handleError is the one error page: 4xx are logged as warnings, 5xx as errors, and a
// record missing or of another company is a 404 like any unknown path.
func (h *handler) handleError(c *fiber.Ctx, err error) error {
	code, msg := fiber.StatusInternalServerError, "error.internal"
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		code = fe.Code
		msg = fe.Message
		switch {
		case code == fiber.StatusNotFound || code == fiber.StatusMethodNotAllowed:
			msg = "error.not_found"
		case code == fiber.StatusRequestEntityTooLarge || code == fiber.StatusRequestHeaderFieldsTooLarge:
			// fiber and fasthttp answer these before any handler, in English.
			msg = "error.request_too_large"
		default:
			if _, ok := h.Catalogs.For(i18n.Default).Lookup(msg); !ok {
				msg = "error.bad_request"
			}
		}
	case errors.Is(err, data.ErrNotFound):
		code, msg = fiber.StatusNotFound, "error.not_found"
	}
	path := loggedPath(c.Path())
	if code >= 500 {
		h.Log.Error("request failed", "method", c.Method(), "path", path, "err", err)
	} else {
		h.Log.Warn("request refused", "method", c.Method(), "path", path, "status", code, "err", err)
	}
	heading := map[int]string{403: "error.forbidden_title", 404: "error.not_found_title"}[code]
	if heading == "" {
		heading = "error.title"
	}
	v := h.view(c, heading, "")
	v["Heading"], v["Message"] = heading, msg
	st := stateOf(c)
	layout, home := layoutBare, "/login"
	switch {
	case st.User != nil:
		layout, home = layoutMain, "/"
	case st.Operator != nil:
		layout, home = layoutOperator, "/operator"
	}
	v["Home"] = home
	return render(c, code, "errors/error", v, layout)
}

// loggedPath is a request path as the log may hold it: an invitation URL's token is a
// credential to the partner's application, so it never reaches the log, however the
// path is spelt (routing ignores case; extra leading slashes).
func loggedPath(p string) string {
	rest := "/" + strings.TrimLeft(p, "/")
	if len(rest) >= len(invitation.PathPrefix) && strings.EqualFold(rest[:len(invitation.PathPrefix)], invitation.PathPrefix) {
		return invitation.PathPrefix + "…"
	}
	return p
}
