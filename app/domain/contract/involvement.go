package contract

import (
	"fmt"

	"inkan/data"
)

// Involvement answers account.Involvement from the stored documents: a user takes part
// in a document while they are their company's 担当者 on it (the registering user of the
// sender, the receiving user of the receiver) or on its route (an approver or the
// signer), and it has neither reached long-term storage nor been withdrawn (取消).
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
		if !d.LongTerm() && Status(d.Status) != StatusCancelled && takesPart(d, companyID, userID) {
			n++
		}
	}
	return n, nil
}

func takesPart(d data.Document, companyID, userID string) bool {
	for _, p := range []data.Party{d.Sender, d.Receiver} {
		if p.CompanyID == companyID && (p.UserID == userID || onRoute(p.Route, userID)) {
			return true
		}
	}
	return false
}

func onRoute(r *data.Route, userID string) bool {
	if r == nil {
		return false
	}
	if r.Signer.UserID == userID {
		return true
	}
	for _, a := range r.Approvers {
		if a.UserID == userID {
			return true
		}
	}
	return false
}
