package account

import (
	"errors"
	"fmt"
	"time"

	"inkan/app/domain/form"
	"inkan/app/domain/password"
	"inkan/data"
)

// touchEvery limits how often a request writes the session's last-seen time: idle
// timeouts are in minutes, and a write per request would make every page a disk sync.
const touchEvery = time.Minute

// Principal is who is behind a live session, read in the same transaction as the
// session itself: the user and their company, or the operator.
type Principal struct {
	Session  data.Session
	User     *data.User
	Company  data.Company
	Operator *data.Operator
}

// Resume finds the session of a cookie value and checks that it is still alive: not
// idle too long, not older than the absolute limit, and its user still active (or its
// operator still there). An expired or orphaned session is deleted. Most requests only
// read: the last-seen time is written at most once a minute.
func (s *Service) Resume(token, kind string) (Principal, error) {
	if token == "" {
		return Principal{}, ErrSessionExpired
	}
	id := SessionID(token)
	now := s.now()
	var p Principal
	var found, alive bool
	err := s.store.View(func(tx *data.Tx) error {
		sess, err := tx.Session(id)
		if errors.Is(err, data.ErrNotFound) || (err == nil && sess.Kind != kind) {
			return nil // another kind's cookie is left alone, just not accepted here
		}
		if err != nil {
			return err
		}
		found, p.Session = true, sess
		alive = now.Sub(sess.LastSeenAt) <= s.idle && now.Sub(sess.CreatedAt) <= s.maxAge
		if alive {
			alive, err = p.load(tx)
		}
		return err
	})
	if err != nil {
		return Principal{}, fmt.Errorf("resume session: %w", err)
	}
	switch {
	case !found:
		return Principal{}, ErrSessionExpired
	case !alive:
		if err := s.store.Update(func(tx *data.Tx) error { return ignoreNotFound(tx.DeleteSession(id)) }); err != nil {
			return Principal{}, fmt.Errorf("end expired session: %w", err)
		}
		return Principal{}, ErrSessionExpired
	case now.Sub(p.Session.LastSeenAt) >= touchEvery:
		p.Session.LastSeenAt = now
		err := s.store.Update(func(tx *data.Tx) error {
			// Logged out or revoked since the read: do not bring it back.
			if _, err := tx.Session(id); err != nil {
				return err
			}
			return tx.PutSession(p.Session)
		})
		if errors.Is(err, data.ErrNotFound) {
			return Principal{}, ErrSessionExpired
		}
		if err != nil {
			return Principal{}, fmt.Errorf("touch session: %w", err)
		}
	}
	return p, nil
}

// load reads who the session belongs to, and reports whether they may still use it.
func (p *Principal) load(tx *data.Tx) (bool, error) {
	sess := p.Session
	if sess.Kind == data.SessionOperator {
		o, err := tx.Operator(sess.Subject)
		if errors.Is(err, data.ErrNotFound) {
			return false, nil
		}
		p.Operator = &o
		return err == nil, err
	}
	t := tx.Tenant(sess.CompanyID)
	u, err := t.User(sess.Subject)
	if errors.Is(err, data.ErrNotFound) || (err == nil && u.Status != StatusActive) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	p.User = &u
	p.Company, err = t.Company()
	return err == nil, err
}

func ignoreNotFound(err error) error {
	if errors.Is(err, data.ErrNotFound) {
		return nil
	}
	return err
}

