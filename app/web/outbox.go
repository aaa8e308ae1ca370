package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"inkan/data"
)

// outboxPage is how many recent mails the outbox screen lists.
const outboxPage = 200

// outboxView is the operator's 送信メール screen: the recent mails, how many failed,
// and the one mail open (with Note, the catalog key of what an action on it did). The
// fragment of one mail, operator/mail_show, reads Mail and Note alone.
type outboxView struct {
	page
	SMTP   bool
	Mails  []data.Mail
	Failed int
	Mail   *data.Mail
	Note   string
}

func (h *handler) outboxView(c *fiber.Ctx) (*outboxView, error) {
	v := &outboxView{page: h.page(c, "operator.outbox", "operator.outbox"), SMTP: h.Config.SMTP.Host != ""}
	err := h.Store.View(func(tx *data.Tx) (err error) {
		if v.Mails, err = tx.RecentMails(outboxPage); err != nil {
			return err
		}
		// Failed mails wait for the operator, however old they are.
		failed, err := tx.MailsInState(data.MailFailed)
		v.Failed = len(failed)
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
	id, err := mailID(c)
	if err != nil {
		return err
	}
	return h.renderMail(c, id, fiber.StatusOK, "")
}

// renderMail shows mail id with an optional note (the outcome of an action on it).
func (h *handler) renderMail(c *fiber.Ctx, id uint64, status int, note string) error {
	var m data.Mail
	if err := h.Store.View(func(tx *data.Tx) (err error) { m, err = tx.Mail(id); return }); err != nil {
		return err
	}
	// Without an SMTP server the outbox is how mail is read, so the operator sees the
	// secret; with one, only its mark: the recipient alone reads it.
	if h.Config.SMTP.Host == "" {
		text, err := h.Mail.Open(m)
		if err != nil {
			return err
		}
		m.Text = text
	}
	if isFragmentRequest(c) {
		v := &outboxView{page: h.page(c, "operator.outbox", "operator.outbox"), Mail: &m, Note: note}
		return render(c, status, "operator/mail_show", v, layoutOperator)
	}
	v, err := h.outboxView(c)
	if err != nil {
		return err
	}
	v.Mail, v.Note = &m, note
	return render(c, status, "operator/outbox", v, layoutOperator)
}

func mailID(c *fiber.Ctx) (uint64, error) {
	id, err := strconv.ParseUint(c.Params("id"), 10, 64)
	if err != nil {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}
