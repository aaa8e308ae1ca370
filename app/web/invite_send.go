package web

import (
	"bufio"
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/draft"
	"inkan/app/domain/form"
	"inkan/app/domain/invitation"
	"inkan/app/locale/sheet"
	"inkan/data"
)

// The two 入力方法 of 利用申請URL送信 (manual p.25).
const (
	inviteByForm = "form"
	inviteByFile = "file"
)

// inviteUploadPath takes the file of CSVファイル取り込み: the one route whose body may be
// larger than a form's (see uploadLimits).
const inviteUploadPath = "/admin/invitations/upload"

// inviteRoutes are 利用申請URL送信 and 利用申請状況確認, for admins of a company whose plan
// may invite partners only: requireInvite refuses every route to the others.
func (h *handler) inviteRoutes(app *fiber.App, admin func(...fiber.Handler) []fiber.Handler) {
	invite := func(handler fiber.Handler) []fiber.Handler { return admin(h.requireInvite, handler) }
	app.Get("/admin/invitations/new", invite(h.inviteNew)...)
	app.Get("/admin/invitations/confirm", invite(h.inviteShowConfirm)...)
	app.Post("/admin/invitations/confirm", invite(h.inviteConfirm)...)
	app.Post("/admin/invitations/back", invite(h.inviteBack)...)
	app.Post("/admin/invitations/commit", invite(h.inviteCommit)...)
	app.Get("/admin/invitations/template", invite(h.inviteTemplate)...)
	app.Get(inviteUploadPath, invite(h.inviteShowUpload)...)
	app.Post(inviteUploadPath, invite(h.inviteUpload)...)
	app.Post(inviteUploadPath+"/commit", invite(h.inviteUploadCommit)...)
	app.Get("/admin/invitations/sent", invite(h.inviteSent)...)
	app.Get("/admin/invitations", invite(h.inviteList)...)
	app.Get("/admin/invitations/export", invite(h.inviteExport)...)
	app.Post("/admin/invitations/:id/resend", invite(h.inviteResend)...)
}

// inviteFormDraft is the one recipient of フォームから入力 between 確認 and 確定.
var inviteFormDraft = draft.Kind[invitation.Entry]{Name: "invite_form", Validate: invitation.Entry.Validate}

// inviteFileDraft is an uploaded list as its confirm screen shows it, every row with its
// messages; 確定 sends the good rows, checked again.
var inviteFileDraft = draft.Kind[invitation.File]{Name: "invite_file", Validate: func(f invitation.File) form.Errors {
	return invitation.ValidateEntries(f.Good())
}}

// inviteNewView is 利用申請URL送信: the choice of 入力方法 and the form or the upload.
type inviteNewView struct {
	page
	Method  string
	Methods []fieldOption
	Form    invitation.Entry
	// Rows are an uploaded list shown for confirmation, Good how many can be sent, and
	// Draft the token of its 確定 (or of the form's).
	Rows  []inviteFileRow
	Good  int
	Bad   int
	Draft string
}

// inviteFileRow is one row of an uploaded list on screen, its messages translated.
type inviteFileRow struct {
	Number   int
	Entry    invitation.Entry
	Messages []string
}

func (h *handler) inviteView(c *fiber.Ctx, method string, e invitation.Entry) *inviteNewView {
	if method != inviteByFile {
		method = inviteByForm
	}
	v := &inviteNewView{page: h.page(c, "menu.admin.invite", "menu.admin"), Method: method, Form: e}
	v.Methods = choices(v.L, "method", "invite.method.", []string{inviteByForm, inviteByFile}, method)
	return v
}

func parseEntry(c *fiber.Ctx) invitation.Entry {
	return invitation.Entry{Company: c.FormValue("company"), Contact: c.FormValue("contact"), Email: c.FormValue("email")}
}

// inviteNew is the input screen, フォームから入力 unless ?method=file.
func (h *handler) inviteNew(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "admin/invite_new", h.inviteView(c, c.Query("method"), invitation.Entry{}), layoutMain)
}

// inviteBack is 戻る: the form with what was typed.
func (h *handler) inviteBack(c *fiber.Ctx) error {
	pushURL(c, "/admin/invitations/new")
	return render(c, fiber.StatusOK, "admin/invite_new", h.inviteView(c, inviteByForm, parseEntry(c)), layoutMain)
}

