package web

import (
	"errors"
	"net/url"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/certificate"
	"inkan/app/domain/form"
	"inkan/app/trust/pki"
	"inkan/data"
)

// applicationStates are the tabs of the operator's queue, in order (受付, 発行済, 却下).
var applicationStates = []string{data.ApplicationReceived, data.ApplicationIssued, data.ApplicationRejected}

// applicationRow is one application of the queue, with its company's name.
type applicationRow struct {
	data.CertApplication
	CompanyName string
}

// applicationListView is the operator's 電子証明書申請一覧 of one state.
type applicationListView struct {
	page
	State string
	Tabs  []pageTab
	Rows  []applicationRow
}

// pageTab is a link to one state of a list.
type pageTab struct {
	Label, URL string
	Current    bool
}

// applicationList is the queue: the applications in one state, newest first.
func (h *handler) applicationList(c *fiber.Ctx) error {
	state := c.Query("state", data.ApplicationReceived)
	if !slices.Contains(applicationStates, state) {
		state = data.ApplicationReceived
	}
	v := &applicationListView{page: h.page(c, "operator.applications", "operator.applications"), State: state}
	for _, s := range applicationStates {
		v.Tabs = append(v.Tabs, pageTab{Label: v.L.T("application.state." + s), URL: "/operator/applications?state=" + s, Current: s == state})
	}
	err := h.Store.View(func(tx *data.Tx) error {
		all, err := tx.Applications()
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, a := range all {
			if a.State != state {
				continue
			}
			if _, ok := names[a.CompanyID]; !ok {
				co, err := tx.Company(a.CompanyID)
				if err != nil {
					return err
				}
				names[a.CompanyID] = co.Name
			}
			v.Rows = append(v.Rows, applicationRow{CertApplication: a, CompanyName: names[a.CompanyID]})
		}
		return nil
	})
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "operator/applications", v, layoutOperator)
}

// applicationShowView is one application with every field, the 印鑑証明書 inline, and
// 発行 (表示名, defaulting to 部署名 役職名) and 却下 (a reason) while it is 受付.
type applicationShowView struct {
	page
	A           data.CertApplication
	CompanyName string
	UserName    string
	StateLabel  string
	DisplayName string
	Reason      string
	Done        string
}

func (h *handler) applicationShow(c *fiber.Ctx) error { return h.renderApplication(c, "", nil, "", "") }

func (h *handler) renderApplication(c *fiber.Ctx, done string, refusal error, display, reason string) error {
	v := &applicationShowView{page: h.page(c, "operator.application_detail", "operator.applications"), Done: done, Reason: reason}
	err := h.Store.View(func(tx *data.Tx) (err error) {
		if v.A, err = tx.ApplicationByID(c.Params("id")); err != nil {
			return err
		}
		co, err := tx.Company(v.A.CompanyID)
		if err != nil {
			return err
		}
		v.CompanyName = co.Name
		if u, err := tx.Tenant(co.ID).User(v.A.UserID); err == nil {
			v.UserName = u.Name
		}
		return nil
	})
	if err != nil {
		return err
	}
	v.StateLabel = v.L.T("application.state." + v.A.State)
	v.DisplayName = display
	if v.DisplayName == "" {
		v.DisplayName = certificate.InputOf(v.A).DefaultDisplayName()
	}
	status := fiber.StatusOK
	if refusal != nil {
		var errs form.Errors
		switch {
		case errors.As(refusal, &errs):
			v.Errors = errs
		case errors.Is(refusal, certificate.ErrDecided):
			v.Errors = form.Errors{"": "error.application_decided"}
		default:
			return refusal
		}
		status = fiber.StatusUnprocessableEntity
	}
	return render(c, status, "operator/application_show", v, layoutOperator)
}

// applicationSeal serves an application's 印鑑証明書 to the operator, inline so that the
// detail screen shows it in a frame of its own origin.
func (h *handler) applicationSeal(c *fiber.Ctx) error {
	var a data.CertApplication
	if err := h.Store.View(func(tx *data.Tx) (err error) { a, err = tx.ApplicationByID(c.Params("id")); return err }); err != nil {
		return err
	}
	return h.sendSeal(c, a)
}

// sendSeal answers with the 印鑑証明書 of a, read back and checked against its SHA-256,
// for the frame of the application's page, as sendPDF serves every PDF: sandboxed,
// only this origin may frame it, never cached.
func (h *handler) sendSeal(c *fiber.Ctx, a data.CertApplication) error {
	if a.Seal.SHA256 == "" {
		return fiber.ErrNotFound
	}
	b, err := h.Store.Files().Get(a.Seal.SHA256)
	if err != nil {
		return err
	}
	return sendPDF(c, b, a.Seal.Name, false)
}

// applicationIssue is 発行: the certificate and its two mails, then the detail again.
func (h *handler) applicationIssue(c *fiber.Ctx) error {
	display := c.FormValue("display_name")
	var rec data.Certificate
	err := h.Store.Update(func(tx *data.Tx) (err error) {
		rec, err = h.Certs.IssueApplication(tx, c.Params("id"), display, operatorActor(stateOf(c)))
		return err
	})
	replaceURL(c, "/operator/applications/"+url.PathEscape(c.Params("id")))
	if err != nil {
		return h.renderApplication(c, "", err, display, "")
	}
	return h.renderApplication(c, "application.issued", nil, rec.DisplayName, "")
}

// applicationReject is 却下 with its reason, mailed to the 申請担当者.
func (h *handler) applicationReject(c *fiber.Ctx) error {
	reason := c.FormValue("reason")
	err := h.Store.Update(func(tx *data.Tx) error {
		return h.Certs.Reject(tx, c.Params("id"), reason, operatorActor(stateOf(c)))
	})
	replaceURL(c, "/operator/applications/"+url.PathEscape(c.Params("id")))
	if err != nil {
		return h.renderApplication(c, "", err, "", reason)
	}
	return h.renderApplication(c, "application.rejected", nil, "", "")
}

