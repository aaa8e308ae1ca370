package web

import (
	"errors"
	"net/url"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/domain/draft"
	"inkan/app/domain/form"
	"inkan/app/domain/paging"
	"inkan/app/domain/roster"
	"inkan/app/locale/jst"
	"inkan/data"
)

func parseCertFilter(c *fiber.Ctx) certificate.Filter {
	return certificate.Filter{
		Number: c.Query("number"), Name: c.Query("name"), UserID: c.Query("user"), UserName: c.Query("user_name"),
		From: c.Query("from"), To: c.Query("to"),
	}.Normalize()
}

// companyCertRow is one line of 自社電子証明書照会's result.
type companyCertRow struct {
	No                  int
	Number, DisplayName string
	Linked              int
	NotAfter            string
	StatusKey           string
}

// companyCertListView is 自社電子証明書検索／一覧.
type companyCertListView struct {
	page
	Filter    certificate.Filter
	Count     string
	Rows      []companyCertRow
	PageLinks pageLinks
}

// companyCertList is 自社電子証明書照会: the search and one page of the result, fetched
// by htmx with the URL pushed, as 自社利用者照会.
func (h *handler) companyCertList(c *fiber.Ctx) error {
	st := stateOf(c)
	f := parseCertFilter(c)
	v := &companyCertListView{page: h.page(c, "menu.admin.certificates", "menu.admin"), Filter: f}
	if errs := f.Validate(); len(errs) > 0 {
		v.Errors, v.Alert = errs, "error.search_invalid"
		return render(c, fiber.StatusUnprocessableEntity, "admin/cert_list", v, layoutMain)
	}
	var found certificate.Page
	err := h.Store.View(func(tx *data.Tx) (err error) {
		found, err = certificate.Find(tx.Tenant(st.Company.ID), f, paging.Parse(c.Query("page")))
		return err
	})
	if err != nil {
		return err
	}
	if found.Total > 0 {
		v.Count = v.L.T("common.range", found.Total, found.From, found.To)
	}
	for _, r := range found.Rows {
		v.Rows = append(v.Rows, companyCertRow{No: r.No, Number: r.Cert.Number, DisplayName: r.Cert.DisplayName, Linked: r.Linked,
			NotAfter: jst.Date(r.Cert.NotAfter), StatusKey: certificateStatusKey(r.Cert, h)})
	}
	if found.Pages > 1 {
		q := f.Values()
		for n := 1; n <= found.Pages; n++ {
			v.PageLinks = append(v.PageLinks, pageLink{Number: n, URL: "/admin/certificates?" + withParam(q, "page", strconv.Itoa(n)), Current: n == found.Number})
		}
	}
	return render(c, fiber.StatusOK, "admin/cert_list", v, layoutMain)
}

// linkedUserRow is one user linked to a certificate.
type linkedUserRow struct {
	No                  int
	ID, Name, StatusKey string
	LinkedAt            string
	CheckKey            string
	// Ticked is 解除 kept from the confirm step.
	Ticked bool
}

// companyCertView is 自社電子証明書照会's detail, and the frame of 紐付け更新.
type companyCertView struct {
	page
	Cert      data.Certificate
	StatusKey string
	Usable    bool
	Users     []linkedUserRow
	Done      string
}

