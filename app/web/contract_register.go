package web

import (
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"inkan/app/domain/account"
	"inkan/app/domain/contract"
	"inkan/app/domain/draft"
	"inkan/app/domain/form"
	"inkan/app/locale/jst"
	"inkan/app/locale/yen"
	"inkan/data"
)

// contractRegisterPath is where 契約文書登録's 確認 and 下書き保存 post the PDF.
const (
	contractConfirmPath = "/contracts/confirm"
	contractSavePath    = "/contracts/save"
)

// maxApprovers is how many 社内承認者 the form offers, in order.
const maxApprovers = 5

// contractEntry is what 契約文書登録 keeps between 確認 and 確定: the input as typed
// (text, so that a refused value shows again) and the PDF already kept in the files.
type contractEntry struct {
	Title, Amount, ContractDate, GroupTag, OrderSide string
	PartnerID, PartnerDept, RecipientID, Signer      string
	Approvers                                        []string
	File                                             data.FileRef
	// DocID and Version name the 下書き or 差戻し document being edited (empty for a
	// new one); File is then a new PDF, or zero to keep the document's.
	DocID   string
	Version uint64
}

var contractDraft = draft.Kind[contractEntry]{Name: "contract_register"}

// input turns the entry into the domain's input, with the messages of the amount and
// the date, which only the screen parses.
func (e contractEntry) input() (contract.Input, form.Errors) {
	errs := form.Errors{}
	in := contract.Input{
		Title: e.Title, GroupTag: e.GroupTag, OrderSide: e.OrderSide, PartnerID: e.PartnerID,
		PartnerDept: e.PartnerDept, RecipientID: e.RecipientID, Approvers: e.Approvers, Signer: e.Signer,
	}
	if e.Amount != "" {
		n, err := yen.Parse(e.Amount)
		if err != nil {
			errs.Add("amount", "contract.amount_invalid")
		} else {
			in.Amount = &n
		}
	}
	if e.ContractDate != "" {
		d, err := time.ParseInLocation("2006-01-02", strings.ReplaceAll(e.ContractDate, "/", "-"), jst.Zone)
		if err != nil {
			errs.Add("contract_date", "error.date")
		} else {
			in.ContractDate = d
		}
	}
	return in, errs
}

// parseContractEntry reads the form: text fields trimmed, the 社内承認者 in order
// without the empty ones.
func parseContractEntry(c *fiber.Ctx) contractEntry {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	e := contractEntry{
		Title: v("title"), Amount: v("amount"), ContractDate: v("contract_date"), GroupTag: v("group_tag"),
		OrderSide: v("order_side"), PartnerID: v("partner_id"), PartnerDept: v("partner_dept"),
		RecipientID: v("recipient_id"), Signer: v("signer"), DocID: v("document"),
	}
	e.Version, _ = strconv.ParseUint(v("version"), 10, 64)
	if mf, err := c.MultipartForm(); err == nil {
		for _, a := range mf.Value["approver"] {
			if a = strings.TrimSpace(a); a != "" {
				e.Approvers = append(e.Approvers, a)
			}
		}
	}
	return e
}

// contractRegisterView is 契約文書登録's input screen.
type contractRegisterView struct {
	page
	Form       contractEntry
	Approvers  []string // maxApprovers slots
	OrderSides []fieldOption
	// FileDraft names the draft whose PDF is kept when no new file is chosen.
	FileDraft string
	// PDFMax is the largest PDF taken, in bytes (config.ContractPDFMax).
	PDFMax int
}

func (h *handler) contractRegisterView(c *fiber.Ctx, e contractEntry, fileDraft string) *contractRegisterView {
	v := &contractRegisterView{page: h.page(c, "menu.contracts.register", "menu.contracts"), Form: e, FileDraft: fileDraft, PDFMax: h.Config.ContractPDFMax}
	v.Approvers = make([]string, maxApprovers)
	copy(v.Approvers, e.Approvers)
	for _, s := range []string{data.OrderSideBuyer, data.OrderSideSeller} {
		v.OrderSides = append(v.OrderSides, fieldOption{Name: "order_side", Value: s, Label: v.L.T(orderSideKey(s)), Checked: s == e.OrderSide})
	}
	return v
}

