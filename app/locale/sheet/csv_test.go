package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

func TestNeutralised(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"山田 太郎", "山田 太郎"},
		{"=1+1", "'=1+1"},
		{`=HYPERLINK("http://example.com","x")`, `'=HYPERLINK("http://example.com","x")`},
		{"+81-3-1234-5678", "'+81-3-1234-5678"},
		{"-5", "'-5"},
		{"-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"a=1", "a=1"},
		{" =1", " =1"},
		{"'already", "'already"},
		{"＝１", "'＝１"}, // Japanese Excel takes full-width signs as a formula too
		{"＋８１", "'＋８１"},
		{"－５", "'－５"},
		{"＠ＳＵＭ(A1)", "'＠ＳＵＭ(A1)"},
		{"Ａ＝１", "Ａ＝１"},
		{"ー長音", "ー長音"}, // the long vowel mark is not a minus
		{"2026-01-15", "2026-01-15"},
	}
	for _, tt := range tests {
		if got := neutralised(tt.in); got != tt.want {
			t.Errorf("neutralised(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// writeAll writes header and rows in format f and returns the bytes.
func writeAll(t *testing.T, f Format, header []string, rows [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := New(&buf, f, "", header)
	if err != nil {
		t.Fatalf("New(%v): %v", f, err)
	}
	for _, row := range rows {
		if err := w.Write(row); err != nil {
			t.Fatalf("Write(%q): %v", row, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return buf.Bytes()
}

// readCSV parses CSV with encoding/csv, as a program would read the download.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	got, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read csv: %v\n%q", err, b)
	}
	return got
}

func TestCSVReadsBack(t *testing.T) {
	header := []string{"No", "利用者ID", "利用者名", "備考"}
	tests := []struct {
		name string
		row  []string
		want []string // nil: the same as row
	}{
		{"japanese", []string{"1", "U0000001", "山田 太郎", "営業部"}, nil},
		{"comma and quotes", []string{"2", "a,b", `say "hi"`, `"`}, nil},
		{"line breaks", []string{"3", "一行目\n二行目", "x\n", "\n"}, nil},
		{"spaces kept", []string{"4", " 前", "後 ", "　全角　"}, nil},
		{"empty cells", []string{"", "", "", "x"}, nil},
		{"fewer cells", []string{"6"}, nil},
		{"formulas", []string{"=1+1", "+1", "-1", "@A1"}, []string{"'=1+1", "'+1", "'-1", "'@A1"}},
		{"full-width formulas", []string{"＝1+1", "＋1", "－1", "＠A1"}, []string{"'＝1+1", "'＋1", "'－1", "'＠A1"}},
		{"emoji in utf-8", []string{"8", "😀", "𠮷野家", "①㈱"}, nil},
	}
	var rows, want [][]string
	for _, tt := range tests {
		rows = append(rows, tt.row)
		if tt.want == nil {
			tt.want = tt.row
		}
		want = append(want, tt.want)
	}
	b := writeAll(t, CSV, header, rows)
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("no UTF-8 byte order mark: %q", b[:min(len(b), 8)])
	}
	got := readCSV(t, b[3:])
	if !slices.Equal(got[0], header) {
		t.Errorf("header = %q, want %q", got[0], header)
	}
	for i, tt := range tests {
		if !slices.Equal(got[i+1], want[i]) {
			t.Errorf("%s: read back %q, want %q", tt.name, got[i+1], want[i])
		}
	}
}

func TestCSVLineEnds(t *testing.T) {
	// Records end in CRLF and a line break inside a cell is LF, as Excel saves CSV.
	tests := []struct {
		name string
		f    Format
		rows [][]string
		want string
	}{
		{"utf-8", CSV, [][]string{{"1", "x"}, {"2", "y"}}, "\uFEFFa,b\r\n1,x\r\n2,y\r\n"},
		{"shift_jis", CSVShiftJIS, [][]string{{"1", "x"}}, "a,b\r\n1,x\r\n"},
		{"lf in cell", CSV, [][]string{{"1", "改\n行"}}, "\uFEFFa,b\r\n1,\"改\n行\"\r\n"},
		{"crlf from a textarea", CSV, [][]string{{"1", "x\r\ny\rz"}}, "\uFEFFa,b\r\n1,\"x\ny\nz\"\r\n"},
		{"trailing lf", CSV, [][]string{{"1", "x\n"}}, "\uFEFFa,b\r\n1,\"x\n\"\r\n"},
		{"no rows", CSV, nil, "\uFEFFa,b\r\n"},
	}
	for _, tt := range tests {
		if got := string(writeAll(t, tt.f, []string{"a", "b"}, tt.rows)); got != tt.want {
			t.Errorf("%s: wrote %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCSVShiftJISBytes(t *testing.T) {
	// Expected bytes are Windows code page 932 (as Python's cp932 codec writes them).
	tests := []struct {
		name, cell string
		want       string
	}{
		{"ascii", "abc", "abc"},
		{"kanji and kana", "山田ヤマダ", "\x8eR\x93c\x83\x84\x83}\x83_"},
		{"circled digit (NEC)", "①", "\x87\x40"},
		{"㈱ (NEC)", "㈱", "\x87\x8a"},
		{"髙 (IBM extension)", "髙", "\xee\xe0"},
		{"﨑 (IBM extension)", "﨑", "\xed\x95"},
		{"fullwidth tilde", "～", "\x81\x60"},
		{"wave dash from a Mac", "〜", "\x81\x60"},
		{"fullwidth hyphen-minus", "－", "'\x81\x7c"},
		{"minus sign", "−", "'\x81\x7c"},
		{"double vertical line", "‖", "\x81\x61"},
		{"em dash", "—", "\x81\x5c"},
		{"cent, pound, not", "¢£¬", "\x81\x91\x81\x92\x81\xca"},
		{"yen sign", "¥100", "\x81\x8f100"},
		{"no-break space", "a\u00a0b", "a b"},
		{"surrogate-pair kanji", "𠮷野家", "?\x96\xec\x89\xc6"},
		{"emoji", "OK😀", "OK?"},
		{"hangul", "한", "?"},
		{"invalid utf-8", "a\xffb", "a?b"},
		{"neutralised after mapping", "−1", "'\x81\x7c1"},
		{"fullwidth equals", "＝1", "'\x81\x811"},
		{"formula", "=1", "'=1"},
	}
	for _, tt := range tests {
		b := writeAll(t, CSVShiftJIS, []string{"h"}, [][]string{{tt.cell}})
		want := "h\r\n" + tt.want + "\r\n"
		if string(b) != want {
			t.Errorf("%s: %q wrote % x, want % x", tt.name, tt.cell, b, want)
		}
	}
}

func TestCSVShiftJISReadsBack(t *testing.T) {
	header := []string{"No", "利用者名", "所属"}
	rows := [][]string{
		{"1", "髙橋 一郎", "㈱サンプル 第①営業部"},
		{"2", "山﨑 花子", "9:00〜17:00, \"受付\""},
		{"3", "𠮷田 太郎", "改行\nあり"},
		{"4", "=cmd", "－"},
	}
	want := [][]string{
		header,
		{"1", "髙橋 一郎", "㈱サンプル 第①営業部"},
		{"2", "山﨑 花子", "9:00～17:00, \"受付\""},
		{"3", "?田 太郎", "改行\nあり"},
		{"4", "'=cmd", "'－"},
	}
	b := writeAll(t, CSVShiftJIS, header, rows)
	utf8, err := japanese.ShiftJIS.NewDecoder().Bytes(b)
	if err != nil {
		t.Fatalf("decode Shift_JIS: %v", err)
	}
	got := readCSV(t, utf8)
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("read back\n%q\nwant\n%q", got, want)
	}
}

// failWriter accepts n bytes, then fails.
type failWriter struct{ n int }

var errFull = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, errFull
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteErrors(t *testing.T) {
	row := []string{strings.Repeat("データ", 100)}
	for _, f := range []Format{CSV, CSVShiftJIS, XLSX} {
		for _, room := range []int{0, 100} {
			err := writeTo(&failWriter{n: room}, f, row, 100)
			if !errors.Is(err, errFull) {
				t.Errorf("%v with %d bytes of room: error %v, want %v", f, room, err, errFull)
			}
		}
	}
}

// writeTo writes a header and n copies of row, and closes.
func writeTo(dst *failWriter, f Format, row []string, n int) error {
	w, err := New(dst, f, "", []string{"h"})
	if err != nil {
		return err
	}
	for range n {
		if err := w.Write(row); err != nil {
			return errors.Join(err, w.Close())
		}
	}
	return w.Close()
}
