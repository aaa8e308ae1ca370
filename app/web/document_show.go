package web

import (
	"cmp"
	"errors"
	"mime"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/company"
	"inkan/app/domain/contract"
	"inkan/app/domain/form"
	"inkan/app/locale/i18n"
	"inkan/app/trust/pades"
	"inkan/app/trust/pki"
	"inkan/data"
)

// routeRow is one step of a party's route on the detail screen.
type routeRow struct {
	Role    string // catalog key
	UserID  string
	Name    string
	DoneAt  *time.Time
	Comment string
	Current bool
}

// signatureRow is one signature or document timestamp as the verifier sees it: the
// holder as its certificate names them (the TSA for a document timestamp), and why it
// is not valid as catalog keys.
type signatureRow struct {
	Timestamp bool
	// Company is the certificate's 企業名, in Japanese when it carries that form;
	// Name its 表示名 (the whole subject when the certificate was not found); Title
	// its 役職名, Japanese form first.
	Company, Name, Title string
	Time                 time.Time
	TSTime               time.Time
	Level                string
	Valid                bool
	Trusted              bool
	Reasons              []string
	// ProvableUntil is, for a valid document timestamp, until when it proves the file
	// (pades.SignatureReport.ProvableUntil); zero otherwise.
	ProvableUntil time.Time
}

// historyRow is one step of the history.
type historyRow struct {
	At      time.Time
	Who     string
	Action  string // catalog key
	Status  string // catalog key
	Comment string
}

// documentView is the document detail, and its print view. A document in long-term
// storage is shown as the manual's 長期保管契約文書照会: its record fields, the PDF,
// its signatures as verified now, the history, and no action.
type documentView struct {
	page
	Doc    data.Document
	Sender bool // the viewer's company sent it
	// Stored says the document is in long-term storage (data.Document.LongTerm).
	Stored bool
	// OwnSide and OwnTag are the viewer's company's 自社の受発注区分 (its label) and
	// グループタグ: the sender's, or the receiver's once it received the document.
	OwnSide, OwnTag string
	SenderName      string
	ReceiverName    string
	// PartnerName is the 取引先: the other company of the document, as the viewer sees it.
	PartnerName   string
	Recipient     string
	StatusLabel   string
	TurnLabel     string
	TurnUser      string
	SenderRoute   []routeRow
	ReceiverRoute []routeRow
	// KindLabel is the 文書区分: 自社→取引先 for the sender, 取引先→自社 for the receiver.
	KindLabel  string
	Signatures []signatureRow
	// DocReasons say, as catalog keys, why the file as a whole is not valid.
	DocReasons  []string
	VerifyError string
	// VerifiedAt is when the signatures were verified: the verifier judges them now.
	VerifiedAt time.Time
	// ProvableUntil is until when the newest valid document (or archive) timestamp
	// keeps the file provable (pades.Report.ProvableUntil); zero without one.
	ProvableUntil time.Time
	History       []historyRow
	// May holds the actions the viewer may take now, by their name.
	May map[string]bool
	// Receipt is the 受領 form: as typed after a refusal, else the receiver's current
	// fields; Approvers has maxApprovers slots.
	Receipt contract.Receipt
	// OrderSides are the radios of the receiver's 自社の受発注区分 when the sender gave
	// none; ReceiverSide the label of the side the sender's makes it otherwise.
	OrderSides   []fieldOption
	ReceiverSide string
}

func (h *handler) documentID(c *fiber.Ctx) string { return c.Params("id") }

// documentShow is the document detail: 404 for a document the viewer's company does
// not see (a third company, the receiver before it was sent).
func (h *handler) documentShow(c *fiber.Ctx) error {
	v, err := h.documentView(c, h.documentID(c), nil)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, v.screen(), v, layoutMain)
}

// screen is the detail's template: 長期保管契約文書照会 for a stored document, whose
// record nothing may change (電子帳簿保存法), so that it offers no action at all.
func (v *documentView) screen() string {
	if v.Stored {
		return "contracts/document_stored"
	}
	return "contracts/document"
}