// PDFField is the file field of 契約文書登録, drawn in Go rather than by the template's
// field: its hint and its refusal say the configured limit, which the input also
// carries for the page's script (static/upload.js), so that a larger file is refused
// before it is sent. A method, so that it sees the refusals put in after the view.
func (v *contractRegisterView) PDFField() (formField, error) {
	f, err := fieldFunc(v, "pdf", "contract.pdf", "type", "file", "required", true, "wide", true)
	if err != nil {
		return f, err
	}
	mb := v.PDFMax >> 20
	f.Hint = v.L.T("contract.pdf_hint", mb)
	if v.FileDraft != "" || v.Form.DocID != "" {
		f.Hint = v.L.T("contract.pdf_kept")
	}
	f.MaxBytes, f.TooLarge = v.PDFMax, v.L.T("contract.pdf_too_large", mb)
	if v.Errors["pdf"] == "contract.pdf_too_large" {
		f.Error = f.TooLarge
	}
	f.settle(v.L)
	return f, nil
}

func orderSideKey(s string) string {
	if s == data.OrderSideSeller {
		return "doc.order_side.seller"
	}
	return "doc.order_side.buyer"
}

// contractNew is 契約文書登録's input screen.
func (h *handler) contractNew(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "contracts/register", h.contractRegisterView(c, contractEntry{}, ""), layoutMain)
}

func contractActor(st *state) contract.Actor {
	return contract.Actor{CompanyID: st.Company.ID, UserID: st.User.ID}
}

// readContractPDF takes the uploaded PDF: by its bytes, at most the configured limit
// (config.ContractPDFMax), read by the trust engine and kept in the files. With no
// file it falls back on the PDF of the draft the form names (after 戻る), or returns
// a zero ref.
func (h *handler) readContractPDF(c *fiber.Ctx, owner string) (data.FileRef, form.Errors, error) {
	mf, err := c.MultipartForm()
	if err != nil {
		return data.FileRef{}, nil, fiber.NewError(fiber.StatusBadRequest, "error.bad_request")
	}
	files := mf.File["pdf"]
	if len(files) == 0 || files[0].Size == 0 {
		e, err := peekDraft(h, contractDraft, c.FormValue("file_draft"), owner)
		if err != nil {
			return data.FileRef{}, nil, nil
		}
		return e.File, nil, nil
	}
	fh, limit := files[0], h.Config.ContractPDFMax
	tooLarge := form.Errors{"pdf": "contract.pdf_too_large"}
	if fh.Size > int64(limit) {
		return data.FileRef{}, tooLarge, nil
	}
	f, err := fh.Open()
	if err != nil {
		return data.FileRef{}, nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return data.FileRef{}, nil, err
	}
	if len(b) > limit {
		return data.FileRef{}, tooLarge, nil
	}
	if http.DetectContentType(b) != "application/pdf" {
		return data.FileRef{}, form.Errors{"pdf": "contract.pdf_not_pdf"}, nil
	}
	name := fileName(fh.Filename)
	ref, err := h.Contracts.PutPDF(name, b)
	if errors.Is(err, contract.ErrNotPDF) {
		// Encrypted and restricted files say so, others that they are unreadable.
		return data.FileRef{}, form.Errors{"pdf": contract.ReasonKey(err)}, nil
	}
	return ref, nil, err
}

// contractCheck reads the PDF and the form and checks them: the entry, and its
// messages (none when it may go on).
func (h *handler) contractCheck(c *fiber.Ctx, draftOnly bool) (contractEntry, contract.Input, form.Errors, error) {
	st := stateOf(c)
	e := parseContractEntry(c)
	file, errs, err := h.readContractPDF(c, userActor(st))
	if err != nil {
		return e, contract.Input{}, nil, err
	}
	e.File = file
	if errs == nil {
		errs = form.Errors{}
	}
	if file.SHA256 == "" && e.DocID == "" {
		errs.Add("pdf", "contract.pdf_required")
	}
	in, parseErrs := e.input()
	for k, v := range parseErrs {
		errs.Add(k, v)
	}
	err = h.Store.View(func(tx *data.Tx) error {
		for k, v := range h.Contracts.Check(tx, contractActor(st), in, draftOnly) {
			errs.Add(k, v)
		}
		return nil
	})
	return e, in, errs, err
}

