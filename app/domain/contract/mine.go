package contract

// The documents a user takes part in, for マイリスト, read from the records: the page
// shows those whose turn is the user's, which changes with every step (契約文書照会 asks
// the search engine instead, see Find).

import (
	"errors"
	"fmt"
	"slices"

	"inkan/data"
)

// Mine lists the documents of by's company that by takes part in (担当者, approver or
// signer, on either side), newest first.
func Mine(tx *data.Tx, by Actor) ([]data.Document, error) {
	t := tx.Tenant(by.CompanyID)
	var out []data.Document
	for _, id := range t.DocumentIDs() {
		d, err := t.Document(id)
		if errors.Is(err, data.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("documents of %s in %s: %w", by.UserID, by.CompanyID, err)
		}
		if d.TakesPart(by.CompanyID, by.UserID) {
			out = append(out, d)
		}
	}
	slices.Reverse(out)
	return out, nil
}

// WaitsFor reports whether it is by's turn on d (マイリスト).
func WaitsFor(d data.Document, by Actor) bool {
	turn, ok := TurnOf(d)
	return ok && turn.CompanyID == by.CompanyID && turn.UserID == by.UserID
}

// TakesPart reports whether by is one of d's participants on their company's side
// (data.Document.Participants): a general user sees only such documents; an admin sees
// every document of the company (契約文書照会（自社分全て）).
func TakesPart(d data.Document, by Actor) bool { return d.TakesPart(by.CompanyID, by.UserID) }
