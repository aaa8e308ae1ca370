package data

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestDocumentIsSeenByItsPartiesOnly(t *testing.T) {
	s := openTemp(t)
	var a, b, c Company
	d := Document{Title: "工事請負契約書", Receiver: Party{CompanyID: "C000002", Dept: "工務部"}}
	err := s.Update(func(tx *Tx) error {
		for _, co := range []*Company{&a, &b, &c} {
			if err := tx.CreateCompany(co); err != nil {
				return err
			}
		}
		return tx.Tenant(a.ID).CreateDocument(&d)
	})
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != "0000000001" || d.Sender.CompanyID != a.ID {
		t.Fatalf("created %+v", d)
	}
	visible := func(company string) bool {
		var err error
		s.View(func(tx *Tx) error { _, err = tx.Tenant(company).Document(d.ID); return nil })
		return err == nil
	}
	if !visible(a.ID) || visible(b.ID) || visible(c.ID) {
		t.Errorf("before sending: sender %v receiver %v other %v", visible(a.ID), visible(b.ID), visible(c.ID))
	}
	now := time.Now()
	d.SentAt = &now
	if err := s.Update(func(tx *Tx) error { _, err := tx.Tenant(a.ID).PutDocument(d); return err }); err != nil {
		t.Fatal(err)
	}
	if !visible(a.ID) || !visible(b.ID) || visible(c.ID) {
		t.Errorf("after sending: sender %v receiver %v other %v", visible(a.ID), visible(b.ID), visible(c.ID))
	}
	s.View(func(tx *Tx) error {
		if ids := tx.Tenant(b.ID).DocumentIDs(); !slices.Equal(ids, []string{d.ID}) {
			t.Errorf("receiver lists %v", ids)
		}
		return nil
	})
	err = s.Update(func(tx *Tx) error { d.Title = "改ざん"; _, err := tx.Tenant(c.ID).PutDocument(d); return err })
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("a third company wrote the document: %v", err)
	}
	err = s.Update(func(tx *Tx) error { d.Receiver.CompanyID = c.ID; _, err := tx.Tenant(a.ID).PutDocument(d); return err })
	if err == nil {
		t.Error("the receiver was changed")
	}
}

func TestIndexMarkSurvivesUntilTheIndexCaughtUp(t *testing.T) {
	s := openTemp(t)
	var co Company
	d := Document{Title: "t"}
	s.Update(func(tx *Tx) error {
		if err := tx.CreateCompany(&co); err != nil {
			return err
		}
		return tx.Tenant(co.ID).CreateDocument(&d)
	})
	var first []IndexMark
	s.View(func(tx *Tx) (err error) { first, err = tx.IndexMarks(10); return })
	if len(first) != 1 || first[0].DocumentID != d.ID || !slices.Equal(first[0].Companies, []string{co.ID}) {
		t.Fatalf("marks %+v", first)
	}
	// The document changes again while an indexer handles the first mark: clearing the
	// first mark must keep the newer one.
	s.Update(func(tx *Tx) error { d.Title = "t2"; _, err := tx.Tenant(co.ID).PutDocument(d); return err })
	s.Update(func(tx *Tx) error { return tx.ClearIndexMark(d.ID, first[0].Seq) })
	var left []IndexMark
	s.View(func(tx *Tx) (err error) { left, err = tx.IndexMarks(10); return })
	if len(left) != 1 || left[0].Seq <= first[0].Seq {
		t.Fatalf("after clearing the older mark: %+v", left)
	}
	s.Update(func(tx *Tx) error { return tx.ClearIndexMark(d.ID, left[0].Seq) })
	s.View(func(tx *Tx) (err error) { left, err = tx.IndexMarks(10); return })
	if len(left) != 0 {
		t.Errorf("marks left: %+v", left)
	}
}

func TestDocumentsAfterPagesThroughEveryDocument(t *testing.T) {
	s := openTemp(t)
	s.Update(func(tx *Tx) error {
		var co Company
		if err := tx.CreateCompany(&co); err != nil {
			return err
		}
		for range 5 {
			if err := tx.Tenant(co.ID).CreateDocument(&Document{}); err != nil {
				return err
			}
		}
		return nil
	})
	var got []string
	after := ""
	for {
		var page []Document
		s.View(func(tx *Tx) (err error) { page, err = tx.DocumentsAfter(after, 2); return })
		if len(page) == 0 {
			break
		}
		for _, d := range page {
			got = append(got, d.ID)
		}
		after = page[len(page)-1].ID
	}
	want := []string{"0000000001", "0000000002", "0000000003", "0000000004", "0000000005"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v", got)
	}
}
