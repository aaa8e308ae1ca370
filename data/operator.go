package data

import (
	"fmt"
	"time"
)

// Operator is an account of the people running the installation (運営者).
type Operator struct {
	V            int    `json:"v"`
	Login        string `json:"login"`
	Name         string `json:"name"`
	PasswordHash string `json:"password_hash"`
	Lockout
	// MustChangePassword is set on a printed password (init, reset-password): the
	// console asks for a new one before anything else.
	MustChangePassword bool       `json:"must_change_password,omitempty"`
	LastLoginAt        *time.Time `json:"last_login_at,omitempty"`
	CreatedAt          time.Time  `json:"created_at"`
}

// CreateOperator stores a new operator account; the login must be unused.
func (tx *Tx) CreateOperator(o Operator) error {
	if tx.bucket(bucketOperators).Get([]byte(o.Login)) != nil {
		return fmt.Errorf("data: operator %s: %w", o.Login, ErrConflict)
	}
	return tx.PutOperator(o)
}

// PutOperator stores an operator account.
func (tx *Tx) PutOperator(o Operator) error {
	o.V = 1
	return tx.put(bucketOperators, o.Login, o)
}

// Operator reads an operator account by login name.
func (tx *Tx) Operator(login string) (Operator, error) {
	var o Operator
	err := tx.get(bucketOperators, login, &o)
	return o, err
}

// HasOperators reports whether the installation has been initialised.
func (tx *Tx) HasOperators() bool {
	k, _ := tx.bucket(bucketOperators).Cursor().First()
	return k != nil
}
