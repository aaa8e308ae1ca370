package search

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"inkan/data"
)

// TestParticipantFindsEachRoleOnItsCompanysSide follows one document through the steps
// that change who takes part, and asks after each, for every user, whether the
// document is among theirs: the index must agree with data.Document.Participants,
// through changes (Apply) and through a rebuild (Loader).
func TestParticipantFindsEachRoleOnItsCompanysSide(t *testing.T) {
	store, e := installation(t, t.TempDir())
	defer store.Close()
	defer e.Close()
	if err := e.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	const sender, receiver = "C000001", "C000002"
	users := []string{"U000001", "U000002", "U000003", "U000004", "U000011", "U000012", "U000013", "U000014"}
	d := data.Document{
		Title: "工事請負契約書", Status: "承認待ち",
		Sender: data.Party{UserID: "U000001", Route: &data.Route{
			Approvers: []data.Step{{UserID: "U000002"}}, Signer: data.Step{UserID: "U000003"}}},
		Receiver: data.Party{CompanyID: receiver, UserID: "U000011"},
	}
	if err := e.Update(func(tx *data.Tx) error { return tx.Tenant(sender).CreateDocument(&d) }); err != nil {
		t.Fatal(err)
	}
	put := func(change func(*data.Document)) {
		t.Helper()
		change(&d)
		err := e.Update(func(tx *data.Tx) (err error) { d, err = tx.Tenant(sender).PutDocument(d); return err })
		if err != nil {
			t.Fatal(err)
		}
	}
	sent := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		name   string
		change func(*data.Document)
		// want is, by company, the users whose own list holds the document.
		want map[string][]string
	}{
		{"registered: the sender's 担当者, approver and signer; the receiver nobody", nil,
			map[string][]string{sender: {"U000001", "U000002", "U000003"}, receiver: nil}},
		{"sent: the receiver's 受取担当者 too", func(d *data.Document) { d.Status, d.SentAt = "受領前承認待ち", &sent },
			map[string][]string{sender: {"U000001", "U000002", "U000003"}, receiver: {"U000011"}}},
		{"received: the receiver's approver and signer too", func(d *data.Document) {
			d.Receiver.Route = &data.Route{Approvers: []data.Step{{UserID: "U000012"}}, Signer: data.Step{UserID: "U000013"}}
		}, map[string][]string{sender: {"U000001", "U000002", "U000003"}, receiver: {"U000011", "U000012", "U000013"}}},
	}
	check := func(t *testing.T, want map[string][]string) {
		t.Helper()
		for company, in := range want {
			for _, u := range users {
				var wantIDs []string
				if slices.Contains(in, u) {
					wantIDs = []string{d.ID}
				}
				if got := ids(t, e, company, Query{Storage: Active, Participant: u}); !slices.Equal(got, wantIDs) {
					t.Errorf("%s's list in %s: %v, want %v", u, company, got, wantIDs)
				}
			}
		}
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.change != nil {
				put(st.change)
			}
			check(t, st.want)
		})
	}
	t.Run("after a rebuild", func(t *testing.T) {
		if err := e.Rebuild(context.Background()); err != nil {
			t.Fatal(err)
		}
		check(t, steps[len(steps)-1].want)
	})
	t.Run("with other conditions", func(t *testing.T) {
		for _, tt := range []struct {
			q    Query
			want int
		}{
			{Query{Participant: "U000012", Title: "請負"}, 1},
			{Query{Participant: "U000012", Title: "委託"}, 0},
			{Query{Participant: "U000012", Statuses: []string{"受領前承認待ち"}}, 1},
			{Query{Participant: "U000012", Storage: LongTerm}, 0},
		} {
			if got := ids(t, e, receiver, tt.q); len(got) != tt.want {
				t.Errorf("%s: %v", fmt.Sprintf("%+v", tt.q), got)
			}
		}
	})
}
