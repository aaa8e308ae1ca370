package certificate

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"inkan/app/domain/account"
	"inkan/app/domain/form"
	inkanmail "inkan/app/domain/mail"
	"inkan/app/locale/jst"
	"inkan/app/locale/kana"
	"inkan/app/trust/pki"
	"inkan/data"
)

// Limits of the 電子証明書情報 (manual p.15): the alphabet 企業名 up to 40 characters, the
// alphabet 部署名 and 役職名 together up to 60; the Japanese forms up to MaxJapanese each.
const (
	MaxOrgAlphabet       = 40
	MaxDeptTitleAlphabet = 60
	MaxJapanese          = 50
)

// ApplicationInput is what an admin types on 電子証明書追加発行申請 (and what the
// operator's 企業登録 and the CLI give for a certificate issued at once).
type ApplicationInput struct {
	OrgJa, OrgEn     string
	DeptJa, DeptEn   string
	TitleJa, TitleEn string
	// Seal is the 印鑑証明書, already kept in the store's Files.
	Seal data.FileRef
	// UserID is the one 利用者ID to link (利用者選択).
	UserID            string
	PINName, PINEmail string
	Applicant         data.Applicant
	// ReuseOf is the certificate whose application pre-filled the form (活用).
	ReuseOf string
}

// Normalize widens half-width kana of the Japanese forms, narrows full-width letters
// of the alphabet forms and trims, so that the confirm screen shows what is stored.
func (in ApplicationInput) Normalize() ApplicationInput {
	in.OrgJa, in.DeptJa, in.TitleJa = kana.Text(in.OrgJa), kana.Text(in.DeptJa), kana.Text(in.TitleJa)
	narrow := func(s string) string { return strings.TrimSpace(norm.NFKC.String(s)) }
	in.OrgEn, in.DeptEn, in.TitleEn = narrow(in.OrgEn), narrow(in.DeptEn), narrow(in.TitleEn)
	in.UserID = account.NormalizeID(in.UserID)
	in.PINName, in.PINEmail = kana.Text(in.PINName), strings.TrimSpace(in.PINEmail)
	a := account.UserInput{Role: account.RoleGeneral, Name: in.Applicant.Name, Kana: in.Applicant.Kana,
		Dept: in.Applicant.Dept, Title: in.Applicant.Title, Tel: in.Applicant.Tel, Email: in.Applicant.Email}.Normalize()
	in.Applicant = data.Applicant{Name: a.Name, Kana: a.Kana, Dept: a.Dept, Title: a.Title, Tel: a.Tel, Email: a.Email}
	in.ReuseOf = strings.TrimSpace(in.ReuseOf)
	return in
}

// Validate checks a normalized application of an admin: every field of the manual's
// form that it marks 必須. Applicant fields are prefixed "applicant_".
func (in ApplicationInput) Validate() form.Errors {
	errs := in.validateSubject(true)
	if in.Seal.SHA256 == "" {
		errs.Add("seal", "error.seal_required")
	}
	if in.UserID == "" {
		errs.Add("user_id", "error.required")
	}
	errs.Line("pin_name", in.PINName)
	errs.Required("pin_name", in.PINName, account.MaxNameLength)
	account.CheckEmail(errs, "pin_email", in.PINEmail)
	a := in.Applicant
	for f, k := range (account.UserInput{Role: account.RoleGeneral, Name: a.Name, Kana: a.Kana, Dept: a.Dept, Title: a.Title, Tel: a.Tel, Email: a.Email}).Validate() {
		errs.Add("applicant_"+f, k)
	}
	if a.Tel == "" {
		errs.Add("applicant_tel", "error.required")
	}
	return errs
}

// ValidateIssueNow checks the names of a certificate the operator issues at once
// (IssueNow): the company's in both forms, the department's and the title's when given.
func (in ApplicationInput) ValidateIssueNow() form.Errors { return in.validateSubject(false) }

