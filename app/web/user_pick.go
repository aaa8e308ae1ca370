package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/contract"
	"inkan/app/domain/roster"
	"inkan/app/locale/i18n"
	"inkan/app/locale/kana"
	"inkan/data"
)

// pickFields are the form fields the 利用者選択 picker can fill: 電子証明書追加発行申請's
// 利用者ID, 紐付け更新's 追加 and 長期保管文書照会's 自社担当者.
var pickFields = map[string]bool{"user_id": true, "add": true, contract.SearchOwner: true}

// pickedUser is the user a picker chose for a form field, shown with their name.
type pickedUser struct {
	Field, ID, Name string
	L               i18n.Localizer
}

// pickUser is the user of the company t with the ID, for the field; an unknown ID keeps
// the ID and shows no name (the form's check then refuses it).
func pickUser(t data.Tenant, id, field string) (pickedUser, error) {
	p := pickedUser{Field: field, ID: id}
	if id == "" {
		return p, nil
	}
	u, err := account.LiveUser(t, id)
	if errors.Is(err, data.ErrNotFound) {
		return p, nil
	}
	p.Name = u.Name
	return p, err
}

// userPickView is the result of a 利用者選択 search: one ID by radio, then 選択.
type userPickView struct {
	page
	Field string
	Rows  []roster.Row
	Count string
}

func pickField(c *fiber.Ctx) (string, error) {
	field := c.Query("field")
	if !pickFields[field] {
		return "", fiber.ErrBadRequest
	}
	return field, nil
}

// userPick is 利用者選択's 検索: the company's active users by 利用者ID, 利用者名 and
// 利用者名カナ (empty: all), one page.
func (h *handler) userPick(c *fiber.Ctx) error {
	field, err := pickField(c)
	if err != nil {
		return err
	}
	st := stateOf(c)
	f := roster.Filter{ID: c.Query("pick_id"), Name: c.Query("pick_name"), Status: account.StatusActive}.Normalize()
	if errs := f.Validate(); len(errs) > 0 {
		return fiber.NewError(fiber.StatusBadRequest, "error.search_too_long")
	}
	v := &userPickView{page: h.page(c, "cert.pick_title", "menu.admin"), Field: field}
	var found roster.Page
	err = h.Store.View(func(tx *data.Tx) (err error) {
		found, err = roster.Find(tx, st.Company.ID, f, 1, h.Accounts.Now())
		return err
	})
	if err != nil {
		return err
	}
	want := kana.Fold(strings.TrimSpace(c.Query("pick_kana")))
	for _, r := range found.Rows {
		if want == "" || strings.Contains(kana.Fold(r.Kana), want) {
			v.Rows = append(v.Rows, r)
		}
	}
	if len(v.Rows) > 0 {
		v.Count = v.L.T("common.range", len(v.Rows), 1, len(v.Rows))
	}
	return render(c, fiber.StatusOK, "admin/user_pick", v, "")
}

// userPickChoose is 選択 (or クリア, with no ID): the chosen user in the form's field.
// Another company's ID is not found.
func (h *handler) userPickChoose(c *fiber.Ctx) error {
	field, err := pickField(c)
	if err != nil {
		return err
	}
	id := account.NormalizeID(c.Query("pick"))
	var p pickedUser
	err = h.Store.View(func(tx *data.Tx) error {
		t := tx.Tenant(stateOf(c).Company.ID)
		if id != "" {
			if _, err := account.LiveUser(t, id); err != nil {
				return err
			}
		}
		p, err = pickUser(t, id, field)
		return err
	})
	if err != nil {
		return err
	}
	v := h.view(c, "cert.pick_title", "menu.admin")
	p.L = h.Catalogs.For(stateOf(c).Lang)
	v["Picked"] = p
	return render(c, fiber.StatusOK, "admin/user_picked", v, "")
}
