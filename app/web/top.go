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
	rows, total, err := h.myListRows(c)
	if err != nil {
		return err
	}
	v["Rows"] = rows
	if total > len(rows) {
		// The list shows the newest; the count says there are more.
		v["MyListCount"] = h.Catalogs.For(stateOf(c).Lang).T("common.range", total, 1, len(rows))
	}
	return render(c, fiber.StatusOK, "top/index", v, layoutMain)
}
