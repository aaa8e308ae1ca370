package certificate

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"inkan/app/domain/account"
	"inkan/app/domain/form"
	inkanmail "inkan/app/domain/mail"
	"inkan/app/locale/jst"
	"inkan/app/trust/pki"
	"inkan/data"
)

// ErrDecided is the answer to 発行 or 却下 of an application that is no longer 受付.
var ErrDecided = errors.New("certificate: the application has already been decided")

// MaxDisplayName bounds the 表示名 (the certificate's common name).
const MaxDisplayName = 60

// subjectOf is the certificate subject of an application.
func subjectOf(in ApplicationInput, displayName string) pki.Subject {
	return pki.Subject{DisplayName: displayName, Company: in.OrgEn, Department: in.DeptEn, Title: in.TitleEn,
		CompanyJa: in.OrgJa, DepartmentJa: in.DeptJa, TitleJa: in.TitleJa}
}

func checkDisplayName(name string) form.Errors {
	errs := form.Errors{}
	errs.Line("display_name", name)
	errs.Required("display_name", name, MaxDisplayName)
	return errs
}

// IssueApplication is the operator's 発行 of an application in state 受付: the
// certificate is issued through the installation's CA with the application's names and
// the 表示名 given (empty: DefaultDisplayName), linked to the chosen user, and
// 電子証明書発行のお知らせ goes to the 申請担当者 and PINのお知らせ to the PIN recipient, all
// in tx.
func (s *Service) IssueApplication(tx *data.Tx, id, displayName, actor string) (data.Certificate, error) {
	a, err := tx.ApplicationByID(id)
	if err != nil {
		return data.Certificate{}, err
	}
	if a.State != data.ApplicationReceived {
		return data.Certificate{}, ErrDecided
	}
	in := InputOf(a)
	if displayName = strings.TrimSpace(displayName); displayName == "" {
		displayName = in.DefaultDisplayName()
	}
	if err := checkDisplayName(displayName).Err(); err != nil {
		return data.Certificate{}, err
	}
	rec, err := s.issueFrom(tx, &a, displayName, actor)
	if err != nil {
		return data.Certificate{}, err
	}
	if a.Applicant.Email != "" {
		msg := inkanmail.Message{Template: "cert_issued", To: []string{a.Applicant.Email}, CompanyID: a.CompanyID, Data: map[string]any{
			"Recipient": a.Applicant.Name, "Number": rec.Number, "DisplayName": rec.DisplayName, "NotAfter": jst.Date(rec.NotAfter),
			"UserID": a.UserID, "PINName": a.PINName,
		}}
		if err := s.mail.Queue(tx, msg, s.now()); err != nil {
			return data.Certificate{}, fmt.Errorf("issue %s: %w", id, err)
		}
	}
	return rec, nil
}

// issueFrom issues the certificate of application a and records the decision.
func (s *Service) issueFrom(tx *data.Tx, a *data.CertApplication, displayName, actor string) (data.Certificate, error) {
	in := InputOf(*a)
	rec, _, err := s.Issue(tx, a.CompanyID, Application{
		Subject: subjectOf(in, displayName), UserIDs: []string{a.UserID},
		PINRecipient: a.PINName, PINEmail: a.PINEmail, ID: a.ID,
	})
	if err != nil {
		return data.Certificate{}, err
	}
	now := s.now()
	a.State, a.DecidedAt, a.DecidedBy, a.Certificate = data.ApplicationIssued, &now, actor, rec.Number
	if err := tx.Tenant(a.CompanyID).PutApplication(*a); err != nil {
		return data.Certificate{}, err
	}
	return rec, tx.Audit(data.Event{Time: now, CompanyID: a.CompanyID, Actor: actor, Action: "certificate.application_issue", Target: a.ID, Detail: rec.Number})
}

