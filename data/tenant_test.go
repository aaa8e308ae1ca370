package data

import (
	"reflect"
	"testing"
	"time"
)

func TestUsersAfterPagesThroughOneCompanyOnly(t *testing.T) {
	s := openTemp(t)
	var a, b Company
	var want []string
	err := s.Update(func(tx *Tx) error {
		a, b = Company{Name: "A"}, Company{Name: "B"}
		if err := tx.CreateCompany(&a); err != nil {
			return err
		}
		if err := tx.CreateCompany(&b); err != nil {
			return err
		}
		// Interleave the two companies so that their IDs alternate in the sequence.
		for i := 0; i < 5; i++ {
			ua, ub := User{Name: "a"}, User{Name: "b"}
			if err := tx.Tenant(a.ID).CreateUser(&ua); err != nil {
				return err
			}
			if err := tx.Tenant(b.ID).CreateUser(&ub); err != nil {
				return err
			}
			want = append(want, ua.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	after := ""
	for {
		var chunk []User
		if err := s.View(func(tx *Tx) (err error) { chunk, err = tx.Tenant(a.ID).UsersAfter(after, 2); return }); err != nil {
			t.Fatal(err)
		}
		if len(chunk) == 0 {
			break
		}
		if len(chunk) > 2 {
			t.Fatalf("chunk of %d, limit 2", len(chunk))
		}
		for _, u := range chunk {
			got = append(got, u.ID)
		}
		after = chunk[len(chunk)-1].ID
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestPutUserKeepsFormerNames: each change of 氏名 keeps the name it replaces with the
// moment of the change; other edits keep the history as it is, and a caller's copy
// cannot rewrite it.
func TestPutUserKeepsFormerNames(t *testing.T) {
	s := openTemp(t)
	created := time.Date(2019, 4, 1, 9, 0, 0, 0, time.UTC)
	first, second := created.AddDate(2, 0, 0), created.AddDate(4, 0, 0)
	var id, company string
	edit := func(fn func(u *User)) {
		t.Helper()
		err := s.Update(func(tx *Tx) error {
			u, err := tx.Tenant(company).User(id)
			if err != nil {
				return err
			}
			fn(&u)
			return tx.Tenant(company).PutUser(u)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err := s.Update(func(tx *Tx) error {
		c := Company{Name: "A"}
		if err := tx.CreateCompany(&c); err != nil {
			return err
		}
		u := User{Name: "鈴木 一郎", Kana: "スズキ イチロウ", CreatedAt: created, UpdatedAt: created}
		if err := tx.Tenant(c.ID).CreateUser(&u); err != nil {
			return err
		}
		id, company = u.ID, c.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	edit(func(u *User) { u.Tel, u.UpdatedAt = "03-0000-0000", created.AddDate(1, 0, 0) })
	edit(func(u *User) { u.Name, u.Kana, u.UpdatedAt = "佐藤 花子", "サトウ ハナコ", first })
	edit(func(u *User) { u.FormerNames = nil; u.Email = "x@example.com" }) // no rename: the history stays
	edit(func(u *User) { u.Name, u.UpdatedAt = "田中 次郎", second })
	var got User
	if err := s.View(func(tx *Tx) (err error) { got, err = tx.Tenant(company).User(id); return }); err != nil {
		t.Fatal(err)
	}
	want := []FormerName{{Name: "鈴木 一郎", Kana: "スズキ イチロウ", Until: first}, {Name: "佐藤 花子", Kana: "サトウ ハナコ", Until: second}}
	if got.Name != "田中 次郎" || len(got.FormerNames) != len(want) {
		t.Fatalf("name %q, former %+v", got.Name, got.FormerNames)
	}
	for i, w := range want {
		if f := got.FormerNames[i]; f.Name != w.Name || f.Kana != w.Kana || !f.Until.Equal(w.Until) {
			t.Errorf("former name %d: %+v, want %+v", i, f, w)
		}
	}
	// A write that does not stamp UpdatedAt still dates the change, at the clock.
	before := time.Now()
	edit(func(u *User) { u.Name = "山田 三郎" })
	if err := s.View(func(tx *Tx) (err error) { got, err = tx.Tenant(company).User(id); return }); err != nil {
		t.Fatal(err)
	}
	if last := got.FormerNames[len(got.FormerNames)-1]; last.Name != "田中 次郎" || last.Until.Before(before) {
		t.Errorf("unstamped rename: %+v", last)
	}
}
