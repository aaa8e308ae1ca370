package account_test

import (
	"errors"
	"testing"
	"time"

	"inkan/app/domain/account"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

func TestPurgeExpiredDropsOnlyDeadSessions(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	acc := env.Server.Accounts
	old, _, err := acc.Login(env.Creds.AdminID, env.Creds.AdminPassword, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(20 * time.Minute)
	fresh, _, _ := acc.Login(env.Creds.AdminID, env.Creds.AdminPassword, "192.0.2.1")
	env.Clock.Advance(15 * time.Minute) // old: 35 min idle, fresh: 15 min
	n, err := acc.PurgeExpired()
	if err != nil || n != 1 {
		t.Fatalf("purged %d (%v), want 1", n, err)
	}
	if _, err := acc.Resume(old, data.SessionUser); !errors.Is(err, account.ErrSessionExpired) {
		t.Errorf("old session: %v", err)
	}
	if _, err := acc.Resume(fresh, data.SessionUser); err != nil {
		t.Errorf("fresh session: %v", err)
	}
}

func TestSessionKindsDoNotMix(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	token, _, err := env.Server.Accounts.OperatorLogin("operator", env.Creds.OperatorPassword, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Server.Accounts.Resume(token, data.SessionUser); !errors.Is(err, account.ErrSessionExpired) {
		t.Errorf("operator token accepted as a user session: %v", err)
	}
	if _, err := env.Server.Accounts.Resume(token, data.SessionOperator); err != nil {
		t.Errorf("operator token refused as an operator session: %v", err)
	}
}
