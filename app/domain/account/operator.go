package account

import (
	"fmt"

	"inkan/app/domain/password"
	"inkan/data"
)

// CreateOperator makes an operator account with a random password and returns the
// password, which is shown once to whoever runs the installation.
func (s *Service) CreateOperator(tx *data.Tx, login, name string) (string, error) {
	pw := password.Generate()
	o := data.Operator{Login: login, Name: name, PasswordHash: password.Hash(pw), CreatedAt: s.now()}
	if err := tx.CreateOperator(o); err != nil {
		return "", fmt.Errorf("create operator %s: %w", login, err)
	}
	return pw, nil
}
