package web

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/form"
	"inkan/app/domain/invitation"
	"inkan/data"
)

// partnerApplicationsView is the operator's queue of applications that came through
// invitation URLs (申請処理中), oldest first.
type partnerApplicationsView struct {
	page
	Queue    []data.Invitation
	Inviters map[string]string
}

// partnerApplicationList is the queue.
func (h *handler) partnerApplicationList(c *fiber.Ctx) error {
	v := &partnerApplicationsView{page: h.page(c, "operator.partner_applications", "operator.partner_applications"), Inviters: map[string]string{}}
	err := h.Store.View(func(tx *data.Tx) error {
		q, err := invitation.Queue(tx)
		if err != nil {
			return err
		}
		v.Queue = q
		for _, inv := range q {
			if _, ok := v.Inviters[inv.CompanyID]; ok {
				continue
			}
			co, err := tx.Company(inv.CompanyID)
			if err != nil {
				return err
			}
			v.Inviters[inv.CompanyID] = co.Name
		}
		return nil
	})
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "operator/partner_applications", v, layoutOperator)
}

// partnerApplicationView is one application: what the partner entered, who invited it, and
// 承認 and 取消 while it is 申請処理中, or how it ended.
type partnerApplicationView struct {
	page
	Inv         data.Invitation
	Inviter     string
	App         invitation.Application
	StatusLabel string
	Open        bool
	Reason      string
	Done        string
	NewAdminID  string
	// Cert and CertCompany are the 電子証明書も発行する choice as typed.
	Cert        bool
	CertCompany string
}

func (h *handler) partnerLoadApplication(c *fiber.Ctx) (*partnerApplicationView, error) {
	v := &partnerApplicationView{page: h.page(c, "operator.partner_application", "operator.partner_applications")}
	err := h.Store.View(func(tx *data.Tx) error {
		inv, err := tx.InvitationByID(c.Params("id"))
		if err != nil {
			return err
		}
		if inv.Application == nil {
			// Not sent by the partner yet: not an application the operator sees.
			return data.ErrNotFound
		}
		co, err := tx.Company(inv.CompanyID)
		if err != nil {
			return err
		}
		v.Inv, v.Inviter, v.App = inv, co.Name, invitation.FromRecord(*inv.Application)
		return nil
	})
	if err != nil {
		return nil, err
	}
	v.StatusLabel = invitation.StatusLabel(v.L, v.Inv.Status, v.Inv.Outcome)
	v.Open = v.Inv.Status == invitation.StatusProcessing
	return v, nil
}

// partnerApplicationShow is one application.
func (h *handler) partnerApplicationShow(c *fiber.Ctx) error {
	v, err := h.partnerLoadApplication(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "operator/partner_application_show", v, layoutOperator)
}

func partnerApplicationPath(id string) string {
	return "/operator/partner-applications/" + url.PathEscape(id)
}

// partnerApplicationApprove is 承認: the company on the 取引先専用 plan with its 管理用ID, the
// credential mails queued, the invitation 申請処理完了 (approved), in one transaction.
func (h *handler) partnerApplicationApprove(c *fiber.Ctx) error {
	st := stateOf(c)
	id := c.Params("id")
	var cert *invitation.FirstCertificate
	done := "operator.partner_application_approved"
	if c.FormValue("cert") == "1" {
		cert, done = &invitation.FirstCertificate{CompanyAlphabet: c.FormValue("cert_company")}, "operator.partner_application_approved_cert"
	}
	var admin data.User
	err := h.Store.Update(func(tx *data.Tx) (err error) {
		_, _, admin, err = h.Invites.Approve(tx, id, operatorActor(st), cert)
		return err
	})
	if cert != nil && err != nil {
		// The choice stays on screen with its message.
		v, lerr := h.partnerLoadApplication(c)
		if lerr != nil {
			return lerr
		}
		v.Cert, v.CertCompany = true, cert.CompanyAlphabet
		if _, ok := err.(form.Errors); ok {
			replaceURL(c, partnerApplicationPath(id))
			return invalid(c, err, v, "operator/partner_application_show", layoutOperator)
		}
	}
	return h.partnerApplicationDone(c, id, err, done, admin.ID, "")
}

// partnerApplicationCancel is 取消 with a reason: the invitation 申請処理完了 (cancelled).
func (h *handler) partnerApplicationCancel(c *fiber.Ctx) error {
	st := stateOf(c)
	id, reason := c.Params("id"), c.FormValue("reason")
	err := h.Store.Update(func(tx *data.Tx) error {
		_, err := h.Invites.Cancel(tx, id, reason, operatorActor(st))
		return err
	})
	return h.partnerApplicationDone(c, id, err, "operator.partner_application_cancelled", "", reason)
}

// partnerApplicationDone shows the application again after 承認 or 取消: with the message of
// what was done, or of why not (a reason missing, already completed by someone else).
func (h *handler) partnerApplicationDone(c *fiber.Ctx, id string, err error, done, adminID, reason string) error {
	var errs form.Errors
	switch {
	case errors.Is(err, invitation.ErrNotAllowed):
		errs = form.Errors{"": "error.application_closed"}
	case errors.As(err, &errs):
	case err != nil:
		return err
	}
	v, lerr := h.partnerLoadApplication(c)
	if lerr != nil {
		return lerr
	}
	replaceURL(c, partnerApplicationPath(id))
	if errs != nil {
		v.Reason = reason
		return invalid(c, errs, v, "operator/partner_application_show", layoutOperator)
	}
	v.Done, v.NewAdminID = done, adminID
	return render(c, fiber.StatusOK, "operator/partner_application_show", v, layoutOperator)
}
