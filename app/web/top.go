package web

import (
	"github.com/gofiber/fiber/v2"

	"inkan/data"
)

// noticesOnTop is how many お知らせ the top page shows.
const noticesOnTop = 10

func (h *handler) topShow(c *fiber.Ctx) error {
	v := h.view(c, "menu.top", "menu.top")
	err := h.Store.View(func(tx *data.Tx) error {
		notices, err := tx.Notices(noticesOnTop)
		v["Notices"] = notices
		if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	v["Empty"] = "top.mylist_empty"
	if v["Rows"], err = h.myListRows(c); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "top/index", v, layoutMain)
}
