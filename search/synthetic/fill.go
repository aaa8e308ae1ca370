package synthetic

import (
	"fmt"

	"inkan/data"
)

// Fill adds companies and n documents to a store, in transactions of a few thousand
// documents. The store's companies take part first, the first of them (the demo
// company of a first start) the largest, with their users on the documents, so that
// their screens show the volume; new companies make up the rest of o.Companies. Each
// document is written through its sender's Tenant, so each leaves the "to index" mark
// of any other change. progress, when not nil, hears the count so far.
func Fill(store *data.Store, n int, o Options, progress func(done int)) error {
	if o.Companies <= 0 {
		o.Companies = 1000
	}
	ids := make([]string, 0, o.Companies)
	o.Users = map[string][]string{}
	err := store.Update(func(tx *data.Tx) error {
		existing, err := tx.Companies()
		if err != nil {
			return err
		}
		for _, c := range existing[:min(len(existing), o.Companies)] {
			users, err := tx.Tenant(c.ID).Users()
			if err != nil {
				return err
			}
			ids = append(ids, c.ID)
			for _, u := range users {
				if o.Live == nil || o.Live(u) {
					o.Users[c.ID] = append(o.Users[c.ID], u.ID)
				}
			}
		}
		for i := len(ids); i < o.Companies; i++ {
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
