// Package web is the HTTP layer: the fiber app, its middleware and one thin handler per
// screen action. Handlers parse the request, call a domain package and render a
// template; rules live in the domain packages, records behind data.
package web

import (
	"inkan/app/domain/contract"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/valyala/fasthttp"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/domain/company"
	"inkan/app/domain/delivery"
	"inkan/app/domain/invitation"
	"inkan/app/domain/mail"
	"inkan/app/domain/passkey"
	"inkan/app/locale/i18n"
	"inkan/app/locale/jst"
	"inkan/app/locale/yen"
	"inkan/app/run/config"
	"inkan/data"
	"inkan/search"
	"inkan/static"
	"inkan/views"
)

// Deps is what the web layer is built from.
type Deps struct {
	Config    config.Config
	Store     *data.Store
	Accounts  *account.Service
	Onboarder company.Onboarder
	Certs     *certificate.Service
	Passkeys  *passkey.Service
	Invites   *invitation.Service
	Contracts *contract.Service
	Search    *search.Engine
	Delivery  *delivery.Worker // nil without an SMTP server
	Mail      *mail.Composer
	Catalogs  *i18n.Catalogs
	Log       *slog.Logger
}

type handler struct {
	Deps
	assets *assets
	menus  menus
}

// templateFuncs are the functions templates may call besides the built-in ones.
func (h *handler) templateFuncs() map[string]any {
	return map[string]any{
		"static":   h.assets.URL,
		"datetime": jst.DateTime,
		"date":     jst.Date,
		"join":     strings.Join,
		"field":    fieldFunc,
		"yen":      amountDigits,
	}
}

// amountDigits is the template function yen: an amount of yen with its thousands
// grouped (1,234,567), for the catalog's contract.amount_yen to add the unit.
func amountDigits(n *int64) string {
	if n == nil {
		return ""
	}
	return yen.Digits(*n)
}

// contentSecurityPolicy allows only our own files: no inline script or style anywhere.
// The one thing framed is a PDF of this site (frame-src 'self', served sandboxed by
// sendPDF); nothing is embedded as an object (object-src 'none').
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// formBodyLimit is the largest request body taken: what a form needs.
const formBodyLimit = 64 << 10

// uploadLimits are the routes that take a file, each with the largest body it takes:
// the file and the form around it. Every other route takes formBodyLimit. A contract
// PDF's route takes twice the configured limit: a file up to that much too large still
// reaches the screen, which says so beside the field (the page's script says it before
// sending, whatever the size); only a body beyond gets the 413 page.
func uploadLimits(cfg config.Config) map[string]int {
	return map[string]int{
		"/admin/certificates/apply/confirm": maxUploadSize + formBodyLimit,
		inviteUploadPath:                    invitation.MaxFileSize + formBodyLimit,
		contractConfirmPath:                 2*cfg.ContractPDFMax + formBodyLimit,
		contractSavePath:                    2*cfg.ContractPDFMax + formBodyLimit,
	}
}

// bodyLimitOf raises the body limit for the upload routes, from the request's header,
// before fasthttp reads the body: every other route keeps formBodyLimit, and a body
// over its route's limit is answered 413 from the header alone.
func bodyLimitOf(limits map[string]int) func(header *fasthttp.RequestHeader) fasthttp.RequestConfig {
	return func(header *fasthttp.RequestHeader) fasthttp.RequestConfig {
		path, _, _ := strings.Cut(string(header.RequestURI()), "?")
		if limit, ok := limits[path]; ok && header.IsPost() {
			return fasthttp.RequestConfig{MaxRequestBodySize: limit}
		}
		return fasthttp.RequestConfig{}
	}
}

