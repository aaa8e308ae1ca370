package web

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/data"
)

const draftUserRegister = "user_register"

func parseUserInput(c *fiber.Ctx) account.UserInput {
	return account.UserInput{
		Role: c.FormValue("role"), Name: c.FormValue("name"), Kana: c.FormValue("kana"),
		Dept: c.FormValue("dept"), Title: c.FormValue("title"), Tel: c.FormValue("tel"), Email: c.FormValue("email"),
	}
}

func (h *handler) registerView(c *fiber.Ctx, in account.UserInput) fiber.Map {
	v := h.view(c, "menu.admin.user_register", "menu.admin")
	v["Form"], v["Roles"] = in, []string{account.RoleGeneral, account.RoleAdmin}
	v["Action"], v["Lead"] = "/admin/users/confirm", "user.register_lead"
	return v
}

func userActor(st *state) string { return "user:" + st.User.ID }

// userNew is 自社利用者登録: the input screen, 一般 preselected as in the manual.
func (h *handler) userNew(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "admin/user_form", h.registerView(c, account.UserInput{Role: account.RoleGeneral}), layoutMain)
}

// userRegisterBack is 戻る: the input screen with what was typed.
func (h *handler) userRegisterBack(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "admin/user_form", h.registerView(c, parseUserInput(c)), layoutMain)
}

// userRegisterConfirm validates, then keeps the normalized input as a single-use draft
// that 確定 consumes.
func (h *handler) userRegisterConfirm(c *fiber.Ctx) error {
	in := parseUserInput(c).Normalize()
	if errs := in.Validate(); len(errs) > 0 {
		return invalid(c, errs, h.registerView(c, in), "admin/user_form", layoutMain)
	}
	token, err := h.keepDraft(c, draftUserRegister, in)
	if err != nil {
		return err
	}
	v := h.view(c, "user.register_confirm_title", "menu.admin")
	v["Form"], v["Draft"], v["Lead"] = in, token, "user.register_confirm_lead"
	v["Commit"], v["Back"] = "/admin/users/commit", "/admin/users/back"
	return render(c, fiber.StatusOK, "admin/user_confirm", v, layoutMain)
}

// userRegisterCommit issues the ID from the draft. The draft is taken in the same
// transaction, so a double click or a replayed 確定 issues one ID, not two.
func (h *handler) userRegisterCommit(c *fiber.Ctx) error {
	st := stateOf(c)
	var u data.User
	err := h.Store.Update(func(tx *data.Tx) error {
		var in account.UserInput
		if err := takeDraft(tx, c, userActor(st), draftUserRegister, &in); err != nil {
			return err
		}
		var err error
		u, err = h.Accounts.Register(tx, st.Company.ID, st.User.ID, in)
		return err
	})
	if errors.Is(err, data.ErrNotFound) {
		v := h.registerView(c, parseUserInput(c))
		v["Errors"] = map[string]string{"": "error.draft_used"}
		return render(c, fiber.StatusConflict, "admin/user_form", v, layoutMain)
	}
	if err != nil {
		return invalid(c, err, h.registerView(c, parseUserInput(c)), "admin/user_form", layoutMain)
	}
	v := h.view(c, "user.register_done_title", "menu.admin")
	v["Target"] = u
	return render(c, fiber.StatusOK, "admin/user_done", v, layoutMain)
}

// keepDraft stores what a confirm screen shows, for its 確定 to take once.
func (h *handler) keepDraft(c *fiber.Ctx, kind string, payload any) (string, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("keep %s draft: %w", kind, err)
	}
	token := randomString()
	st := stateOf(c)
	err = h.Store.Update(func(tx *data.Tx) error {
		return tx.PutDraft(data.Draft{Token: token, Owner: userActor(st), Kind: kind, Payload: raw, CreatedAt: h.Accounts.Now()})
	})
	return token, err
}

// takeDraft consumes the draft named by the form's draft field; ErrNotFound when it was
// already used, expired, or belongs to someone else.
func takeDraft(tx *data.Tx, c *fiber.Ctx, owner, kind string, into any) error {
	d, err := tx.TakeDraft(c.FormValue("draft"), owner, kind)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(d.Payload, into); err != nil {
		return fmt.Errorf("read %s draft: %w", kind, err)
	}
	return nil
}
