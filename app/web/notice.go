package web

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/form"
	"inkan/data"
)

func (h *handler) noticeView(c *fiber.Ctx, n data.Notice) (fiber.Map, error) {
	v := h.view(c, "operator.notices", "operator.notices")
	v["Form"] = n
	err := h.Store.View(func(tx *data.Tx) error {
		list, err := tx.Notices(100)
		v["Notices"] = list
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
	v["Done"] = "notice.posted"
	return render(c, fiber.StatusOK, "operator/notices", v, layoutOperator)
}