// New builds the fiber app with every route.
func New(d Deps) (*fiber.App, error) {
	h := &handler{Deps: d}
	var err error
	if h.assets, err = loadAssets(static.FS); err != nil {
		return nil, err
	}
	engine, err := loadScreens(views.FS, d.Catalogs, h.templateFuncs(), h.assets.URL)
	if err != nil {
		return nil, err
	}
	if h.menus, err = drawMenus(engine, d.Catalogs); err != nil {
		return nil, err
	}
	app := fiber.New(fiber.Config{
		Views:                 engine,
		ErrorHandler:          h.handleError,
		DisableStartupMessage: true,
		// Forms need little: the largest field is a notice of 2000 characters. fasthttp
		// applies one limit before routing; bodyLimitOf raises it for the upload routes
		// from the request line, before the body is read.
		BodyLimit: formBodyLimit,
		// The request line and headers must fit this buffer, or fasthttp answers 431 in
		// English before any handler runs. The longest search (an ID of 64 and a name of
		// 50 characters, 9 bytes each when percent-encoded) is far below; 16 KiB also
		// takes a search several times over-long, so it gets the form and the message.
		ReadBufferSize: 16 << 10,
		ReadTimeout:    30 * time.Second,
		WriteTimeout:   5 * time.Minute,
		// Handlers copy what they keep; Immutable makes a forgotten copy harmless.
		Immutable: true,
		// No ProxyHeader: fiber would take the whole header as the address;
		// clientAddress reads it as proxies write it.
	})
	app.Server().HeaderReceived = bodyLimitOf(uploadLimits(d.Config))
	app.Use(recover.New())
	app.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy:     contentSecurityPolicy,
		XFrameOptions:             "DENY",
		ReferrerPolicy:            "same-origin",
		CrossOriginEmbedderPolicy: "unsafe-none",
	}))
	if d.Config.SecureCookies() {
		// helmet sends HSTS only when this server itself speaks TLS; behind a proxy
		// that ends TLS, the https base URL is what says the site is https.
		app.Use(func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000")
			return c.Next()
		})
	}
	app.Get("/static/:hash/:name", h.assets.serve)
	h.trustRoutes(app)
	app.Use(h.identify, h.checkCSRF)
	h.routes(app)
	return app, nil
}

