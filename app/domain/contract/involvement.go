package contract

import (
	"fmt"

	"inkan/data"
)

// Involvement answers account.Involvement from the stored documents: a user takes part
// in a document while they are their company's 担当者 on it (the registering user of the
// sender, the receiving user of the receiver) and it has not reached long-term storage.
type Involvement struct{}

// OpenDocuments counts the documents of the company that user still takes part in. It
// reads the records, not the search index, so a deletion never races an index update.
func (Involvement) OpenDocuments(tx *data.Tx, companyID, userID string) (int, error) {
	t := tx.Tenant(companyID)
	n := 0
	for _, id := range t.DocumentIDs() {
		d, err := t.Document(id)
		if err != nil {
			return 0, fmt.Errorf("documents of %s in %s: %w", userID, companyID, err)
		}
		if !d.LongTerm() && takesPart(d, companyID, userID) {
			n++
		}
	}
	return n, nil
}

func takesPart(d data.Document, companyID, userID string) bool {
	return (d.Sender.CompanyID == companyID && d.Sender.UserID == userID) ||
		(d.Receiver.CompanyID == companyID && d.Receiver.UserID == userID)
}
