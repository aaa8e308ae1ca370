package web

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/locale/i18n"
	"inkan/app/locale/kana"
	"inkan/data"
)

// pickedPartner is the 取引先企業 a picker chose for the search form, shown with its name.
type pickedPartner struct {
	ID, Name string
	L        i18n.Localizer
}

// partnerRow is one company of 取引先企業選択.
type partnerRow struct{ ID, Name string }

// partnerPickLimit bounds the companies one search of the picker shows; a longer list
// asks for a narrower search.
const partnerPickLimit = 100

// partnerPickView is the result of a 取引先企業選択 search: one company by radio, then 選択.
type partnerPickView struct {
	page
	Rows  []partnerRow
	Count string
	More  bool
}

// partnerPick is 取引先企業選択's 検索: the companies this company has exchanged
// documents with (data.Tenant.Partners), by 企業名 and 企業ID in part (empty: all).
// No other company of the installation is ever listed.
func (h *handler) partnerPick(c *fiber.Ctx) error {
	st := stateOf(c)
	name, id := kana.FoldPhrase(c.Query("pick_partner_name")), strings.ToUpper(account.NormalizeID(c.Query("pick_partner_id")))
	if len([]rune(name)) > account.MaxIDLength*2 || len(id) > account.MaxIDLength {
		return fiber.NewError(fiber.StatusBadRequest, "error.search_too_long")
	}
	v := &partnerPickView{page: h.page(c, "partner.pick_title", "menu.admin")}
	err := h.Store.View(func(tx *data.Tx) error {
		for _, pid := range tx.Tenant(st.Company.ID).Partners() {
			co, err := tx.Company(pid)
			if err != nil {
				continue // a company that is gone has nothing to search
			}
			if strings.Contains(pid, id) && strings.Contains(kana.FoldPhrase(co.Name), name) {
				v.Rows = append(v.Rows, partnerRow{ID: pid, Name: co.Name})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(v.Rows, func(a, b partnerRow) int { return strings.Compare(a.Name, b.Name) })
	if n := len(v.Rows); n > 0 {
		v.Count = v.L.T("common.range", n, 1, min(n, partnerPickLimit))
	}
	if len(v.Rows) > partnerPickLimit {
		v.Rows, v.More = v.Rows[:partnerPickLimit], true
	}
	return render(c, fiber.StatusOK, "admin/partner_pick", v, "")
}

// partnerPickChoose is 選択 (or クリア, with no ID): the chosen company in the search
// form. A company that is not a partner is not found.
func (h *handler) partnerPickChoose(c *fiber.Ctx) error {
	st := stateOf(c)
	p := pickedPartner{ID: account.NormalizeID(c.Query("pick_partner")), L: h.Catalogs.For(st.Lang)}
	err := h.Store.View(func(tx *data.Tx) (err error) {
		p.Name, err = partnerName(tx, st.Company.ID, p.ID)
		return err
	})
	if err != nil {
		return err
	}
	v := h.view(c, "partner.pick_title", "menu.admin")
	v["Picked"] = p
	return render(c, fiber.StatusOK, "admin/partner_picked", v, "")
}

// partnerName is the name of company's partner id ("" for no id), or ErrNotFound for
// a company that is not its partner.
func partnerName(tx *data.Tx, company, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	if !slices.Contains(tx.Tenant(company).Partners(), id) {
		return "", data.ErrNotFound
	}
	co, err := tx.Company(id)
	if err != nil {
		return "", err
	}
	return co.Name, nil
}