// contractSave is 下書き保存: the document is registered as 下書き and its detail shown.
func (h *handler) contractSave(c *fiber.Ctx) error {
	st := stateOf(c)
	e, in, errs, err := h.contractCheck(c, true)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		replaceURL(c, entryPath(e))
		return invalid(c, errs, h.contractRegisterView(c, e, ""), "contracts/register", layoutMain)
	}
	var d data.Document
	err = h.Store.Update(func(tx *data.Tx) (err error) {
		d, err = h.saveEntry(tx, contractActor(st), e, in)
		return err
	})
	if err != nil {
		return h.contractRefused(c, err, e)
	}
	return redirect(c, documentPath(d.ID))
}

// contractRefused shows a refusal of the domain on the input screen.
func (h *handler) contractRefused(c *fiber.Ctx, err error, e contractEntry) error {
	pushURL(c, entryPath(e))
	key := contract.ReasonKey(err)
	if key == "" {
		return commitRefused(c, err, h.contractRegisterView(c, e, ""), "contracts/register", layoutMain)
	}
	return invalid(c, form.Errors{"": key}, h.contractRegisterView(c, e, ""), "contracts/register", layoutMain)
}

// contractConfirm checks, then keeps the entry with its PDF as the draft 確定 takes.
func (h *handler) contractConfirm(c *fiber.Ctx) error {
	st := stateOf(c)
	e, _, errs, err := h.contractCheck(c, false)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		replaceURL(c, entryPath(e))
		token := ""
		if e.File.SHA256 != "" {
			// The PDF was good: keep it, so that fixing a field needs no new upload.
			if token, err = keepDraft(h, contractDraft, userActor(st), e); err != nil {
				return err
			}
		}
		return invalid(c, errs, h.contractRegisterView(c, e, token), "contracts/register", layoutMain)
	}
	token, err := keepDraft(h, contractDraft, userActor(st), e)
	if err != nil {
		return err
	}
	pushURL(c, contractConfirmPath+"?"+url.Values{"draft": {token}}.Encode())
	return h.renderContractConfirm(c, e, token)
}

// contractShowConfirm is the confirm screen at its GET address.
func (h *handler) contractShowConfirm(c *fiber.Ctx) error {
	token := c.Query("draft")
	e, err := peekDraft(h, contractDraft, token, userActor(stateOf(c)))
	if err != nil {
		replaceURL(c, "/contracts/new")
		return h.contractNew(c)
	}
	return h.renderContractConfirm(c, e, token)
}

// contractBack is 戻る: the input screen with what was confirmed, the PDF kept.
func (h *handler) contractBack(c *fiber.Ctx) error {
	token := draftToken(c)
	e, err := peekDraft(h, contractDraft, token, userActor(stateOf(c)))
	if err != nil {
		token = ""
	}
	pushURL(c, entryPath(e))
	return render(c, fiber.StatusOK, "contracts/register", h.contractRegisterView(c, e, token), layoutMain)
}

// contractConfirmView is 契約文書登録's confirm screen.
type contractConfirmView struct {
	page
	Form           contractEntry
	OrderSideLabel string
	PartnerName    string
	RecipientName  string
	ApproverNames  []string
	SignerName     string
	Draft          string
	// Amount is 契約金額 as the detail shows it (1,234,567円), whatever its typing.
	Amount string
}

