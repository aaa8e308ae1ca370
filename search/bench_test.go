package search

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"inkan/app/locale/jst"
	"inkan/data"
	"inkan/search/synthetic"
)

// BenchmarkAdminQueriesAtScale builds an installation of INKAN_BENCH_DOCS synthetic
// documents (default 1,000,000; 1,000 companies, the largest a party to a tenth of
// them), rebuilds the index from the store, and times the five admin-screen queries at
// the largest company. INKAN_BENCH_DIR keeps the data directory (and reuses it when it
// already holds the documents). Reported: bulk index rate, index size, and per query
// p50/p99 in ms; the log adds the peak RSS of the process.
//
//	INKAN_BENCH_DOCS=20000 go test -run '^$' -bench AdminQueries ./search
func BenchmarkAdminQueriesAtScale(b *testing.B) {
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
	defer store.Close()
	// Whether the store is filled is asked of its first document, and its size checked
	// against the rebuild's count below: counting the documents bucket would read the
	// whole store into the process and make its peak RSS.
	var empty bool
	store.View(func(tx *data.Tx) error { docs, err := tx.DocumentsAfter("", 1); empty = len(docs) == 0; return err })
	if empty {
		start := time.Now()
		if err := synthetic.Fill(store, n, synthetic.Options{Seed: 1}, nil); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %d documents into the store in %s", n, time.Since(start).Round(time.Millisecond))
	}
	root := filepath.Join(dir, DirName)
	os.RemoveAll(root)
	e, err := Open(store, root, quietLog())
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	st, err := e.RebuildStats(context.Background(), nil)
	if err != nil {
		b.Fatal(err)
	}
	if st.Documents != n {
		b.Fatalf("%s holds %d documents, not %d", dir, st.Documents, n)
	}
	size := dirSize(root)
	b.Logf("rebuild: %d documents, %d entries in %s: %.0f documents/s, %.0f entries/s; index %.0f MiB; dedicated %v",
		st.Documents, st.Entries, st.Elapsed.Round(time.Millisecond), float64(st.Documents)/st.Elapsed.Seconds(),
		float64(st.Entries)/st.Elapsed.Seconds(), float64(size)/(1<<20), st.Layout.Dedicated)
	b.ReportMetric(float64(st.Documents)/st.Elapsed.Seconds(), "docs/s")
	b.ReportMetric(float64(size)/(1<<20), "index-MiB")

	// The generator numbers companies C000001… in the order of their size.
	largest, second := "C000001", "C000002"
	jstDate := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, jst.Zone) }
	amount := func(v int64) *int64 { return &v }
	queries := []struct {
		name string
		q    Query
	}{
		{"empty-form", Query{Storage: LongTerm}},
		{"name-2-chars", Query{Storage: LongTerm, Title: "ビル"}},
		{"name-date-amount", Query{Storage: LongTerm, Title: "マンション",
			ContractDate: DateRange{From: jstDate(2020, 1, 1), To: jstDate(2021, 12, 31)},
			Amount:       AmountRange{Min: amount(1_000_000), Max: amount(50_000_000)}}},
		{"tag-status", Query{Storage: Active, GroupTag: "上期", Statuses: []string{"署名待ち"}}},
		{"counterparty-storage", Query{Storage: LongTerm, Counterparty: second,
			StorageStart: DateRange{From: jstDate(2019, 4, 1), To: jstDate(2023, 3, 31)}}},
		// Not one of the five: a list sorted by a column rather than by 文書管理番号, and
		// a range on a date that no screen searches (day terms only, see dateKeys).
		{"name-by-counterparty", Query{Storage: LongTerm, Title: "ビル", Sort: Sort{Column: ByCounterparty}}},
		{"updated-3-years", Query{Storage: LongTerm, Updated: DateRange{From: jstDate(2019, 1, 1), To: jstDate(2021, 12, 31)}}},
		// 契約文書照会: one user's documents (the generator's users of the largest
		// company are U000001 to U000005), the empty form and with a title.
		{"participant", Query{Storage: Active, Participant: "U000001"}},
		{"participant-name", Query{Storage: Active, Participant: "U000001", Title: "工事"}},
	}
	ctx := context.Background()
	for _, tt := range queries {
		b.Run(tt.name, func(b *testing.B) {
			var ds []time.Duration
			var total int
			for b.Loop() {
				start := time.Now()
				res, err := e.Search(ctx, largest, tt.q)
				if err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(start))
				total = res.Total
			}
			slices.Sort(ds)
			p50, p99 := ds[len(ds)/2], ds[len(ds)*99/100]
			b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(total), "hits")
		})
	}
	b.Logf("peak RSS of the benchmark process (store generation included): %s", peakRSS())
}

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
