package web

import (
	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
)

func (h *handler) sectionShow(s section) fiber.Handler {
	return func(c *fiber.Ctx) error {
		st := stateOf(c)
		v := h.view(c, s.Key, s.Key)
		// The page lists what this user's menu lists (利用申請URL送信 depends on the plan).
		for _, visible := range menuFor(st.User.Role == account.RoleAdmin, canInvite(st.Company)) {
			if visible.Key == s.Key {
				s = visible
			}
		}
		v["Section"] = s
		return render(c, fiber.StatusOK, "section/index", v, layoutMain)
	}
}

func (h *handler) comingShow(s section, item menuItem) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v := h.view(c, item.Key, s.Key)
		v["Item"] = item
		return render(c, fiber.StatusOK, "section/coming", v, layoutMain)
	}
}
