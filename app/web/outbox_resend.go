package web

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/delivery"
	"inkan/data"
)

// outboxResend (再送) puts a failed mail back in the queue with its attempts reset and
// wakes the delivery worker.
func (h *handler) outboxResend(c *fiber.Ctx) error {
	id, err := mailID(c)
	if err != nil {
		return err
	}
	st := stateOf(c)
	err = h.Store.Update(func(tx *data.Tx) error {
		return delivery.Resend(tx, id, operatorActor(st), h.Accounts.Now())
	})
	// The address bar shows the mail, not the action: a reload must not post again.
	c.Set("HX-Push-Url", "/operator/outbox/"+strconv.FormatUint(id, 10))
	switch {
	case errors.Is(err, delivery.ErrNotFailed):
		return h.renderMail(c, id, fiber.StatusConflict, "outbox.not_failed")
	case err != nil:
		return err
	}
	h.Delivery.Wake()
	return h.renderMail(c, id, fiber.StatusOK, "outbox.resent")
}
