package web

import (
	"github.com/gofiber/fiber/v2"
)

func (h *handler) settingsShow(c *fiber.Ctx) error {
	v := h.view(c, "settings.title", "menu.settings")
	v["Languages"] = h.Catalogs.Languages()
	return render(c, fiber.StatusOK, "settings/index", v, layoutMain)
}

func (h *handler) settingsSave(c *fiber.Ctx) error {
	st := stateOf(c)
	lang := c.FormValue("lang")
	if !h.Catalogs.Has(lang) {
		return fiber.NewError(fiber.StatusBadRequest, "error.bad_request")
	}
	if err := h.Accounts.SetLanguage(st.Company.ID, st.User.ID, lang); err != nil {
		return err
	}
	st.Lang = lang
	v := h.view(c, "settings.title", "menu.settings")
	v["Languages"], v["Done"] = h.Catalogs.Languages(), "settings.saved"
	return render(c, fiber.StatusOK, "settings/index", v, layoutMain)
}
