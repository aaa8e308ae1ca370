package sheet

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// benchRows are distinct rows of ten cells as the 自社利用者照会 list shows them.
func benchRows() [][]string {
	rows := make([][]string, 100)
	for i := range rows {
		rows[i] = []string{
			fmt.Sprint(i + 1), fmt.Sprintf("U%07d", i), "山田 太郎", "ヤマダ タロウ", "一般", "あり",
			"利用中", "2026/01/15", "営業本部 第①営業部", fmt.Sprintf("taro.yamada%d@example.co.jp", i),
		}
	}
	return rows
}

// benchmarkWrite writes n rows per op and reports the bytes and allocations per row and
// the high-water mark of the heap in use, Close included: with streaming, the per-row
// figures and the peak stay the same whether n is 10,000 or 100,000 (for xlsx, once the
// sheet outgrows excelize's 16 MiB in-memory chunk and goes to a temporary file).
func benchmarkWrite(b *testing.B, f Format, n int) {
	header := []string{"No", "利用者ID", "利用者名", "利用者名カナ", "権限", "電子証明書", "利用ステータス", "更新日", "所属", "メールアドレス"}
	rows := benchRows()
	var before, now runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	peak := samplePeakHeap(b)
	var out countWriter
	b.ReportAllocs()
	for b.Loop() {
		w, err := New(&out, f, "", header)
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			if err := w.Write(rows[i%len(rows)]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&now)
	rowsWritten := float64(b.N) * float64(n)
	b.ReportMetric(float64(now.TotalAlloc-before.TotalAlloc)/rowsWritten, "B/row")
	b.ReportMetric(float64(now.Mallocs-before.Mallocs)/rowsWritten, "allocs/row")
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(out)/rowsWritten, "file-B/row")
}

// countWriter discards what it is given and counts the bytes.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// samplePeakHeap reads the heap in use every millisecond until the returned function is
// called, which gives the highest value seen.
func samplePeakHeap(b *testing.B) (stop func() uint64) {
	done := make(chan struct{})
	result := make(chan uint64)
	go func() {
		var peak uint64
		var m runtime.MemStats
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-tick.C:
			case <-done:
				result <- peak
				return
			}
		}
	}()
	b.Cleanup(func() {
		select {
		case <-done:
		default:
			close(done)
			<-result
		}
	})
	return func() uint64 {
		close(done)
		return <-result
	}
}

func BenchmarkWrite10k(b *testing.B) {
	for _, f := range []Format{CSV, CSVShiftJIS, XLSX} {
		b.Run(f.String(), func(b *testing.B) { benchmarkWrite(b, f, 10_000) })
	}
}

func BenchmarkWrite100k(b *testing.B) {
	for _, f := range []Format{CSV, CSVShiftJIS, XLSX} {
		b.Run(f.String(), func(b *testing.B) { benchmarkWrite(b, f, 100_000) })
	}
}
