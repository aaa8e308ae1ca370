package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/contract"
	"inkan/app/domain/roster"
	"inkan/app/locale/i18n"
	"inkan/app/locale/kana"
	"inkan/data"
)

// pickFields are the form fields the 利用者選択 picker can fill: 電子証明書追加発行申請's
// 利用者ID, 紐付け更新's 追加 and 長期保管文書照会's 自社担当者.
var pickFields = map[string]bool{"user_id": true, "add": true, contract.SearchOwner: true}

// pickedUser is the user a picker chose for a form field, shown with their name. For
// 自社担当者 it may be one of the user's names: Period says when the ID had it, and
// From and To are the search's dates of it (contract.OwnerPeriod), which the form
// sends as the field's _from and _to.
type pickedUser struct {
	Field, ID, Name  string
	Period, From, To string
	// OpenKey is the caption that opens the search, when not 参照.
	OpenKey string
	L       i18n.Localizer
}

// pickUser is the user of the company t with the ID, for the field; an unknown ID keeps
// the ID and shows no name (the form's check then refuses it).
func pickUser(t data.Tenant, id, field string) (pickedUser, error) {
	p := pickedUser{Field: field, ID: id}
	if id == "" {
		return p, nil
	}
	u, err := account.LiveUser(t, id)
	if errors.Is(err, data.ErrNotFound) {
		return p, nil
	}
	p.Name = u.Name
	return p, err
}

// ownerPick is the 自社担当者 of the filter f as its picker shows it: the user of the
// company t, deleted or suspended too (their documents remain), with the name of the
// period f names, or the current name for no period. An unknown ID, or a period that
// is none of the user's names, keeps what was asked and shows no name.
func ownerPick(t data.Tenant, f contract.Filter, l i18n.Localizer) (pickedUser, error) {
	// The manual's 自社担当者ID (選択してください).
	p := pickedUser{Field: contract.SearchOwner, ID: f.Owner, From: f.OwnerFrom, To: f.OwnerTo, OpenKey: "common.choose"}
	if f.Owner == "" {
		return p, nil
	}
	u, err := t.User(f.Owner)
	if errors.Is(err, data.ErrNotFound) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	if f.OwnerFrom == "" && f.OwnerTo == "" {
		p.Name = u.Name
		return p, nil
	}
	for _, np := range account.NamePeriods(u) {
		if from, to := contract.OwnerPeriod(np); from == f.OwnerFrom && to == f.OwnerTo {
			p.Name, p.Period = np.Name, periodText(l, np)
		}
	}
	return p, nil
}

// periodText is when a user had a name, as 利用者選択 and the picked 自社担当者 show it
// (2019/04/01～2023/03/31, the current one ～現在).
func periodText(l i18n.Localizer, p account.NamePeriod) string {
	if p.Current() {
		return l.T("user.name_period_now", dateOf(p.From))
	}
	return l.T("user.name_period", dateOf(p.From), dateOf(p.Until))
}

// userPickView is the result of a 利用者選択 search: one ID by radio, then 選択.
type userPickView struct {
	page
	Field string
	// Periods says that the rows are names with their periods (自社担当者).
	Periods bool
	Rows    []pickRow
	Count   string
}

// pickRow is one choice of 利用者選択: Value is what 選択 sends (the ID, or for a
// name's period the ID and the period's number, ID/No), Key tells the radios apart.
type pickRow struct {
	Key, Value, ID, Name, Kana, Period string
}

func pickField(c *fiber.Ctx) (string, error) {
	field := c.Query("field")
	if !pickFields[field] {
		return "", fiber.ErrBadRequest
	}
	return field, nil
}

