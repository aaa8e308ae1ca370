package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/draft"
	"inkan/app/domain/form"
	"inkan/data"
)

// keepDraft keeps what a confirm screen shows, for its 確定 to take once with
// k.Take inside the committing transaction.
func keepDraft[T any](h *handler, k draft.Kind[T], owner string, v T) (string, error) {
	var token string
	err := h.Store.Update(func(tx *data.Tx) (err error) {
		token, err = k.Keep(tx, owner, v, h.Accounts.Now())
		return err
	})
	return token, err
}

// peekDraft reads the draft of a confirm screen's GET address (reload, Back) without
// taking it.
func peekDraft[T any](h *handler, k draft.Kind[T], token, owner string) (T, error) {
	var v T
	err := h.Store.View(func(tx *data.Tx) (err error) {
		v, err = k.Peek(tx, token, owner, h.Accounts.Now())
		return err
	})
	return v, err
}

// confirmed reports whether Take found the draft: its values are then what the input
// screen shows again after a refusal (the values confirmed, whatever the hidden fields
// of the confirm screen say), also when they no longer pass the rules.
func confirmed(err error) bool {
	var errs form.Errors
	return err == nil || errors.As(err, &errs)
}

// draftToken is the token a confirm screen posts back to its 確定.
func draftToken(c *fiber.Ctx) string { return c.FormValue("draft") }

// commitRefused answers a 確定 that did not go through, on the input screen v with the
// values as typed: a used, expired or foreign draft is 409 with one message in every
// flow; messages of the rules are 422 beside their fields; anything else is the error
// page.
func commitRefused(c *fiber.Ctx, err error, v any, name, layout string) error {
	if errors.Is(err, draft.ErrGone) {
		if err := withErrors(v, form.Errors{"": "error.draft_used"}, name); err != nil {
			return err
		}
		return render(c, fiber.StatusConflict, name, v, layout)
	}
	return invalid(c, err, v, name, layout)
}
