package web

import (
	"github.com/gofiber/fiber/v2"
)

// settingsView is 個人設定: the contact fields, the language radios, and Done, the
// catalog key of what was just saved.
type settingsView struct {
	page
	Email, Tel, Done string
	Languages        []fieldOption
	Passkeys         passkeyPanel
}

func (h *handler) settingsView(c *fiber.Ctx, email, tel string) (*settingsView, error) {
	v := &settingsView{page: h.page(c, "settings.title", "menu.settings"), Email: email, Tel: tel}
	v.Languages = choices(v.L, "lang", "lang.", h.Catalogs.Languages(), v.L.Lang)
	var err error
	v.Passkeys, err = h.passkeyPanel(c, userPasskeys)
	return v, err
}

func (h *handler) settingsShow(c *fiber.Ctx) error {
	u := stateOf(c).User
	v, err := h.settingsView(c, u.Email, u.Tel)
	if err != nil {
		return err
	}
	v.Done = passkeyDone(c)
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
	v, err := h.settingsView(c, st.User.Email, st.User.Tel)
	if err != nil {
		return err
	}
	v.Done = "settings.saved"
	return render(c, fiber.StatusOK, "settings/index", v, layoutMain)
}

// settingsContact changes the user's own mail address and TEL; the notices of the
// service go to this address from the next mail on.
func (h *handler) settingsContact(c *fiber.Ctx) error {
	st := stateOf(c)
	email, tel := c.FormValue("email"), c.FormValue("tel")
	v, err := h.settingsView(c, email, tel)
	if err != nil {
		return err
	}
	if err := h.Accounts.SetContact(st.Company.ID, st.User.ID, email, tel); err != nil {
		return invalid(c, err, v, "settings/index", layoutMain)
	}
	v.Done = "settings.contact_saved"
	return render(c, fiber.StatusOK, "settings/index", v, layoutMain)
}
