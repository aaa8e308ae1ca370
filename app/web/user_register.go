package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/draft"
	"inkan/data"
)

// registerDraft is what the 自社利用者登録 confirm screen shows and its 確定 issues.
var registerDraft = draft.Kind[account.UserInput]{Name: "user_register", Validate: account.UserInput.Validate}

func parseUserInput(c *fiber.Ctx) account.UserInput {
	return account.UserInput{
		Role: c.FormValue("role"), Name: c.FormValue("name"), Kana: c.FormValue("kana"),
		Dept: c.FormValue("dept"), Title: c.FormValue("title"), Tel: c.FormValue("tel"), Email: c.FormValue("email"),
	}
}

// roles are the 権限 a user may be given, in the manual's order.
var roles = []string{account.RoleGeneral, account.RoleAdmin}

// userRegisterView is 自社利用者登録's input screen.
type userRegisterView struct {
	page
	Form  account.UserInput
	Roles []fieldOption
}

func (h *handler) registerView(c *fiber.Ctx, in account.UserInput) *userRegisterView {
	v := &userRegisterView{page: h.page(c, "menu.admin.user_register", "menu.admin"), Form: in}
	v.Roles = choices(v.L, "role", "role.", roles, in.Role)
	return v
}

// userRegisterConfirmView is 自社利用者登録's confirm screen.
type userRegisterConfirmView struct {
	page
	Form      account.UserInput
	RoleLabel string
	Draft     string
}

func userActor(st *state) string { return "user:" + st.User.ID }

// userNew is 自社利用者登録: the input screen, 一般 preselected as in the manual.
func (h *handler) userNew(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "admin/user_register", h.registerView(c, account.UserInput{Role: account.RoleGeneral}), layoutMain)
}

// userRegisterBack is 戻る: the input screen with what was typed.
func (h *handler) userRegisterBack(c *fiber.Ctx) error {
	pushURL(c, "/admin/users/new")
	return render(c, fiber.StatusOK, "admin/user_register", h.registerView(c, parseUserInput(c)), layoutMain)
}

// userRegisterConfirm validates, then keeps the normalized input as a single-use draft
// that 確定 consumes.
func (h *handler) userRegisterConfirm(c *fiber.Ctx) error {
	in := parseUserInput(c).Normalize()
	if errs := in.Validate(); len(errs) > 0 {
		replaceURL(c, "/admin/users/new")
		return invalid(c, errs, h.registerView(c, in), "admin/user_register", layoutMain)
	}
	token, err := keepDraft(h, registerDraft, userActor(stateOf(c)), in)
	if err != nil {
		return err
	}
	pushURL(c, "/admin/users/confirm?"+url.Values{"draft": {token}}.Encode())
	return h.renderRegisterConfirm(c, in, token)
}

// userRegisterShowConfirm is the confirm screen again at its GET address, from the
// draft; a used or expired one leads back to the input screen.
func (h *handler) userRegisterShowConfirm(c *fiber.Ctx) error {
	token := c.Query("draft")
	in, err := peekDraft(h, registerDraft, token, userActor(stateOf(c)))
	if err != nil {
		// Rendered, not redirected: a history restore (Back) ignores HX-Redirect.
		replaceURL(c, "/admin/users/new")
		return h.userNew(c)
	}
	return h.renderRegisterConfirm(c, in, token)
}

func (h *handler) renderRegisterConfirm(c *fiber.Ctx, in account.UserInput, token string) error {
	v := &userRegisterConfirmView{page: h.page(c, "user.register_confirm_title", "menu.admin"), Form: in, Draft: token}
	v.RoleLabel = v.L.T("role." + in.Role)
	return render(c, fiber.StatusOK, "admin/user_register_confirm", v, layoutMain)
}

// userRegisterCommit issues the ID from the draft. The draft is taken in the same
// transaction, so a double click or a replayed 確定 issues one ID, not two.
func (h *handler) userRegisterCommit(c *fiber.Ctx) error {
	st := stateOf(c)
	var u data.User
	shown := parseUserInput(c)
	err := h.Store.Update(func(tx *data.Tx) error {
		in, err := registerDraft.Take(tx, draftToken(c), userActor(st), h.Accounts.Now())
		if confirmed(err) {
			shown = in
		}
		if err != nil {
			return err
		}
		u, err = h.Accounts.Register(tx, st.Company.ID, st.User.ID, in)
		return err
	})
	if err != nil {
		pushURL(c, "/admin/users/new")
		return commitRefused(c, err, h.registerView(c, shown), "admin/user_register", layoutMain)
	}
	pushURL(c, "/admin/users/"+url.PathEscape(u.ID)+"/registered")
	return h.renderRegistered(c, u)
}

// userRegistered is the 完了 screen again at its GET address: the user of this company
// that was registered.
func (h *handler) userRegistered(c *fiber.Ctx) error {
	u, err := h.loadUser(c)
	if err != nil {
		return err
	}
	return h.renderRegistered(c, u)
}

func (h *handler) renderRegistered(c *fiber.Ctx, u data.User) error {
	v := h.view(c, "user.register_done_title", "menu.admin")
	v["Target"] = u
	return render(c, fiber.StatusOK, "admin/user_done", v, layoutMain)
}
