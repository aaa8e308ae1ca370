package jobs

import (
	"time"

	"inkan/data"
)

// draftLifetime is how long a confirm screen's draft waits for its 確定 before the purge
// removes it.
const draftLifetime = 24 * time.Hour

// purgeDrafts deletes the drafts of abandoned confirm screens. It lives here until the
// confirm-step package owns drafts; the table then points at that package's rule.
func purgeDrafts(store *data.Store, now time.Time) (n int, err error) {
	err = store.Update(func(tx *data.Tx) (err error) {
		n, err = tx.DeleteDraftsBefore(now.Add(-draftLifetime))
		return err
	})
	return n, err
}
