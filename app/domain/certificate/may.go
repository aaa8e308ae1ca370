package certificate

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"inkan/app/domain/account"
	"inkan/app/domain/password"
	"inkan/app/trust/pki"
	"inkan/data"
)

// The reasons a user may not sign with a certificate now (MaySign). ErrPINNotChecked
// is in sign.go, where it was first needed.
var (
	ErrNotLinked     = errors.New("certificate: the user is not linked to this certificate")
	ErrCheckLocked   = errors.New("certificate: the validity check is locked after too many wrong attempts")
	ErrExpired       = errors.New("certificate: the certificate has expired")
	ErrRevoked       = errors.New("certificate: the certificate has been revoked")
	ErrUserSuspended = errors.New("certificate: the user is suspended")
	// ErrWrongPIN is the answer to a validity check with a wrong PIN or login password.
	ErrWrongPIN = errors.New("certificate: wrong PIN or password")
)

// MaxCheckFailures is how many wrong validity checks in a row lock a user's check of a
// certificate; a new PIN from the operator lifts the lock.
const MaxCheckFailures = 5

// Expired reports whether the certificate's validity has ended at now.
func Expired(c data.Certificate, now time.Time) bool { return !now.Before(c.NotAfter) }

// Usable says whether the certificate itself can sign at now: nil, ErrRevoked or
// ErrExpired. The operator's console (inkan pdf sign) asks only this.
func Usable(c data.Certificate, now time.Time) error {
	switch {
	case c.Status == data.CertificateRevoked:
		return ErrRevoked
	case Expired(c, now):
		return ErrExpired
	}
	return nil
}

// MaySign is the one answer to "may this user sign with this certificate now": nil,
// or why not — revoked, expired, the user suspended or deleted, not linked, the
// validity check locked, or not yet done. Every signing path asks it (SignPDF for the
// console and for users; the contract flow next), and the screens show its answer.
func MaySign(c data.Certificate, u data.User, now time.Time) error {
	if err := Usable(c, now); err != nil {
		return err
	}
	if u.CompanyID != c.CompanyID || !account.IsLive(u) {
		return ErrNotLinked
	}
	if u.Status != account.StatusActive {
		return ErrUserSuspended
	}
	i := linkOf(c, u.ID)
	switch {
	case i < 0:
		return ErrNotLinked
	case c.Links[i].LockedAt != nil:
		return ErrCheckLocked
	case c.Links[i].CheckedAt == nil:
		return ErrPINNotChecked
	}
	return nil
}

// ReasonKey is the catalog key that says err of MaySign or CheckValidity in words.
func ReasonKey(err error) string {
	for _, r := range []struct {
		err error
		key string
	}{
		{ErrRevoked, "cert.reason.revoked"}, {ErrExpired, "cert.reason.expired"},
		{ErrUserSuspended, "cert.reason.suspended"}, {ErrNotLinked, "cert.reason.not_linked"},
		{ErrCheckLocked, "cert.reason.locked"}, {ErrPINNotChecked, "cert.reason.not_checked"},
		{ErrWrongPIN, "cert.reason.wrong_pin"},
	} {
		if errors.Is(err, r.err) {
			return r.key
		}
	}
	return ""
}

func linkOf(c data.Certificate, userID string) int {
	return slices.IndexFunc(c.Links, func(l data.CertificateLink) bool { return l.UserID == userID })
}

// MaySignNow reads the certificate and the user and answers MaySign; a certificate of
// another company is data.ErrNotFound.
func (s *Service) MaySignNow(tx *data.Tx, companyID, userID, number string) error {
	t := tx.Tenant(companyID)
	c, err := t.Certificate(number)
	if err != nil {
		return err
	}
	u, err := t.User(userID)
	if err != nil {
		return err
	}
	return MaySign(c, u, s.now())
}

// CheckValidity is 証明書有効性確認: a linked user proves the certificate's PIN and their
// own login password, once, before the first signature with it. A wrong PIN or password
// counts a failure (the answer does not say which was wrong); MaxCheckFailures in a row
// lock the check until the operator issues a new PIN. refusal is the answer to show
// (ErrWrongPIN, ErrCheckLocked or another reason of MaySign); it comes with err nil,
// so that the transaction commits the counted failure. err is a failure of the store,
// or data.ErrNotFound for a certificate or user of another company.
func (s *Service) CheckValidity(tx *data.Tx, companyID, number, userID, pin, pw string) (refusal, err error) {
	t := tx.Tenant(companyID)
	c, err := t.Certificate(number)
	if err != nil {
		return nil, err
	}
	u, err := account.LiveUser(t, userID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := MaySign(c, u, now); err != nil && !errors.Is(err, ErrPINNotChecked) {
		return err, nil
	}
	i := linkOf(c, userID)
	pinOK, err := pki.CheckPIN(c.PINHash, pin)
	if err != nil {
		return nil, fmt.Errorf("certificate %s: %w", number, err)
	}
	pwOK := password.Verify(u.PasswordHash, pw)
	l := &c.Links[i]
	action := "certificate.check"
	if pinOK && pwOK {
		l.Failures, l.CheckedAt = 0, &now
	} else {
		action, refusal = "certificate.check_failed", ErrWrongPIN
		l.Failures++
		if l.Failures >= MaxCheckFailures {
			l.LockedAt, refusal = &now, ErrCheckLocked
		}
	}
	if err := t.PutCertificate(c); err != nil {
		return nil, err
	}
	return refusal, tx.Audit(data.Event{Time: now, CompanyID: companyID, Actor: "user:" + userID, Action: action, Target: number})
}

// LinkedTo lists the company's certificates that the user is linked to, in number
// order (電子証明書照会, 証明書有効性確認).
func LinkedTo(t data.Tenant, userID string) ([]data.Certificate, error) {
	certs, err := t.Certificates()
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(certs, func(c data.Certificate) bool { return linkOf(c, userID) < 0 }), nil
}

// LinkOf is the user's link to c, or nil.
func LinkOf(c data.Certificate, userID string) *data.CertificateLink {
	if i := linkOf(c, userID); i >= 0 {
		return &c.Links[i]
	}
	return nil
}
