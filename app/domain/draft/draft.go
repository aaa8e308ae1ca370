// Package draft is the confirm step of every input → 確認 → 確定 flow. 確認 keeps the
// validated values server-side under a single-use token; 確定 takes them back once,
// inside the transaction that writes the result, and validates them again. The commit
// therefore never trusts the hidden fields of the confirm screen, and a double click or
// a replayed 確定 finds nothing the second time.
package draft

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"inkan/app/domain/form"
	"inkan/data"
)

// MaxAge is how long a kept draft can be committed. The hourly purge job removes drafts
// older than this; one that is older but not yet purged is refused all the same.
const MaxAge = 24 * time.Hour

// ErrGone is the answer of Take for a draft that was already used, has expired, is of
// another kind or belongs to someone else: the screens show all of them the same way,
// since the user can only enter the values again.
var ErrGone = errors.New("draft: already used, expired or not yours")

// Kind is one flow's draft: Name tells its drafts apart from other flows', Validate is
// the flow's own check of the values, run again at 確定.
type Kind[T any] struct {
	Name     string
	Validate func(T) form.Errors
}

// Keep stores v for owner and returns the token the confirm screen carries to 確定.
func (k Kind[T]) Keep(tx *data.Tx, owner string, v T, now time.Time) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("draft: keep %s: %w", k.Name, err)
	}
	token, err := newToken()
	if err != nil {
		return "", fmt.Errorf("draft: keep %s: %w", k.Name, err)
	}
	d := data.Draft{Token: token, Owner: owner, Kind: k.Name, Payload: raw, CreatedAt: now}
	if err := tx.PutDraft(d); err != nil {
		return "", fmt.Errorf("draft: keep %s: %w", k.Name, err)
	}
	return token, nil
}

// Take consumes owner's draft under token and returns its values, validated again. It
// answers ErrGone for a draft that is missing (used or purged), of another kind or
// owner, or older than MaxAge; form.Errors when the values no longer pass Validate.
// Call it inside the transaction that writes the result: when that transaction fails
// or is rolled back, the draft is not consumed either.
func (k Kind[T]) Take(tx *data.Tx, token, owner string, now time.Time) (T, error) {
	return k.read(tx.TakeDraft, token, owner, now)
}

// Peek is Take without consuming the draft: the confirm screen shown again at its GET
// address (reload, Back) from what 確認 kept. It answers as Take does.
func (k Kind[T]) Peek(tx *data.Tx, token, owner string, now time.Time) (T, error) {
	return k.read(tx.Draft, token, owner, now)
}

func (k Kind[T]) read(get func(token, owner, kind string) (data.Draft, error), token, owner string, now time.Time) (T, error) {
	var v T
	if token == "" {
		return v, ErrGone
	}
	d, err := get(token, owner, k.Name)
	if errors.Is(err, data.ErrNotFound) {
		return v, ErrGone
	}
	if err != nil {
		return v, fmt.Errorf("draft: read %s: %w", k.Name, err)
	}
	if now.Sub(d.CreatedAt) > MaxAge {
		return v, ErrGone
	}
	if err := json.Unmarshal(d.Payload, &v); err != nil {
		return v, fmt.Errorf("draft: read %s: %w", k.Name, err)
	}
	if k.Validate != nil {
		if err := k.Validate(v).Err(); err != nil {
			return v, err
		}
	}
	return v, nil
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Purge deletes the drafts older than MaxAge at now: confirm screens nobody committed.
// It is the body of the hourly job.
func Purge(store *data.Store, now time.Time) (n int, err error) {
	err = store.Update(func(tx *data.Tx) (err error) {
		n, err = tx.DeleteDraftsBefore(now.Add(-MaxAge))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("draft: purge: %w", err)
	}
	return n, nil
}
