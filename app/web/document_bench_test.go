package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"inkan/app/domain/account"
	"inkan/app/domain/contract"
	"inkan/app/run/config"
	"inkan/app/run/server"
	"inkan/app/testkit/webtest"
	"inkan/data"
	"inkan/search"
	"inkan/search/synthetic"
	"inkan/search/workload"
)

// BenchmarkDocumentScreensAtScale serves the admin's 契約文書照会（自社分全て） and
// 長期保管文書照会（自社分全て） at the scale of the search benchmarks (INKAN_BENCH_DIR
// and INKAN_BENCH_DOCS as there, default 1,000,000 documents, filled and indexed
// when missing) with the search workload's parameter sets as form values, and
// reports per kind the p99 of the whole request (session, search, 50 records read,
// HTML rendered) and how much it adds to the engine's p99 for the same sets. The
// empty-form sub-benchmark also reports its rate against a bare fiber handler served
// the same way (the issue: at least 10%).
//
//	INKAN_BENCH_DIR=/var/tmp/inkan-bench go test -run '^$' -bench DocumentScreensAtScale -benchtime 500x ./app/web
func BenchmarkDocumentScreensAtScale(b *testing.B) {
	s, cookie := scaleServer(b)
	h := s.Web.Handler()
	ctx := context.Background()
	addr := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 10), Port: 40000}
	for _, k := range workload.Admin[:workload.Screens] {
		sets := k.Sets(workload.Sets)
		b.Run(k.Name, func(b *testing.B) {
			paths := make([]string, len(sets))
			for i, q := range sets {
				paths[i] = screenPath(q)
			}
			// The engine's p99 for the same sets, measured first in the same process.
			var engine []time.Duration
			for _, q := range sets {
				start := time.Now()
				if _, err := s.Search.Search(ctx, workload.Largest, q); err != nil {
					b.Fatal(err)
				}
				engine = append(engine, time.Since(start))
			}
			if status, body := do(h, addr, paths[0], cookie); status != fasthttp.StatusOK {
				b.Fatalf("GET %s: %d\n%s", paths[0], status, body)
			}
			b.ReportAllocs()
			var screen []time.Duration
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				if status, _ := do(h, addr, paths[i%len(paths)], cookie); status != fasthttp.StatusOK {
					b.Fatalf("GET %s: %d", paths[i%len(paths)], status)
				}
				screen = append(screen, time.Since(start))
			}
			p99 := percentile(screen, 99)
			b.ReportMetric(ms(p99), "p99-ms")
			b.ReportMetric(ms(p99-percentile(engine, 99)), "added-p99-ms")
			if k.Name == "empty-form" {
				b.ReportMetric(100*float64(len(screen))/sum(screen)/bareRate(addr), "rate-vs-bare-%")
			}
		})
	}
}

// bareRate is the requests per second of a fiber handler that writes a short text,
// served like the screens.
func bareRate(addr net.Addr) float64 {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("hello") })
	h := app.Handler()
	const n = 20000
	start := time.Now()
	for range n {
		do(h, addr, "/", "")
	}
	return n / time.Since(start).Seconds()
}

// screenPath is the screen and form values of a workload query.
func screenPath(q search.Query) string {
	path := "/admin/documents"
	if q.Storage == search.LongTerm {
		path = "/admin/archive"
	}
	f := contract.Filter{Title: q.Title, GroupTag: q.GroupTag, Partner: q.Counterparty, Sort: q.Sort}
	if len(q.Statuses) > 0 {
		f.Status = contract.Status(q.Statuses[0])
	}
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format("2006-01-02")
	}
	amount := func(v *int64) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(*v)
	}
	f.ContractFrom, f.ContractTo = day(q.ContractDate.From), day(q.ContractDate.To)
	f.StorageFrom, f.StorageTo = day(q.StorageStart.From), day(q.StorageStart.To)
	f.AmountMin, f.AmountMax = amount(q.Amount.Min), amount(q.Amount.Max)
	v := f.Values()
	if q.Offset > 0 {
		v.Set("page", fmt.Sprint(q.Offset/search.DefaultLimit+1))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// scaleServer is the server on the benchmark installation, with an admin of the
// largest company signed in (a new one each run; its session cookie is returned).
func scaleServer(b *testing.B) (*server.Server, string) {
	dir := os.Getenv("INKAN_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	n := 1_000_000
	if v := os.Getenv("INKAN_BENCH_DOCS"); v != "" {
		fmt.Sscan(v, &n)
	}
	cfg, _, err := config.Parse("bench", []string{"--data", dir, "--proxy-header", "X-Real-Ip"}, func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	s, err := server.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	var empty bool
	s.Store.View(func(tx *data.Tx) error { _, err := tx.Company(workload.Largest); empty = err != nil; return nil })
	if empty {
		if err := synthetic.Fill(s.Store, n, synthetic.Options{Seed: 1}, nil); err != nil {
			b.Fatal(err)
		}
	}
	if s.Search.NeedsRebuild() {
		if err := s.Search.Rebuild(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	var id, pw string
	err = s.Store.Update(func(tx *data.Tx) error {
		u, p, err := s.Accounts.Issue(tx, workload.Largest, account.UserInput{Role: account.RoleAdmin, Name: "計測 管理者", Kana: "ケイソク", Email: "bench@example.com"})
		id, pw = u.ID, p
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	c := (&webtest.Env{Server: s}).Client(b)
	c.Login(id, pw)
	c.ChangePassword(pw, "Bench-pass-2026")
	return s, "inkan_session=" + c.Cookie("inkan_session")
}

func percentile(ds []time.Duration, p int) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[min(len(ds)-1, len(ds)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func sum(ds []time.Duration) float64 {
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t.Seconds()
}
