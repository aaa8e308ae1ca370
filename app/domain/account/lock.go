package account

import (
	"time"

	"inkan/data"
)

// Lock durations: the first lock lasts firstLock, each further one without a successful
// login in between lasts lockGrowth times longer, up to maxLock. A lock always ends by
// itself, so nobody can lock an account for good by typing wrong passwords; an admin (or
// the operator, or the inkan command for the operator) can lift it sooner.
const (
	firstLock  = 15 * time.Minute
	lockGrowth = 4
	maxLock    = 24 * time.Hour
)

// LockDuration is how long the n-th lock in a row lasts (n counts from 1).
func LockDuration(n int) time.Duration {
	d := firstLock
	for i := 1; i < n && d < maxLock; i++ {
		d *= lockGrowth
	}
	return min(d, maxLock)
}

// lockedUntil is when the lock of l ends, or the zero time when l is not locked. A
// record locked before locks expired (Locks 0) counts as a first lock.
func lockedUntil(l data.Lockout) time.Time {
	if l.LockedAt == nil {
		return time.Time{}
	}
	return l.LockedAt.Add(LockDuration(max(l.Locks, 1)))
}

// IsLocked reports whether l is locked at now.
func IsLocked(l data.Lockout, now time.Time) bool {
	return l.LockedAt != nil && now.Before(lockedUntil(l))
}

// unlock lifts a lock and forgets the failures; the next lock starts short again.
func unlock(l *data.Lockout) { *l = data.Lockout{} }