// userPick is 利用者選択's 検索: the company's active users by 利用者ID, 利用者名 and
// 利用者名カナ (empty: all), one page.
func (h *handler) userPick(c *fiber.Ctx) error {
	field, err := pickField(c)
	if err != nil {
		return err
	}
	st := stateOf(c)
	f := roster.Filter{ID: c.Query("pick_id"), Name: c.Query("pick_name"), Status: account.StatusActive}.Normalize()
	if errs := f.Validate(); len(errs) > 0 {
		return fiber.NewError(fiber.StatusBadRequest, "error.search_too_long")
	}
	v := &userPickView{page: h.page(c, "cert.pick_title", "menu.admin"), Field: field, Periods: field == contract.SearchOwner}
	want := kana.Fold(strings.TrimSpace(c.Query("pick_kana")))
	keep := func(r pickRow) {
		if want == "" || strings.Contains(kana.Fold(r.Kana), want) {
			v.Rows = append(v.Rows, r)
		}
	}
	err = h.Store.View(func(tx *data.Tx) error {
		if v.Periods {
			// 自社担当者: every name of every ID, those no longer in use too.
			periods, err := roster.NamePeriods(tx, st.Company.ID, f)
			for _, p := range periods {
				no := strconv.Itoa(p.No)
				keep(pickRow{Key: p.UserID + "-" + no, Value: p.UserID + "/" + no, ID: p.UserID, Name: p.Name, Kana: p.Kana, Period: periodText(v.L, p)})
			}
			return err
		}
		found, err := roster.Find(tx, st.Company.ID, f, 1, h.Accounts.Now())
		for _, r := range found.Rows {
			keep(pickRow{Key: r.ID, Value: r.ID, ID: r.ID, Name: r.Name, Kana: r.Kana})
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(v.Rows) > 0 {
		v.Count = v.L.T("common.range", len(v.Rows), 1, len(v.Rows))
	}
	return render(c, fiber.StatusOK, "admin/user_pick", v, "")
}

// userPickChoose is 選択 (or クリア, with no ID): the chosen user in the form's field.
// Another company's ID is not found.
func (h *handler) userPickChoose(c *fiber.Ctx) error {
	field, err := pickField(c)
	if err != nil {
		return err
	}
	l := h.Catalogs.For(stateOf(c).Lang)
	if field == contract.SearchOwner {
		return h.ownerPickChoose(c, l)
	}
	id := account.NormalizeID(c.Query("pick"))
	var p pickedUser
	err = h.Store.View(func(tx *data.Tx) error {
		t := tx.Tenant(stateOf(c).Company.ID)
		if id != "" {
			if _, err := account.LiveUser(t, id); err != nil {
				return err
			}
		}
		p, err = pickUser(t, id, field)
		return err
	})
	if err != nil {
		return err
	}
	p.L = l
	return h.renderPicked(c, p)
}

func (h *handler) renderPicked(c *fiber.Ctx, p pickedUser) error {
	v := h.view(c, "cert.pick_title", "menu.admin")
	v["Picked"] = p
	return render(c, fiber.StatusOK, "admin/user_picked", v, "")
}

// ownerPickChoose is 選択 of a 自社担当者: the ID with one of its names (pick=ID/No, the
// No-th name, NamePeriods), which sets the search's period of that name, or the ID
// alone; no pick is クリア, which empties all three. A user no longer active can be
// chosen (their documents remain); another company's ID is not found.
func (h *handler) ownerPickChoose(c *fiber.Ctx, l i18n.Localizer) error {
	id, no, named := strings.Cut(c.Query("pick"), "/")
	f := contract.Filter{Owner: id}.Normalize()
	var p pickedUser
	err := h.Store.View(func(tx *data.Tx) error {
		t := tx.Tenant(stateOf(c).Company.ID)
		if f.Owner != "" {
			u, err := t.User(f.Owner)
			if err != nil {
				return err
			}
			if named {
				periods := account.NamePeriods(u)
				n, err := strconv.Atoi(no)
				if err != nil || n < 0 || n >= len(periods) {
					return fiber.ErrNotFound
				}
				f.OwnerFrom, f.OwnerTo = contract.OwnerPeriod(periods[n])
			}
		}
		var err error
		p, err = ownerPick(t, f, l)
		return err
	})
	if err != nil {
		return err
	}
	p.L = l
	return h.renderPicked(c, p)
}
