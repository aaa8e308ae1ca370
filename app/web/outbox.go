package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"inkan/data"
)

// outboxPage is how many recent mails the outbox screen lists.
const outboxPage = 200

func (h *handler) outboxView(c *fiber.Ctx) (fiber.Map, error) {
	v := h.view(c, "operator.outbox", "operator.outbox")
	v["SMTP"] = h.Config.SMTP.Host != ""
	err := h.Store.View(func(tx *data.Tx) error {
		mails, err := tx.RecentMails(outboxPage)
		v["Mails"] = mails
		return err
	})
	return v, err
}

func (h *handler) outboxList(c *fiber.Ctx) error {
	v, err := h.outboxView(c)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "operator/outbox", v, layoutOperator)
}

// outboxShow shows one mail: as a fragment into the list's panel when htmx asks, as the
// list with the mail open when loaded directly (a pushed URL reloaded).
func (h *handler) outboxShow(c *fiber.Ctx) error {
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	var m data.Mail
	if err := h.Store.View(func(tx *data.Tx) (err error) { m, err = tx.Mail(id); return }); err != nil {
		return err
	}
	if isFragmentRequest(c) {
		v := h.view(c, "operator.outbox", "operator.outbox")
		v["Mail"] = m
		return render(c, fiber.StatusOK, "operator/mail_show", v, layoutOperator)
	}
	v, err := h.outboxView(c)
	if err != nil {
		return err
	}
	v["Mail"] = m
	return render(c, fiber.StatusOK, "operator/outbox", v, layoutOperator)
}
