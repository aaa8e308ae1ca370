package web

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/form"
	"inkan/data"
)

// noticeView is the operator's お知らせ screen: the form, the notices posted, and Done,
// the catalog key of the message once posted.
type noticeView struct {
	page
	Form    data.Notice
	Notices []data.Notice
	Done    string
}

func (h *handler) noticeView(c *fiber.Ctx, n data.Notice) (*noticeView, error) {
	v := &noticeView{page: h.page(c, "operator.notices", "operator.notices"), Form: n}
	err := h.Store.View(func(tx *data.Tx) (err error) {
		v.Notices, err = tx.Notices(100)
		return err
	})
	return v, err
}

func (h *handler) noticeList(c *fiber.Ctx) error {
	v, err := h.noticeView(c, data.Notice{})
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "operator/notices", v, layoutOperator)
}

func (h *handler) noticePost(c *fiber.Ctx) error {
	st := stateOf(c)
	n := data.Notice{Title: strings.TrimSpace(c.FormValue("title")), Body: strings.TrimSpace(c.FormValue("body"))}
	errs := form.Errors{}
	errs.Line("title", n.Title)
	errs.Lines("body", n.Body)
	for field, value := range map[string]string{"title": n.Title, "body": n.Body} {
		switch {
		case value == "":
			errs.Add(field, "error.required")
		case utf8.RuneCountInString(value) > 2000:
			errs.Add(field, "error.too_long")
		}
	}
	if len(errs) > 0 {
		v, err := h.noticeView(c, n)
		if err != nil {
			return err
		}
		return invalid(c, errs, v, "operator/notices", layoutOperator)
	}
	now := h.Accounts.Now()
	n.PostedBy, n.CreatedAt = st.Operator.Login, now
	err := h.Store.Update(func(tx *data.Tx) error {
		if err := tx.PostNotice(&n); err != nil {
			return err
		}
		return tx.Audit(data.Event{Time: now, Actor: operatorActor(st), Action: "notice.post", Detail: n.Title})
	})
	if err != nil {
		return err
	}
	v, err := h.noticeView(c, data.Notice{})
	if err != nil {
		return err
	}
	v.Done = "notice.posted"
	return render(c, fiber.StatusOK, "operator/notices", v, layoutOperator)
}
