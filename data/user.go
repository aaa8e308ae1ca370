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

	// FormerNames are the 氏名 the ID had before Name, oldest first, each with the
	// moment it gave way to the next: one 利用者ID may pass from one person to another
	// by a change of 氏名 (manual, 長期保管文書照会), and the documents each took keep
	// that person's name. The first held from CreatedAt (or before: a record knows no
	// earlier time), Name holds from the last Until. Only PutUser writes it.
	FormerNames []FormerName `json:"former_names,omitempty"`
}

// FormerName is a 氏名 a user had, with its カナ, until the instant it was changed.
type FormerName struct {
	Name  string    `json:"name"`
	Kana  string    `json:"kana,omitempty"`
	Until time.Time `json:"until"`
}

// userVersion is the shape of a stored User. FormerNames came without a new version:
// the field is optional, and a record without it is one whose 氏名 never changed since
// names were kept, which is all that a migration could say of it either.
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
