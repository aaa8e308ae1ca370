package synthetic_test

import (
	"testing"

	"inkan/data"
	"inkan/search/synthetic"
)

// BenchmarkReadPage50 reads 50 documents of one company in one transaction, as a list
// page does once the search index has named them (contract.Find), from a store of
// 20,000 synthetic documents.
func BenchmarkReadPage50(b *testing.B) {
	store, err := data.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if err := synthetic.Fill(store, 20_000, synthetic.Options{Companies: 20, Seed: 1}, nil); err != nil {
		b.Fatal(err)
	}
	const company = "C000001"
	var ids []string
	store.View(func(tx *data.Tx) error { ids = tx.Tenant(company).DocumentIDs(); return nil })
	if len(ids) < 50 {
		b.Fatalf("%d documents", len(ids))
	}
	page := ids[len(ids)/2 : len(ids)/2+50]
	b.ReportAllocs()
	for b.Loop() {
		err := store.View(func(tx *data.Tx) error {
			for _, id := range page {
				if _, err := tx.Tenant(company).Document(id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
