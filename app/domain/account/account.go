// Package account holds the rules of company users and operators: who a user is
// (role, status), how an ID and its initial password are issued, how a login is checked
// and throttled, and how server-side sessions live and end.
package account

import (
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"inkan/app/domain/mail"
	"inkan/data"
)

// Roles of a 利用者ID (manual p.5).
const (
	RoleAdmin   = "admin"
	RoleGeneral = "general"
)

// Statuses of a 利用者ID. A deleted ID stays in the store so it is never reused.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
	StatusDeleted   = "deleted"
)

// IsLive reports whether a user still exists for every screen. A deleted ID stays in
// the store (so it is never issued again and signed documents keep their author), but
// nothing may find, list, edit or log in as it: to the screens it is as if it never
// existed.
func IsLive(u data.User) bool { return u.Status != StatusDeleted }

// LiveUser reads a live user of the company t; a missing or deleted ID answers
// data.ErrNotFound alike, so no screen can tell the two apart.
func LiveUser(t data.Tenant, userID string) (data.User, error) { return live(t.User(userID)) }

// live applies IsLive to the result of a user read.
func live(u data.User, err error) (data.User, error) {
	if err == nil && !IsLive(u) {
		return data.User{}, data.ErrNotFound
	}
	return u, err
}

// NormalizeID turns a 利用者ID as a person typed it into the stored form: NFKC makes
// full-width letters, digits and spaces ASCII (ｕ０００００１ → u000001), surrounding
// spaces are dropped and letters are upper case, as the IDs are issued. Every place
// that looks a user up by a typed ID goes through it.
func NormalizeID(id string) string {
	return strings.ToUpper(strings.TrimSpace(norm.NFKC.String(id)))
}

// MaxIDLength bounds a typed ID in bytes. Issued IDs and operator logins are far
// shorter (U000001), and fit even typed in full width with spaces around; a longer input
// is no ID, and only its first MaxIDLength bytes may reach a lookup, the audit trail or
// the screen.
const MaxIDLength = 64

// ClipID cuts a typed ID to MaxIDLength bytes at a character boundary, marking a cut
// with "…" so that the result never matches an issued ID.
func ClipID(id string) string {
	if len(id) <= MaxIDLength {
		return id
	}
	cut := MaxIDLength
	for cut > 0 && !utf8.RuneStart(id[cut]) {
		cut--
	}
	return id[:cut] + "…"
}

// loginID is the ID a login looks up: NormalizeID of what was typed, or the clipped
// input when it is longer than any ID.
func loginID(typed string) string {
	if len(typed) > MaxIDLength {
		return ClipID(typed)
	}
	return NormalizeID(typed)
}

// Service applies the account rules to the store.
type Service struct {
	store    *data.Store
	mail     *mail.Composer
	now      func() time.Time
	idle     time.Duration
	maxAge   time.Duration
	throttle *loginThrottle
	// involvement may be nil (unit tests): then nothing blocks a deletion.
	involvement Involvement
}

// Options are the tunable parts of the account rules.
type Options struct {
	IdleTimeout time.Duration
	MaxAge      time.Duration
	Now         func() time.Time
	// Involvement answers whether a user still takes part in open documents.
	Involvement Involvement
}

// New builds the account service.
func New(store *data.Store, composer *mail.Composer, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Service{
		store: store, mail: composer, now: opt.Now, idle: opt.IdleTimeout, maxAge: opt.MaxAge,
		throttle:    newLoginThrottle(),
		involvement: opt.Involvement,
	}
}

// Now is the service's clock, shared with the screens so tests can move time.
func (s *Service) Now() time.Time { return s.now() }