func (h *handler) loadCompanyCert(c *fiber.Ctx, titleKey string) (*companyCertView, error) {
	st := stateOf(c)
	v := &companyCertView{page: h.page(c, titleKey, "menu.admin")}
	err := h.Store.View(func(tx *data.Tx) error {
		t := tx.Tenant(st.Company.ID)
		cert, err := t.Certificate(c.Params("number"))
		if err != nil {
			return err
		}
		v.Cert = cert
		for i, l := range cert.Links {
			u, err := t.User(l.UserID)
			if err != nil {
				return err
			}
			v.Users = append(v.Users, linkedUserRow{No: i + 1, ID: u.ID, Name: u.Name, StatusKey: roster.StatusKeyOf(u.Status),
				LinkedAt: jst.Date(l.LinkedAt), CheckKey: checkKey(cert, u.ID)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	v.StatusKey = certificateStatusKey(v.Cert, h)
	v.Usable = certificate.Usable(v.Cert, h.Accounts.Now()) == nil
	return v, nil
}

// companyCertShow is the detail: the certificate and its linked users.
func (h *handler) companyCertShow(c *fiber.Ctx) error {
	v, err := h.loadCompanyCert(c, "cert.company_detail_title")
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "admin/cert_show", v, layoutMain)
}

// linksDraft is 紐付け更新 between 確認 and 確定.
type linksDraftValue struct {
	Number string
	Change certificate.LinkChange
}

var linksDraft = draft.Kind[linksDraftValue]{Name: "cert_links", Validate: func(v linksDraftValue) form.Errors { return v.Change.Validate() }}

func parseLinkChange(c *fiber.Ctx) certificate.LinkChange {
	var remove []string
	for _, id := range c.Request().PostArgs().PeekMulti("remove") {
		remove = append(remove, string(id))
	}
	return certificate.LinkChange{Add: c.FormValue("add"), Remove: remove}.Normalize()
}

// linksView is 自社電子証明書紐付け更新: 追加 by the picker, 解除 by ticks.
type linksView struct {
	*companyCertView
	Form   certificate.LinkChange
	Chosen pickedUser
	// Added is the user to add, on the confirm screen; Removed those to unlink.
	Added   *linkedUserRow
	Removed []linkedUserRow
	Draft   string
}

func (h *handler) linksView(c *fiber.Ctx, titleKey string, ch certificate.LinkChange) (*linksView, error) {
	base, err := h.loadCompanyCert(c, titleKey)
	if err != nil {
		return nil, err
	}
	v := &linksView{companyCertView: base, Form: ch}
	st := stateOf(c)
	err = h.Store.View(func(tx *data.Tx) error {
		t := tx.Tenant(st.Company.ID)
		v.Chosen, err = pickUser(t, ch.Add, "add")
		v.Chosen.L = v.L
		if err != nil || ch.Add == "" {
			return err
		}
		u, err := account.LiveUser(t, ch.Add)
		if errors.Is(err, data.ErrNotFound) {
			return nil
		}
		v.Added = &linkedUserRow{ID: u.ID, Name: u.Name, StatusKey: roster.StatusKeyOf(u.Status)}
		return err
	})
	for i, u := range v.Users {
		if slices.Contains(ch.Remove, u.ID) {
			v.Users[i].Ticked = true
			v.Removed = append(v.Removed, u)
		}
	}
	return v, err
}

// linksEdit is the input screen, from a kept draft after 戻る (?draft=).
func (h *handler) linksEdit(c *fiber.Ctx) error {
	var ch certificate.LinkChange
	if kept, err := peekDraft(h, linksDraft, c.Query("draft"), userActor(stateOf(c))); err == nil && kept.Number == c.Params("number") {
		ch = kept.Change
	}
	v, err := h.linksView(c, "cert.links_title", ch)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "admin/cert_links", v, layoutMain)
}

func linksURL(number, step string) string {
	return "/admin/certificates/" + url.PathEscape(number) + "/links" + step
}

// linksConfirm checks the change against the certificate now and keeps it as a draft.
func (h *handler) linksConfirm(c *fiber.Ctx) error {
	st := stateOf(c)
	number := c.Params("number")
	ch := parseLinkChange(c)
	v, err := h.linksView(c, "cert.links_title", ch)
	if err != nil {
		return err
	}
	var errs form.Errors
	err = h.Store.View(func(tx *data.Tx) (err error) {
		errs, _, err = certificate.CheckLinks(tx.Tenant(st.Company.ID), v.Cert, ch, h.Accounts.Now())
		return err
	})
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		replaceURL(c, linksURL(number, ""))
		return invalid(c, errs, v, "admin/cert_links", layoutMain)
	}
	token, err := keepDraft(h, linksDraft, userActor(st), linksDraftValue{Number: number, Change: ch})
	if err != nil {
		return err
	}
	pushURL(c, linksURL(number, "/confirm?")+url.Values{"draft": {token}}.Encode())
	return h.renderLinksConfirm(c, ch, token)
}

func (h *handler) renderLinksConfirm(c *fiber.Ctx, ch certificate.LinkChange, token string) error {
	v, err := h.linksView(c, "cert.links_confirm_title", ch)
	if err != nil {
		return err
	}
	v.Draft = token
	return render(c, fiber.StatusOK, "admin/cert_links_confirm", v, layoutMain)
}

// linksShowConfirm is the confirm screen again at its GET address.
func (h *handler) linksShowConfirm(c *fiber.Ctx) error {
	token := c.Query("draft")
	kept, err := peekDraft(h, linksDraft, token, userActor(stateOf(c)))
	if err != nil || kept.Number != c.Params("number") {
		replaceURL(c, linksURL(c.Params("number"), ""))
		v, err := h.linksView(c, "cert.links_title", certificate.LinkChange{})
		if err != nil {
			return err
		}
		return render(c, fiber.StatusOK, "admin/cert_links", v, layoutMain)
	}
	return h.renderLinksConfirm(c, kept.Change, token)
}

// linksBack is 戻る: the input screen with the change kept.
func (h *handler) linksBack(c *fiber.Ctx) error {
	to := linksURL(c.Params("number"), "?") + url.Values{"draft": {draftToken(c)}}.Encode()
	pushURL(c, to)
	var ch certificate.LinkChange
	if kept, err := peekDraft(h, linksDraft, draftToken(c), userActor(stateOf(c))); err == nil && kept.Number == c.Params("number") {
		ch = kept.Change
	}
	v, err := h.linksView(c, "cert.links_title", ch)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "admin/cert_links", v, layoutMain)
}

// linksCommit takes the draft and applies the change with its mail in one transaction.
func (h *handler) linksCommit(c *fiber.Ctx) error {
	st := stateOf(c)
	number := c.Params("number")
	shown := parseLinkChange(c)
	err := h.Store.Update(func(tx *data.Tx) error {
		kept, err := linksDraft.Take(tx, draftToken(c), userActor(st), h.Accounts.Now())
		if confirmed(err) {
			shown = kept.Change
		}
		if err != nil {
			return err
		}
		if kept.Number != number {
			return draft.ErrGone
		}
		_, err = h.Certs.UpdateLinks(tx, st.Company.ID, number, st.User.ID, kept.Change)
		return err
	})
	if err != nil {
		v, verr := h.linksView(c, "cert.links_title", shown)
		if verr != nil {
			return verr
		}
		pushURL(c, linksURL(number, ""))
		return commitRefused(c, err, v, "admin/cert_links", layoutMain)
	}
	pushURL(c, linksURL(number, "/done"))
	return h.linksDone(c)
}

// linksDone is 電子証明書紐付け更新完了, at its GET address: the certificate as it is now.
func (h *handler) linksDone(c *fiber.Ctx) error {
	v, err := h.loadCompanyCert(c, "cert.links_done_title")
	if err != nil {
		return err
	}
	v.Done = "cert.links_done"
	return render(c, fiber.StatusOK, "admin/cert_show", v, layoutMain)
}
