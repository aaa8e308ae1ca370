package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/form"
	"inkan/data"
)

// Layouts: the company screens, the operator console, and pages before login.
const (
	layoutMain     = "layouts/main"
	layoutOperator = "layouts/operator"
	layoutBare     = "layouts/bare"
)

// view builds the data every page shares: the localizer, the CSRF token, who is logged
// in, the menu, and the page title.
func (h *handler) view(c *fiber.Ctx, titleKey, active string) fiber.Map {
	st := stateOf(c)
	l := h.Catalogs.For(st.Lang)
	v := fiber.Map{
		"L": l, "Title": l.T(titleKey), "Service": h.Config.ServiceName, "CSRF": st.CSRF,
		"Active": active, "Errors": form.Errors{},
	}
	if st.User != nil {
		v["User"], v["Company"] = st.User, st.Company
		v["Menu"] = menuFor(st.User.Role == account.RoleAdmin, canInvite(st.Company))
	}
	if st.Operator != nil {
		v["Operator"] = st.Operator
	}
	return v
}

// render answers with a whole page, or with the screen's fragment alone when htmx
// asked for a part of a page. Boosted navigation and history restores need the whole
// page, and Vary keeps a cached fragment from being shown after Back.
func render(c *fiber.Ctx, status int, name string, v fiber.Map, layout string) error {
	c.Vary("HX-Request")
	c.Status(status)
	if isFragmentRequest(c) {
		return c.Render(name, v)
	}
	return c.Render(name, v, layout)
}

func isFragmentRequest(c *fiber.Ctx) bool {
	return c.Get("HX-Request") == "true" && c.Get("HX-Boosted") == "" && c.Get("HX-History-Restore-Request") == ""
}

// invalid re-renders a form screen with the messages beside the fields. 422 tells
// scripts and tests the input was refused; htmx is configured to swap it like a 200.
func invalid(c *fiber.Ctx, err error, v fiber.Map, name, layout string) error {
	var errs form.Errors
	if !errors.As(err, &errs) {
		return err
	}
	v["Errors"] = errs
	return render(c, fiber.StatusUnprocessableEntity, name, v, layout)
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
		if code == fiber.StatusNotFound || code == fiber.StatusMethodNotAllowed {
			msg = "error.not_found"
		}
	case errors.Is(err, data.ErrNotFound):
		code, msg = fiber.StatusNotFound, "error.not_found"
	}
	if code >= 500 {
		h.Log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	} else {
		h.Log.Warn("request refused", "method", c.Method(), "path", c.Path(), "status", code, "err", err)
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
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return render(c, code, "errors/error", v, layout)
}
