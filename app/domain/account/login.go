package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"inkan/app/domain/password"
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

// MaxFailures is how many wrong passwords in a row lock an account (see LockDuration).
const MaxFailures = 5

// dummyHash is verified when the ID does not exist, so an unknown ID costs the same
// time as a wrong password.
var dummyHash = password.Hash("dummy-password-1!")

// Login checks a company user's credentials and opens a session. userID is taken as
// typed (NormalizeID applies). The returned token is the cookie value; only its digest
// is stored.
func (s *Service) Login(userID, pw, ip string) (string, data.Session, error) {
	userID = loginID(userID)
	return s.attempt("login "+userID, ip, userID, func(tx *data.Tx, now time.Time) (string, data.Session, error, error) {
		u, err := live(tx.UserForLogin(userID))
		if err != nil {
			password.Verify(dummyHash, pw)
			err := tx.Audit(data.Event{Time: now, Actor: userID, Action: data.SessionUser + ".login.fail", Detail: "unknown id", IP: ip})
			return "", data.Session{}, ErrBadCredentials, err
		}
		refusal := checkPassword(u.PasswordHash, pw, &u.Lockout, now)
		if refusal == nil && u.Status == StatusSuspended {
			refusal = ErrSuspended
		}
		if refusal == nil {
			u.PrevLoginAt, u.LastLoginAt = u.LastLoginAt, &now
		}
		if err := tx.Tenant(u.CompanyID).PutUser(u); err != nil {
			return "", data.Session{}, nil, err
		}
		return s.finish(tx, refusal, data.SessionUser, u.ID, u.CompanyID, ip, now)
	})
}

// OperatorLogin checks an operator's credentials and opens an operator session.
func (s *Service) OperatorLogin(login, pw, ip string) (string, data.Session, error) {
	login = ClipID(login)
	return s.attempt("operator login "+login, ip, "operator:"+login, func(tx *data.Tx, now time.Time) (string, data.Session, error, error) {
		o, err := tx.Operator(login)
		if err != nil {
			password.Verify(dummyHash, pw)
			return "", data.Session{}, ErrBadCredentials, nil
		}
		refusal := checkPassword(o.PasswordHash, pw, &o.Lockout, now)
		if refusal == nil {
			o.LastLoginAt = &now
		}
		if err := tx.PutOperator(o); err != nil {
			return "", data.Session{}, nil, err
		}
		return s.finish(tx, refusal, data.SessionOperator, o.Login, "", ip, now)
	})
}

// loginCheck runs in the login's write transaction. It returns the refusal apart from
// the store error, because a refused login still commits its failure count and audit
// event.
type loginCheck func(tx *data.Tx, now time.Time) (token string, sess data.Session, refusal, err error)

// attempt runs one login of id under the throttle (throttle.go).
func (s *Service) attempt(what, ip, id string, check loginCheck) (string, data.Session, error) {
	now := s.now()
	if err := s.throttle.check(ip, id, now); err != nil {
		return "", data.Session{}, err
	}
	var token string
	var sess data.Session
	var refusal error
	err := s.store.Update(func(tx *data.Tx) (err error) {
		token, sess, refusal, err = check(tx, now)
		return err
	})
	if err != nil {
		return "", data.Session{}, fmt.Errorf("%s: %w", what, err)
	}
	if refusal != nil {
		if errors.Is(refusal, ErrBadCredentials) {
			s.throttle.fail(ip, id, now)
		}
		return "", data.Session{}, refusal
	}
	return token, sess, nil
}

// checkPassword applies the lock rules and the password, updating the failure count:
// MaxFailures wrong passwords in a row lock the account for LockDuration; a lock that
// has run out is forgotten, and a right password ends the series of locks.
func checkPassword(hash, pw string, l *data.Lockout, now time.Time) error {
	if IsLocked(*l, now) {
		password.Verify(dummyHash, pw)
		return ErrLocked
	}
	if l.LockedAt != nil {
		l.LockedAt, l.FailedLogins = nil, 0
	}
	if !password.Verify(hash, pw) {
		l.FailedLogins++
		if l.FailedLogins >= MaxFailures {
			l.Locks++
			l.LockedAt = &now
		}
		return ErrBadCredentials
	}
	l.FailedLogins, l.Locks = 0, 0
	return nil
}

// finish opens the session of an accepted login, and audits either outcome.
func (s *Service) finish(tx *data.Tx, refusal error, kind, subject, companyID, ip string, now time.Time) (string, data.Session, error, error) {
	actor := subject
	if kind == data.SessionOperator {
		actor = "operator:" + subject
	}
	event := data.Event{Time: now, CompanyID: companyID, Actor: actor, Action: kind + ".login", IP: ip}
	if refusal != nil {
		event.Action, event.Detail = kind+".login.fail", refusal.Error()
		return "", data.Session{}, refusal, tx.Audit(event)
	}
	token, sess, err := s.open(tx, kind, subject, companyID, ip)
	if err != nil {
		return "", data.Session{}, nil, err
	}
	return token, sess, nil, tx.Audit(event)
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
