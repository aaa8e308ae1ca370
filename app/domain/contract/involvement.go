package contract

import (
	"fmt"

	"inkan/data"
)

// Involvement answers account.Involvement from the stored documents: a user still takes
// part in a document while they are one of its participants on their company's side
// (data.Document.Participants: the 担当者, an approver or the signer) and it has neither
// reached long-term storage nor been withdrawn (取消).
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
		if !d.LongTerm() && Status(d.Status) != StatusCancelled && d.TakesPart(companyID, userID) {
			n++
		}
	}
	return n, nil
}
