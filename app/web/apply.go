package web

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"inkan/app/domain/account"
	"inkan/app/domain/draft"
	"inkan/app/domain/invitation"
	"inkan/data"
)

// partnerApplyDraft is the partner's application between 確認 and 送信, kept for the
// invitation it came through (owner "apply:<ID>"), so a draft never crosses URLs.
var partnerApplyDraft = draft.Kind[invitation.Application]{Name: "apply", Validate: invitation.Application.Validate}

// partnerApplyRequestsPerMinute bounds the requests one address may make to the public page:
// far above a person filling in the form, far below guessing anything (the token has
// 256 bits anyway); it keeps a script from using the page to load the server.
const partnerApplyRequestsPerMinute = 30

// partnerApplyLimiter throttles the public page per client address.
func (h *handler) partnerApplyLimiter() fiber.Handler {
	return limiter.New(limiter.Config{
		Max:          partnerApplyRequestsPerMinute,
		Expiration:   time.Minute,
		KeyGenerator: h.clientAddress,
		LimitReached: func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(60))
			return fiber.NewError(fiber.StatusTooManyRequests, "apply.throttled")
		},
	})
}

// partnerApplyRoutes are the public page of an invitation URL: no login, throttled, with the
// double-submit CSRF token of pages before login, reaching only its one invitation.
func (h *handler) partnerApplyRoutes(app *fiber.App) {
	apply := app.Group(strings.TrimSuffix(invitation.PathPrefix, "/"), partnerApplyHeaders, h.partnerApplyLimiter())
	apply.Get("/:token", h.partnerApplyShow)
	apply.Post("/:token/confirm", h.partnerApplyConfirm)
	apply.Get("/:token/confirm", h.partnerApplyShowConfirm)
	apply.Post("/:token/back", h.partnerApplyBack)
	apply.Post("/:token/submit", h.partnerApplySubmit)
}

// partnerApplyHeaders keep the public page out of every cache (its screens hold what the
// partner typed, under an address that is the partner's credential) and its address
// out of every Referer, this site's own requests included.
func partnerApplyHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	return c.Next()
}

func partnerApplyActor(inv data.Invitation) string { return "apply:" + inv.ID }

func partnerApplyPath(c *fiber.Ctx) string {
	return invitation.PathPrefix + url.PathEscape(c.Params("token"))
}

// partnerApplyView is the public page: who invites, and the form or its confirmation.
type partnerApplyView struct {
	page
	Inviter string
	Sender  string
	Partner string
	Expires time.Time
	Path    string
	Form    invitation.Application
	Draft   string
}

func (h *handler) partnerApplyView(c *fiber.Ctx, titleKey string, p invitation.Public, a invitation.Application) *partnerApplyView {
	return &partnerApplyView{
		page: h.page(c, titleKey, ""), Inviter: p.InviterName, Sender: p.Invitation.SenderName,
		Partner: p.Invitation.PartnerCompany, Expires: p.Invitation.ExpiresAt, Path: partnerApplyPath(c), Form: a,
	}
}

// partnerApplyClosed answers a URL the partner can no longer apply through: expired (ask for a
// new one), already applied, or unknown.
func (h *handler) partnerApplyClosed(c *fiber.Ctx, err error) error {
	status, key := fiber.StatusNotFound, "apply.unknown"
	switch {
	case errors.Is(err, invitation.ErrExpired):
		status, key = fiber.StatusGone, "apply.expired"
	case errors.Is(err, invitation.ErrUsed):
		status, key = fiber.StatusConflict, "apply.used"
	case errors.Is(err, data.ErrNotFound):
	default:
		return err
	}
	v := h.view(c, "apply.closed_title", "")
	v["Message"] = key
	return render(c, status, "apply/closed", v, layoutBare)
}

func parsePartnerApplication(c *fiber.Ctx) invitation.Application {
	return invitation.Application{
		CompanyName: c.FormValue("company_name"), CompanyKana: c.FormValue("company_kana"),
		PostalCode: c.FormValue("postal_code"), Address: c.FormValue("address"), CompanyTel: c.FormValue("company_tel"),
		Admin: account.UserInput{
			Role: account.RoleAdmin, Name: c.FormValue("admin_name"), Kana: c.FormValue("admin_kana"),
			Dept: c.FormValue("admin_dept"), Title: c.FormValue("admin_title"), Tel: c.FormValue("admin_tel"), Email: c.FormValue("admin_email"),
		},
		TermsAgreed: c.FormValue("terms") == "1",
	}
}

