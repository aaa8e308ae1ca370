package account

import (
	"fmt"
	"strings"
	"time"

	"inkan/app/domain/form"
	inkanmail "inkan/app/domain/mail"
	"inkan/app/domain/password"
	"inkan/data"
)

// Involvement tells whether a user still takes part in documents that have not reached
// long-term storage. Such a user cannot be deleted (manual p.10): the documents would
// lose the person who has to act on them. The contract flow implements it.
type Involvement interface {
	OpenDocuments(tx *data.Tx, companyID, userID string) (int, error)
}

// Register is 自社利用者登録: an admin of the company issues a new 利用者ID.
func (s *Service) Register(tx *data.Tx, companyID, actorID string, in UserInput) (data.User, error) {
	u, _, err := s.Issue(tx, companyID, in)
	if err != nil {
		return data.User{}, err
	}
	return u, tx.Audit(data.Event{Time: s.now(), CompanyID: companyID, Actor: actorID, Action: "user.register", Target: u.ID})
}

// UserChange is what an admin edits on 自社利用者情報変更.
type UserChange struct {
	UserInput
	Status        string
	ResetPassword bool
}

// Normalize applies the input rules of UserInput.
func (ch UserChange) Normalize() UserChange {
	ch.UserInput = ch.UserInput.Normalize()
	return ch
}

// Validate checks the fields; the rules that depend on other users are Change's.
func (ch UserChange) Validate() form.Errors {
	errs := ch.UserInput.Validate()
	if ch.Status != StatusActive && ch.Status != StatusSuspended {
		errs.Add("status", "error.required")
	}
	return errs
}

// ChangeFrom is the form pre-filled with a user's current values.
func ChangeFrom(u data.User) UserChange {
	return UserChange{
		UserInput: UserInput{Role: u.Role, Name: u.Name, Kana: u.Kana, Dept: u.Dept, Title: u.Title, Tel: u.Tel, Email: u.Email},
		Status:    u.Status,
	}
}

// Change applies an admin's edit of a user. seen is the user's UpdatedAt when the
// confirm screen was shown: if someone changed the user since, the edit is refused
// rather than silently overwriting theirs. Suspension and a password reset end the
// user's sessions in the same transaction; a reset mails a new initial password.
func (s *Service) Change(tx *data.Tx, companyID, userID, actorID string, ch UserChange, seen time.Time) (data.User, error) {
	ch = ch.Normalize()
	if err := ch.Validate().Err(); err != nil {
		return data.User{}, err
	}
	t := tx.Tenant(companyID)
	u, err := LiveUser(t, userID)
	if err != nil {
		return data.User{}, err
	}
	if !seen.IsZero() && !u.UpdatedAt.Equal(seen) {
		return data.User{}, form.Errors{"": "error.changed_meanwhile"}
	}
	if err := s.checkAdminsRemain(t, u, actorID, ch.Role, ch.Status); err != nil {
		return data.User{}, err
	}
	now := s.now()
	in := ch.UserInput
	u.Role, u.Name, u.Kana, u.Dept, u.Title, u.Tel, u.Email = in.Role, in.Name, in.Kana, in.Dept, in.Title, in.Tel, in.Email
	revoke := ch.Status == StatusSuspended && u.Status != StatusSuspended
	u.Status, u.UpdatedAt = ch.Status, now
	var pw string
	if ch.ResetPassword {
		pw = password.Generate()
		u.PasswordHash, u.MustChangePassword, u.PasswordChangedAt = password.Hash(pw), true, now
		unlock(&u.Lockout)
		revoke = true
	}
	if err := t.PutUser(u); err != nil {
		return data.User{}, fmt.Errorf("change user %s: %w", userID, err)
	}
	if revoke {
		if _, err := tx.DeleteSessionsOf(data.SessionUser, userID, ""); err != nil {
			return data.User{}, fmt.Errorf("change user %s: %w", userID, err)
		}
	}
	if ch.ResetPassword {
		// A reset is how an account is taken back: a passkey someone else registered
		// would be a way in that outlives it, so the user registers them again.
		if err := deletePasskeys(tx, data.SessionUser, userID); err != nil {
			return data.User{}, fmt.Errorf("change user %s: %w", userID, err)
		}
		if err := s.mailResetPassword(tx, t, u, pw); err != nil {
			return data.User{}, err
		}
	}
	detail := fmt.Sprintf("role=%s status=%s reset=%t", u.Role, u.Status, ch.ResetPassword)
	if err := tx.Audit(data.Event{Time: now, CompanyID: companyID, Actor: actorID, Action: "user.change", Target: userID, Detail: detail}); err != nil {
		return data.User{}, err
	}
	return u, nil
}

func (s *Service) mailResetPassword(tx *data.Tx, t data.Tenant, u data.User, pw string) error {
	company, err := t.Company()
	if err != nil {
		return fmt.Errorf("reset password of %s: %w", u.ID, err)
	}
	msg := inkanmail.Message{
		Template: "initial_password", To: []string{u.Email}, CompanyID: u.CompanyID,
		Data: map[string]any{"UserName": u.Name, "CompanyName": company.Name, "Password": inkanmail.Secret(pw), "Reset": true},
	}
	if err := s.mail.Queue(tx, msg, s.now()); err != nil {
		return fmt.Errorf("reset password of %s: %w", u.ID, err)
	}
	return nil
}

