package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/form"
	"inkan/app/domain/invitation"
	"inkan/app/domain/paging"
	"inkan/app/locale/jst"
	"inkan/app/locale/sheet"
	"inkan/data"
)

func parseInviteFilter(c *fiber.Ctx) invitation.Filter {
	var statuses []string
	for _, v := range c.Context().QueryArgs().PeekMulti("status") {
		statuses = append(statuses, string(v))
	}
	return invitation.Filter{SenderID: c.Query("sender"), Company: c.Query("company"), Statuses: statuses}.Normalize()
}

// inviteRow is one line of 利用申請状況確認 as the table shows it.
type inviteRow struct {
	ID, Status, Company, Contact, Sender, Sent, Completed string
	Resendable                                            bool
}

// inviteListView is 利用申請検索／一覧.
type inviteListView struct {
	page
	Filter    invitation.Filter
	Search    []formField
	Statuses  []fieldOption
	Columns   []string
	Count     string
	Rows      []inviteRow
	PageLinks pageLinks
	Exports   []exportLink
	Done      string
}

// inviteList is 利用申請状況確認: the search (empty = all), one page of the result, the
// exports, and 再送 on each expired invitation.
func (h *handler) inviteList(c *fiber.Ctx) error {
	return h.renderInviteList(c, "")
}

func (h *handler) renderInviteList(c *fiber.Ctx, done string) error {
	st := stateOf(c)
	f := parseInviteFilter(c)
	v := &inviteListView{page: h.page(c, "invite.list_title", "menu.admin"), Filter: f, Done: done}
	l := v.L
	var err error
	search, err := fieldsOf(v, []fieldSpec{
		{"sender", "invite.sender_id", []any{"value", f.SenderID, "placeholder", "U000001", "maxlength", account.MaxIDLength}},
		{"company", "invite.col.company", []any{"value", f.Company, "maxlength", invitation.MaxCompanyLength}},
	})
	if err != nil {
		return err
	}
	v.Search = search
	for _, s := range invitation.Statuses {
		v.Statuses = append(v.Statuses, fieldOption{Name: "status", Value: s, Label: l.T(invitation.StatusKey(s)), Checked: f.Has(s)})
	}
	for _, k := range invitation.Columns {
		v.Columns = append(v.Columns, l.T(k))
	}
	if errs := f.Validate(); len(errs) > 0 {
		v.Errors, v.Alert = errs, "error.bad_request"
		return render(c, fiber.StatusUnprocessableEntity, "admin/invite_list", v, layoutMain)
	}
	var found invitation.Page
	err = h.Store.View(func(tx *data.Tx) (err error) {
		found, err = invitation.Find(tx, st.Company.ID, f, paging.Parse(c.Query("page")), h.Accounts.Now())
		return err
	})
	if err != nil {
		return err
	}
	if found.Total > 0 {
		v.Count = l.T("common.range", found.Total, found.From, found.To)
	}
	for _, r := range found.Rows {
		row := inviteRow{ID: r.ID, Status: invitation.StatusLabel(l, r.Status, r.Outcome), Company: r.PartnerCompany,
			Contact: r.PartnerContact, Sender: r.SenderName, Sent: jst.Date(r.SentAt), Resendable: r.Resendable()}
		if r.CompletedAt != nil {
			row.Completed = jst.Date(*r.CompletedAt)
		}
		v.Rows = append(v.Rows, row)
	}
	q := f.Values()
	v.PageLinks = pageLinksAt("/admin/invitations", q, found.Number, found.Pages)
	v.Exports = exportLinksAt("/admin/invitations/export", l, q)
	return render(c, fiber.StatusOK, "admin/invite_list", v, layoutMain)
}

// inviteExport downloads the search result as CSV (UTF-8 with BOM, or Shift_JIS) or
// Excel, written after the handler returns from rows read in one short transaction.
func (h *handler) inviteExport(c *fiber.Ctx) error {
	st := stateOf(c)
	format, err := sheet.ParseFormat(c.Query("format"))
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "error.bad_request")
	}
	f, l, companyID, now := parseInviteFilter(c), h.Catalogs.For(st.Lang), st.Company.ID, h.Accounts.Now()
	store := h.Store
	return h.streamSheet(c, format, now, sheetExport{
		name: l.T("invite.export_name"), fallback: "invitations", header: invitation.Header(l),
		write: func(sw sheet.Writer) error { return invitation.Export(store, companyID, f, now, l, sw) },
		log:   []any{"export", "invitations", "company", companyID},
	})
}

// inviteResend sends an expired invitation of the company again (a new URL, the old
// one dead) and shows the list with a message. Another company's ID is not found.
func (h *handler) inviteResend(c *fiber.Ctx) error {
	st := stateOf(c)
	id := c.Params("id")
	err := h.Store.Update(func(tx *data.Tx) error {
		_, err := h.Invites.Resend(tx, st.Company.ID, id, st.User.ID)
		return err
	})
	var errs form.Errors
	switch {
	case errors.Is(err, invitation.ErrNotAllowed):
		return fiber.NewError(fiber.StatusConflict, "error.invite_not_expired")
	case errors.As(err, &errs):
		return fiber.NewError(fiber.StatusConflict, "error.invite_pending")
	case err != nil:
		return err
	}
	replaceURL(c, "/admin/invitations")
	return h.renderInviteList(c, "invite.resent")
}
