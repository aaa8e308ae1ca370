package company

import (
	"fmt"

	"inkan/app/account"
	"inkan/data"
)

// Credentials are what a first start prints so a newcomer can log in at once.
type Credentials struct {
	OperatorLogin, OperatorPassword string
	AdminID, AdminPassword          string
}

// DemoApplication is the company a first start onboards.
var DemoApplication = Application{
	Name: "デモ建設株式会社",
	Plan: PlanOneSide,
	Admin: account.UserInput{
		Role: account.RoleAdmin, Name: "管理 太郎", Kana: "カンリ タロウ", Email: "admin@demo-kensetsu.example",
	},
}

// Bootstrap initialises an empty store: one operator account and the demo company with
// its 管理用ID, all in one transaction. On a store that already has an operator it does
// nothing and returns ok == false.
func (o Onboarder) Bootstrap(store *data.Store) (creds Credentials, ok bool, err error) {
	err = store.Update(func(tx *data.Tx) error {
		if tx.HasOperators() {
			return nil
		}
		pw, err := o.Accounts.CreateOperator(tx, "operator", "運営者")
		if err != nil {
			return err
		}
		_, admin, adminPW, err := o.Onboard(tx, DemoApplication, "system")
		if err != nil {
			return err
		}
		creds, ok = Credentials{"operator", pw, admin.ID, adminPW}, true
		return nil
	})
	if err != nil {
		return Credentials{}, false, fmt.Errorf("bootstrap: %w", err)
	}
	return creds, ok, nil
}
