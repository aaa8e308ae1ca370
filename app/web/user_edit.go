package web

import (
	"errors"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/draft"
	"inkan/app/domain/form"
	"inkan/data"
)

// changeDraft is what the 変更 confirm screen shows and its 確定 applies. Seen is the
// user's UpdatedAt when the edit began, so a change made meanwhile is not overwritten.
type changeDraft struct {
	UserID string
	Change account.UserChange
	Seen   time.Time
}

// changeDraftKind is the 自社利用者情報変更 flow's draft.
var changeDraftKind = draft.Kind[changeDraft]{Name: "user_change", Validate: func(d changeDraft) form.Errors { return d.Change.Validate() }}

func parseUserChange(c *fiber.Ctx) account.UserChange {
	return account.UserChange{UserInput: parseUserInput(c), Status: c.FormValue("status"), ResetPassword: c.FormValue("reset_password") == "1"}
}

// parseSeen reads the edit's starting version back from the form.
func parseSeen(c *fiber.Ctx) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, c.FormValue("seen"))
	return t
}

// userEditView is 自社利用者情報変更's input screen. Seen is the user's version when
// the edit began.
type userEditView struct {
	page
	Target                 data.User
	Form                   account.UserChange
	Seen                   string
	Roles, Statuses, Reset []fieldOption
}

func (h *handler) editView(c *fiber.Ctx, u data.User, ch account.UserChange, seen time.Time) *userEditView {
	v := &userEditView{page: h.page(c, "user.edit_title", "menu.admin"), Target: u, Form: ch, Seen: seen.Format(time.RFC3339Nano)}
	v.Roles = choices(v.L, "role", "role.", roles, ch.Role)
	v.Statuses = choices(v.L, "status", "status.", []string{account.StatusActive, account.StatusSuspended}, ch.Status)
	v.Reset = []fieldOption{{Name: "reset_password", Value: "1", Label: v.L.T("user.reset_do"), Checked: ch.ResetPassword}}
	return v
}

// userEditConfirmView is 自社利用者情報変更's confirm screen.
type userEditConfirmView struct {
	page
	Target                 data.User
	Form                   account.UserChange
	RoleLabel, StatusLabel string
	Seen, Draft            string
}

// loadUser reads a live (not deleted) user of the logged-in company.
func (h *handler) loadUser(c *fiber.Ctx) (data.User, error) {
	var u data.User
	err := h.Store.View(func(tx *data.Tx) (err error) {
		u, err = account.LiveUser(tx.Tenant(stateOf(c).Company.ID), c.Params("id"))
		return err
	})
	return u, err
}

// userEdit is 自社利用者情報変更, pre-filled with the user's current values.
func (h *handler) userEdit(c *fiber.Ctx) error {
	u, err := h.loadUser(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "admin/user_edit", h.editView(c, u, account.ChangeFrom(u), u.UpdatedAt), layoutMain)
}

func (h *handler) userEditBack(c *fiber.Ctx) error {
	u, err := h.loadUser(c)
	if err != nil {
		return err
	}
	pushURL(c, editURL(u.ID))
	return render(c, fiber.StatusOK, "admin/user_edit", h.editView(c, u, parseUserChange(c), parseSeen(c)), layoutMain)
}

func userURL(id string) string { return "/admin/users/" + url.PathEscape(id) }
func editURL(id string) string { return userURL(id) + "/edit" }

func (h *handler) userEditConfirm(c *fiber.Ctx) error {
	u, err := h.loadUser(c)
	if err != nil {
		return err
	}
	ch, seen := parseUserChange(c).Normalize(), parseSeen(c)
	if errs := ch.Validate(); len(errs) > 0 {
		replaceURL(c, editURL(u.ID))
		return invalid(c, errs, h.editView(c, u, ch, seen), "admin/user_edit", layoutMain)
	}
	token, err := keepDraft(h, changeDraftKind, userActor(stateOf(c)), changeDraft{UserID: u.ID, Change: ch, Seen: seen})
	if err != nil {
		return err
	}
	pushURL(c, userURL(u.ID)+"/confirm?"+url.Values{"draft": {token}}.Encode())
	return h.renderEditConfirm(c, u, ch, seen, token)
}

// userEditShowConfirm is the confirm screen again at its GET address, from the draft
// kept for this user; a used or expired one leads back to the input screen.
func (h *handler) userEditShowConfirm(c *fiber.Ctx) error {
	u, err := h.loadUser(c)
	if err != nil {
		return err
	}
	token := c.Query("draft")
	d, err := peekDraft(h, changeDraftKind, token, userActor(stateOf(c)))
	if err != nil || d.UserID != u.ID {
		// Rendered, not redirected: a history restore (Back) ignores HX-Redirect.
		replaceURL(c, editURL(u.ID))
		return h.userEdit(c)
	}
	return h.renderEditConfirm(c, u, d.Change, d.Seen, token)
}

func (h *handler) renderEditConfirm(c *fiber.Ctx, u data.User, ch account.UserChange, seen time.Time, token string) error {
	v := &userEditConfirmView{page: h.page(c, "user.edit_confirm_title", "menu.admin"), Target: u, Form: ch, Seen: seen.Format(time.RFC3339Nano), Draft: token}
	v.RoleLabel, v.StatusLabel = v.L.T("role."+ch.Role), v.L.T("status."+ch.Status)
	return render(c, fiber.StatusOK, "admin/user_edit_confirm", v, layoutMain)
}

// userEditCommit applies the draft; the rules that need the store (the last admin, a
// change made meanwhile) come back as messages on the input screen.
func (h *handler) userEditCommit(c *fiber.Ctx) error {
	st := stateOf(c)
	u, err := h.loadUser(c)
	if err != nil {
		return err
	}
	var changed data.User
	var reset bool
	shown := parseUserChange(c)
	err = h.Store.Update(func(tx *data.Tx) error {
		d, err := changeDraftKind.Take(tx, draftToken(c), userActor(st), h.Accounts.Now())
		if confirmed(err) && d.UserID == u.ID {
			shown = d.Change
		}
		if err != nil {
			return err
		}
		if d.UserID != u.ID {
			// A draft confirmed for another user, posted to this one's 確定.
			return draft.ErrGone
		}
		changed, err = h.Accounts.Change(tx, st.Company.ID, d.UserID, st.User.ID, d.Change, d.Seen)
		reset = d.Change.ResetPassword
		return err
	})
	if err != nil {
		return h.editRefused(c, err, shown)
	}
	pushURL(c, userURL(changed.ID))
	if reset {
		return h.renderUser(c, changed, "user.changed_reset")
	}
	return h.renderUser(c, changed, "user.changed")
}

// editRefused shows the input screen again after a refused 確定, with the values shown
// (the confirmed ones when the draft was found) and the user as it is now. When someone else changed the user meanwhile, the edit continues from that
// version, so that confirming again (having seen the message) can succeed.
func (h *handler) editRefused(c *fiber.Ctx, refusal error, shown account.UserChange) error {
	u, err := h.loadUser(c)
	if err != nil {
		return err
	}
	seen := parseSeen(c)
	var errs form.Errors
	if errors.As(refusal, &errs) && errs[""] == "error.changed_meanwhile" {
		seen = u.UpdatedAt
	}
	pushURL(c, editURL(u.ID))
	return commitRefused(c, refusal, h.editView(c, u, shown, seen), "admin/user_edit", layoutMain)
}
