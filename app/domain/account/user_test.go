package account_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"inkan/app/domain/account"
	"inkan/app/domain/company"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

func TestNormalizeID(t *testing.T) {
	tests := []struct{ typed, want string }{
		{"U000001", "U000001"},
		{"u000001", "U000001"},
		{"ｕ０００００１", "U000001"},
		{"Ｕ000001", "U000001"},
		{"  U000001 ", "U000001"},
		{"\u3000ｕ０００００１\u3000", "U000001"},
		{"\tu000001\n", "U000001"},
		{"U 000001", "U 000001"}, // inner spaces are not the ID's: it stays unknown
		{"", ""},
	}
	for _, tt := range tests {
		if got := account.NormalizeID(tt.typed); got != tt.want {
			t.Errorf("NormalizeID(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}

func TestLiveUser(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	gone, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "削除 太郎")
	suspended, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "停止 花子")
	otherCompany, _, _ := env.AddCompany(t, "別会社", company.PlanOneSide)
	err := env.Server.Store.Update(func(tx *data.Tx) error {
		if err := env.Server.Accounts.Delete(tx, webtest.DemoCompanyID, gone, env.Creds.AdminID); err != nil {
			return err
		}
		u, err := tx.Tenant(webtest.DemoCompanyID).User(suspended)
		if err != nil {
			return err
		}
		ch := account.ChangeFrom(u)
		ch.Status = account.StatusSuspended
		_, err = env.Server.Accounts.Change(tx, webtest.DemoCompanyID, suspended, env.Creds.AdminID, ch, time.Time{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, company, id string
		found             bool
	}{
		{"active", webtest.DemoCompanyID, env.Creds.AdminID, true},
		{"suspended is still there", webtest.DemoCompanyID, suspended, true},
		{"deleted", webtest.DemoCompanyID, gone, false},
		{"never issued", webtest.DemoCompanyID, "U999999", false},
		{"of another company", otherCompany, env.Creds.AdminID, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.Server.Store.View(func(tx *data.Tx) error {
				u, err := account.LiveUser(tx.Tenant(tt.company), tt.id)
				switch {
				case tt.found && (err != nil || u.ID != tt.id):
					t.Errorf("LiveUser = %+v, %v", u, err)
				case !tt.found && !errors.Is(err, data.ErrNotFound):
					t.Errorf("LiveUser err = %v, want data.ErrNotFound", err)
				}
				return nil
			})
		})
	}
}

func TestLoginTakesTheIDAsTyped(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	gone, gonePW := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "削除 太郎")
	err := env.Server.Store.Update(func(tx *data.Tx) error {
		return env.Server.Accounts.Delete(tx, webtest.DemoCompanyID, gone, env.Creds.AdminID)
	})
	if err != nil {
		t.Fatal(err)
	}
	wide := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r - '0' + '０'
		}
		return r
	}, strings.ToLower(env.Creds.AdminID))
	tests := []struct {
		name, id, pw string
		want         error
	}{
		{"as issued", env.Creds.AdminID, env.Creds.AdminPassword, nil},
		{"full-width lower case with spaces", " " + wide + "\u3000", env.Creds.AdminPassword, nil},
		{"deleted", gone, gonePW, account.ErrBadCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := env.Server.Accounts.Login(tt.id, tt.pw, "192.0.2.1"); !errors.Is(err, tt.want) {
				t.Errorf("Login(%q) = %v, want %v", tt.id, err, tt.want)
			}
		})
	}
}
