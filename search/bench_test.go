package search_test

import (
	"bufio"
	"context"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"inkan/data"
	"inkan/search"
	"inkan/search/synthetic"
	"inkan/search/workload"
)

// The admin-screen benchmarks run on an installation of INKAN_BENCH_DOCS synthetic
// documents (default 1,000,000; 1,000 companies, the largest a party to a tenth of
// them) in INKAN_BENCH_DIR, which is filled and indexed once and reused by later runs
// (a temporary directory when unset). Every query kind is measured as users search:
// 500 parameter sets drawn from the generator's vocabulary, in random order, each
// query at the largest company. One fixed query per kind would be answered from warm
// caches and flatter the figures.
//
//	INKAN_BENCH_DIR=/var/tmp/inkan-bench go test -run '^$' -bench AdminQueries -benchtime 500x ./search

// benchInstallation opens the benchmarks' installation, generating its documents
// and building its index when missing.
func benchInstallation(b *testing.B) *search.Engine {
	n := 1_000_000
	if v := os.Getenv("INKAN_BENCH_DOCS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("INKAN_BENCH_DOCS: %v", err)
		}
	}
	dir := os.Getenv("INKAN_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	store, err := data.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	// Whether the store is filled is asked of its first document: counting the
	// documents bucket would read the whole store into the process.
	var empty bool
	store.View(func(tx *data.Tx) error { docs, err := tx.DocumentsAfter("", 1); empty = len(docs) == 0; return err })
	if empty {
		start := time.Now()
		if err := synthetic.Fill(store, n, synthetic.Options{Seed: 1}, nil); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %d documents into the store in %s", n, time.Since(start).Round(time.Millisecond))
	}
	root := filepath.Join(dir, search.DirName)
	e, err := search.Open(store, root, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	if !e.NeedsRebuild() {
		return e
	}
	st, err := e.RebuildStats(context.Background(), nil)
	if err != nil {
		b.Fatal(err)
	}
	if st.Documents != n {
		b.Fatalf("%s holds %d documents, not %d", dir, st.Documents, n)
	}
	b.Logf("rebuild: %d documents, %d entries in %s: %.0f documents/s; index %.0f MiB; dedicated %v",
		st.Documents, st.Entries, st.Elapsed.Round(time.Millisecond), float64(st.Documents)/st.Elapsed.Seconds(),
		float64(dirSize(root))/(1<<20), st.Layout.Dedicated)
	return e
}

// BenchmarkAdminQueriesAtScale times each query kind at one client: p50 and p99 of
// Engine.Search over the kind's parameter sets, the mean number of hits, and (with
// allocs/op) what a query allocates. Run it with -benchtime 500x or more, so that
// every set is searched.
func BenchmarkAdminQueriesAtScale(b *testing.B) {
	e := benchInstallation(b)
	ctx := context.Background()
	for _, k := range workload.Admin {
		sets := k.Sets(workload.Sets)
		// The first search of a kind reads the columns its conditions need from the
		// segments (columns.go), once per segment; it is timed apart.
		start := time.Now()
		if _, err := e.Search(ctx, workload.Largest, sets[len(sets)-1]); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: first search %s", k.Name, time.Since(start).Round(time.Microsecond))
		b.Run(k.Name, func(b *testing.B) {
			b.ReportAllocs()
			var ds []time.Duration
			hits := 0
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				res, err := e.Search(ctx, workload.Largest, sets[i%len(sets)])
				if err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(start))
				hits += res.Total
			}
			reportLatency(b, ds, "")
			b.ReportMetric(float64(hits)/float64(len(ds)), "hits")
		})
	}
	b.Logf("peak RSS of the benchmark process: %s", peakRSS())
}

// BenchmarkAdminQueriesTwoClients runs each kind's parameter sets with one client,
// then with two at once (each all the sets, in its own order), and reports both
// p99s, their ratio, and how much more the two clients did per second. The fast kinds
// run their sets several times over, for at least 0.3 s a pass.
//
//	go test -run '^$' -bench AdminQueriesTwoClients -benchtime 1x ./search
func BenchmarkAdminQueriesTwoClients(b *testing.B) {
	e := benchInstallation(b)
	ctx := context.Background()
	for _, k := range workload.Admin[:workload.Screens] {
		sets := k.Sets(workload.Sets)
		b.Run(k.Name, func(b *testing.B) {
			for b.Loop() {
				// Each client searches its order of the sets, rounds times over.
				run := func(order []search.Query, rounds int) []time.Duration {
					ds := make([]time.Duration, 0, rounds*len(order))
					for range rounds {
						for _, q := range order {
							start := time.Now()
							if _, err := e.Search(ctx, workload.Largest, q); err != nil {
								b.Error(err)
								return nil
							}
							ds = append(ds, time.Since(start))
						}
					}
					return ds
				}
				// Warm, as the single-client benchmark is after its first sets; a kind
				// that answers in microseconds runs its sets over again, so that each
				// pass lasts long enough to measure a rate.
				start := time.Now()
				run(sets, 1)
				rounds := max(1, int(300*time.Millisecond/time.Since(start)))
				start = time.Now()
				one := run(sets, rounds)
				oneRate := float64(len(one)) / time.Since(start).Seconds()
				var two [2][]time.Duration
				var wg sync.WaitGroup
				start = time.Now()
				for c := range two {
					order := slices.Clone(sets)
					rand.New(rand.NewPCG(uint64(c), 7)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
					wg.Go(func() { two[c] = run(order, rounds) })
				}
				wg.Wait()
				twoRate := float64(len(two[0])+len(two[1])) / time.Since(start).Seconds()
				p99one := percentile(one, 99)
				p99two := max(percentile(two[0], 99), percentile(two[1], 99))
				b.ReportMetric(ms(p99one), "p99-1client-ms")
				b.ReportMetric(ms(p99two), "p99-2clients-ms")
				b.ReportMetric(float64(p99two)/float64(p99one), "p99-ratio")
				b.ReportMetric(twoRate/oneRate, "throughput-ratio")
			}
		})
	}
}

func reportLatency(b *testing.B, ds []time.Duration, suffix string) {
	b.ReportMetric(ms(percentile(ds, 50)), "p50-ms"+suffix)
	b.ReportMetric(ms(percentile(ds, 99)), "p99-ms"+suffix)
}

// percentile is the p-th percentile of ds (sorted in place).
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[min(len(ds)-1, len(ds)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// peakRSS reads VmHWM, the process's peak resident set, from /proc (Linux).
func peakRSS() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
