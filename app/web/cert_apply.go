package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/certificate"
	"inkan/app/domain/draft"
	"inkan/app/domain/form"
	"inkan/app/locale/jst"
	"inkan/data"
)

// maxUploadSize is the largest 印鑑証明書 PDF taken (a scanned page is far smaller).
const maxUploadSize = 4 << 20

// applyDraft is 電子証明書追加発行申請 between 確認 and 確定.
var applyDraft = draft.Kind[certificate.ApplicationInput]{Name: "cert_apply", Validate: certificate.ApplicationInput.Validate}

// sealDraft holds an uploaded 印鑑証明書 for the input screen shown again (a refusal,
// 戻る), so that the file is not sent twice. Only its owner can name it: the form never
// carries a file's hash, which could name another company's file.
var sealDraft = draft.Kind[data.FileRef]{Name: "cert_seal"}

func parseApplicationInput(c *fiber.Ctx) certificate.ApplicationInput {
	return certificate.ApplicationInput{
		OrgJa: c.FormValue("org_ja"), OrgEn: c.FormValue("org_en"), DeptJa: c.FormValue("dept_ja"), DeptEn: c.FormValue("dept_en"),
		TitleJa: c.FormValue("title_ja"), TitleEn: c.FormValue("title_en"), UserID: c.FormValue("user_id"),
		PINName: c.FormValue("pin_name"), PINEmail: c.FormValue("pin_email"), ReuseOf: c.FormValue("reuse_of"),
		Applicant: data.Applicant{
			Name: c.FormValue("applicant_name"), Kana: c.FormValue("applicant_kana"), Dept: c.FormValue("applicant_dept"),
			Title: c.FormValue("applicant_title"), Tel: c.FormValue("applicant_tel"), Email: c.FormValue("applicant_email"),
		},
	}
}

// applyView is 電子証明書追加発行申請's input screen. Reuse are the certificates whose
// application can pre-fill it (empty: the picker is disabled); SealDraft names the
// 印鑑証明書 already uploaded; Chosen is the user of 利用者選択.
type applyView struct {
	page
	Form      certificate.ApplicationInput
	Reuse     []fieldOption
	SealDraft string
	Chosen    pickedUser
}

func (h *handler) applyView(c *fiber.Ctx, in certificate.ApplicationInput, sealToken string) (*applyView, error) {
	st := stateOf(c)
	v := &applyView{page: h.page(c, "menu.admin.cert_apply", "menu.admin"), Form: in, SealDraft: sealToken}
	err := h.Store.View(func(tx *data.Tx) error {
		t := tx.Tenant(st.Company.ID)
		candidates, err := certificate.ReuseCandidates(t, h.Accounts.Now())
		if err != nil {
			return err
		}
		if len(candidates) > 0 {
			v.Reuse = append(v.Reuse, fieldOption{Name: "reuse", Label: v.L.T("cert.reuse_choose")})
		}
		for _, cert := range candidates {
			label := cert.Number + " " + cert.DisplayName + "（" + v.L.T("cert.not_after") + " " + jst.Date(cert.NotAfter) + "）"
			v.Reuse = append(v.Reuse, fieldOption{Name: "reuse", Value: cert.Number, Label: label, Checked: cert.Number == in.ReuseOf})
		}
		v.Chosen, err = pickUser(t, in.UserID, "user_id")
		v.Chosen.L = v.L
		return err
	})
	return v, err
}

// newApplication is the input pre-filled with the logged-in admin as 申請担当者 and PIN
// recipient, as the manual says.
func newApplication(st *state) certificate.ApplicationInput {
	u := st.User
	return certificate.ApplicationInput{
		OrgJa: st.Company.Name, PINName: u.Name, PINEmail: u.Email,
		Applicant: data.Applicant{Name: u.Name, Kana: u.Kana, Dept: u.Dept, Title: u.Title, Tel: u.Tel, Email: u.Email},
	}
}

// applyNew is the input screen: empty (the admin's own details), pre-filled from a
// reused certificate (?reuse=), or from a kept draft (?draft=, after 戻る).
func (h *handler) applyNew(c *fiber.Ctx) error {
	return h.applyFrom(c, c.Query("draft"), c.Query("reuse"))
}