// inviteConfirm validates the one recipient, an address still pending included, and
// keeps it as a single-use draft.
func (h *handler) inviteConfirm(c *fiber.Ctx) error {
	st := stateOf(c)
	e := parseEntry(c).Normalize()
	errs := e.Validate()
	if len(errs) == 0 {
		err := h.Store.View(func(tx *data.Tx) error { return invitation.CheckPending(tx, st.Company.ID, e, errs, h.Accounts.Now()) })
		if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		replaceURL(c, "/admin/invitations/new")
		return invalid(c, errs, h.inviteView(c, inviteByForm, e), "admin/invite_new", layoutMain)
	}
	token, err := keepDraft(h, inviteFormDraft, userActor(st), e)
	if err != nil {
		return err
	}
	pushURL(c, "/admin/invitations/confirm?"+url.Values{"draft": {token}}.Encode())
	return h.renderInviteConfirm(c, e, token)
}

// inviteShowConfirm is the confirm screen again at its GET address.
func (h *handler) inviteShowConfirm(c *fiber.Ctx) error {
	token := c.Query("draft")
	e, err := peekDraft(h, inviteFormDraft, token, userActor(stateOf(c)))
	if err != nil {
		replaceURL(c, "/admin/invitations/new")
		return h.inviteNew(c)
	}
	return h.renderInviteConfirm(c, e, token)
}

func (h *handler) renderInviteConfirm(c *fiber.Ctx, e invitation.Entry, token string) error {
	v := h.inviteView(c, inviteByForm, e)
	v.Title, v.Draft = v.L.T("invite.confirm_title"), token
	return render(c, fiber.StatusOK, "admin/invite_confirm", v, layoutMain)
}

// inviteCommit sends the one invitation from the draft, taken in the same transaction.
func (h *handler) inviteCommit(c *fiber.Ctx) error {
	st := stateOf(c)
	shown := parseEntry(c)
	var sent []data.Invitation
	err := h.Store.Update(func(tx *data.Tx) error {
		e, err := inviteFormDraft.Take(tx, draftToken(c), userActor(st), h.Accounts.Now())
		if confirmed(err) {
			shown = e
		}
		if err != nil {
			return err
		}
		sent, err = h.Invites.Send(tx, st.Company.ID, st.User.ID, []invitation.Entry{e})
		return err
	})
	if err != nil {
		pushURL(c, "/admin/invitations/new")
		return commitRefused(c, err, h.inviteView(c, inviteByForm, shown), "admin/invite_new", layoutMain)
	}
	return h.renderInviteSent(c, sent)
}

// inviteUpload reads the chosen file and shows every row with what is wrong with it.
// A file refused as a whole (too large, more than 100 rows, another type, unreadable,
// without the template's header) is answered on the same screen with one message.
func (h *handler) inviteUpload(c *fiber.Ctx) error {
	st := stateOf(c)
	refuse := func(key string) error {
		replaceURL(c, "/admin/invitations/new?method=file")
		return invalid(c, form.Errors{"file": key}, h.inviteView(c, inviteByFile, invitation.Entry{}), "admin/invite_new", layoutMain)
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return refuse("error.invite_file_missing")
	}
	if fh.Size > invitation.MaxFileSize {
		return refuse(invitation.FileTooLarge)
	}
	f, err := fh.Open()
	if err != nil {
		return refuse(invitation.FileUnreadable)
	}
	defer f.Close()
	var pending map[string]bool
	if err := h.Store.View(func(tx *data.Tx) (err error) {
		pending, err = invitation.PendingEmails(tx, st.Company.ID, h.Accounts.Now())
		return err
	}); err != nil {
		return err
	}
	list, err := invitation.ReadFile(f, pending)
	var fe *invitation.FileError
	if errors.As(err, &fe) {
		return refuse(fe.Key)
	}
	if err != nil {
		return err
	}
	token := ""
	if len(list.Good()) > 0 {
		if token, err = keepDraft(h, inviteFileDraft, userActor(st), list); err != nil {
			return err
		}
		pushURL(c, inviteUploadPath+"?"+url.Values{"draft": {token}}.Encode())
	} else {
		replaceURL(c, "/admin/invitations/new?method=file")
	}
	return h.renderInviteFile(c, list, token)
}

// inviteShowUpload is an uploaded list's confirm screen again at its GET address.
func (h *handler) inviteShowUpload(c *fiber.Ctx) error {
	token := c.Query("draft")
	list, err := peekDraft(h, inviteFileDraft, token, userActor(stateOf(c)))
	if err != nil {
		replaceURL(c, "/admin/invitations/new?method=file")
		return render(c, fiber.StatusOK, "admin/invite_new", h.inviteView(c, inviteByFile, invitation.Entry{}), layoutMain)
	}
	return h.renderInviteFile(c, list, token)
}

