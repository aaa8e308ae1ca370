package account

import (
	"net/netip"
	"sync"
	"time"
)

// ThrottledError refuses a login attempt because too many failed recently; it matches
// ErrThrottled with errors.Is. RetryAfter is how long until the next attempt is taken,
// for the Retry-After header.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string { return ErrThrottled.Error() }

// Is makes errors.Is(err, ErrThrottled) hold.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// Throttle limits. Failures are counted twice: per address and typed ID, so a person
// mistyping is slowed down without touching the colleagues behind the same NAT; and per
// address alone with a much higher limit, so that spraying one password over many IDs
// from one address is still stopped. An IPv6 address counts by its /64, which one
// client usually holds whole.
const (
	throttleWindow     = 15 * time.Minute
	pairMaxFailures    = 10
	addressMaxFailures = 100
	// throttleMaxKeys bounds each table, so an attacker with many addresses or IDs
	// cannot grow the memory without limit: when a table is full, expired entries go
	// first and then arbitrary ones (which only gives some client a fresh budget).
	throttleMaxKeys = 10000
)

// loginThrottle counts recent login failures in memory. It lives in memory on purpose:
// a restart forgetting it costs an attacker nothing they could not get by waiting.
type loginThrottle struct {
	mu      sync.Mutex
	pairs   *failureTable
	address *failureTable
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{
		pairs:   newFailureTable(pairMaxFailures, throttleMaxKeys),
		address: newFailureTable(addressMaxFailures, throttleMaxKeys),
	}
}

// check refuses an attempt for id from ip while either count is at its limit.
func (l *loginThrottle) check(ip, id string, now time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	wait := max(l.pairs.wait(pairKey(ip, id), now), l.address.wait(addressKey(ip), now))
	if wait > 0 {
		return &ThrottledError{RetryAfter: wait}
	}
	return nil
}

// fail counts a wrong ID or password for id from ip.
func (l *loginThrottle) fail(ip, id string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pairs.add(pairKey(ip, id), now)
	l.address.add(addressKey(ip), now)
}

func pairKey(ip, id string) string { return addressKey(ip) + "\x00" + id }

// addressKey is what an address counts as: itself, or its /64 for IPv6.
func addressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() || a.Is4In6() {
		return ip
	}
	p, err := a.Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}

// failureTable keeps, per key, the times of the last limit failures within the window:
// older ones cannot matter, so no key holds more than limit times.
type failureTable struct {
	limit, maxKeys int
	times          map[string][]time.Time
}

func newFailureTable(limit, maxKeys int) *failureTable {
	return &failureTable{limit: limit, maxKeys: maxKeys, times: map[string][]time.Time{}}
}

// wait is how long key stays refused: zero below the limit, else until the oldest kept
// failure leaves the window.
func (f *failureTable) wait(key string, now time.Time) time.Duration {
	kept := f.recent(key, now)
	if len(kept) < f.limit {
		return 0
	}
	return kept[0].Add(throttleWindow).Sub(now)
}

func (f *failureTable) add(key string, now time.Time) {
	kept := f.recent(key, now)
	if kept == nil && len(f.times) >= f.maxKeys {
		f.makeRoom(now)
	}
	if len(kept) >= f.limit {
		kept = append(kept[:0], kept[1:]...)
	}
	f.times[key] = append(kept, now)
}

// recent drops the failures of key older than the window.
func (f *failureTable) recent(key string, now time.Time) []time.Time {
	old := f.times[key]
	i := 0
	for i < len(old) && now.Sub(old[i]) >= throttleWindow {
		i++
	}
	if i == len(old) {
		delete(f.times, key)
		return nil
	}
	kept := old[i:]
	f.times[key] = kept
	return kept
}

// makeRoom frees a tenth of the table: expired keys first, then arbitrary ones.
func (f *failureTable) makeRoom(now time.Time) {
	target := f.maxKeys - f.maxKeys/10 - 1
	for key, ts := range f.times {
		if now.Sub(ts[len(ts)-1]) >= throttleWindow {
			delete(f.times, key)
		}
	}
	for key := range f.times {
		if len(f.times) <= target {
			break
		}
		delete(f.times, key)
	}
}
