package contract

import (
	"context"
	"fmt"

	"inkan/data"
	"inkan/search"
)

// MyListLimit is how many documents マイリスト shows at most, the newest.
const MyListLimit = 100

// TurnUser is TurnOf as the search index holds it (search.TurnFunc): マイリスト asks
// the index for the documents whose turn is the user's.
func TurnUser(d data.Document) (companyID, userID string, ok bool) {
	t, ok := TurnOf(d)
	return t.CompanyID, t.UserID, ok
}

// MyList is what Waiting found.
type MyList struct {
	Total int // documents waiting for the user, of which the list shows MyListLimit
	// Stale is why the latest changes could not be applied to the index before the
	// search (the list may miss them), for the log; nil when they were.
	Stale error
}

// Waiting is マイリスト: the documents of by's company whose turn is by's, newest first,
// at most MyListLimit. The turn changes with every step; as Find does, the engine
// first applies what is marked, so the list follows the user's last step, and each
// document is checked against its record (the index may lag behind it). fn is called
// with each, in the read transaction.
func Waiting(ctx context.Context, index *search.Engine, store *data.Store, by Actor, fn func(*data.Tx, data.Document) error) (MyList, error) {
	var found MyList
	if err := index.Sync(); err != nil {
		found.Stale = fmt.Errorf("マイリスト of %s: bring the index up to date: %w", by.UserID, err)
	}
	res, err := index.Search(ctx, by.CompanyID, search.Query{Storage: search.Active, Turn: by.UserID, Limit: MyListLimit})
	if err != nil {
		return found, fmt.Errorf("マイリスト of %s: %w", by.UserID, err)
	}
	found.Total = res.Total
	return found, readPage(store.View, by, Scope{}, res.IDs, func(tx *data.Tx, d data.Document) error {
		if !WaitsFor(d, by) {
			return nil
		}
		return fn(tx, d)
	})
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
