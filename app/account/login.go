package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"inkan/app/password"
	"inkan/data"
)

// Login refusals. The screen shows one message for ErrBadCredentials whatever the cause
// (unknown ID, wrong password, deleted ID), so the reply does not tell which IDs exist.
var (
	ErrBadCredentials = errors.New("account: bad credentials")
	ErrLocked         = errors.New("account: locked after repeated failures")
	ErrSuspended      = errors.New("account: suspended")
	ErrThrottled      = errors.New("account: too many failures from this address")
	ErrSessionExpired = errors.New("account: session expired")
)

// MaxFailures is how many wrong passwords in a row lock an account until an admin
// lifts the lock.
const MaxFailures = 5

// dummyHash is verified when the ID does not exist, so an unknown ID costs the same
// time as a wrong password.
var dummyHash = password.Hash("dummy-password-1!")

// Login checks a company user's credentials and opens a session. The returned token is
// the cookie value; only its digest is stored.
func (s *Service) Login(userID, pw, ip string) (string, data.Session, error) {
	now := s.now()
	if s.throttle.blocked(ip, now) {
		return "", data.Session{}, ErrThrottled
	}
	var token string
	var sess data.Session
	var loginErr error
	err := s.store.Update(func(tx *data.Tx) error {
		u, err := tx.UserForLogin(userID)
		if err != nil || u.Status == StatusDeleted {
			password.Verify(dummyHash, pw)
			loginErr = ErrBadCredentials
			return tx.Audit(data.Event{Time: now, Actor: userID, Action: "login.fail", Detail: "unknown id", IP: ip})
		}
		loginErr = s.checkUser(&u, pw, now)
		t := tx.Tenant(u.CompanyID)
		if loginErr != nil {
			if err := t.PutUser(u); err != nil {
				return err
			}
			return tx.Audit(data.Event{Time: now, CompanyID: u.CompanyID, Actor: u.ID, Action: "login.fail", Detail: loginErr.Error(), IP: ip})
		}
		u.PrevLoginAt, u.LastLoginAt = u.LastLoginAt, &now
		if err := t.PutUser(u); err != nil {
			return err
		}
		token, sess, err = s.open(tx, data.SessionUser, u.ID, u.CompanyID, ip)
		if err != nil {
			return err
		}
		return tx.Audit(data.Event{Time: now, CompanyID: u.CompanyID, Actor: u.ID, Action: "login", IP: ip})
	})
	if err != nil {
		return "", data.Session{}, fmt.Errorf("login %s: %w", userID, err)
	}
	if loginErr != nil {
		if errors.Is(loginErr, ErrBadCredentials) {
			s.throttle.fail(ip, now)
		}
		return "", data.Session{}, loginErr
	}
	return token, sess, nil
}

// checkUser applies the lock rules and the password to u, updating its failure count.
func (s *Service) checkUser(u *data.User, pw string, now time.Time) error {
	if u.LockedAt != nil {
		password.Verify(dummyHash, pw)
		return ErrLocked
	}
	if !password.Verify(u.PasswordHash, pw) {
		u.FailedLogins++
		if u.FailedLogins >= MaxFailures {
			u.LockedAt = &now
		}
		return ErrBadCredentials
	}
	u.FailedLogins = 0
	if u.Status == StatusSuspended {
		return ErrSuspended
	}
	return nil
}

// OperatorLogin checks an operator's credentials and opens an operator session.
func (s *Service) OperatorLogin(login, pw, ip string) (string, data.Session, error) {
	now := s.now()
	if s.throttle.blocked(ip, now) {
		return "", data.Session{}, ErrThrottled
	}
	var token string
	var sess data.Session
	var loginErr error
	err := s.store.Update(func(tx *data.Tx) error {
		o, err := tx.Operator(login)
		if err != nil {
			password.Verify(dummyHash, pw)
			loginErr = ErrBadCredentials
			return nil
		}
		switch {
		case o.LockedAt != nil:
			loginErr = ErrLocked
		case !password.Verify(o.PasswordHash, pw):
			o.FailedLogins++
			if o.FailedLogins >= MaxFailures {
				o.LockedAt = &now
			}
			loginErr = ErrBadCredentials
		default:
			o.FailedLogins, o.LastLoginAt = 0, &now
			if token, sess, err = s.open(tx, data.SessionOperator, o.Login, "", ip); err != nil {
				return err
			}
		}
		if err := tx.PutOperator(o); err != nil {
			return err
		}
		action := "operator.login"
		if loginErr != nil {
			action = "operator.login.fail"
		}
		return tx.Audit(data.Event{Time: now, Actor: "operator:" + login, Action: action, IP: ip})
	})
	if err != nil {
		return "", data.Session{}, fmt.Errorf("operator login %s: %w", login, err)
	}
	if loginErr != nil {
		if errors.Is(loginErr, ErrBadCredentials) {
			s.throttle.fail(ip, now)
		}
		return "", data.Session{}, loginErr
	}
	return token, sess, nil
}

func (s *Service) open(tx *data.Tx, kind, subject, companyID, ip string) (string, data.Session, error) {
	token := randomToken()
	now := s.now()
	sess := data.Session{
		ID: SessionID(token), Kind: kind, Subject: subject, CompanyID: companyID,
		CSRF: randomToken(), IP: ip, CreatedAt: now, LastSeenAt: now,
	}
	if err := tx.PutSession(sess); err != nil {
		return "", data.Session{}, fmt.Errorf("open session: %w", err)
	}
	return token, sess, nil
}

// SessionID is the stored digest of a session cookie value.
func SessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("account: read random: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
