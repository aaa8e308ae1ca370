package roster

import (
	"fmt"
	"strconv"
	"time"

	"inkan/app/domain/account"

	"inkan/app/locale/i18n"
	"inkan/app/locale/jst"
	"inkan/data"
)

// RowWriter receives the export one row at a time; app/sheet's CSV and Excel writers
// satisfy it.
type RowWriter interface {
	Write(row []string) error
}

// chunk is how many users one read transaction of the export takes. Short transactions
// keep a slow download from holding a reader open on the store for minutes.
const chunk = 500

// Header is the export's first row: the result table's columns in the screen's labels,
// then the contact fields an admin exports the list for.
func Header(l i18n.Localizer) []string {
	keys := []string{"common.no", "user.id", "user.name", "user.kana", "user.role", "user.certificate",
		"user.status", "common.updated", "user.dept", "user.title", "user.tel", "user.email"}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = l.T(k)
	}
	return out
}

// Export writes every user matching f to w, in 利用者ID order and with the locks as
// they are at now, reading the store chunk by chunk: memory stays flat however many
// users the company has.
func Export(store *data.Store, companyID string, f Filter, now time.Time, l i18n.Localizer, w RowWriter) error {
	m := f.matcher()
	var certified map[string]bool
	after, no := "", 0
	for {
		var users []data.User
		err := store.View(func(tx *data.Tx) (err error) {
			t := tx.Tenant(companyID)
			if certified == nil {
				if certified, err = certifiedUsers(t); err != nil {
					return err
				}
			}
			users, err = t.UsersAfter(after, chunk)
			return err
		})
		if err != nil {
			return fmt.Errorf("export users of %s: %w", companyID, err)
		}
		if len(users) == 0 {
			return nil
		}
		for _, u := range users {
			if !m.match(&u) {
				continue
			}
			no++
			if err := w.Write(exportRow(no, u, certified[u.ID], now, l)); err != nil {
				return fmt.Errorf("export users of %s: %w", companyID, err)
			}
		}
		after = users[len(users)-1].ID
	}
}

func exportRow(no int, u data.User, certified bool, now time.Time, l i18n.Localizer) []string {
	cert := l.T("common.none")
	if certified {
		cert = l.T("common.yes")
	}
	return []string{
		strconv.Itoa(no), u.ID, u.Name, u.Kana, l.T("role." + u.Role), cert,
		l.T(statusKey(u.Status, account.IsLocked(u.Lockout, now))), jst.Date(u.UpdatedAt), u.Dept, u.Title, u.Tel, u.Email,
	}
}