// documentView builds the detail; typed is the 受領 form as typed, to show again with
// its refusal (nil otherwise).
func (h *handler) documentView(c *fiber.Ctx, id string, typed *contract.Receipt) (*documentView, error) {
	st := stateOf(c)
	by := contractActor(st)
	v := &documentView{page: h.page(c, "contract.document_title", "menu.contracts"), May: map[string]bool{}}
	var pdfBytes []byte
	err := h.Store.View(func(tx *data.Tx) error {
		d, err := h.viewable(tx, st, id)
		if err != nil {
			return err
		}
		b, err := h.Contracts.PDF(d)
		if err != nil {
			return err
		}
		pdfBytes, v.Doc = b, d
		v.Sender = d.Sender.CompanyID == st.Company.ID
		own := d.Receiver
		v.KindLabel = v.L.T("doc.kind_received")
		if v.Sender {
			own = d.Sender
			v.KindLabel = v.L.T("doc.kind_sent")
		}
		if own.OrderSide != "" {
			v.OwnSide = v.L.T(orderSideKey(own.OrderSide))
		}
		v.OwnTag = own.GroupTag
		v.SenderName, v.ReceiverName = companyName(tx, d.Sender.CompanyID), companyName(tx, d.Receiver.CompanyID)
		v.PartnerName = v.SenderName
		if v.Sender {
			v.PartnerName = v.ReceiverName
		}
		sender, receiver := tx.Tenant(d.Sender.CompanyID), tx.Tenant(d.Receiver.CompanyID)
		v.Recipient = userName(receiver, d.Receiver.UserID)
		status := contract.Status(d.Status)
		v.StatusLabel = v.L.T(status.LabelKey())
		turn, hasTurn := contract.TurnOf(d)
		if k := status.TurnKey(); k != "" {
			v.TurnLabel = v.L.T(k)
		}
		if hasTurn {
			v.TurnUser = userName(tx.Tenant(turn.CompanyID), turn.UserID)
		}
		v.SenderRoute = routeRows(sender, d.Sender.Route, hasTurn && turn.Side == contract.Sender, turn)
		v.ReceiverRoute = routeRows(receiver, d.Receiver.Route, hasTurn && turn.Side == contract.Receiver, turn)
		for _, e := range d.History {
			v.History = append(v.History, historyRow{
				At: e.At, Who: companyName(tx, e.CompanyID) + " " + userNameAt(tx.Tenant(e.CompanyID), e.UserID, e.At),
				Action: "doc.action." + e.Action, Status: contract.Status(e.Status).LabelKey(), Comment: e.Comment,
			})
		}
		plans, err := h.documentPlans(tx, d)
		if err != nil {
			return err
		}
		for _, a := range contract.Actions {
			v.May[string(a)] = contract.May(d, by, a, plans) == nil
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if v.Stored = v.Doc.LongTerm(); v.Stored {
		// The page was built before the document was read: a stored one is the
		// 長期保管文書 menu's.
		v.page = h.page(c, "contract.stored_title", "menu.archive")
	}
	if v.May[string(contract.ActReceive)] {
		v.receiptForm(typed)
	}
	h.verifyInto(v, pdfBytes)
	return v, nil
}

// receiptForm fills the 受領 form: what was typed (after a refusal), else the
// receiver's own fields as they stand, its side preset to the other of the sender's.
func (v *documentView) receiptForm(typed *contract.Receipt) {
	d := v.Doc
	r := contract.Receipt{GroupTag: d.Receiver.GroupTag, OrderSide: d.Receiver.OrderSide}
	if typed != nil {
		r = *typed
	}
	slots := make([]string, maxApprovers)
	copy(slots, r.Approvers)
	r.Approvers = slots
	v.Receipt = r
	if other := contract.OtherSide(d.Sender.OrderSide); other != "" {
		v.ReceiverSide = v.L.T(orderSideKey(other))
		return
	}
	for _, s := range []string{data.OrderSideBuyer, data.OrderSideSeller} {
		v.OrderSides = append(v.OrderSides, fieldOption{Name: "order_side", Value: s, Label: v.L.T(orderSideKey(s)), Checked: s == r.OrderSide})
	}
}

func (h *handler) documentPlans(tx *data.Tx, d data.Document) (contract.Plans, error) {
	var p contract.Plans
	s, err := tx.Company(d.Sender.CompanyID)
	if err != nil {
		return p, err
	}
	p.Sender = companyPlan(s)
	if d.Receiver.CompanyID != "" {
		if r, err := tx.Company(d.Receiver.CompanyID); err == nil {
			p.Receiver = companyPlan(r)
		}
	}
	return p, nil
}

func routeRows(t data.Tenant, r *data.Route, active bool, turn contract.Turn) []routeRow {
	if r == nil {
		return nil
	}
	// A step taken shows the name its user had then; one to come, the name now.
	name := func(s data.Step) string {
		if s.DoneAt != nil {
			return userNameAt(t, s.UserID, *s.DoneAt)
		}
		return userName(t, s.UserID)
	}
	var rows []routeRow
	for i, s := range r.Approvers {
		rows = append(rows, routeRow{Role: "contract.approver", UserID: s.UserID, Name: name(s), DoneAt: s.DoneAt, Comment: s.Comment,
			Current: active && turn.Role == contract.RoleApprover && turn.Step == i})
	}
	rows = append(rows, routeRow{Role: "contract.signer", UserID: r.Signer.UserID, Name: name(r.Signer), DoneAt: r.Signer.DoneAt,
		Current: active && turn.Role == contract.RoleSigner})
	return rows
}

// verifyInto puts the signatures and timestamps of the PDF, as the verifier sees
// them, into the view.
func (h *handler) verifyInto(v *documentView, b []byte) {
	// VerifyPDF judges at the present moment (pades.VerifyOptions.Time left zero).
	v.VerifiedAt = time.Now()
	rep, err := h.Certs.VerifyPDF(v.Doc.ID, b)
	if err != nil {
		v.VerifyError = err.Error()
		if key := contract.ReasonKey(err); key != "" {
			v.VerifyError = v.L.T(key)
		}
		return
	}
	v.Signatures, v.DocReasons, v.ProvableUntil = signatureRows(rep), reasonKeys(v.L, rep.ProblemCodes), rep.ProvableUntil
	for i := range v.Signatures {
		v.Signatures[i].Reasons = reasonKeys(v.L, rep.Signatures[i].ProblemCodes)
	}
}

// signatureRows are the report's entries with their holders, reasons apart.
func signatureRows(rep *pades.Report) []signatureRow {
	var rows []signatureRow
	for i := range rep.Signatures {
		s := &rep.Signatures[i]
		row := signatureRow{
			Timestamp: s.Kind == pades.KindDocTimestamp, Name: s.Signer, Time: s.SigningTime, TSTime: s.TimestampTime,
			Level: s.Level, Valid: s.Valid(), Trusted: s.Trusted,
		}
		if row.Valid {
			row.ProvableUntil = s.ProvableUntil
		}
		if s.Certificate != nil {
			sub := pki.SubjectOf(s.Certificate)
			row.Company, row.Name, row.Title = cmp.Or(sub.CompanyJa, sub.Company), sub.DisplayName, cmp.Or(sub.TitleJa, sub.Title)
		}
		rows = append(rows, row)
	}
	return rows
}

// reasonKeys words the verifier's codes: the catalog key of each code once, in the
// order found, and 検証できません for a code the catalog has no words for.
func reasonKeys(l i18n.Localizer, codes []pades.Code) []string {
	var keys []string
	for _, c := range codes {
		key := "contract.verify." + string(c)
		if _, ok := l.Lookup(key); !ok {
			key = "contract.verify.unknown"
		}
		if !slices.Contains(keys, key) {
			keys = append(keys, key)
		}
	}
	return keys
}

// documentPDF serves the newest revision of the PDF, inline for the frame of the
// detail, or as a download with ?download=1.
func (h *handler) documentPDF(c *fiber.Ctx) error {
	var b []byte
	var d data.Document
	err := h.Store.View(func(tx *data.Tx) (err error) {
		if d, err = h.viewable(tx, stateOf(c), h.documentID(c)); err != nil {
			return err
		}
		b, err = h.Contracts.PDF(d)
		return err
	})
	if err != nil {
		return err
	}
	name := d.Latest().File.Name
	if name == "" {
		name = d.ID + ".pdf"
	}
	return sendPDF(c, b, name, c.Query("download") != "")
}

// pdfContentSecurityPolicy is the policy of a PDF this site serves. The document is
// sandboxed (an opaque origin, no script, no forms, no plugins of its own: whatever a
// viewer or a browser makes of the bytes, it reaches neither this site's cookies nor
// its pages), loads nothing, and only this site's pages may frame it. The sandbox is
// the response's rather than the frame's sandbox attribute, which makes Chromium (and
// Firefox) refuse to start their PDF viewers at all; under the response's sandbox
// Chromium's viewer still shows the file, framed or not (checked with Chromium 156).
// Safari does not show a framed PDF under a sandbox: the download is the way there.
// style-src 'unsafe-inline' is for the page some browsers build around the viewer.
const pdfContentSecurityPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"

// sendPDF answers with the PDF b, named name: inline (for a frame of this site's pages)
// or, for download, as an attachment. It is never cached, never sniffed as anything
// but a PDF, and sandboxed (pdfContentSecurityPolicy).
func sendPDF(c *fiber.Ctx, b []byte, name string, download bool) error {
	disposition := "inline"
	if download {
		disposition = "attachment"
	}
	// The bytes are a PDF whatever the uploaded name said: the saved file ends in .pdf,
	// so that no desktop opens it as something else.
	if !strings.EqualFold(filepath.Ext(name), ".pdf") {
		name = strings.TrimSuffix(name, filepath.Ext(name)) + ".pdf"
	}
	// RFC 6266: an ASCII name is quoted, any other is RFC 2231 encoded (filename*).
	header := mime.FormatMediaType(disposition, map[string]string{"filename": name})
	if header == "" {
		header = disposition + `; filename="document.pdf"`
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, header)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "SAMEORIGIN")
	c.Set(fiber.HeaderContentSecurityPolicy, pdfContentSecurityPolicy)
	return c.Send(b)
}

// documentAct runs one action of the detail and shows the detail again (303), or the
// detail with the refusal.
func (h *handler) documentAct(c *fiber.Ctx) error {
	st := stateOf(c)
	by := contractActor(st)
	id := h.documentID(c)
	// The version the screen showed: every action form sends it, and one without it (a
	// hand-made request) must not act on whatever the document has become.
	version, perr := strconv.ParseUint(c.FormValue("version"), 10, 64)
	if perr != nil || version == 0 {
		return h.documentRefused(c, id, form.Errors{"": contract.ReasonKey(contract.ErrChanged)}, nil)
	}
	comment := strings.TrimSpace(c.FormValue("comment"))
	var errs form.Errors = form.Errors{}
	errs.Lines("comment", comment)
	if len(errs) > 0 {
		return h.documentRefused(c, id, errs, nil)
	}
	update := func(fn func(tx *data.Tx) (data.Document, error)) error {
		return h.Store.Update(func(tx *data.Tx) error { _, err := fn(tx); return err })
	}
	var err error
	var receipt *contract.Receipt // the 受領 form, shown again as typed when refused
	switch contract.Action(c.Params("action")) {
	case contract.ActSubmit:
		err = update(func(tx *data.Tx) (data.Document, error) { return h.Contracts.Submit(tx, by, id, version) })
	case contract.ActApprove:
		err = update(func(tx *data.Tx) (data.Document, error) { return h.Contracts.Approve(tx, by, id, version, comment) })
	case contract.ActApproveReceipt:
		err = update(func(tx *data.Tx) (data.Document, error) {
			return h.Contracts.ApproveReceipt(tx, by, id, version, comment)
		})
	case contract.ActReturn:
		err = update(func(tx *data.Tx) (data.Document, error) { return h.Contracts.Return(tx, by, id, version, comment) })
	case contract.ActCancel:
		err = update(func(tx *data.Tx) (data.Document, error) { return h.Contracts.Cancel(tx, by, id, version, comment) })
	case contract.ActReceive:
		r := parseReceipt(c)
		receipt = &r
		err = update(func(tx *data.Tx) (data.Document, error) { return h.Contracts.Receive(tx, by, id, version, r) })
	case contract.ActSign:
		_, err = h.Contracts.Sign(c.Context(), by, id, version, c.FormValue("password"))
	case contract.ActComplete:
		_, err = h.Contracts.Complete(c.Context(), by, id, version)
	case "reissue":
		err = h.Store.Update(func(tx *data.Tx) error { return h.Contracts.ReissueSigningPassword(tx, by, id) })
	default:
		return fiber.ErrNotFound
	}
	if err != nil {
		if errors.Is(err, data.ErrNotFound) {
			return err
		}
		var fields form.Errors
		if errors.As(err, &fields) {
			return h.documentRefused(c, id, fields, receipt)
		}
		key := contract.ReasonKey(err)
		if key == "" {
			return err
		}
		return h.documentRefused(c, id, form.Errors{"": key}, receipt)
	}
	return redirect(c, documentPath(id))
}

// parseReceipt reads the 受領 form: the approvers in order without the empty slots.
func parseReceipt(c *fiber.Ctx) contract.Receipt {
	r := contract.Receipt{
		Signer: strings.TrimSpace(c.FormValue("signer")), GroupTag: strings.TrimSpace(c.FormValue("group_tag")),
		OrderSide: strings.TrimSpace(c.FormValue("order_side")),
	}
	for _, a := range c.Request().PostArgs().PeekMulti("approver") {
		if s := strings.TrimSpace(string(a)); s != "" {
			r.Approvers = append(r.Approvers, s)
		}
	}
	return r
}

// documentRefused shows the detail again with the refusal above it (or beside the
// fields of the 受領 form, typed as they were), at its GET address.
func (h *handler) documentRefused(c *fiber.Ctx, id string, errs form.Errors, typed *contract.Receipt) error {
	v, err := h.documentView(c, id, typed)
	if err != nil {
		return err
	}
	replaceURL(c, documentPath(id))
	return invalid(c, errs, v, v.screen(), layoutMain)
}

func (h *handler) documentRoutes(app *fiber.App, user func(...fiber.Handler) []fiber.Handler) {
	app.Get("/documents/:id", user(h.documentShow)...)
	app.Get("/documents/:id/pdf", user(h.documentPDF)...)
	app.Get("/documents/:id/print", user(h.documentPrint)...)
	app.Post("/documents/:id/:action", user(h.documentAct)...)
}

func companyPlan(c data.Company) company.Plan { return company.Plan(c.Plan) }

// viewable reads a document the viewer may see, before any of its files: an admin sees
// every document of the company; a general user those they take part in. Anyone else
// gets 404, as for another company's document.
func (h *handler) viewable(tx *data.Tx, st *state, id string) (data.Document, error) {
	d, err := tx.Tenant(st.Company.ID).Document(id)
	if err != nil {
		return data.Document{}, err
	}
	if st.User.Role != account.RoleAdmin && !contract.TakesPart(d, contractActor(st)) {
		return data.Document{}, data.ErrNotFound
	}
	return d, nil
}
