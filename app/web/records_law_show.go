package web

import (
	"github.com/gofiber/fiber/v2"
)

// 電子帳簿保存法への対応 under サポート.
const (
	recordsLawItem = "menu.support.records_law"
	recordsLawPath = "/support/records-law"
)

// recordsLawShow states, requirement by requirement of the records law (manual
// Appendix 3), how the service meets it, each with a link to the screen that does it.
func (h *handler) recordsLawShow(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "support/records_law", h.view(c, recordsLawItem, supportSection), layoutMain)
}