// validateSubject checks the six names; all of them are required of an admin's
// application, only the company's of a certificate the operator issues at once.
func (in ApplicationInput) validateSubject(all bool) form.Errors {
	errs := form.Errors{}
	for _, f := range []struct {
		name, v string
		req     bool
	}{{"org_ja", in.OrgJa, true}, {"dept_ja", in.DeptJa, all}, {"title_ja", in.TitleJa, all}} {
		errs.Line(f.name, f.v)
		if f.req || f.v != "" {
			errs.Required(f.name, f.v, MaxJapanese)
		}
	}
	for _, f := range []struct {
		name, v string
		req     bool
	}{{"org_en", in.OrgEn, true}, {"dept_en", in.DeptEn, all || in.DeptJa != ""}, {"title_en", in.TitleEn, all || in.TitleJa != ""}} {
		errs.Line(f.name, f.v)
		switch {
		case f.v == "" && f.req:
			errs.Add(f.name, "error.required")
		case f.v != "" && !pki.ValidAlphabet(f.v):
			errs.Add(f.name, "error.alphabet")
		}
	}
	if utf8.RuneCountInString(in.OrgEn) > MaxOrgAlphabet {
		errs.Add("org_en", "error.org_alphabet_too_long")
	}
	if utf8.RuneCountInString(in.DeptEn)+utf8.RuneCountInString(in.TitleEn) > MaxDeptTitleAlphabet {
		errs.Add("dept_en", "error.dept_title_alphabet_too_long")
		errs.Add("title_en", "error.dept_title_alphabet_too_long")
	}
	if in.DeptJa == "" && in.DeptEn != "" {
		errs.Add("dept_ja", "error.required")
	}
	if in.TitleJa == "" && in.TitleEn != "" {
		errs.Add("title_ja", "error.required")
	}
	return errs
}

// DefaultDisplayName is the 表示名 the operator's 発行 proposes: 部署名 役職名.
func (in ApplicationInput) DefaultDisplayName() string {
	return strings.TrimSpace(in.DeptJa + " " + in.TitleJa)
}

// InputOf is the input an application was made from (to pre-fill a new one, 活用).
func InputOf(a data.CertApplication) ApplicationInput {
	return ApplicationInput{
		OrgJa: a.OrgJa, OrgEn: a.OrgEn, DeptJa: a.DeptJa, DeptEn: a.DeptEn, TitleJa: a.TitleJa, TitleEn: a.TitleEn,
		Seal: a.Seal, UserID: a.UserID, PINName: a.PINName, PINEmail: a.PINEmail, Applicant: a.Applicant, ReuseOf: a.ReuseOf,
	}
}

// Apply records an admin's application in state 受付 and queues
// 電子証明書追加発行申請受付のお知らせ to the 申請担当者, in tx. The user to link must be a
// live user of the company, and a reused certificate one of ReuseCandidates.
func (s *Service) Apply(tx *data.Tx, companyID, actorID string, in ApplicationInput) (data.CertApplication, error) {
	in = in.Normalize()
	t := tx.Tenant(companyID)
	now := s.now()
	errs, err := CheckInCompany(t, in, now)
	if err != nil {
		return data.CertApplication{}, err
	}
	if err := errs.Err(); err != nil {
		return data.CertApplication{}, err
	}
	a := record(in)
	a.State, a.AppliedBy, a.CreatedAt = data.ApplicationReceived, actorID, now
	if err := t.CreateApplication(&a); err != nil {
		return data.CertApplication{}, err
	}
	c, err := t.Company()
	if err != nil {
		return data.CertApplication{}, err
	}
	msg := inkanmail.Message{Template: "cert_apply_received", To: []string{a.Applicant.Email}, CompanyID: companyID, Data: map[string]any{
		"Recipient": a.Applicant.Name, "CompanyName": c.Name, "OrgJa": a.OrgJa, "DeptJa": a.DeptJa, "TitleJa": a.TitleJa,
		"UserID": a.UserID, "AppliedAt": jst.DateTime(now),
	}}
	if err := s.mail.Queue(tx, msg, now); err != nil {
		return data.CertApplication{}, fmt.Errorf("apply for a certificate: %w", err)
	}
	err = tx.Audit(data.Event{Time: now, CompanyID: companyID, Actor: "user:" + actorID, Action: "certificate.apply", Target: a.ID})
	return a, err
}

