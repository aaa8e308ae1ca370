package roster_test

import (
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"inkan/app/domain/account"
	"inkan/app/domain/roster"
	"inkan/app/locale/i18n"
	"inkan/app/locale/sheet"
	"inkan/data"
)

// fillCompany makes a company with n users straight through the store: the argon2 hash
// of the real issuance would make a 100,000-user fixture take minutes.
func fillCompany(tb testing.TB, n int) (*data.Store, string) {
	tb.Helper()
	store, err := data.Open(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	var companyID string
	const perTx = 10000
	for done := 0; done < n; done += perTx {
		err := store.Update(func(tx *data.Tx) error {
			if companyID == "" {
				c := data.Company{Name: "大量建設株式会社"}
				if err := tx.CreateCompany(&c); err != nil {
					return err
				}
				companyID = c.ID
			}
			t := tx.Tenant(companyID)
			for i := done; i < min(done+perTx, n); i++ {
				status := account.StatusActive
				if i%10 == 9 {
					status = account.StatusSuspended
				}
				u := data.User{
					Role: account.RoleGeneral, Name: fmt.Sprintf("山田 太郎%06d", i), Kana: "ヤマダ　タロウ",
					Dept: "工務部", Title: "主任", Tel: "03-1234-5678", Email: fmt.Sprintf("u%06d@example.jp", i),
					Status: status, UpdatedAt: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
				}
				if err := t.CreateUser(&u); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return store, companyID
}

type collect struct{ rows [][]string }

func (c *collect) Write(row []string) error { c.rows = append(c.rows, row); return nil }

func localizer(tb testing.TB) i18n.Localizer {
	cats, err := i18n.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return cats.For("ja")
}

// The export holds exactly the rows the screen pages through, in the same order.
func TestExportMatchesTheScreen(t *testing.T) {
	store, companyID := fillCompany(t, 1234)
	l := localizer(t)
	for _, f := range []roster.Filter{{}, {Status: account.StatusSuspended}, {Name: "太郎0001"}, {ID: "u000005"}} {
		var out collect
		if err := roster.Export(store, companyID, f, time.Time{}, l, &out); err != nil {
			t.Fatal(err)
		}
		var screen []string
		for n := 1; ; n++ {
			var p roster.Page
			store.View(func(tx *data.Tx) (err error) { p, err = roster.Find(tx, companyID, f, n, time.Time{}); return })
			for _, r := range p.Rows {
				screen = append(screen, r.ID)
			}
			if n >= p.Pages {
				break
			}
		}
		if len(out.rows) != len(screen) {
			t.Fatalf("%+v: export %d rows, screen %d", f, len(out.rows), len(screen))
		}
		for i, row := range out.rows {
			if row[1] != screen[i] || row[0] != fmt.Sprint(i+1) {
				t.Fatalf("%+v: row %d is %q, screen has %s", f, i, row[:2], screen[i])
			}
		}
	}
}

// BenchmarkExport writes the whole user list of a company as each format. peak-heap-MB
// is the largest live heap seen while exporting: flat from 10,000 to 100,000 users means
// the rows stream from the store to the writer without piling up.
func BenchmarkExport(b *testing.B) {
	l := localizer(b)
	for _, n := range []int{10000, 100000} {
		store, companyID := fillCompany(b, n)
		for _, name := range []string{"csv", "csv-sjis", "xlsx"} {
			f, _ := sheet.ParseFormat(name)
			b.Run(fmt.Sprintf("%s/users=%d", name, n), func(b *testing.B) {
				var peak uint64
				runtime.GC() // the fixture's garbage is not the export's
				for b.Loop() {
					stop := watchHeap(&peak)
					w, err := sheet.New(io.Discard, f, "一覧", roster.Header(l))
					if err != nil {
						b.Fatal(err)
					}
					if err := roster.Export(store, companyID, roster.Filter{}, time.Time{}, l, w); err != nil {
						b.Fatal(err)
					}
					if err := w.Close(); err != nil {
						b.Fatal(err)
					}
					stop()
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
			})
		}
	}
}

// watchHeap samples the live heap every millisecond into peak until stopped.
func watchHeap(peak *uint64) (stop func()) {
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for !done.Load() {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > *peak {
				*peak = v
			}
			time.Sleep(time.Millisecond)
		}
	}()
	return func() { done.Store(true); wg.Wait() }
}