func (h *handler) renderContractConfirm(c *fiber.Ctx, e contractEntry, token string) error {
	st := stateOf(c)
	v := &contractConfirmView{page: h.page(c, "contract.confirm_title", "menu.contracts"), Form: e, Draft: token}
	if e.OrderSide != "" {
		v.OrderSideLabel = v.L.T(orderSideKey(e.OrderSide))
	}
	if n, err := yen.Parse(e.Amount); err == nil {
		v.Amount = v.L.T("contract.amount_yen", yen.Digits(n))
	}
	err := h.Store.View(func(tx *data.Tx) error {
		v.PartnerName = companyName(tx, e.PartnerID)
		v.RecipientName = userName(tx.Tenant(e.PartnerID), e.RecipientID)
		own := tx.Tenant(st.Company.ID)
		for _, a := range e.Approvers {
			v.ApproverNames = append(v.ApproverNames, a+" "+userName(own, a))
		}
		v.SignerName = userName(own, e.Signer)
		return nil
	})
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "contracts/register_confirm", v, layoutMain)
}

func companyName(tx *data.Tx, id string) string {
	if id == "" {
		return ""
	}
	co, err := tx.Company(id)
	if err != nil {
		return ""
	}
	return co.Name
}

func userName(t data.Tenant, id string) string {
	if id == "" {
		return ""
	}
	u, err := t.User(id)
	if err != nil {
		return ""
	}
	return u.Name
}

// userNameAt is the name the user had at a moment (account.NameAt): a 利用者ID passed
// to another person after a change of 担当者 shows who acted then.
func userNameAt(t data.Tenant, id string, at time.Time) string {
	if id == "" {
		return ""
	}
	u, err := t.User(id)
	if err != nil {
		return ""
	}
	return account.NameAt(u, at)
}

// contractCommit is 確定: the document is registered and 申請 starts its route, in one
// transaction that takes the draft, so a double click registers one document.
func (h *handler) contractCommit(c *fiber.Ctx) error {
	st := stateOf(c)
	var e contractEntry
	var d data.Document
	err := h.Store.Update(func(tx *data.Tx) error {
		var err error
		if e, err = contractDraft.Take(tx, draftToken(c), userActor(st), h.Accounts.Now()); err != nil {
			return err
		}
		in, errs := e.input()
		if len(errs) > 0 {
			return errs
		}
		if d, err = h.saveEntry(tx, contractActor(st), e, in); err != nil {
			return err
		}
		d, err = h.Contracts.Submit(tx, contractActor(st), d.ID, d.Version)
		return err
	})
	if err != nil {
		return h.contractRefused(c, err, e)
	}
	return redirect(c, documentPath(d.ID))
}

// entryPath is the GET address of the input screen of e: 契約文書登録, or the edit of
// the document.
func entryPath(e contractEntry) string {
	if e.DocID != "" {
		return documentPath(e.DocID) + "/edit"
	}
	return "/contracts/new"
}

func documentPath(id string) string { return "/documents/" + url.PathEscape(id) }

// contractRoutes are 契約文書登録, the document detail with its actions, and
// 契約文書照会.
func (h *handler) contractRoutes(app *fiber.App, user func(...fiber.Handler) []fiber.Handler) {
	app.Get("/contracts/new", user(h.contractNew)...)
	app.Post(contractSavePath, user(h.contractSave)...)
	app.Get(contractConfirmPath, user(h.contractShowConfirm)...)
	app.Post(contractConfirmPath, user(h.contractConfirm)...)
	app.Post("/contracts/back", user(h.contractBack)...)
	app.Post("/contracts/commit", user(h.contractCommit)...)
	app.Get("/contracts/partner", user(append(h.partnerLookupLimiter(), h.contractPartner)...)...)
	app.Get("/documents/:id/edit", user(h.documentEdit)...)
	h.documentRoutes(app, user)
}