// CheckInCompany is Validate and the rules that need the company's records: the user
// to link is a live user of the company, a reused certificate one of ReuseCandidates.
// The confirm step asks it, and Apply again.
func CheckInCompany(t data.Tenant, in ApplicationInput, now time.Time) (form.Errors, error) {
	errs := in.Validate()
	if in.UserID != "" {
		if _, err := account.LiveUser(t, in.UserID); errors.Is(err, data.ErrNotFound) {
			errs.Add("user_id", "error.user_not_found")
		} else if err != nil {
			return nil, err
		}
	}
	if in.ReuseOf != "" {
		candidates, err := ReuseCandidates(t, now)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(candidates, func(c data.Certificate) bool { return c.Number == in.ReuseOf }) {
			errs.Add("reuse", "error.reuse_not_allowed")
		}
	}
	return errs, nil
}

func record(in ApplicationInput) data.CertApplication {
	return data.CertApplication{
		OrgJa: in.OrgJa, OrgEn: in.OrgEn, DeptJa: in.DeptJa, DeptEn: in.DeptEn, TitleJa: in.TitleJa, TitleEn: in.TitleEn,
		Seal: in.Seal, UserID: in.UserID, PINName: in.PINName, PINEmail: in.PINEmail, Applicant: in.Applicant, ReuseOf: in.ReuseOf,
	}
}

// reuseWindow is how long after its expiry a certificate can still pre-fill a new
// application (manual p.14: 有効期限が切れた日が1年前まで).
const reuseWindow = 1

// ReuseCandidates are the company's certificates whose application may pre-fill a new
// one (電子証明書申請情報の活用): those whose 電子証明書有効期間満了のお知らせ has been
// sent, or that expired less than a year before now.
func ReuseCandidates(t data.Tenant, now time.Time) ([]data.Certificate, error) {
	certs, err := t.Certificates()
	if err != nil {
		return nil, err
	}
	var out []data.Certificate
	for _, c := range certs {
		expired := Expired(c, now)
		if (!expired && len(c.ExpiryNotices) > 0) || (expired && now.Before(c.NotAfter.AddDate(reuseWindow, 0, 0))) {
			out = append(out, c)
		}
	}
	return out, nil
}

// Prefill is the input a reuse candidate's application gives a new application; the
// 印鑑証明書 is not carried over (a new one is needed), the 申請担当者 is the caller's.
func Prefill(t data.Tenant, number string, now time.Time) (ApplicationInput, error) {
	candidates, err := ReuseCandidates(t, now)
	if err != nil {
		return ApplicationInput{}, err
	}
	i := slices.IndexFunc(candidates, func(c data.Certificate) bool { return c.Number == number })
	if i < 0 {
		return ApplicationInput{}, data.ErrNotFound
	}
	c := candidates[i]
	var in ApplicationInput
	if c.Application != "" {
		a, err := t.Application(c.Application)
		if err != nil {
			return ApplicationInput{}, err
		}
		in = InputOf(a)
	} else {
		var sub pki.Subject
		if err := json.Unmarshal(c.Subject, &sub); err != nil {
			return ApplicationInput{}, fmt.Errorf("certificate %s: read subject: %w", number, err)
		}
		in = ApplicationInput{OrgJa: sub.CompanyJa, OrgEn: sub.Company, DeptJa: sub.DepartmentJa, DeptEn: sub.Department,
			TitleJa: sub.TitleJa, TitleEn: sub.Title, PINName: c.PINName, PINEmail: c.PINEmail}
		if len(c.Links) > 0 {
			in.UserID = c.Links[0].UserID
		}
	}
	in.Seal, in.Applicant, in.ReuseOf = data.FileRef{}, data.Applicant{}, number
	return in, nil
}