// IssueNow is a certificate the operator issues without a company's application: the
// CLI's `inkan ca issue` and 企業登録's first certificate. It writes the application
// record (already 発行済) so the certificate has one to be reused from, links the user
// and queues the PIN mail to them, exactly as 発行 does. Only the company's names are
// required; 表示名 empty is DefaultDisplayName, or the company's Japanese name.
func (s *Service) IssueNow(tx *data.Tx, companyID string, in ApplicationInput, displayName, actor string) (data.Certificate, error) {
	in = in.Normalize()
	t := tx.Tenant(companyID)
	u, err := account.LiveUser(t, in.UserID)
	if err != nil {
		return data.Certificate{}, fmt.Errorf("issue a certificate to %s: user %q: %w", companyID, in.UserID, err)
	}
	if in.PINName == "" && in.PINEmail == "" {
		in.PINName, in.PINEmail = u.Name, u.Email
	}
	errs := in.validateSubject(false)
	if displayName = strings.TrimSpace(displayName); displayName == "" {
		if displayName = in.DefaultDisplayName(); displayName == "" {
			displayName = in.OrgJa
		}
	}
	for f, k := range checkDisplayName(displayName) {
		errs.Add(f, k)
	}
	if err := errs.Err(); err != nil {
		return data.Certificate{}, err
	}
	a := record(in)
	a.State, a.AppliedBy, a.CreatedAt = data.ApplicationReceived, actor, s.now()
	if err := t.CreateApplication(&a); err != nil {
		return data.Certificate{}, err
	}
	return s.issueFrom(tx, &a, displayName, actor)
}

// MaxReason bounds the reason of a 却下 or a revocation.
const MaxReason = 200

// Reject is the operator's 却下 of an application in state 受付, with a reason that is
// mailed to the 申請担当者 in tx.
func (s *Service) Reject(tx *data.Tx, id, reason, actor string) error {
	a, err := tx.ApplicationByID(id)
	if err != nil {
		return err
	}
	if a.State != data.ApplicationReceived {
		return ErrDecided
	}
	reason = strings.TrimSpace(reason)
	errs := form.Errors{}
	errs.Lines("reason", reason)
	errs.Required("reason", reason, MaxReason)
	if err := errs.Err(); err != nil {
		return err
	}
	now := s.now()
	a.State, a.DecidedAt, a.DecidedBy, a.Reason = data.ApplicationRejected, &now, actor, reason
	if err := tx.Tenant(a.CompanyID).PutApplication(a); err != nil {
		return err
	}
	msg := inkanmail.Message{Template: "cert_rejected", To: []string{a.Applicant.Email}, CompanyID: a.CompanyID, Data: map[string]any{
		"Recipient": a.Applicant.Name, "OrgJa": a.OrgJa, "DeptJa": a.DeptJa, "TitleJa": a.TitleJa, "AppliedAt": jst.DateTime(a.CreatedAt), "Reason": reason,
	}}
	if err := s.mail.Queue(tx, msg, now); err != nil {
		return fmt.Errorf("reject %s: %w", id, err)
	}
	return tx.Audit(data.Event{Time: now, CompanyID: a.CompanyID, Actor: actor, Action: "certificate.application_reject", Target: id})
}

// RevokeFor is the operator's revocation from the console: Revoke (the CRL is
// republished in the same transaction) with the reason in words kept on the record.
func (s *Service) RevokeFor(tx *data.Tx, number string, reason int, note, actor string) error {
	note = strings.TrimSpace(note)
	errs := form.Errors{}
	errs.Lines("note", note)
	errs.Required("note", note, MaxReason)
	if err := errs.Err(); err != nil {
		return err
	}
	if err := s.Revoke(tx, number, reason, actor); err != nil {
		return err
	}
	c, err := tx.CertificateByNumber(number)
	if err != nil {
		return err
	}
	if c.RevokeNote == "" {
		c.RevokeNote = note
	}
	return tx.Tenant(c.CompanyID).PutCertificate(c)
}

