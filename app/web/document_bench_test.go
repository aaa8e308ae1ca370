package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
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
// the same way, over loopback TCP (the issue: at least 10%). The server's garbage
// collection policy applies (server.ApplyGCPolicy), as in `inkan serve`.
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
				page := tcpRate(b, s.Web, paths[0], cookie)
				b.ReportMetric(page, "page-req/s")
				b.ReportMetric(100*page/tcpRate(b, bareApp(), "/", ""), "rate-vs-bare-%")
			}
		})
	}
}

// bareApp is a fiber app with one handler that writes a short text: the ceiling a
// page's rate is measured against.
func bareApp() *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("hello") })
	return app
}

// tcpRate serves app on a loopback listener and reports the requests per second two
// clients at once get for path, each on its own kept-alive connection, as a browser
// or a load generator on the same machine would.
func tcpRate(b *testing.B, app *fiber.App, path, cookie string) float64 {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go app.Listener(ln)
	defer ln.Close()
	const clients, requests = 2, 4000
	url := "http://" + ln.Addr().String() + path
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for range requests {
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				req.Header.Set("X-Real-Ip", "192.0.2.10")
				if cookie != "" {
					req.Header.Set("Cookie", cookie)
				}
				resp, err := client.Do(req)
				if err != nil {
					b.Errorf("GET %s: %v", path, err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("GET %s: %d", path, resp.StatusCode)
					return
				}
			}
		})
	}
	wg.Wait()
	return clients * requests / time.Since(start).Seconds()
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
	// The served page is measured under the server's garbage collection policy, as
	// `inkan serve` runs it.
	b.Cleanup(server.ApplyGCPolicy(s.Config))
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