// partnerApplyShow opens the URL: the invitation becomes 申請入力中 and the form is shown,
// its 企業名 and address filled in from the invitation.
func (h *handler) partnerApplyShow(c *fiber.Ctx) error {
	var p invitation.Public
	err := h.Store.Update(func(tx *data.Tx) (err error) {
		p, err = h.Invites.Open(tx, c.Params("token"))
		return err
	})
	if err != nil {
		return h.partnerApplyClosed(c, err)
	}
	a := invitation.Application{CompanyName: p.Invitation.PartnerCompany, Admin: account.UserInput{Name: p.Invitation.PartnerContact, Email: p.Invitation.Email}}
	return render(c, fiber.StatusOK, "apply/form", h.partnerApplyView(c, "apply.title", p, a), layoutBare)
}

func (h *handler) partnerApplyLookup(c *fiber.Ctx) (invitation.Public, error) {
	var p invitation.Public
	err := h.Store.View(func(tx *data.Tx) (err error) {
		p, err = h.Invites.Lookup(tx, c.Params("token"))
		return err
	})
	return p, err
}

// partnerApplyBack is 戻る: the form with what was typed.
func (h *handler) partnerApplyBack(c *fiber.Ctx) error {
	p, err := h.partnerApplyLookup(c)
	if err != nil {
		return h.partnerApplyClosed(c, err)
	}
	pushURL(c, partnerApplyPath(c))
	return render(c, fiber.StatusOK, "apply/form", h.partnerApplyView(c, "apply.title", p, parsePartnerApplication(c)), layoutBare)
}

// partnerApplyConfirm validates the application and keeps it as a draft of this invitation.
func (h *handler) partnerApplyConfirm(c *fiber.Ctx) error {
	p, err := h.partnerApplyLookup(c)
	if err != nil {
		return h.partnerApplyClosed(c, err)
	}
	a := parsePartnerApplication(c).Normalize()
	if errs := a.Validate(); len(errs) > 0 {
		replaceURL(c, partnerApplyPath(c))
		return invalid(c, errs, h.partnerApplyView(c, "apply.title", p, a), "apply/form", layoutBare)
	}
	token, err := keepDraft(h, partnerApplyDraft, partnerApplyActor(p.Invitation), a)
	if err != nil {
		return err
	}
	pushURL(c, partnerApplyPath(c)+"/confirm?"+url.Values{"draft": {token}}.Encode())
	v := h.partnerApplyView(c, "apply.confirm_title", p, a)
	v.Draft = token
	return render(c, fiber.StatusOK, "apply/confirm", v, layoutBare)
}

// partnerApplyShowConfirm is the confirm screen again at its GET address.
func (h *handler) partnerApplyShowConfirm(c *fiber.Ctx) error {
	p, err := h.partnerApplyLookup(c)
	if err != nil {
		return h.partnerApplyClosed(c, err)
	}
	token := c.Query("draft")
	a, err := peekDraft(h, partnerApplyDraft, token, partnerApplyActor(p.Invitation))
	if err != nil {
		replaceURL(c, partnerApplyPath(c))
		return render(c, fiber.StatusOK, "apply/form", h.partnerApplyView(c, "apply.title", p, invitation.Application{}), layoutBare)
	}
	v := h.partnerApplyView(c, "apply.confirm_title", p, a)
	v.Draft = token
	return render(c, fiber.StatusOK, "apply/confirm", v, layoutBare)
}

// partnerApplySubmit is 送信: the draft taken and the application sent in one transaction; the
// invitation is 申請処理中 and the URL answers "already applied" from now on.
func (h *handler) partnerApplySubmit(c *fiber.Ctx) error {
	p, err := h.partnerApplyLookup(c)
	if err != nil {
		return h.partnerApplyClosed(c, err)
	}
	shown := parsePartnerApplication(c)
	err = h.Store.Update(func(tx *data.Tx) error {
		a, err := partnerApplyDraft.Take(tx, draftToken(c), partnerApplyActor(p.Invitation), h.Accounts.Now())
		if confirmed(err) {
			shown = a
		}
		if err != nil {
			return err
		}
		_, err = h.Invites.Submit(tx, c.Params("token"), a)
		return err
	})
	if errors.Is(err, invitation.ErrExpired) || errors.Is(err, invitation.ErrUsed) {
		return h.partnerApplyClosed(c, err)
	}
	if err != nil {
		pushURL(c, partnerApplyPath(c))
		return commitRefused(c, err, h.partnerApplyView(c, "apply.title", p, shown), "apply/form", layoutBare)
	}
	pushURL(c, partnerApplyPath(c))
	v := h.partnerApplyView(c, "apply.done_title", p, shown)
	return render(c, fiber.StatusOK, "apply/done", v, layoutBare)
}