// NewPIN gives a certificate a new PIN, mailed (sealed) to its PIN recipient in tx.
// It lifts every locked validity check of the certificate; checks already passed stay.
func (s *Service) NewPIN(tx *data.Tx, number, actor string) error {
	c, err := tx.CertificateByNumber(number)
	if err != nil {
		return err
	}
	if err := Usable(c, s.now()); err != nil {
		return err
	}
	if c.PINEmail == "" {
		return fmt.Errorf("certificate %s has no PIN recipient", number)
	}
	pin, err := pki.NewPIN()
	if err != nil {
		return err
	}
	if c.PINHash, err = pki.HashPIN(pin); err != nil {
		return err
	}
	for i := range c.Links {
		c.Links[i].Failures, c.Links[i].LockedAt = 0, nil
	}
	if err := tx.Tenant(c.CompanyID).PutCertificate(c); err != nil {
		return err
	}
	now := s.now()
	msg := inkanmail.Message{Template: "pin", To: []string{c.PINEmail}, CompanyID: c.CompanyID, Data: map[string]any{
		"Recipient": c.PINName, "Number": number, "DisplayName": c.DisplayName, "PIN": inkanmail.Secret(pin), "Reissued": true,
	}}
	if err := s.mail.Queue(tx, msg, now); err != nil {
		return fmt.Errorf("new PIN of %s: %w", number, err)
	}
	return tx.Audit(data.Event{Time: now, CompanyID: c.CompanyID, Actor: actor, Action: "certificate.new_pin", Target: number})
}

// LinkChange is 紐付け更新: at most one user to add (利用者選択) and the linked users to
// unlink (解除), committed together.
type LinkChange struct {
	Add    string
	Remove []string
}

// Normalize trims the typed ID and drops repeated removals.
func (ch LinkChange) Normalize() LinkChange {
	ch.Add = account.NormalizeID(ch.Add)
	slices.Sort(ch.Remove)
	ch.Remove = slices.Compact(ch.Remove)
	return ch
}

// Validate refuses a change that changes nothing.
func (ch LinkChange) Validate() form.Errors {
	errs := form.Errors{}
	if ch.Add == "" && len(ch.Remove) == 0 {
		errs.Add("", "error.links_unchanged")
	}
	if utf8.RuneCountInString(ch.Add) > account.MaxIDLength {
		errs.Add("add", "error.too_long")
	}
	return errs
}

// UpdateLinks applies a 紐付け更新 to one of the company's certificates in tx: the added
// user must be live and not linked yet (they must then do the validity check), an
// unlinked user can no longer sign with it. 電子証明書紐付情報更新（署名者変更）のお知らせ
// goes to the operating admin and to the newly linked user, not to unlinked users.
func (s *Service) UpdateLinks(tx *data.Tx, companyID, number, actorID string, ch LinkChange) (data.Certificate, error) {
	ch = ch.Normalize()
	t := tx.Tenant(companyID)
	c, err := t.Certificate(number)
	if err != nil {
		return data.Certificate{}, err
	}
	now := s.now()
	errs, added, err := CheckLinks(t, c, ch, now)
	if err != nil {
		return data.Certificate{}, err
	}
	if err := errs.Err(); err != nil {
		return data.Certificate{}, err
	}
	c.Links = slices.DeleteFunc(c.Links, func(l data.CertificateLink) bool { return slices.Contains(ch.Remove, l.UserID) })
	if ch.Add != "" {
		c.Links = append(c.Links, data.CertificateLink{UserID: ch.Add, LinkedAt: now})
	}
	if err := t.PutCertificate(c); err != nil {
		return data.Certificate{}, err
	}
	actor, err := t.User(actorID)
	if err != nil {
		return data.Certificate{}, err
	}
	to := []string{actor.Email}
	if ch.Add != "" && added.Email != "" && added.Email != actor.Email {
		to = append(to, added.Email)
	}
	msg := inkanmail.Message{Template: "cert_links_changed", To: to, CompanyID: companyID, Data: map[string]any{
		"Number": number, "DisplayName": c.DisplayName, "Added": added, "Removed": len(ch.Remove), "Actor": actor.Name,
	}}
	if err := s.mail.Queue(tx, msg, now); err != nil {
		return data.Certificate{}, fmt.Errorf("update links of %s: %w", number, err)
	}
	detail := fmt.Sprintf("add=%s remove=%s", ch.Add, strings.Join(ch.Remove, ","))
	return c, tx.Audit(data.Event{Time: now, CompanyID: companyID, Actor: "user:" + actorID, Action: "certificate.links", Target: number, Detail: detail})
}

