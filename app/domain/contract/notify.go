package contract

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"inkan/app/domain/mail"
	"inkan/app/domain/password"
	"inkan/app/locale/jst"
	"inkan/data"
)

// SigningPasswordValidity is how long a 署名用パスワード can be used.
const SigningPasswordValidity = 7 * 24 * time.Hour

// MaxSigningPasswordFailures wrong entries in a row lock a signing password; the signer
// asks for a new one (ReissueSigningPassword).
const MaxSigningPasswordFailures = 5

// The refusals of a signing password.
var (
	ErrWrongPassword   = &Refusal{"contract.refused.sign_password"}
	ErrPasswordLocked  = &Refusal{"contract.refused.sign_password_locked"}
	ErrPasswordExpired = &Refusal{"contract.refused.sign_password_expired"}
)

// notify queues, in the step's transaction, the mails the step by by causes: to the
// next approver (承認依頼), to the next signer (署名用パスワード発行のお知らせ, with a
// fresh one-time password), to the 受取担当者 when the document arrives, to the
// sender's 担当者 when it comes back (差戻し, with the reason and who returned it) and
// when both have signed (完了待ち), to both 担当者 at 完了, and to the receiver at 取消
// once it had the document. Each mail links to the document (DocumentLink).
func (s *Service) notify(tx *data.Tx, d data.Document, by Actor, a Action, comment string, now time.Time) error {
	if s.mail == nil {
		return nil
	}
	senderName := s.companyName(tx, d.Sender.CompanyID)
	base := func(extra map[string]any) map[string]any {
		m := map[string]any{"Number": d.ID, "Title": d.Title, "Sender": senderName, "Link": DocumentLink(d.ID)}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	switch a {
	case ActReturn:
		return s.mailTo(tx, d.Sender.CompanyID, d.Sender.UserID, "doc_returned", base(map[string]any{"Reason": comment, "By": s.actorName(tx, by)}), now)
	case ActComplete:
		start, end := jst.Date(d.StorageStart), jst.Date(d.StorageEnd)
		for _, p := range []data.Party{d.Sender, d.Receiver} {
			if err := s.mailTo(tx, p.CompanyID, p.UserID, "doc_completed", base(map[string]any{"Start": start, "End": end}), now); err != nil {
				return err
			}
		}
		return nil
	case ActCancel:
		if d.SentAt == nil {
			return nil
		}
		return s.mailTo(tx, d.Receiver.CompanyID, d.Receiver.UserID, "doc_cancelled", base(map[string]any{"Reason": comment}), now)
	}
	turn, ok := TurnOf(d)
	if !ok {
		return nil
	}
	switch {
	case turn.Role == RoleApprover:
		return s.mailTo(tx, turn.CompanyID, turn.UserID, "doc_approval", base(nil), now)
	case turn.Role == RoleSigner:
		return s.issueSigningPassword(tx, d, turn, now)
	case turn.Role == RoleRecipient:
		return s.mailTo(tx, turn.CompanyID, turn.UserID, "doc_received", base(nil), now)
	case turn.Role == RoleRegistrant && Status(d.Status) == StatusCompletion:
		return s.mailTo(tx, turn.CompanyID, turn.UserID, "doc_completion", base(map[string]any{"Receiver": s.companyName(tx, d.Receiver.CompanyID)}), now)
	}
	return nil
}

// DocumentLink is the address, from the site's root, a mail about document id links
// to: the login, which then opens the document's detail (at once for someone already
// logged in). The ID is ten digits, so the path needs no escaping in the query.
func DocumentLink(id string) string { return "/login?next=/documents/" + id }

// actorName is who acted, as a mail names them: the company and the user's name.
func (s *Service) actorName(tx *data.Tx, by Actor) string {
	name := s.companyName(tx, by.CompanyID)
	if u, err := tx.Tenant(by.CompanyID).User(by.UserID); err == nil {
		name += " " + u.Name
	}
	return name
}

func (s *Service) companyName(tx *data.Tx, id string) string {
	c, err := tx.Company(id)
	if err != nil {
		return id
	}
	return c.Name
}

func (s *Service) mailTo(tx *data.Tx, companyID, userID, template string, vars map[string]any, now time.Time) error {
	u, err := tx.Tenant(companyID).User(userID)
	if err != nil {
		return fmt.Errorf("mail %s to %s: %w", template, userID, err)
	}
	if u.Email == "" {
		return nil
	}
	vars["Recipient"] = u.Name
	return s.mail.Queue(tx, mail.Message{Template: template, To: []string{u.Email}, CompanyID: companyID, Data: vars}, now)
}

// issueSigningPassword makes the signer's one-time password for the document, keeps
// its hash, and queues 署名用パスワード発行のお知らせ with it sealed.
func (s *Service) issueSigningPassword(tx *data.Tx, d data.Document, turn Turn, now time.Time) error {
	pw := password.Generate()
	p := data.SigningPassword{DocumentID: d.ID, UserID: turn.UserID, Hash: signingHash(pw), IssuedAt: now, ExpiresAt: now.Add(SigningPasswordValidity)}
	if err := tx.Tenant(turn.CompanyID).PutSigningPassword(p); err != nil {
		return err
	}
	return s.mailTo(tx, turn.CompanyID, turn.UserID, "doc_sign_password", map[string]any{
		"Number": d.ID, "Title": d.Title, "Password": mail.Secret(pw), "Expires": jst.DateTime(p.ExpiresAt), "Link": DocumentLink(d.ID),
	}, now)
}

// ReissueSigningPassword is the signer's request for a new 署名用パスワード (the old one
// expired, was locked, or the mail was lost): only the signer whose turn it is.
func (s *Service) ReissueSigningPassword(tx *data.Tx, by Actor, id string) error {
	d, err := s.load(tx, by, id, 0, ActSign)
	if err != nil {
		return err
	}
	turn, _ := TurnOf(d)
	now := s.now()
	if err := s.issueSigningPassword(tx, d, turn, now); err != nil {
		return err
	}
	return tx.Audit(data.Event{Time: now, CompanyID: by.CompanyID, Actor: "user:" + by.UserID, Action: "document.sign_password_reissued", Target: id})
}

// checkSigningPassword judges the signer's entry in a read transaction: nil, or the
// refusal. A wrong entry is counted in a write transaction of its own (countFailure).
func (s *Service) checkSigningPassword(tx *data.Tx, by Actor, id, entered string) (data.SigningPassword, error) {
	p, err := tx.Tenant(by.CompanyID).SigningPassword(id, by.UserID)
	switch {
	case errors.Is(err, data.ErrNotFound):
		return p, ErrWrongPassword
	case err != nil:
		return p, err
	case p.LockedAt != nil:
		return p, ErrPasswordLocked
	case p.UsedAt != nil:
		return p, ErrWrongPassword
	case !s.now().Before(p.ExpiresAt):
		return p, ErrPasswordExpired
	case subtle.ConstantTimeCompare([]byte(p.Hash), []byte(signingHash(entered))) != 1:
		return p, errWrong
	}
	return p, nil
}

// signingHash is how a signing password is kept: SHA-256, not the slow hash of login
// passwords, since it is random (12 characters of 62, about 71 bits, from
// password.Generate) rather than chosen by a person, and lives a week at most; a slow
// hash would cost more than the signature it allows (two argon2 runs a signer).
func signingHash(pw string) string {
	sum := sha256.Sum256([]byte(pw))
	return hex.EncodeToString(sum[:])
}

// errWrong is a wrong entry still to be counted.
var errWrong = errors.New("contract: wrong signing password")

// countFailure counts a wrong entry of the password issued at issued; the
// MaxSigningPasswordFailures-th locks it. It answers the refusal to show.
func (s *Service) countFailure(by Actor, id string, issued time.Time) error {
	refusal := error(ErrWrongPassword)
	err := s.store.Update(func(tx *data.Tx) error {
		t := tx.Tenant(by.CompanyID)
		p, err := t.SigningPassword(id, by.UserID)
		if err != nil || !p.IssuedAt.Equal(issued) {
			return err // a new password was issued meanwhile: nothing to count
		}
		now := s.now()
		p.Failures++
		if p.Failures >= MaxSigningPasswordFailures {
			p.LockedAt, refusal = &now, ErrPasswordLocked
		}
		if err := t.PutSigningPassword(p); err != nil {
			return err
		}
		return tx.Audit(data.Event{Time: now, CompanyID: by.CompanyID, Actor: "user:" + by.UserID, Action: "document.sign_password_failed", Target: id})
	})
	if err != nil {
		return err
	}
	return refusal
}
