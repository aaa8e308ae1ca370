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
