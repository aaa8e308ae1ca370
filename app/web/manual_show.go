package web

import (
	"github.com/gofiber/fiber/v2"
)

// 操作マニュアル under サポート, built into the binary: the records law (電子帳簿保存法,
// manual Appendix 3) wants the operating manual at hand wherever the service runs, and
// an installation on a closed network has no other copy.
const (
	supportSection = "menu.support"
	manualItem     = "menu.support.manual"
	manualPath     = "/support/manual"
)

// manualPart is one of the manual's three parts (管理者編, 発信者編, 受信者編): its
// address under manualPath, the catalog key of its title and its template.
type manualPart struct {
	Slug, Key string
}

// manualParts are the parts in the manual's order.
var manualParts = []manualPart{
	{"admin", "manual.admin"},
	{"sender", "manual.sender"},
	{"receiver", "manual.receiver"},
}

func (p manualPart) path() string     { return manualPath + "/" + p.Slug }
func (p manualPart) template() string { return "support/manual_" + p.Slug }

// supportRoutes are the manual's table of contents, its parts and the records-law
// page, for every logged-in user: a general user reads 管理者編 too, to know what to
// ask the admin for.
func (h *handler) supportRoutes(app *fiber.App, user func(...fiber.Handler) []fiber.Handler) {
	app.Get(manualPath, user(h.manualShow)...)
	for _, p := range manualParts {
		app.Get(p.path(), user(h.manualPartShow(p))...)
	}
	app.Get(recordsLawPath, user(h.recordsLawShow)...)
}

// manualShow is the manual's table of contents, with the system overview the law asks
// for beside the manual.
func (h *handler) manualShow(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "support/manual", h.view(c, manualItem, supportSection), layoutMain)
}

func (h *handler) manualPartShow(p manualPart) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return render(c, fiber.StatusOK, p.template(), h.view(c, p.Key, supportSection), layoutMain)
	}
}