// contractPartner answers the name of the company a 取引先企業ID names, as typed on
// 契約文書登録 (the partner told its ID beforehand): only a company the plan matrix
// lets ours exchange documents with, else why not in the words Check uses at 確認.
// partnerLookupLimiter bounds how many one user may ask, so that the names cannot be
// read out by trying every ID.
func (h *handler) contractPartner(c *fiber.Ctx) error {
	st := stateOf(c)
	id := strings.TrimSpace(c.Query("partner_id"))
	var answer string
	if id != "" {
		err := h.Store.View(func(tx *data.Tx) error {
			partner, key := contract.PartnerOf(tx, st.Company, id)
			answer = partner.Name
			if key != "" {
				answer = h.Catalogs.For(st.Lang).T(key)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return sendFragment(c, fiber.StatusOK, answer)
}

// sendFragment answers text for htmx to swap in as HTML, escaped.
func sendFragment(c *fiber.Ctx, status int, text string) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).SendString(html.EscapeString(text))
}

// partnerLookupsPerMinute bounds the 取引先企業ID lookups of one user: far above a
// person correcting a typed ID, far below reading the companies' names out by trying
// every ID (a million of them). companyLookupsPerMinute bounds a company's users
// together, since an administrator can make users at will.
const (
	partnerLookupsPerMinute = 10
	companyLookupsPerMinute = 60
)

// partnerLookupLimiter throttles contractPartner per logged-in user and per company,
// with a message where the name would show.
func (h *handler) partnerLookupLimiter() []fiber.Handler {
	reached := func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(60))
		return sendFragment(c, fiber.StatusTooManyRequests, h.Catalogs.For(stateOf(c).Lang).T("contract.partner_throttled"))
	}
	return []fiber.Handler{
		limiter.New(limiter.Config{Max: companyLookupsPerMinute, Expiration: time.Minute, LimitReached: reached,
			KeyGenerator: func(c *fiber.Ctx) string { return stateOf(c).Company.ID }}),
		limiter.New(limiter.Config{Max: partnerLookupsPerMinute, Expiration: time.Minute, LimitReached: reached,
			KeyGenerator: func(c *fiber.Ctx) string { st := stateOf(c); return st.Company.ID + "/" + st.User.ID }}),
	}
}

// saveEntry registers a new document as 下書き, or saves the edited one (下書き保存),
// replacing its PDF when a new one was chosen.
func (h *handler) saveEntry(tx *data.Tx, by contract.Actor, e contractEntry, in contract.Input) (data.Document, error) {
	if e.DocID == "" {
		return h.Contracts.Register(tx, by, in, e.File)
	}
	var replace *data.FileRef
	if e.File.SHA256 != "" {
		d, err := tx.Tenant(by.CompanyID).Document(e.DocID)
		if err != nil {
			return data.Document{}, err
		}
		if d.Latest().File.SHA256 != e.File.SHA256 {
			replace = &e.File
		}
	}
	return h.Contracts.SaveDraft(tx, by, e.DocID, e.Version, in, replace)
}

// documentEdit is 契約文書登録 again for a 下書き or 差戻し document of its 担当者.
func (h *handler) documentEdit(c *fiber.Ctx) error {
	st := stateOf(c)
	by := contractActor(st)
	var e contractEntry
	err := h.Store.View(func(tx *data.Tx) error {
		d, err := tx.Tenant(st.Company.ID).Document(h.documentID(c))
		if err != nil {
			return err
		}
		plans, err := h.documentPlans(tx, d)
		if err != nil {
			return err
		}
		if err := contract.May(d, by, contract.ActSaveDraft, plans); err != nil {
			return err
		}
		e = entryOf(d)
		return nil
	})
	if errors.Is(err, contract.ErrState) || errors.Is(err, contract.ErrNotYourTurn) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "contracts/register", h.contractRegisterView(c, e, ""), layoutMain)
}

// entryOf is a stored document as the input screen shows it.
func entryOf(d data.Document) contractEntry {
	e := contractEntry{
		Title: d.Title, GroupTag: d.Sender.GroupTag, OrderSide: d.Sender.OrderSide, PartnerID: d.Receiver.CompanyID,
		PartnerDept: d.Receiver.Dept, RecipientID: d.Receiver.UserID, DocID: d.ID, Version: d.Version,
	}
	if d.Amount != nil {
		e.Amount = yen.Digits(*d.Amount)
	}
	if !d.ContractDate.IsZero() {
		e.ContractDate = jst.In(d.ContractDate).Format("2006-01-02")
	}
	if r := d.Sender.Route; r != nil {
		for _, a := range r.Approvers {
			e.Approvers = append(e.Approvers, a.UserID)
		}
		e.Signer = r.Signer.UserID
	}
	return e
}