// CheckLinks applies the rules of a 紐付け更新 of c at now, for its confirm step and
// again at 確定: something changes, the certificate can still sign, the added user is
// a live user of the company not linked yet, the unlinked users are linked. It returns
// the added user.
func CheckLinks(t data.Tenant, c data.Certificate, ch LinkChange, now time.Time) (form.Errors, data.User, error) {
	ch = ch.Normalize()
	errs := ch.Validate()
	if err := Usable(c, now); err != nil {
		errs.Add("", ReasonKey(err))
	}
	var added data.User
	if ch.Add != "" {
		var err error
		added, err = account.LiveUser(t, ch.Add)
		switch {
		case errors.Is(err, data.ErrNotFound):
			errs.Add("add", "error.user_not_found")
		case err != nil:
			return nil, data.User{}, err
		case linkOf(c, ch.Add) >= 0 && !slices.Contains(ch.Remove, ch.Add):
			errs.Add("add", "error.already_linked")
		}
	}
	for _, id := range ch.Remove {
		if linkOf(c, id) < 0 {
			errs.Add("remove", "error.not_linked")
		}
	}
	return errs, added, nil
}

// ExpiryNoticeDays are the days before 有効期限 that 電子証明書有効期間満了のお知らせ goes
// out, once each.
var ExpiryNoticeDays = []int{90, 30, 7}

// SendExpiryNotices is the body of the expiry job: for each valid certificate of the
// installation that a notice is due for at now, one 電子証明書有効期間満了のお知らせ to the
// company's active admins and the linked users, queued in the same transaction that
// records the notice as sent. Each certificate is its own transaction, so a run cut
// off half-way leaves the rest for the next, and a second run sends nothing twice. A
// certificate whose 90- and 30-day notices are both due (the server was down) gets one
// mail, and both are recorded. It returns the number of mails queued.
func (s *Service) SendExpiryNotices(now time.Time) (int, error) {
	var numbers []string
	err := s.store.View(func(tx *data.Tx) error {
		certs, err := tx.AllCertificates()
		for _, c := range certs {
			if len(dueNotices(c, now)) > 0 {
				numbers = append(numbers, c.Number)
			}
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("expiry notices: %w", err)
	}
	sent := 0
	for _, n := range numbers {
		err := s.store.Update(func(tx *data.Tx) error {
			c, err := tx.CertificateByNumber(n)
			if err != nil {
				return err
			}
			due := dueNotices(c, now)
			if len(due) == 0 {
				return nil
			}
			to, err := expiryRecipients(tx.Tenant(c.CompanyID), c)
			if err != nil {
				return err
			}
			c.ExpiryNotices = append(c.ExpiryNotices, due...)
			if err := tx.Tenant(c.CompanyID).PutCertificate(c); err != nil {
				return err
			}
			if len(to) == 0 {
				return nil
			}
			msg := inkanmail.Message{Template: "cert_expiry", To: to, CompanyID: c.CompanyID, Data: map[string]any{
				"Number": c.Number, "DisplayName": c.DisplayName, "NotAfter": jst.Date(c.NotAfter), "Days": slices.Min(due),
			}}
			if err := s.mail.Queue(tx, msg, now); err != nil {
				return err
			}
			sent++
			return tx.Audit(data.Event{Time: now, CompanyID: c.CompanyID, Actor: "system", Action: "certificate.expiry_notice", Target: c.Number, Detail: fmt.Sprint(slices.Min(due))})
		})
		if err != nil {
			return sent, fmt.Errorf("expiry notice of %s: %w", n, err)
		}
	}
	return sent, nil
}

// dueNotices are the notice days of c reached at now and not yet sent; none for a
// revoked or expired certificate.
func dueNotices(c data.Certificate, now time.Time) []int {
	if Usable(c, now) != nil {
		return nil
	}
	var due []int
	for _, d := range ExpiryNoticeDays {
		if !now.Before(c.NotAfter.AddDate(0, 0, -d)) && !slices.Contains(c.ExpiryNotices, d) {
			due = append(due, d)
		}
	}
	return due
}

// expiryRecipients are the addresses of the company's active admins and of the users
// linked to c, each once.
func expiryRecipients(t data.Tenant, c data.Certificate) ([]string, error) {
	var to []string
	add := func(u data.User) {
		if u.Status == account.StatusActive && u.Email != "" && !slices.Contains(to, u.Email) {
			to = append(to, u.Email)
		}
	}
	err := t.EachUser(func(u *data.User) error {
		if u.Role == account.RoleAdmin || linkOf(c, u.ID) >= 0 {
			add(*u)
		}
		return nil
	})
	return to, err
}
