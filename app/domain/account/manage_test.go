package account_test

import (
	"errors"
	"testing"

	"inkan/app/domain/account"
	"inkan/app/domain/form"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

// openDocuments is the contract flow's answer, fixed per user for the test.
type openDocuments map[string]int

func (o openDocuments) OpenDocuments(_ *data.Tx, _, userID string) (int, error) {
	return o[userID], nil
}

func TestDeleteRules(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	busy, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "文書 あり")
	free, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "文書 なし")
	second, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleAdmin, "管理 次郎")
	acc := account.New(env.Server.Store, env.Server.Mail, account.Options{
		Now: env.Clock.Now, Involvement: openDocuments{busy: 2},
	})
	admin := env.Creds.AdminID
	tests := []struct {
		name, target, actor, wantKey string
	}{
		{"party to open documents", busy, admin, "error.user_has_documents"},
		{"oneself", admin, admin, "error.delete_self"},
		{"no documents", free, admin, ""},
		{"another admin while one remains", second, admin, ""},
		// Only the actor is left as admin now; an actor that is not an admin of the
		// company (a later API caller) still cannot remove the last one.
		{"the last admin", admin, "system", "error.last_admin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := env.Server.Store.Update(func(tx *data.Tx) error {
				return acc.Delete(tx, webtest.DemoCompanyID, tt.target, tt.actor)
			})
			var errs form.Errors
			switch {
			case tt.wantKey == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.wantKey != "" && (!errors.As(err, &errs) || errs[""] != tt.wantKey):
				t.Fatalf("err = %v, want %s", err, tt.wantKey)
			}
		})
	}
	err := env.Server.Store.Update(func(tx *data.Tx) error {
		return acc.Delete(tx, webtest.DemoCompanyID, free, admin)
	})
	if !errors.Is(err, data.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
}

func TestDeleteUnlinksCertificatesAndRemovesPasskeys(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	other, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleAdmin, "管理 次郎")
	err := env.Server.Store.Update(func(tx *data.Tx) error {
		owner := data.PasskeyOwner(data.SessionUser, env.Creds.AdminID)
		if err := tx.CreatePasskey(data.Passkey{ID: "k1", Owner: owner, CompanyID: webtest.DemoCompanyID}); err != nil {
			return err
		}
		if err := env.Server.Accounts.Delete(tx, webtest.DemoCompanyID, env.Creds.AdminID, other); err != nil {
			return err
		}
		if keys, err := tx.PasskeysOf(owner); err != nil || len(keys) != 0 {
			t.Errorf("deleted user's passkeys: %v %v", keys, err)
		}
		if _, err := tx.Passkey("k1"); err != data.ErrNotFound {
			t.Errorf("deleted user's passkey k1: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	env.Server.Store.View(func(tx *data.Tx) error {
		c, err := tx.Tenant(webtest.DemoCompanyID).Certificate("DJC-00001")
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Links) != 0 {
			t.Errorf("deleted user still linked: %+v", c.Links)
		}
		return nil
	})
}

// パスワード初期化 (of a user, and the operator's reset-password) removes the account's
// passkeys, which would otherwise outlive the taking back of the account.
func TestPasswordResetRemovesPasskeys(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	user := data.PasskeyOwner(data.SessionUser, env.Creds.AdminID)
	op := data.PasskeyOwner(data.SessionOperator, env.Creds.OperatorLogin)
	err := env.Server.Store.Update(func(tx *data.Tx) error {
		for id, owner := range map[string]string{"u1": user, "o1": op} {
			if err := tx.CreatePasskey(data.Passkey{ID: id, Owner: owner}); err != nil {
				return err
			}
		}
		if err := env.Server.Accounts.ResetAdminPassword(tx, webtest.DemoCompanyID, env.Creds.AdminID, "operator:operator"); err != nil {
			return err
		}
		_, err := env.Server.Accounts.ResetOperatorPassword(tx, env.Creds.OperatorLogin, "cli")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	env.Server.Store.View(func(tx *data.Tx) error {
		for _, owner := range []string{user, op} {
			if keys, err := tx.PasskeysOf(owner); err != nil || len(keys) != 0 {
				t.Errorf("%s after the reset: %v %v", owner, keys, err)
			}
		}
		return nil
	})
}
