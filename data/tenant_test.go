package data

import (
	"reflect"
	"testing"
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
