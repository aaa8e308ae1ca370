package invitation_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"inkan/app/domain/invitation"
	"inkan/app/locale/sheet"
)

// hundredRows is the list of a general contractor's hundred subcontractors.
func hundredRows() [][]string {
	rows := make([][]string, invitation.MaxEntries)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("株式会社協力工務店第%d", i+1), fmt.Sprintf("髙橋 一郎%d", i), fmt.Sprintf("taro%d@kyoryoku%d.example.co.jp", i, i)}
	}
	return rows
}

func hundredXLSX(b testing.TB) []byte {
	var buf bytes.Buffer
	w, err := sheet.New(&buf, sheet.XLSX, "送信先", invitation.TemplateHeader)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range hundredRows() {
		if err := w.Write(r); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func hundredShiftJIS(b testing.TB) []byte {
	var s strings.Builder
	s.WriteString(strings.Join(invitation.TemplateHeader, ",") + "\r\n")
	for _, r := range hundredRows() {
		s.WriteString(strings.Join(r, ",") + "\r\n")
	}
	out, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s.String()))
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkReadFile reads and validates a hundred rows; the target is 100 ms a file.
func BenchmarkReadFile(b *testing.B) {
	for _, tt := range []struct {
		name string
		raw  []byte
	}{{"xlsx", hundredXLSX(b)}, {"csv-sjis", hundredShiftJIS(b)}} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f, err := invitation.ReadFile(bytes.NewReader(tt.raw), nil)
				if err != nil || len(f.Good()) != invitation.MaxEntries {
					b.Fatalf("%d good, %v", len(f.Good()), err)
				}
			}
		})
	}
}

// TestReadFileIsFast holds the benchmark's target in the test run: each file well
// within 100 ms (the best of a few runs, so a busy machine does not fail it).
func TestReadFileIsFast(t *testing.T) {
	for name, raw := range map[string][]byte{"xlsx": hundredXLSX(t), "csv-sjis": hundredShiftJIS(t)} {
		best := time.Hour
		for range 5 {
			start := time.Now()
			f, err := invitation.ReadFile(bytes.NewReader(raw), nil)
			if err != nil || len(f.Good()) != invitation.MaxEntries {
				t.Fatalf("%s: %d good, %v", name, len(f.Good()), err)
			}
			best = min(best, time.Since(start))
		}
		if best > 100*time.Millisecond {
			t.Errorf("%s: %v to read and validate 100 rows, want ≤ 100ms", name, best)
		}
	}
}
