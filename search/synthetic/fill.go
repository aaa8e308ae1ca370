package synthetic

import (
	"fmt"

	"inkan/data"
)

// Fill adds companies and n documents to a store, in transactions of a few thousand
// documents. Each document is written through its sender's Tenant, so each leaves the
// "to index" mark of any other change. progress, when not nil, hears the count so far.
func Fill(store *data.Store, n int, o Options, progress func(done int)) error {
	if o.Companies <= 0 {
		o.Companies = 1000
	}
	ids := make([]string, 0, o.Companies)
	err := store.Update(func(tx *data.Tx) error {
		for i := range o.Companies {
			c := data.Company{Name: fmt.Sprintf("合成建設%04d株式会社", i+1), Plan: "片方課金"}
			if err := tx.CreateCompany(&c); err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("synthetic: companies: %w", err)
	}
	o.CompanyIDs = ids
	g := New(o)
	const chunk = 5000
	for done := 0; done < n; {
		m := min(chunk, n-done)
		err := store.Update(func(tx *data.Tx) error {
			for range m {
				d := g.Document("")
				if err := tx.Tenant(d.Sender.CompanyID).CreateDocument(&d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("synthetic: documents: %w", err)
		}
		done += m
		if progress != nil {
			progress(done)
		}
	}
	return nil
}
