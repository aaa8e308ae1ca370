package data

import (
	"errors"
	"slices"
	"testing"
)

// TestInvitationIndexes: the token index holds the current token only, the state index
// follows the status, and another company reads nothing.
func TestInvitationIndexes(t *testing.T) {
	s := openTemp(t)
	var a, b Company
	inv := Invitation{Email: "p@example.jp", TokenHash: "old", Status: "waiting"}
	err := s.Update(func(tx *Tx) error {
		a, b = Company{Name: "A"}, Company{Name: "B"}
		if err := tx.CreateCompany(&a); err != nil {
			return err
		}
		if err := tx.CreateCompany(&b); err != nil {
			return err
		}
		if err := tx.Tenant(a.ID).CreateInvitation(&inv); err != nil {
			return err
		}
		// Another invitation may not take the same token.
		dup := Invitation{TokenHash: "old", Status: "waiting"}
		if err := tx.Tenant(a.ID).CreateInvitation(&dup); !errors.Is(err, ErrConflict) {
			t.Errorf("a second invitation with the same token: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(func(tx *Tx) error {
		inv.TokenHash, inv.Status = "new", "expired"
		return tx.Tenant(a.ID).PutInvitation(inv)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.View(func(tx *Tx) error {
		if _, err := tx.InvitationByToken("old"); !errors.Is(err, ErrNotFound) {
			t.Errorf("the replaced token: %v", err)
		}
		if got, err := tx.InvitationByToken("new"); err != nil || got.ID != inv.ID {
			t.Errorf("the new token: %v %v", got.ID, err)
		}
		if ids := tx.InvitationIDsInState("waiting"); len(ids) != 0 {
			t.Errorf("still waiting: %v", ids)
		}
		if ids := tx.InvitationIDsInState("expired"); !slices.Equal(ids, []string{inv.ID}) {
			t.Errorf("expired: %v", ids)
		}
		if _, err := tx.Tenant(b.ID).Invitation(inv.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("another company reads it: %v", err)
		}
		if list, _ := tx.Tenant(b.ID).Invitations(); len(list) != 0 {
			t.Errorf("another company lists %v", list)
		}
		if err := tx.Tenant(b.ID).PutInvitation(inv); !errors.Is(err, ErrNotFound) {
			t.Errorf("another company writes it: %v", err)
		}
		return nil
	})
}