func (h *handler) applyFrom(c *fiber.Ctx, token, reuse string) error {
	st := stateOf(c)
	in, sealToken := newApplication(st), ""
	if token != "" {
		kept, err := peekDraft(h, applyDraft, token, userActor(st))
		if err == nil {
			in = kept
			if sealToken, err = keepDraft(h, sealDraft, userActor(st), kept.Seal); err != nil {
				return err
			}
		}
	} else if reuse != "" {
		var prefilled certificate.ApplicationInput
		err := h.Store.View(func(tx *data.Tx) (err error) {
			prefilled, err = certificate.Prefill(tx.Tenant(st.Company.ID), reuse, h.Accounts.Now())
			return err
		})
		if err != nil && !errors.Is(err, data.ErrNotFound) {
			return err
		}
		if err == nil {
			prefilled.Applicant = in.Applicant
			in = prefilled
		}
	}
	v, err := h.applyView(c, in, sealToken)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "admin/cert_apply", v, layoutMain)
}

// readSeal takes the uploaded 印鑑証明書: a PDF by its bytes (not by its name or the
// browser's word), at most maxUploadSize, kept in the store's files. With no file it
// falls back on the one the form's seal draft names.
func (h *handler) readSeal(c *fiber.Ctx, owner string) (data.FileRef, form.Errors, error) {
	mf, err := c.MultipartForm()
	if err != nil {
		return data.FileRef{}, nil, fiber.NewError(fiber.StatusBadRequest, "error.bad_request")
	}
	files := mf.File["seal"]
	if len(files) == 0 || files[0].Size == 0 {
		ref, err := peekDraft(h, sealDraft, c.FormValue("seal_draft"), owner)
		if err != nil {
			return data.FileRef{}, nil, nil
		}
		return ref, nil, nil
	}
	fh := files[0]
	if fh.Size > maxUploadSize {
		return data.FileRef{}, form.Errors{"seal": "error.seal_too_large"}, nil
	}
	f, err := fh.Open()
	if err != nil {
		return data.FileRef{}, nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxUploadSize+1))
	if err != nil {
		return data.FileRef{}, nil, err
	}
	if len(b) > maxUploadSize {
		return data.FileRef{}, form.Errors{"seal": "error.seal_too_large"}, nil
	}
	if http.DetectContentType(b) != "application/pdf" {
		return data.FileRef{}, form.Errors{"seal": "error.seal_not_pdf"}, nil
	}
	sum, err := h.Store.Files().Put(b)
	if err != nil {
		return data.FileRef{}, nil, err
	}
	return data.FileRef{SHA256: sum, Name: fileName(fh.Filename), Size: int64(len(b))}, nil, nil
}

// fileName keeps an uploaded file's name for display: its last element, without
// control characters, at most 100 characters.
func fileName(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' || name[i] == '\\' {
			name = name[i+1:]
			break
		}
	}
	out := []rune{}
	for _, r := range name {
		if r >= 0x20 && r != 0x7f && !(r >= 0x202A && r <= 0x202E) && !(r >= 0x2066 && r <= 0x2069) && len(out) < 100 {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return "seal.pdf"
	}
	return string(out)
}

// applyConfirm validates and keeps the input, with its 印鑑証明書, as the confirm draft.
func (h *handler) applyConfirm(c *fiber.Ctx) error {
	st := stateOf(c)
	owner := userActor(st)
	in := parseApplicationInput(c).Normalize()
	seal, sealErrs, err := h.readSeal(c, owner)
	if err != nil {
		return err
	}
	in.Seal = seal
	var errs form.Errors
	err = h.Store.View(func(tx *data.Tx) (err error) {
		errs, err = certificate.CheckInCompany(tx.Tenant(st.Company.ID), in, h.Accounts.Now())
		return err
	})
	if err != nil {
		return err
	}
	for f, k := range sealErrs {
		errs[f] = k
	}
	if len(errs) > 0 {
		token := ""
		if seal.SHA256 != "" {
			if token, err = keepDraft(h, sealDraft, owner, seal); err != nil {
				return err
			}
		}
		v, err := h.applyView(c, in, token)
		if err != nil {
			return err
		}
		replaceURL(c, "/admin/certificates/apply")
		return invalid(c, errs, v, "admin/cert_apply", layoutMain)
	}
	token, err := keepDraft(h, applyDraft, owner, in)
	if err != nil {
		return err
	}
	pushURL(c, "/admin/certificates/apply/confirm?"+url.Values{"draft": {token}}.Encode())
	return h.renderApplyConfirm(c, in, token)
}

