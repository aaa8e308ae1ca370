package web

import (
	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/contract"
	"inkan/app/locale/jst"
	"inkan/data"
)

// documentRow is one document of 契約文書照会 and マイリスト, seen from the viewer's company.
type documentRow struct {
	No                                                 int
	ID, Title, Partner, OrderSide, Status, Turn, Owner string
	UpdatedAt                                          string
}

// documentRows lists the documents the viewer takes part in; waiting keeps only those
// whose turn is the viewer's.
func (h *handler) documentRows(c *fiber.Ctx, tx *data.Tx, waiting bool) ([]documentRow, error) {
	st := stateOf(c)
	by := contractActor(st)
	l := h.Catalogs.For(st.Lang)
	docs, err := contract.Mine(tx, by)
	if err != nil {
		return nil, err
	}
	var rows []documentRow
	for _, d := range docs {
		if waiting && !contract.WaitsFor(d, by) {
			continue
		}
		own, other := d.Sender, d.Receiver
		if d.Sender.CompanyID != st.Company.ID {
			own, other = d.Receiver, d.Sender
		}
		s := contract.Status(d.Status)
		row := documentRow{No: len(rows) + 1, ID: d.ID, Title: d.Title, Partner: companyName(tx, other.CompanyID), OrderSide: own.OrderSide,
			Status: l.T(s.LabelKey()), Owner: own.UserID, UpdatedAt: datetimeOf(d)}
		if k := s.TurnKey(); k != "" {
			row.Turn = l.T(k)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func datetimeOf(d data.Document) string { return jst.DateTime(d.UpdatedAt) }

// contractListView is 契約文書照会.
type contractListView struct {
	page
	Rows []documentRow
	// Empty is the catalog key said when there is none.
	Empty string
}

// contractList is 契約文書照会: every document the user takes part in, in any role.
func (h *handler) contractList(c *fiber.Ctx) error {
	v := &contractListView{page: h.page(c, "menu.contracts.list", "menu.contracts"), Empty: "contract.list_empty"}
	err := h.Store.View(func(tx *data.Tx) (err error) {
		v.Rows, err = h.documentRows(c, tx, false)
		return err
	})
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "contracts/list", v, layoutMain)
}
