package synthetic_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"inkan/data"
	"inkan/search/synthetic"
)

// BenchmarkStoreSize fills a new store with INKAN_BENCH_DOCS synthetic documents
// (default 1,000,000, 1,000 companies) as `inkan generate-docs` does and reports the
// size of the file and of the document buckets, and how full their leaf pages are.
//
//	go test -run '^$' -bench StoreSize -benchtime 1x ./search/synthetic
func BenchmarkStoreSize(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("INKAN_BENCH_DOCS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("INKAN_BENCH_DOCS: %v", err)
		}
	}
	for b.Loop() {
		dir := b.TempDir()
		store, err := data.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := synthetic.Fill(store, n, synthetic.Options{Seed: 1}, nil); err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		// The marks a fill leaves are what the search index takes and clears next.
		if err := store.Update(func(tx *data.Tx) error { _, err := tx.ClearIndexMarksUpTo(tx.LastIndexMark()); return err }); err != nil {
			b.Fatal(err)
		}
		store.Close()
		reportSize(b, filepath.Join(dir, data.FileName), n, elapsed)
	}
}

func reportSize(b *testing.B, path string, n int, elapsed time.Duration) {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const mib = 1 << 20
	b.ReportMetric(float64(fi.Size())/mib, "file-MiB")
	b.ReportMetric(float64(n)/elapsed.Seconds(), "docs/s")
	st := db.Stats()
	b.Logf("free pages: %d (%.1f MiB)", st.FreePageN, float64(st.FreePageN*os.Getpagesize())/mib)
	err = db.View(func(tx *bolt.Tx) error {
		var names []string
		tx.ForEach(func(name []byte, _ *bolt.Bucket) error { names = append(names, string(name)); return nil })
		slices.Sort(names)
		for _, name := range names {
			st := tx.Bucket([]byte(name)).Stats()
			alloc := st.LeafAlloc + st.BranchAlloc
			if alloc < mib {
				continue
			}
			b.Logf("%-24s %8d keys %7.1f MiB, leaves %3.0f%% full", name, st.KeyN, float64(alloc)/mib, 100*float64(st.LeafInuse)/float64(st.LeafAlloc))
			if name == "documents" {
				b.ReportMetric(float64(alloc)/mib, "documents-MiB")
				b.ReportMetric(100*float64(st.LeafInuse)/float64(st.LeafAlloc), "leaf-fill-%")
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
