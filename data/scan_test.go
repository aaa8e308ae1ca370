package data

import (
	"fmt"
	"slices"
	"testing"
)

// Pages released by Scan fault back in: reads in the same transaction after the
// release, in later ones, and after writes that grow (and remap) the file all see the
// records.
func TestScanLeavesTheStoreReadable(t *testing.T) {
	s := openTemp(t)
	var co Company
	create := func(n int) {
		t.Helper()
		err := s.Update(func(tx *Tx) error {
			if co.ID == "" {
				if err := tx.CreateCompany(&co); err != nil {
					return err
				}
			}
			for i := range n {
				if err := tx.Tenant(co.ID).CreateDocument(&Document{Title: fmt.Sprintf("工事請負契約書 %04d", i)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	titles := func(view func(func(*Tx) error) error) []string {
		t.Helper()
		var out []string
		err := view(func(tx *Tx) error {
			docs, err := tx.DocumentsAfter("", 1_000_000)
			for _, d := range docs {
				out = append(out, d.Title)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	create(500)
	want := titles(s.View)
	for round := range 3 {
		if got := titles(s.Scan); !slices.Equal(got, want) {
			t.Fatalf("round %d: Scan read %d documents, want %d", round, len(got), len(want))
		}
		if got := titles(s.View); !slices.Equal(got, want) {
			t.Fatalf("round %d: View after Scan read %d documents, want %d", round, len(got), len(want))
		}
		// Read again inside one Scan after its first release.
		err := s.Scan(func(tx *Tx) error {
			for range 2 {
				if err := s.releaseAndCount(tx, len(want)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		create(2000) // grows the file past its mapping
		want = titles(s.View)
	}
}

// releaseAndCount releases the mapping inside tx and reads the documents again.
func (s *Store) releaseAndCount(tx *Tx, want int) error {
	if err := tx.releasePages(); err != nil {
		return err
	}
	docs, err := tx.DocumentsAfter("", 1_000_000)
	if err != nil {
		return err
	}
	if len(docs) != want {
		return fmt.Errorf("read %d documents after release, want %d", len(docs), want)
	}
	return nil
}