func (h *handler) routes(app *fiber.App) {
	app.Get("/login", h.loginShow)
	app.Post("/login", h.loginSubmit)
	app.Post("/logout", h.logout)

	app.Get("/operator/login", h.operatorLoginShow)
	app.Post("/operator/login", h.operatorLoginSubmit)
	app.Post("/operator/logout", h.operatorLogout)
	app.Get("/operator/password", h.requireOperator, h.operatorPasswordShow)
	app.Post("/operator/password", h.requireOperator, h.operatorPasswordSubmit)
	operator := func(handler fiber.Handler) []fiber.Handler {
		return []fiber.Handler{h.requireOperator, h.requireOperatorPasswordChanged, handler}
	}
	app.Get("/operator", operator(h.companyList)...)
	app.Get("/operator/companies/new", operator(h.companyNew)...)
	app.Get("/operator/companies/confirm", operator(h.companyShowConfirm)...)
	app.Get("/operator/companies/:id", operator(h.companyShow)...)
	app.Post("/operator/companies/:id/users/:user/unlock", operator(h.companyUnlockAdmin)...)
	app.Post("/operator/companies/:id/users/:user/reset", operator(h.companyResetAdmin)...)
	app.Post("/operator/companies/confirm", operator(h.companyConfirm)...)
	app.Post("/operator/companies/back", operator(h.companyBack)...)
	app.Post("/operator/companies/commit", operator(h.companyCommit)...)
	app.Get("/operator/usage", operator(h.usageList)...)
	app.Get("/operator/usage/export", operator(h.usageExport)...)
	app.Get("/operator/notices", operator(h.noticeList)...)
	app.Post("/operator/notices", operator(h.noticePost)...)
	app.Get("/operator/outbox", operator(h.outboxList)...)
	app.Get("/operator/outbox/:id", operator(h.outboxShow)...)
	app.Post("/operator/outbox/:id/resend", operator(h.outboxResend)...)
	app.Get("/operator/partner-applications", operator(h.partnerApplicationList)...)
	app.Get("/operator/partner-applications/:id", operator(h.partnerApplicationShow)...)
	app.Post("/operator/partner-applications/:id/approve", operator(h.partnerApplicationApprove)...)
	app.Post("/operator/partner-applications/:id/cancel", operator(h.partnerApplicationCancel)...)
	h.partnerApplyRoutes(app)

	// The password screen is reachable before the forced change; everything else not.
	app.Get("/password", h.requireUser, h.passwordShow)
	app.Post("/password", h.requireUser, h.passwordSubmit)
	user := func(handlers ...fiber.Handler) []fiber.Handler {
		return append([]fiber.Handler{h.requireUser, h.requirePasswordChanged}, handlers...)
	}
	admin := func(handlers ...fiber.Handler) []fiber.Handler {
		return append([]fiber.Handler{h.requireUser, h.requirePasswordChanged, h.requireAdmin}, handlers...)
	}
	app.Get("/", user(h.topShow)...)
	app.Get("/settings", user(h.settingsShow)...)
	app.Post("/settings", user(h.settingsSave)...)
	app.Post("/settings/contact", user(h.settingsContact)...)
	h.userRoutes(app, admin)
	h.passkeyRoutes(app, user, operator)
	h.inviteRoutes(app, admin)
	h.certificateRoutes(app, operator, user, admin)
	h.contractRoutes(app, user)
	h.documentListRoutes(app, user, admin)
	h.supportRoutes(app, user)
	for _, s := range menu {
		chain := user
		if s.AdminOnly {
			chain = admin
		}
		if s.Index {
			app.Get(s.Path, chain(h.sectionShow(s))...)
		}
		for _, item := range s.Items {
			if item.Coming == "" {
				continue
			}
			if item.Key == inviteItem {
				app.Get(item.Path, chain(h.requireInvite, h.comingShow(s, item))...)
			} else {
				app.Get(item.Path, chain(h.comingShow(s, item))...)
			}
		}
	}
}

// userRoutes are 自社利用者登録 and 自社利用者照会 with the screens behind the detail.
// The fixed paths come first, so that /admin/users/new is not taken for an ID.
func (h *handler) userRoutes(app *fiber.App, admin func(...fiber.Handler) []fiber.Handler) {
	app.Get("/admin/users/new", admin(h.userNew)...)
	app.Get("/admin/users/confirm", admin(h.userRegisterShowConfirm)...)
	app.Post("/admin/users/confirm", admin(h.userRegisterConfirm)...)
	app.Post("/admin/users/back", admin(h.userRegisterBack)...)
	app.Post("/admin/users/commit", admin(h.userRegisterCommit)...)
	app.Get("/admin/users", admin(h.userList)...)
	app.Get("/admin/users/export", admin(h.userExport)...)
	app.Get("/admin/users/:id", admin(h.userShow)...)
	app.Get("/admin/users/:id/registered", admin(h.userRegistered)...)
	app.Get("/admin/users/:id/deleted", admin(h.userDeleted)...)
	app.Get("/admin/users/:id/confirm", admin(h.userEditShowConfirm)...)
	app.Post("/admin/users/:id/unlock", admin(h.userUnlock)...)
	app.Get("/admin/users/:id/edit", admin(h.userEdit)...)
	app.Post("/admin/users/:id/confirm", admin(h.userEditConfirm)...)
	app.Post("/admin/users/:id/back", admin(h.userEditBack)...)
	app.Post("/admin/users/:id/commit", admin(h.userEditCommit)...)
	app.Get("/admin/users/:id/delete", admin(h.userDeleteAsk)...)
	app.Post("/admin/users/:id/delete", admin(h.userDelete)...)
	app.Get("/admin/users/:id/api", admin(h.userAPI)...)
}