// applyShowConfirm is the confirm screen again at its GET address.
func (h *handler) applyShowConfirm(c *fiber.Ctx) error {
	token := c.Query("draft")
	in, err := peekDraft(h, applyDraft, token, userActor(stateOf(c)))
	if err != nil {
		replaceURL(c, "/admin/certificates/apply")
		return h.applyNew(c)
	}
	return h.renderApplyConfirm(c, in, token)
}

// applyConfirmView is 電子証明書追加発行申請確認.
type applyConfirmView struct {
	page
	A        data.CertApplication
	UserName string
	Draft    string
}

func (h *handler) renderApplyConfirm(c *fiber.Ctx, in certificate.ApplicationInput, token string) error {
	st := stateOf(c)
	v := &applyConfirmView{page: h.page(c, "cert.apply_confirm_title", "menu.admin"), A: applicationRecord(in), Draft: token}
	err := h.Store.View(func(tx *data.Tx) error {
		u, err := tx.Tenant(st.Company.ID).User(in.UserID)
		v.UserName = u.Name
		if errors.Is(err, data.ErrNotFound) {
			err = nil
		}
		return err
	})
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "admin/cert_apply_confirm", v, layoutMain)
}

// applicationRecord shows an input as the application it becomes.
func applicationRecord(in certificate.ApplicationInput) data.CertApplication {
	return data.CertApplication{
		OrgJa: in.OrgJa, OrgEn: in.OrgEn, DeptJa: in.DeptJa, DeptEn: in.DeptEn, TitleJa: in.TitleJa, TitleEn: in.TitleEn,
		Seal: in.Seal, UserID: in.UserID, PINName: in.PINName, PINEmail: in.PINEmail, Applicant: in.Applicant, ReuseOf: in.ReuseOf,
	}
}

// applyBack is 戻る: the input screen from the kept draft, the 印鑑証明書 included.
func (h *handler) applyBack(c *fiber.Ctx) error {
	pushURL(c, "/admin/certificates/apply?"+url.Values{"draft": {draftToken(c)}}.Encode())
	return h.applyFrom(c, draftToken(c), "")
}

// applyCommit takes the draft and files the application with its mail, in one
// transaction.
func (h *handler) applyCommit(c *fiber.Ctx) error {
	st := stateOf(c)
	var a data.CertApplication
	shown := newApplication(st)
	err := h.Store.Update(func(tx *data.Tx) error {
		in, err := applyDraft.Take(tx, draftToken(c), userActor(st), h.Accounts.Now())
		if confirmed(err) {
			shown = in
		}
		if err != nil {
			return err
		}
		a, err = h.Certs.Apply(tx, st.Company.ID, st.User.ID, in)
		return err
	})
	if err != nil {
		v, verr := h.applyView(c, shown, "")
		if verr != nil {
			return verr
		}
		pushURL(c, "/admin/certificates/apply")
		return commitRefused(c, err, v, "admin/cert_apply", layoutMain)
	}
	pushURL(c, "/admin/certificates/applications/"+url.PathEscape(a.ID))
	return h.renderApplied(c, a)
}

// applicationDone is the 完了 screen again at its GET address: this company's
// application.
func (h *handler) applicationDone(c *fiber.Ctx) error {
	a, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	return h.renderApplied(c, a)
}

func (h *handler) loadApplication(c *fiber.Ctx) (data.CertApplication, error) {
	var a data.CertApplication
	err := h.Store.View(func(tx *data.Tx) (err error) {
		a, err = tx.Tenant(stateOf(c).Company.ID).Application(c.Params("id"))
		return err
	})
	return a, err
}

func (h *handler) renderApplied(c *fiber.Ctx, a data.CertApplication) error {
	v := &applyConfirmView{page: h.page(c, "cert.apply_done_title", "menu.admin"), A: a}
	return render(c, fiber.StatusOK, "admin/cert_apply_done", v, layoutMain)
}

// applicationSealOwn serves the company's own application's 印鑑証明書.
func (h *handler) applicationSealOwn(c *fiber.Ctx) error {
	a, err := h.loadApplication(c)
	if err != nil {
		return err
	}
	return h.sendSeal(c, a)
}
