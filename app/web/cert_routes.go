package web

import "github.com/gofiber/fiber/v2"

// certificateRoutes are the screens of the certificate lifecycle: the operator's
// application queue and certificates, 証明書管理 of every user, and the admin's
// 電子証明書追加発行申請, 自社電子証明書照会 and 紐付け更新.
func (h *handler) certificateRoutes(app *fiber.App, operator func(fiber.Handler) []fiber.Handler, user, admin func(...fiber.Handler) []fiber.Handler) {
	app.Get("/operator/applications", operator(h.applicationList)...)
	app.Get("/operator/applications/:id", operator(h.applicationShow)...)
	app.Get("/operator/applications/:id/seal", operator(h.applicationSeal)...)
	app.Post("/operator/applications/:id/issue", operator(h.applicationIssue)...)
	app.Post("/operator/applications/:id/reject", operator(h.applicationReject)...)
	app.Get("/operator/certificates", operator(h.operatorCertificateList)...)
	app.Get("/operator/certificates/:number", operator(h.operatorCertificateShow)...)
	app.Post("/operator/certificates/:number/revoke", operator(h.operatorCertificateRevoke)...)
	app.Post("/operator/certificates/:number/pin", operator(h.operatorCertificatePIN)...)

	app.Get("/certificates/list", user(h.myCertificateList)...)
	app.Get("/certificates/check", user(h.validityCheckShow)...)
	app.Post("/certificates/check", user(h.validityCheckSubmit)...)

	app.Get("/admin/certificates/users/pick", admin(h.userPick)...)
	app.Get("/admin/certificates/users/choose", admin(h.userPickChoose)...)
	app.Get("/admin/certificates/apply", admin(h.applyNew)...)
	app.Post("/admin/certificates/apply/confirm", admin(h.applyConfirm)...)
	app.Get("/admin/certificates/apply/confirm", admin(h.applyShowConfirm)...)
	app.Post("/admin/certificates/apply/back", admin(h.applyBack)...)
	app.Post("/admin/certificates/apply/commit", admin(h.applyCommit)...)
	app.Get("/admin/certificates/applications/:id", admin(h.applicationDone)...)
	app.Get("/admin/certificates/applications/:id/seal", admin(h.applicationSealOwn)...)
	app.Get("/admin/certificates", admin(h.companyCertList)...)
	app.Get("/admin/certificates/:number", admin(h.companyCertShow)...)
	app.Get("/admin/certificates/:number/links", admin(h.linksEdit)...)
	app.Post("/admin/certificates/:number/links/confirm", admin(h.linksConfirm)...)
	app.Get("/admin/certificates/:number/links/confirm", admin(h.linksShowConfirm)...)
	app.Post("/admin/certificates/:number/links/back", admin(h.linksBack)...)
	app.Post("/admin/certificates/:number/links/commit", admin(h.linksCommit)...)
	app.Get("/admin/certificates/:number/links/done", admin(h.linksDone)...)
}