func (h *handler) renderInviteFile(c *fiber.Ctx, list invitation.File, token string) error {
	v := h.inviteView(c, inviteByFile, invitation.Entry{})
	v.Draft, v.Good, v.Bad = token, len(list.Good()), list.Bad()
	fields := []string{"company", "contact", "email"}
	for _, r := range list.Rows {
		row := inviteFileRow{Number: r.Number, Entry: r.Entry}
		for _, f := range fields {
			if k, ok := r.Errors[f]; ok {
				row.Messages = append(row.Messages, v.L.T("invite."+f)+"："+v.L.T(k))
			}
		}
		v.Rows = append(v.Rows, row)
	}
	return render(c, fiber.StatusOK, "admin/invite_new", v, layoutMain)
}

// inviteUploadCommit sends the good rows of the uploaded list, from the draft.
func (h *handler) inviteUploadCommit(c *fiber.Ctx) error {
	st := stateOf(c)
	var sent []data.Invitation
	var list invitation.File
	err := h.Store.Update(func(tx *data.Tx) error {
		var err error
		list, err = inviteFileDraft.Take(tx, draftToken(c), userActor(st), h.Accounts.Now())
		if err != nil {
			return err
		}
		sent, err = h.Invites.Send(tx, st.Company.ID, st.User.ID, list.Good())
		return err
	})
	if err != nil {
		pushURL(c, "/admin/invitations/new?method=file")
		v := h.inviteView(c, inviteByFile, invitation.Entry{})
		var errs form.Errors
		if errors.As(err, &errs) {
			// An address became pending meanwhile (another admin, another tab).
			err = form.Errors{"file": "error.invite_pending_meanwhile"}
		}
		return commitRefused(c, err, v, "admin/invite_new", layoutMain)
	}
	return h.renderInviteSent(c, sent)
}

// inviteSentView is the 完了 screen: the invitations just sent.
type inviteSentView struct {
	page
	Sent []data.Invitation
}

func (h *handler) renderInviteSent(c *fiber.Ctx, sent []data.Invitation) error {
	ids := make([]string, len(sent))
	for i, inv := range sent {
		ids[i] = inv.ID
	}
	pushURL(c, "/admin/invitations/sent?"+url.Values{"ids": {strings.Join(ids, ",")}}.Encode())
	v := &inviteSentView{page: h.page(c, "invite.done_title", "menu.admin"), Sent: sent}
	return render(c, fiber.StatusOK, "admin/invite_sent", v, layoutMain)
}

// inviteSent is the 完了 screen again at its GET address: the company's invitations
// named, another company's IDs not found.
func (h *handler) inviteSent(c *fiber.Ctx) error {
	st := stateOf(c)
	ids := strings.Split(c.Query("ids"), ",")
	if len(ids) > invitation.MaxEntries {
		return fiber.ErrBadRequest
	}
	var sent []data.Invitation
	err := h.Store.View(func(tx *data.Tx) error {
		t := tx.Tenant(st.Company.ID)
		for _, id := range ids {
			inv, err := t.Invitation(id)
			if err != nil {
				return err
			}
			sent = append(sent, inv)
		}
		return nil
	})
	if err != nil {
		return err
	}
	v := &inviteSentView{page: h.page(c, "invite.done_title", "menu.admin"), Sent: sent}
	return render(c, fiber.StatusOK, "admin/invite_sent", v, layoutMain)
}

// inviteTemplate downloads the 専用の書式 (こちら): the header and one sample row, as
// .xlsx or as CSV (UTF-8 with BOM; the reader also takes Shift_JIS).
func (h *handler) inviteTemplate(c *fiber.Ctx) error {
	format, err := sheet.ParseFormat(c.Query("format"))
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "error.bad_request")
	}
	l := h.Catalogs.For(stateOf(c).Lang)
	c.Set(fiber.HeaderContentType, format.ContentType())
	c.Set(fiber.HeaderContentDisposition, format.ContentDisposition(l.T("invite.template_name"), "invitation_template"))
	w := bufio.NewWriter(c.Response().BodyWriter())
	sw, err := sheet.New(w, format, l.T("invite.template_sheet"), invitation.TemplateHeader)
	if err != nil {
		return err
	}
	err = sw.Write(invitation.Sample)
	if cerr := sw.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = w.Flush()
	}
	return err
}