// operatorCertificateRow is one certificate of the installation.
type operatorCertificateRow struct {
	data.Certificate
	CompanyName string
	StatusKey   string
}

// certificateStatusKey is the catalog key of a certificate's state at now: 有効,
// 失効 or 期限切れ.
func certificateStatusKey(c data.Certificate, h *handler) string {
	switch {
	case c.Status == data.CertificateRevoked:
		return "cert.status.revoked"
	case certificate.Expired(c, h.Accounts.Now()):
		return "cert.status.expired"
	}
	return "cert.status.valid"
}

// operatorCertificateList is every certificate of the installation.
func (h *handler) operatorCertificateList(c *fiber.Ctx) error {
	v := h.view(c, "operator.certificates", "operator.certificates")
	var rows []operatorCertificateRow
	err := h.Store.View(func(tx *data.Tx) error {
		certs, err := tx.AllCertificates()
		if err != nil {
			return err
		}
		names := map[string]string{}
		for i := len(certs) - 1; i >= 0; i-- {
			cert := certs[i]
			if _, ok := names[cert.CompanyID]; !ok {
				co, err := tx.Company(cert.CompanyID)
				if err != nil {
					return err
				}
				names[cert.CompanyID] = co.Name
			}
			rows = append(rows, operatorCertificateRow{Certificate: cert, CompanyName: names[cert.CompanyID], StatusKey: certificateStatusKey(cert, h)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	v["Rows"] = rows
	return render(c, fiber.StatusOK, "operator/certificates", v, layoutOperator)
}

// operatorCertificateView is one certificate in the console, with 失効 (a reason code
// and words) and 新しいPINの発行.
type operatorCertificateView struct {
	page
	Cert        operatorCertificateRow
	Reasons     []fieldOption
	Note        string
	Done        string
	LockedUsers int
}

// revocationReasons are the CRL reasons the console offers (RFC 5280 codes).
var revocationReasons = []struct {
	Code int
	Key  string
}{
	{pki.ReasonUnspecified, "revoke.reason.unspecified"},
	{pki.ReasonKeyCompromise, "revoke.reason.key_compromise"},
	{pki.ReasonAffiliationChanged, "revoke.reason.affiliation_changed"},
	{pki.ReasonSuperseded, "revoke.reason.superseded"},
	{pki.ReasonCessationOfOperation, "revoke.reason.cessation"},
}

func (h *handler) operatorCertificateShow(c *fiber.Ctx) error {
	return h.renderOperatorCertificate(c, "", nil, "")
}

func (h *handler) renderOperatorCertificate(c *fiber.Ctx, done string, refusal error, note string) error {
	v := &operatorCertificateView{page: h.page(c, "operator.certificate_detail", "operator.certificates"), Done: done, Note: note}
	err := h.Store.View(func(tx *data.Tx) error {
		cert, err := tx.CertificateByNumber(c.Params("number"))
		if err != nil {
			return err
		}
		co, err := tx.Company(cert.CompanyID)
		if err != nil {
			return err
		}
		v.Cert = operatorCertificateRow{Certificate: cert, CompanyName: co.Name, StatusKey: certificateStatusKey(cert, h)}
		for _, l := range cert.Links {
			if l.LockedAt != nil {
				v.LockedUsers++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, r := range revocationReasons {
		v.Reasons = append(v.Reasons, fieldOption{Name: "reason", Value: strconv.Itoa(r.Code), Label: v.L.T(r.Key), Checked: i == 0})
	}
	status := fiber.StatusOK
	if refusal != nil {
		var errs form.Errors
		switch {
		case errors.As(refusal, &errs):
			v.Errors = errs
		case certificate.ReasonKey(refusal) != "":
			v.Errors = form.Errors{"": certificate.ReasonKey(refusal)}
		default:
			return refusal
		}
		status = fiber.StatusUnprocessableEntity
	}
	return render(c, status, "operator/certificate_show", v, layoutOperator)
}

// operatorCertificateRevoke is 失効: the CRL is republished in the same transaction.
func (h *handler) operatorCertificateRevoke(c *fiber.Ctx) error {
	code := -1
	for _, r := range revocationReasons {
		if strconv.Itoa(r.Code) == c.FormValue("reason") {
			code = r.Code
		}
	}
	note := c.FormValue("note")
	replaceURL(c, "/operator/certificates/"+url.PathEscape(c.Params("number")))
	if code < 0 {
		return h.renderOperatorCertificate(c, "", form.Errors{"reason": "error.required"}, note)
	}
	err := h.Store.Update(func(tx *data.Tx) error {
		return h.Certs.RevokeFor(tx, c.Params("number"), code, note, operatorActor(stateOf(c)))
	})
	if err != nil {
		return h.renderOperatorCertificate(c, "", err, note)
	}
	return h.renderOperatorCertificate(c, "cert.revoked_done", nil, "")
}

// operatorCertificatePIN is 新しいPINの発行: the PIN mail goes to the PIN recipient, and
// locked validity checks are lifted.
func (h *handler) operatorCertificatePIN(c *fiber.Ctx) error {
	err := h.Store.Update(func(tx *data.Tx) error {
		return h.Certs.NewPIN(tx, c.Params("number"), operatorActor(stateOf(c)))
	})
	replaceURL(c, "/operator/certificates/"+url.PathEscape(c.Params("number")))
	if err != nil {
		return h.renderOperatorCertificate(c, "", err, "")
	}
	return h.renderOperatorCertificate(c, "cert.new_pin_done", nil, "")
}
