package web

import "github.com/gofiber/fiber/v2"

// documentPrint is the print view of the detail, for the records law's "display and
// print" of a stored document: its record fields, its signatures as verified now and
// its history on an A4 sheet (static/print.css); the PDF itself prints from the
// viewer. It is the detail's view (the same reading, the same 404s: viewable), in
// another template, with no action.
func (h *handler) documentPrint(c *fiber.Ctx) error {
	v, err := h.documentView(c, h.documentID(c), nil)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "contracts/document_print", v, layoutMain)
}
