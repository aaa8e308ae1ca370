package web

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// fieldNext carries the page a person asked for before logging in, through the login
// form and the forced password change, so that a deep link is followed, not dropped.
const fieldNext = "next"

// safeNext is s when it is a path on this site, else "". Anything a browser could read
// as another origin is refused: a scheme, "//host", a backslash (browsers read "/\host"
// as "//host"), control characters.
func safeNext(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, `\`) {
		return ""
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return ""
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return s
}

// nextOf is the safe next path of a request: the form's field, else the query's. It is
// a copy, not fiber's reused buffer.
func nextOf(c *fiber.Ctx) string {
	next := c.FormValue(fieldNext)
	if next == "" {
		next = c.Query(fieldNext)
	}
	return strings.Clone(safeNext(next))
}

// requested is the path a GET asked for, to come back to after a detour (login,
// forced password change); other methods cannot be replayed by a redirect.
func requested(c *fiber.Ctx) string {
	if c.Method() != fiber.MethodGet || c.Path() == "/" {
		return ""
	}
	return safeNext(c.OriginalURL())
}

// withNext is path with next as its next parameter, when there is one.
func withNext(path, next string) string {
	if next == "" {
		return path
	}
	return path + "?" + url.Values{fieldNext: {next}}.Encode()
}

// orTop is next, or the top page when there is none.
func orTop(next string) string {
	if next == "" {
		return "/"
	}
	return next
}
