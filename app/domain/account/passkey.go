package account

import (
	"errors"
	"time"

	"inkan/data"
)

// PasskeyCheck verifies a passkey assertion inside the login's transaction and names
// the account the passkey belongs to: a session kind (data.SessionUser or
// data.SessionOperator) and its subject. A failed assertion answers ErrBadCredentials.
type PasskeyCheck func(tx *data.Tx, now time.Time) (kind, subject string, err error)

// passkeyThrottleID is the ID a passkey login counts its failures under: the client
// names no ID before the assertion is verified.
const passkeyThrottleID = "passkey"

// PasskeyLogin opens a session for the account a verified passkey belongs to. The
// passkey stands in for the password only: the throttle, the lock of the account
// (a locked account stays locked, whatever it logs in with), suspension and, through
// the session, the forced password change apply as to a password login.
func (s *Service) PasskeyLogin(ip string, verify PasskeyCheck) (string, data.Session, error) {
	return s.attempt("passkey login", ip, passkeyThrottleID, func(tx *data.Tx, now time.Time) (string, data.Session, error, error) {
		kind, subject, err := verify(tx, now)
		if errors.Is(err, ErrBadCredentials) {
			err := tx.Audit(data.Event{Time: now, Actor: "passkey", Action: "passkey.login.fail", Detail: "assertion refused", IP: ip})
			return "", data.Session{}, ErrBadCredentials, err
		}
		if err != nil {
			return "", data.Session{}, nil, err
		}
		if kind == data.SessionOperator {
			return s.passkeyOperator(tx, subject, ip, now)
		}
		return s.passkeyUser(tx, subject, ip, now)
	})
}

func (s *Service) passkeyUser(tx *data.Tx, userID, ip string, now time.Time) (string, data.Session, error, error) {
	u, err := live(tx.UserForLogin(userID))
	if err != nil {
		// A passkey of a deleted ID: refused as an unknown one is.
		return "", data.Session{}, ErrBadCredentials, nil
	}
	refusal := passkeyRefusal(u.Lockout, now)
	if refusal == nil && u.Status == StatusSuspended {
		refusal = ErrSuspended
	}
	if refusal == nil {
		u.PrevLoginAt, u.LastLoginAt = u.LastLoginAt, &now
		if err := tx.Tenant(u.CompanyID).PutUser(u); err != nil {
			return "", data.Session{}, nil, err
		}
	}
	return s.finish(tx, refusal, data.SessionUser, u.ID, u.CompanyID, ip, now)
}

func (s *Service) passkeyOperator(tx *data.Tx, login, ip string, now time.Time) (string, data.Session, error, error) {
	o, err := tx.Operator(login)
	if err != nil {
		return "", data.Session{}, ErrBadCredentials, nil
	}
	refusal := passkeyRefusal(o.Lockout, now)
	if refusal == nil {
		o.LastLoginAt = &now
		if err := tx.PutOperator(o); err != nil {
			return "", data.Session{}, nil, err
		}
	}
	return s.finish(tx, refusal, data.SessionOperator, o.Login, "", ip, now)
}

// passkeyRefusal is the lock rule of a passkey login. A passkey is no guess at the
// password, so it neither counts a failure nor, while the lock lasts, gets past it.
func passkeyRefusal(l data.Lockout, now time.Time) error {
	if IsLocked(l, now) {
		return ErrLocked
	}
	return nil
}

// deletePasskeys removes the passkeys of an account (kind and subject as in its
// sessions): at deletion, where they could log nobody in, and at a password reset.
func deletePasskeys(tx *data.Tx, kind, subject string) error {
	owner := data.PasskeyOwner(kind, subject)
	keys, err := tx.PasskeysOf(owner)
	if err != nil {
		return err
	}
	for _, p := range keys {
		if err := tx.DeletePasskey(owner, p.ID); err != nil {
			return err
		}
	}
	return nil
}
