package sheet

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestXLSXReadsBack(t *testing.T) {
	header := []string{"No", "利用者ID", "利用者名", "備考"}
	rows := [][]string{
		{"1", "U0000001", "髙橋 一郎", "㈱サンプル 第①営業部"},
		{"2", "a,b", `say "hi"`, "一行目\n二行目"},
		{"3", "=1+1", "+81-3-1234-5678", "-5"},
		{"4", "@SUM(A1)", "\t=1", " 前後 "},
		{"5", "𠮷野家", "😀", "〜－"},
		{"6", "0012", "1e5", "2026/01/15"},
		{"7", "<b>&amp;</b>", "_x0041_", "\x01"},
		{"8", "＝1+1", "＋81-3", "＠SUM(A1)"},
		{"", "", "", "空の後"},
	}
	// A control character cannot stand in XML; the cell keeps the rest.
	want := slices.Clone(rows)
	want[6] = []string{"7", "<b>&amp;</b>", "_x0041_", "\uFFFD"}

	var buf bytes.Buffer
	w, err := New(&buf, XLSX, "自社利用者", header)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if err := w.Write(row); err != nil {
			t.Fatalf("Write(%q): %v", row, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"自社利用者"}) {
		t.Errorf("sheets = %q, want [自社利用者]", got)
	}
	got, err := f.GetRows("自社利用者")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got[0], header) {
		t.Errorf("header = %q, want %q", got[0], header)
	}
	for i, row := range want {
		if i+1 >= len(got) || !slices.Equal(got[i+1], row) {
			t.Errorf("row %d read back %q, want %q", i+1, got[min(i+1, len(got)-1)], row)
		}
	}
	if len(got) != len(rows)+1 {
		t.Errorf("%d rows read back, want %d", len(got), len(rows)+1)
	}

	// Formula-like text, also with the full-width signs Japanese Excel takes as a
	// formula, stays text: no formula, an inline string in a Text cell.
	for _, cell := range []string{"B4", "C4", "D4", "B5", "C5", "B9", "C9", "D9"} {
		if formula, err := f.GetCellFormula("自社利用者", cell); err != nil || formula != "" {
			t.Errorf("%s has formula %q (%v)", cell, formula, err)
		}
		if typ, err := f.GetCellType("自社利用者", cell); err != nil || typ != excelize.CellTypeInlineString {
			t.Errorf("%s cell type %v (%v), want inline string", cell, typ, err)
		}
	}
	styleOf := func(cell string) *excelize.Style {
		t.Helper()
		id, err := f.GetCellStyle("自社利用者", cell)
		if err != nil {
			t.Fatal(err)
		}
		style, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return style
	}
	if s := styleOf("A1"); s.Font == nil || !s.Font.Bold || s.NumFmt != textFormat {
		t.Errorf("header style = font %+v, number format %d; want bold Text", s.Font, s.NumFmt)
	}
	if s := styleOf("B4"); (s.Font != nil && s.Font.Bold) || s.NumFmt != textFormat {
		t.Errorf("data style = font %+v, number format %d; want plain Text", s.Font, s.NumFmt)
	}
	panes, err := f.GetPanes("自社利用者")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, %v; want the header row frozen", panes, err)
	}
}

func TestXLSXSheetName(t *testing.T) {
	tests := []struct {
		name, want string
		wantErr    bool
	}{
		{"", DefaultSheetName, false},
		{"契約文書", "契約文書", false},
		{"a/b", "", true},
		{"[x]", "", true},
		{strings.Repeat("長", 32), "", true},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		w, err := New(&buf, XLSX, tt.name, []string{"h"})
		if tt.wantErr {
			if err == nil {
				t.Errorf("New(%q) succeeded, want an error", tt.name)
				w.Close()
			}
			continue
		}
		if err != nil {
			t.Fatalf("New(%q): %v", tt.name, err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.GetSheetList(); !slices.Equal(got, []string{tt.want}) {
			t.Errorf("New(%q): sheets %q, want [%s]", tt.name, got, tt.want)
		}
		f.Close()
	}
}

// Numeric columns hold numbers Excel sums, where the cell is an integer; the header,
// other columns and a cell that is no integer stay Text; CSV is the same either way.
func TestNumericColumns(t *testing.T) {
	header := []string{"企業ID", "件数", "合計"}
	rows := [][]string{{"0012", "3", "-4"}, {"C000002", "", "1.5"}}
	var buf bytes.Buffer
	w, err := New(&buf, XLSX, "", header, Numeric(1, 2))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tests := []struct {
		cell, value string
		number      bool
	}{
		{"B1", "件数", false}, {"A2", "0012", false}, {"B2", "3", true}, {"C2", "-4", true},
		{"A3", "C000002", false}, {"C3", "1.5", false},
	}
	for _, tt := range tests {
		v, _ := f.GetCellValue(DefaultSheetName, tt.cell)
		typ, _ := f.GetCellType(DefaultSheetName, tt.cell)
		// A number cell carries no type attribute (unset means number to Excel).
		if v != tt.value || (typ != excelize.CellTypeInlineString) != tt.number {
			t.Errorf("%s = %q of type %v, want %q (number %v)", tt.cell, v, typ, tt.value, tt.number)
		}
	}

	var plain, numeric bytes.Buffer
	for buf, opts := range map[*bytes.Buffer][]Option{&plain: nil, &numeric: {Numeric(1, 2)}} {
		w, err := New(buf, CSV, "", header, opts...)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			w.Write(r)
		}
		w.Close()
	}
	if plain.String() != numeric.String() {
		t.Errorf("Numeric changed the CSV:\n%q\n%q", plain.String(), numeric.String())
	}
}
