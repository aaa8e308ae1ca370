package cli

import (
	"errors"
	"fmt"

	"inkan/app/domain/account"
	"inkan/app/run/config"
	"inkan/data"
)

const operatorUsage = `usage: inkan operator unlock|reset-password [--data DIR] [LOGIN]

  unlock           lift the lock that repeated login failures put on the operator
  reset-password   print a new password, to be changed at the next login; also lifts the lock

LOGIN defaults to "operator". The store is opened directly: stop the server first.`

// operatorCommand is the way back for a locked-out operator, who has nobody above them
// on the console.
func operatorCommand(env Env, args []string) error {
	if len(args) == 0 || (args[0] != "unlock" && args[0] != "reset-password") {
		return errors.New(operatorUsage)
	}
	sub := args[0]
	cfg, rest, err := config.Parse("operator "+sub, args[1:], env.Getenv)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return errors.New(operatorUsage)
	}
	login := "operator"
	if len(rest) == 1 {
		login = rest[0]
	}
	store, err := openStore(cfg.DataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	accounts := account.New(store, nil, account.Options{})
	const actor = "cli"
	var pw string
	err = store.Update(func(tx *data.Tx) error {
		if sub == "unlock" {
			return accounts.UnlockOperator(tx, login, actor)
		}
		pw, err = accounts.ResetOperatorPassword(tx, login, actor)
		return err
	})
	if err != nil {
		return err
	}
	if sub == "unlock" {
		fmt.Fprintf(env.Stdout, "operator %s unlocked\n", login)
		return nil
	}
	fmt.Fprintf(env.Stdout, "operator: %s %s\n", login, pw)
	return nil
}
