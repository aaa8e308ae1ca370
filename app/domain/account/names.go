package account

import (
	"time"

	"inkan/data"
)

// NamePeriod is a span of time in which a 利用者ID had one 氏名. One ID may pass from
// one person to another by a change of 氏名 (manual, 長期保管文書照会: 担当者変更等), so
// the ID alone does not tell whose a document was; the ID with the name and its period
// does.
type NamePeriod struct {
	UserID, Name, Kana string
	// Status is the user's 利用ステータス now (the periods of a deleted ID are kept).
	Status string
	// No is the period's place in the user's history, from 0 (the first name).
	No int
	// From is when the name was given (the user's CreatedAt for the first name); Until
	// when it was changed, zero for the current name.
	From, Until time.Time
}

// First reports whether p is the user's first name: it also covers any time before
// the record says the user was made (NameAt).
func (p NamePeriod) First() bool { return p.No == 0 }

// Current reports whether p is the user's name now.
func (p NamePeriod) Current() bool { return p.Until.IsZero() }

// NameAt is u's 氏名 at the instant at: the former name whose period holds it, else
// the current one. A time before the first change, even one before u's CreatedAt, is
// the first name's; the instant of a change is already the new name's.
func NameAt(u data.User, at time.Time) string {
	for _, f := range u.FormerNames {
		if at.Before(f.Until) {
			return f.Name
		}
	}
	return u.Name
}

// NamePeriods are u's names, oldest first, the current one last.
func NamePeriods(u data.User) []NamePeriod {
	out := make([]NamePeriod, 0, len(u.FormerNames)+1)
	from := u.CreatedAt
	for i, f := range u.FormerNames {
		out = append(out, NamePeriod{UserID: u.ID, Name: f.Name, Kana: f.Kana, Status: u.Status, No: i, From: from, Until: f.Until})
		from = f.Until
	}
	return append(out, NamePeriod{UserID: u.ID, Name: u.Name, Kana: u.Kana, Status: u.Status, No: len(u.FormerNames), From: from})
}

// CompanyNamePeriods are the name periods of every user of the company t, in 利用者ID
// order. Suspended and deleted IDs are listed too, unlike everywhere IsLive rules: the
// documents they took stay in long-term storage under them, and are searched by them.
func CompanyNamePeriods(t data.Tenant) ([]NamePeriod, error) {
	var out []NamePeriod
	err := t.EachUser(func(u *data.User) error {
		out = append(out, NamePeriods(*u)...)
		return nil
	})
	return out, err
}
