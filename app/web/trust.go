package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"inkan/app/trust/pki"
)

// trustRoutes serves what verifiers fetch without a login: the CA certificates, the
// CRLs the certificates point at, and the RFC 3161 timestamp service. They sit before
// the session and CSRF middleware because no browser form posts to them.
func (h *handler) trustRoutes(app *fiber.App) {
	der := func(contentType string, get func() ([]byte, error)) fiber.Handler {
		return func(c *fiber.Ctx) error {
			b, err := get()
			if err != nil {
				return err
			}
			c.Set(fiber.HeaderContentType, contentType)
			c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
			return c.Send(b)
		}
	}
	app.Get(pki.RootCertPath, der("application/pkix-cert", func() ([]byte, error) { return h.Certs.Root().Raw, nil }))
	app.Get(pki.IssuingCertPath, der("application/pkix-cert", func() ([]byte, error) { return h.Certs.Issuing().Raw, nil }))
	app.Get(pki.IssuingCRLPath, der("application/pkix-crl", func() ([]byte, error) {
		issuing, _, err := h.Certs.CRLs()
		return issuing, err
	}))
	app.Get(pki.RootCRLPath, der("application/pkix-crl", func() ([]byte, error) {
		_, root, err := h.Certs.CRLs()
		return root, err
	}))
	app.Post(TSAPath, adaptor.HTTPHandler(h.Certs.TSAHandler()))
}

// TSAPath is where the timestamp authority answers application/timestamp-query.
const TSAPath = "/pki/tsa"
