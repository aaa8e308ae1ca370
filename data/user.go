package data

import (
	"fmt"
	"time"
)

// User is a 利用者ID of a company.
type User struct {
	V         int    `json:"v"`
	ID        string `json:"id"`
	CompanyID string `json:"company_id"`
	Role      string `json:"role"`
	Name      string `json:"name"`
	Kana      string `json:"kana"`
	Dept      string `json:"dept,omitempty"`
	Title     string `json:"title,omitempty"`
	Tel       string `json:"tel,omitempty"`
	Email     string `json:"email"`
	Status    string `json:"status"`
	Lang      string `json:"lang,omitempty"`

	PasswordHash       string    `json:"password_hash"`
	MustChangePassword bool      `json:"must_change_password"`
	PasswordChangedAt  time.Time `json:"password_changed_at"`
	Lockout
	LastLoginAt *time.Time `json:"last_login_at,omitempty"`
	PrevLoginAt *time.Time `json:"prev_login_at,omitempty"`

	API      bool `json:"api"`
	BulkSign bool `json:"bulk_sign"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

const userVersion = 1

// UserForLogin reads a user of any company by 利用者ID. Only authentication may use it:
// everything after login goes through the session's Tenant.
func (tx *Tx) UserForLogin(id string) (User, error) {
	raw := tx.bucket(bucketUsers).Get([]byte(id))
	if raw == nil {
		return User{}, ErrNotFound
	}
	return tx.memos.users.decode(bucketUsers, []byte(id), raw)
}

func (tx *Tx) putUser(u *User) error {
	u.V = userVersion
	if err := tx.put(bucketUsers, u.ID, u); err != nil {
		return fmt.Errorf("data: save user %s: %w", u.ID, err)
	}
	return tx.bucket(bucketUsersByCompany).Put(indexKey(u.CompanyID, u.ID), nil)
}
