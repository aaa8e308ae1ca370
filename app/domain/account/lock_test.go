package account_test

import (
	"testing"
	"time"

	"inkan/app/domain/account"
	"inkan/data"
)

func TestLockDurationGrows(t *testing.T) {
	tests := []struct {
		n    int
		want time.Duration
	}{{1, 15 * time.Minute}, {2, time.Hour}, {3, 4 * time.Hour}, {4, 16 * time.Hour}, {5, 24 * time.Hour}, {40, 24 * time.Hour}}
	for _, tt := range tests {
		if got := account.LockDuration(tt.n); got != tt.want {
			t.Errorf("LockDuration(%d) = %s, want %s", tt.n, got, tt.want)
		}
	}
}

func TestIsLockedEndsByItself(t *testing.T) {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		l     data.Lockout
		after time.Duration
		want  bool
	}{
		{"not locked", data.Lockout{}, 0, false},
		{"record from before expiry counts as a first lock", data.Lockout{LockedAt: &at}, 14 * time.Minute, true},
		{"first lock over", data.Lockout{LockedAt: &at, Locks: 1}, 15 * time.Minute, false},
		{"second lock still on", data.Lockout{LockedAt: &at, Locks: 2}, 59 * time.Minute, true},
	}
	for _, tt := range tests {
		if got := account.IsLocked(tt.l, at.Add(tt.after)); got != tt.want {
			t.Errorf("%s: IsLocked = %v", tt.name, got)
		}
	}
}
