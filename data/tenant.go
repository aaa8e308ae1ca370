package data

import (
	"bytes"
	"errors"
	"fmt"
	"time"
)

// Tenant is a transaction narrowed to one company. Every method answers ErrNotFound for
// a record of another company, exactly as for one that does not exist, so a foreign ID
// leaks nothing.
type Tenant struct {
	tx      *Tx
	company string
}

// Tenant narrows the transaction to the company with the given 企業ID.
func (tx *Tx) Tenant(companyID string) Tenant {
	return Tenant{tx: tx, company: companyID}
}

// CompanyID is the company this tenant is narrowed to.
func (t Tenant) CompanyID() string { return t.company }

// Company reads the tenant's own company record.
func (t Tenant) Company() (Company, error) { return t.tx.Company(t.company) }

// User reads one of the company's users.
func (t Tenant) User(id string) (User, error) {
	u, err := t.tx.UserForLogin(id)
	if err != nil {
		return User{}, err
	}
	if u.CompanyID != t.company {
		return User{}, ErrNotFound
	}
	return u, nil
}

// Users lists the company's users in 利用者ID order.
func (t Tenant) Users() ([]User, error) {
	ids := t.tx.indexIDs(bucketUsersByCompany, t.company)
	out := make([]User, 0, len(ids))
	for _, id := range ids {
		u, err := t.User(id)
		if err != nil {
			return nil, fmt.Errorf("data: users of %s: %s: %w", t.company, id, err)
		}
		out = append(out, u)
	}
	return out, nil
}

// EachUser calls fn with each of the company's users in 利用者ID order, without
// holding them all: u is reused from one call to the next, so fn copies what it keeps.
func (t Tenant) EachUser(fn func(u *User) error) error {
	prefix := []byte(t.company + "/")
	index := t.tx.bucket(bucketUsersByCompany).Cursor()
	// One cursor for all the reads: bbolt makes a new one for every Get.
	users := t.tx.bucket(bucketUsers).Cursor()
	var u User
	for k, _ := index.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = index.Next() {
		id := k[len(prefix):]
		uk, raw := users.Seek(id)
		if raw == nil || !bytes.Equal(uk, id) {
			return fmt.Errorf("data: users of %s: %s: %w", t.company, id, ErrNotFound)
		}
		var err error
		if u, err = t.tx.memos.users.decode(bucketUsers, id, raw); err != nil {
			return err
		}
		if u.CompanyID != t.company {
			return fmt.Errorf("data: users of %s: %s is of %s", t.company, id, u.CompanyID)
		}
		if err := fn(&u); err != nil {
			return err
		}
	}
	return nil
}

// CreateUser gives u the next 利用者ID and stores it in this company.
func (t Tenant) CreateUser(u *User) error {
	if _, err := t.Company(); err != nil {
		return fmt.Errorf("data: create user in %s: %w", t.company, err)
	}
	id, err := t.tx.NextID(SeqUser)
	if err != nil {
		return err
	}
	u.ID, u.CompanyID = id, t.company
	return t.tx.putUser(u)
}

// PutUser stores changes to an existing user of this company. A change of 氏名 keeps
// the name it replaces in FormerNames, until u.UpdatedAt (the edit stamps it; an
// unstamped write uses the clock). The history is the store's: whatever the caller's
// copy holds in FormerNames is replaced by the stored one, so no edit rewrites it.
func (t Tenant) PutUser(u User) error {
	old, err := t.User(u.ID)
	if err != nil {
		return err
	}
	if u.CompanyID != old.CompanyID {
		return fmt.Errorf("data: user %s cannot move to company %s", u.ID, u.CompanyID)
	}
	u.FormerNames = old.FormerNames
	if u.Name != old.Name {
		until := u.UpdatedAt
		if until.IsZero() || until.Equal(old.UpdatedAt) {
			until = time.Now()
		}
		// A full slice expression: the stored history is never appended to in place.
		u.FormerNames = append(old.FormerNames[:len(old.FormerNames):len(old.FormerNames)], FormerName{Name: old.Name, Kana: old.Kana, Until: until})
	}
	return t.tx.putUser(&u)
}

// UsersAfter lists up to limit of the company's users whose 利用者ID comes after the
// given one ("" for the first), in 利用者ID order. Long listings read it chunk by chunk,
// each chunk in a short transaction, so no reader holds the file open for a whole export.
func (t Tenant) UsersAfter(after string, limit int) ([]User, error) {
	prefix := []byte(t.company + "/")
	c := t.tx.bucket(bucketUsersByCompany).Cursor()
	k, _ := c.Seek(append(prefix, after...))
	if k != nil && after != "" && string(k[len(prefix):]) == after {
		k, _ = c.Next()
	}
	var out []User
	for ; k != nil && hasPrefix(k, prefix) && len(out) < limit; k, _ = c.Next() {
		// An export reads every user once: decoded without the memo, which is for the
		// records that pages read again and again.
		var u User
		if err := t.tx.get(bucketUsers, string(k[len(prefix):]), &u); err != nil || u.CompanyID != t.company {
			return nil, fmt.Errorf("data: users of %s after %q: %s: %w", t.company, after, k[len(prefix):], errors.Join(err, ErrNotFound))
		}
		out = append(out, u)
	}
	return out, nil
}
