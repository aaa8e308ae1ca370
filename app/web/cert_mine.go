package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/certificate"
	"inkan/app/domain/form"
	"inkan/app/locale/jst"
	"inkan/data"
)

// myCertificateRow is one certificate linked to the logged-in user (電子証明書照会):
// its state, whether the user's validity check is done, and whether they may sign now.
type myCertificateRow struct {
	Number, DisplayName string
	NotAfter            string
	StatusKey, CheckKey string
	// MayKey is the reason the user may not sign (empty: they may).
	MayKey string
}

// myCertificatesView is 電子証明書照会.
type myCertificatesView struct {
	page
	Rows []myCertificateRow
}

func (h *handler) myCertificates(c *fiber.Ctx) ([]data.Certificate, data.User, error) {
	st := stateOf(c)
	var certs []data.Certificate
	err := h.Store.View(func(tx *data.Tx) (err error) {
		certs, err = certificate.LinkedTo(tx.Tenant(st.Company.ID), st.User.ID)
		return err
	})
	return certs, *st.User, err
}

// checkKey is the catalog key of a user's validity check of c: 確認済, 未確認, ロック中.
func checkKey(c data.Certificate, userID string) string {
	l := certificate.LinkOf(c, userID)
	switch {
	case l == nil:
		return ""
	case l.LockedAt != nil:
		return "cert.check.locked"
	case l.CheckedAt != nil:
		return "cert.check.done"
	}
	return "cert.check.pending"
}

// myCertificateList is 電子証明書照会: the certificates linked to me.
func (h *handler) myCertificateList(c *fiber.Ctx) error {
	certs, u, err := h.myCertificates(c)
	if err != nil {
		return err
	}
	v := &myCertificatesView{page: h.page(c, "menu.certificates.list", "menu.certificates")}
	for _, cert := range certs {
		v.Rows = append(v.Rows, myCertificateRow{
			Number: cert.Number, DisplayName: cert.DisplayName, NotAfter: jst.Date(cert.NotAfter),
			StatusKey: certificateStatusKey(cert, h), CheckKey: checkKey(cert, u.ID),
			MayKey: certificate.ReasonKey(certificate.MaySign(cert, u, h.Accounts.Now())),
		})
	}
	return render(c, fiber.StatusOK, "certificates/list", v, layoutMain)
}

// validityCheckView is 証明書有効性確認: one of my certificates, its PIN and my login
// password.
type validityCheckView struct {
	page
	Certificates []fieldOption
	Done         string
}

func (h *handler) validityCheckView(c *fiber.Ctx, chosen string) (*validityCheckView, error) {
	certs, u, err := h.myCertificates(c)
	if err != nil {
		return nil, err
	}
	v := &validityCheckView{page: h.page(c, "menu.certificates.check", "menu.certificates")}
	if chosen == "" {
		// The first certificate still to check comes first.
		for _, cert := range certs {
			if checkKey(cert, u.ID) == "cert.check.pending" {
				chosen = cert.Number
				break
			}
		}
	}
	for _, cert := range certs {
		label := cert.Number + " " + cert.DisplayName + "（" + v.L.T(checkKey(cert, u.ID)) + "）"
		v.Certificates = append(v.Certificates, fieldOption{Name: "cert", Value: cert.Number, Label: label, Checked: cert.Number == chosen})
	}
	return v, nil
}

// validityCheckShow is the form; ?cert= chooses the certificate.
func (h *handler) validityCheckShow(c *fiber.Ctx) error {
	v, err := h.validityCheckView(c, c.Query("cert"))
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "certificates/check", v, layoutMain)
}

// validityCheckSubmit runs the check. A wrong PIN or password is counted in the same
// transaction that answers it, so five of them lock the check whatever happens next.
func (h *handler) validityCheckSubmit(c *fiber.Ctx) error {
	st := stateOf(c)
	number := c.FormValue("cert")
	var refusal error
	err := h.Store.Update(func(tx *data.Tx) (err error) {
		refusal, err = h.Certs.CheckValidity(tx, st.Company.ID, number, st.User.ID, c.FormValue("pin"), c.FormValue("password"))
		return err
	})
	if err != nil {
		// Another company's certificate is not found, as on every route.
		return err
	}
	replaceURL(c, "/certificates/check?"+url.Values{"cert": {number}}.Encode())
	v, err := h.validityCheckView(c, number)
	if err != nil {
		return err
	}
	if refusal != nil {
		return invalid(c, form.Errors{"": certificate.ReasonKey(refusal)}, v, "certificates/check", layoutMain)
	}
	v.Done = "cert.check_done"
	return render(c, fiber.StatusOK, "certificates/check", v, layoutMain)
}
