package contract_test

import (
	"testing"
	"time"

	"inkan/app/domain/contract"
	"inkan/data"
)

func TestOpenDocumentsCountsOnlyThePartysOwnUnstoredDocuments(t *testing.T) {
	store, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	sent := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	var a, b data.Company
	err = store.Update(func(tx *data.Tx) error {
		a, b = data.Company{Name: "発注建設"}, data.Company{Name: "受注工務店"}
		if err := tx.CreateCompany(&a); err != nil {
			return err
		}
		if err := tx.CreateCompany(&b); err != nil {
			return err
		}
		docs := []data.Document{
			{Title: "open, sender U1", Sender: data.Party{UserID: "U1"}, Receiver: data.Party{CompanyID: b.ID, UserID: "U9"}, SentAt: &sent},
			{Title: "open draft, sender U1", Sender: data.Party{UserID: "U1"}},
			{Title: "stored, sender U1", Sender: data.Party{UserID: "U1"}, StorageStart: sent},
			{Title: "open, sender U2", Sender: data.Party{UserID: "U2"}},
			{Title: "open, U5 approves and U6 signs", Status: "承認待ち", Sender: data.Party{UserID: "U7", Route: &data.Route{Approvers: []data.Step{{UserID: "U5"}}, Signer: data.Step{UserID: "U6"}}}},
			{Title: "withdrawn, sender U5", Status: "取消", Sender: data.Party{UserID: "U5"}},
			// The same user ID on the other company's side is not this company's user.
			{Title: "open, receiver U1 at B", Sender: data.Party{UserID: "U3"}, Receiver: data.Party{CompanyID: b.ID, UserID: "U1"}, SentAt: &sent},
		}
		for i := range docs {
			if err := tx.Tenant(a.ID).CreateDocument(&docs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		company, user string
		want          int
	}{
		{a.ID, "U1", 2},
		{a.ID, "U2", 1},
		{a.ID, "U4", 0},
		{a.ID, "U5", 1},
		{a.ID, "U6", 1},
		{b.ID, "U9", 1},
		{b.ID, "U1", 1},
	}
	for _, tt := range tests {
		var got int
		err := store.View(func(tx *data.Tx) (err error) {
			got, err = contract.Involvement{}.OpenDocuments(tx, tt.company, tt.user)
			return err
		})
		if err != nil || got != tt.want {
			t.Errorf("%s %s: %d (%v), want %d", tt.company, tt.user, got, err, tt.want)
		}
	}
}