// Logout ends the session of a cookie value.
func (s *Service) Logout(token string) error {
	id := SessionID(token)
	err := s.store.Update(func(tx *data.Tx) error {
		sess, err := tx.Session(id)
		if errors.Is(err, data.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteSession(id); err != nil {
			return err
		}
		return tx.Audit(data.Event{Time: s.now(), CompanyID: sess.CompanyID, Actor: sess.Subject, Action: "logout"})
	})
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

// PurgeExpired deletes every session past its idle or absolute limit (a scheduled job).
func (s *Service) PurgeExpired() (int, error) {
	now := s.now()
	var n int
	err := s.store.Update(func(tx *data.Tx) (err error) {
		n, err = tx.DeleteSessionsWhere(func(sess data.Session) bool {
			return now.Sub(sess.LastSeenAt) > s.idle || now.Sub(sess.CreatedAt) > s.maxAge
		})
		return err
	})
	return n, err
}

// PasswordChange is the パスワード変更 screen's input.
type PasswordChange struct {
	Current, New, Confirm string
}

// ChangePassword sets a user's own new password after checking the current one and the
// policy. A wrong current password counts toward the lock like a failed login: when it
// locks the account, every session of the user ends and ErrLocked is returned. After a
// change the user's other sessions are ended: a password change is often a reaction to
// a leaked one. The session in keepSession stays.
func (s *Service) ChangePassword(companyID, userID, keepSession string, in PasswordChange) error {
	if err := in.validate().Err(); err != nil {
		return err
	}
	now := s.now()
	var refusal error
	err := s.store.Update(func(tx *data.Tx) error {
		t := tx.Tenant(companyID)
		u, err := LiveUser(t, userID)
		if err != nil {
			return err
		}
		refusal = currentPassword(u.PasswordHash, in.Current, &u.Lockout, now)
		if refusal == nil {
			u.PasswordHash, u.MustChangePassword, u.PasswordChangedAt = password.Hash(in.New), false, now
		}
		u.UpdatedAt = now
		if err := t.PutUser(u); err != nil {
			return err
		}
		return s.passwordChanged(tx, refusal, data.SessionUser, userID, companyID, userID, keepSession, now)
	})
	if err != nil {
		return err
	}
	return refusal
}

// validate checks the new password against the policy before anything is read.
func (in PasswordChange) validate() form.Errors {
	errs := form.Errors{}
	if in.Current == "" {
		errs.Add("current", "error.required")
	}
	switch err := password.Check(in.New); {
	case in.New == "":
		errs.Add("new", "error.required")
	case err != nil:
		errs.Add("new", "error.password_policy")
	case in.New == in.Current:
		errs.Add("new", "error.password_same")
	}
	if in.Confirm != in.New {
		errs.Add("confirm", "error.password_mismatch")
	}
	return errs
}

// currentPassword checks the current password typed on a change screen under the lock
// rules of a login. It returns nil, the form error to show, or ErrLocked when the
// account is (now) locked.
func currentPassword(hash, pw string, l *data.Lockout, now time.Time) error {
	switch err := checkPassword(hash, pw, l, now); {
	case err == nil:
		return nil
	case l.LockedAt != nil:
		return ErrLocked
	default:
		return form.Errors{"current": "error.password_current"}
	}
}

// passwordChanged ends the sessions a password change (or a lock) ends and audits it.
func (s *Service) passwordChanged(tx *data.Tx, refusal error, kind, subject, companyID, actor, keepSession string, now time.Time) error {
	event := data.Event{Time: now, CompanyID: companyID, Actor: actor, Action: "password.change"}
	switch {
	case errors.Is(refusal, ErrLocked):
		keepSession = ""
		event.Action, event.Detail = "password.change.fail", refusal.Error()
	case refusal != nil:
		event.Action, event.Detail = "password.change.fail", "wrong current password"
		return tx.Audit(event)
	}
	if _, err := tx.DeleteSessionsOf(kind, subject, keepSession); err != nil {
		return err
	}
	return tx.Audit(event)
}

// SetLanguage stores a user's UI language (個人設定).
func (s *Service) SetLanguage(companyID, userID, lang string) error {
	return s.store.Update(func(tx *data.Tx) error {
		t := tx.Tenant(companyID)
		u, err := LiveUser(t, userID)
		if err != nil {
			return err
		}
		u.Lang, u.UpdatedAt = lang, s.now()
		return t.PutUser(u)
	})
}