// mailEmailChanged tells the previous address of u that it no longer receives u's mail.
func (s *Service) mailEmailChanged(t data.Tenant, tx *data.Tx, u data.User, previous string) error {
	company, err := t.Company()
	if err != nil {
		return fmt.Errorf("notice of the mail address change of %s: %w", u.ID, err)
	}
	msg := inkanmail.Message{
		Template: "email_changed", To: []string{previous}, CompanyID: u.CompanyID,
		Data: map[string]any{"UserName": u.Name, "CompanyName": company.Name, "UserID": u.ID},
	}
	if err := s.mail.Queue(tx, msg, s.now()); err != nil {
		return fmt.Errorf("notice of the mail address change of %s: %w", u.ID, err)
	}
	return nil
}

// checkAdminsRemain refuses the edits that would leave the company without a working
// 管理用ID: an admin cannot demote or suspend themselves (they would lose this very
// screen), and the last active admin stays an active admin.
func (s *Service) checkAdminsRemain(t data.Tenant, u data.User, actorID, role, status string) error {
	errs := form.Errors{}
	if u.ID == actorID {
		if role != RoleAdmin {
			errs.Add("role", "error.self_role")
		}
		if status != StatusActive {
			errs.Add("status", "error.self_suspend")
		}
	}
	stillAdmin := role == RoleAdmin && status == StatusActive
	if len(errs) == 0 && isActiveAdmin(u) && !stillAdmin {
		n, err := activeAdmins(t)
		if err != nil {
			return err
		}
		if n <= 1 {
			errs.Add("role", "error.last_admin")
		}
	}
	return errs.Err()
}

func isActiveAdmin(u data.User) bool { return u.Role == RoleAdmin && u.Status == StatusActive }

func activeAdmins(t data.Tenant) (int, error) {
	users, err := t.Users()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, u := range users {
		if isActiveAdmin(u) {
			n++
		}
	}
	return n, nil
}

// Delete makes a 利用者ID permanently unusable. The record stays, marked deleted, so
// the ID is never issued again and the documents it signed keep their author; its
// sessions end and its certificate links are removed in the same transaction.
func (s *Service) Delete(tx *data.Tx, companyID, userID, actorID string) error {
	t := tx.Tenant(companyID)
	u, err := LiveUser(t, userID)
	if err != nil {
		return err
	}
	if err := s.checkDeletable(tx, t, u, actorID); err != nil {
		return err
	}
	now := s.now()
	u.Status, u.UpdatedAt = StatusDeleted, now
	if err := t.PutUser(u); err != nil {
		return fmt.Errorf("delete user %s: %w", userID, err)
	}
	if _, err := tx.DeleteSessionsOf(data.SessionUser, userID, ""); err != nil {
		return fmt.Errorf("delete user %s: %w", userID, err)
	}
	if err := unlinkCertificates(t, userID); err != nil {
		return fmt.Errorf("delete user %s: %w", userID, err)
	}
	if err := deletePasskeys(tx, data.SessionUser, userID); err != nil {
		return fmt.Errorf("delete user %s: %w", userID, err)
	}
	return tx.Audit(data.Event{Time: now, CompanyID: companyID, Actor: actorID, Action: "user.delete", Target: userID})
}

func (s *Service) checkDeletable(tx *data.Tx, t data.Tenant, u data.User, actorID string) error {
	if u.ID == actorID {
		return form.Errors{"": "error.delete_self"}
	}
	if isActiveAdmin(u) {
		n, err := activeAdmins(t)
		if err != nil {
			return err
		}
		if n <= 1 {
			return form.Errors{"": "error.last_admin"}
		}
	}
	if s.involvement == nil {
		return nil
	}
	n, err := s.involvement.OpenDocuments(tx, u.CompanyID, u.ID)
	if err != nil {
		return fmt.Errorf("delete user %s: %w", u.ID, err)
	}
	if n > 0 {
		return form.Errors{"": "error.user_has_documents"}
	}
	return nil
}

func unlinkCertificates(t data.Tenant, userID string) error {
	certs, err := t.Certificates()
	if err != nil {
		return err
	}
	for _, c := range certs {
		kept := c.Links[:0:0]
		for _, l := range c.Links {
			if l.UserID != userID {
				kept = append(kept, l)
			}
		}
		if len(kept) == len(c.Links) {
			continue
		}
		c.Links = kept
		if err := t.PutCertificate(c); err != nil {
			return err
		}
	}
	return nil
}

// SetContact changes a user's own mail address and TEL (個人設定).
func (s *Service) SetContact(companyID, userID, email, tel string) error {
	email, tel = strings.TrimSpace(email), normalizeTel(tel)
	errs := form.Errors{}
	validateContact(errs, tel, email)
	if err := errs.Err(); err != nil {
		return err
	}
	return s.store.Update(func(tx *data.Tx) error {
		t := tx.Tenant(companyID)
		u, err := LiveUser(t, userID)
		if err != nil {
			return err
		}
		previous := u.Email
		u.Email, u.Tel, u.UpdatedAt = email, tel, s.now()
		if err := t.PutUser(u); err != nil {
			return fmt.Errorf("set contact of %s: %w", userID, err)
		}
		if previous != "" && !strings.EqualFold(previous, email) {
			// The old address learns of the change: if someone else made it, its owner
			// is the one who can tell.
			if err := s.mailEmailChanged(t, tx, u, previous); err != nil {
				return err
			}
		}
		return tx.Audit(data.Event{Time: s.now(), CompanyID: companyID, Actor: userID, Action: "user.contact", Target: userID})
	})
}
