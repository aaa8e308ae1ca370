package data

import "time"

// Lockout is the login-failure state of a user or an operator, embedded in both records
// so that its JSON fields sit at the top level as before (records written without Locks
// read as Locks 0).
type Lockout struct {
	FailedLogins int        `json:"failed_logins"`
	LockedAt     *time.Time `json:"locked_at,omitempty"`
	// Locks counts the locks since the last successful login; each one lasts longer.
	Locks int `json:"locks,omitempty"`
}
