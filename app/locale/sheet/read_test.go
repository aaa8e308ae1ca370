package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
)

var readLimits = Limits{MaxBytes: 1 << 20, MaxRows: 100}

// shiftJIS encodes s the way Excel for Japanese Windows saves a CSV: code page 932.
func shiftJIS(t testing.TB, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

func TestReadCSVEncodings(t *testing.T) {
	// The template's header and the manual's sample rows, with a NEC special character
	// (㈱), an IBM extension (髙) and a full-width space around a cell.
	text := "企業名,担当者名,メールアドレス\r\n" +
		"ABC株式会社,大石太郎,oishi@abc.example\r\n" +
		"\r\n" +
		",,\r\n" +
		"㈱DFG,　髙橋　麗恵　, yamanaka@efg.example \r\n" +
		"\"HKK商事, 本社\",神戸博一,kanbe@hik.example\r\n"
	want := Table{
		Header: []string{"企業名", "担当者名", "メールアドレス"},
		Rows: []Row{
			{2, []string{"ABC株式会社", "大石太郎", "oishi@abc.example"}},
			{5, []string{"㈱DFG", "髙橋　麗恵", "yamanaka@efg.example"}},
			{6, []string{"HKK商事, 本社", "神戸博一", "kanbe@hik.example"}},
		},
	}
	for _, tt := range []struct {
		name string
		raw  []byte
	}{
		{"Excel, CSV (Shift_JIS, CRLF)", shiftJIS(t, text)},
		{"Excel, CSV UTF-8 (with BOM)", append([]byte("\uFEFF"), text...)},
		{"LibreOffice or Google Sheets (UTF-8, LF, no BOM)", []byte(strings.ReplaceAll(text, "\r\n", "\n"))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read(bytes.NewReader(tt.raw), readLimits)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Header, want.Header) {
				t.Errorf("header = %q, want %q", got.Header, want.Header)
			}
			if len(got.Rows) != len(want.Rows) {
				t.Fatalf("rows = %v, want %v", got.Rows, want.Rows)
			}
			for i, r := range want.Rows {
				if got.Rows[i].Number != r.Number || !slices.Equal(got.Rows[i].Cells, r.Cells) {
					t.Errorf("row %d = %v, want %v", i, got.Rows[i], r)
				}
			}
		})
	}
}

func TestReadRefuses(t *testing.T) {
	var many strings.Builder
	many.WriteString("企業名,担当者名,メールアドレス\n")
	for range 101 {
		many.WriteString("A社,山田,a@example.jp\n")
	}
	for _, tt := range []struct {
		name string
		raw  []byte
		lim  Limits
		want error
	}{
		{"over the size", bytes.Repeat([]byte("a,b,c\n"), 1000), Limits{MaxBytes: 5000, MaxRows: 100}, ErrTooLarge},
		{"101 rows", []byte(many.String()), readLimits, ErrTooManyRows},
		{"an old .xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...), readLimits, ErrUnsupported},
		{"a PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), readLimits, ErrUnsupported},
		{"a broken zip", []byte("PK\x03\x04garbage"), readLimits, ErrUnreadable},
		{"neither UTF-8 nor Shift_JIS", []byte("企業名\n\xff\xfe\xfd\n"), readLimits, ErrUnreadable},
		{"a bad quote", []byte("a,b\n\"x\"y\",z\n"), readLimits, ErrUnreadable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Read(bytes.NewReader(tt.raw), tt.lim); !errors.Is(err, tt.want) {
				t.Errorf("Read = %v, want %v", err, tt.want)
			}
		})
	}
	// Exactly 100 rows are taken.
	hundred := strings.Join(strings.SplitAfter(many.String(), "\n")[:101], "")
	if got, err := Read(strings.NewReader(hundred), readLimits); err != nil || len(got.Rows) != 100 {
		t.Errorf("100 rows: %d rows, %v", len(got.Rows), err)
	}
}

func TestReadXLSXByExcelize(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	set := func(cell string, v any) {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "企業名")
	set("B1", "担当者名")
	set("C1", "メールアドレス")
	set("A2", " ABC株式会社 ")
	set("B2", 12345) // a number typed into 担当者名
	set("C2", "oishi@abc.example")
	// Row 3 left empty; row 4 after it.
	set("A4", "株式会社DFG")
	set("B4", "山中麗恵")
	set("C4", "yamanaka@efg.example")
	// A second sheet is not read.
	if _, err := f.NewSheet("メモ"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("メモ", "A5", "読まない"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := Read(&buf, readLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{{2, []string{"ABC株式会社", "12345", "oishi@abc.example"}}, {4, []string{"株式会社DFG", "山中麗恵", "yamanaka@efg.example"}}}
	if !slices.Equal(got.Header, []string{"企業名", "担当者名", "メールアドレス"}) || len(got.Rows) != 2 {
		t.Fatalf("read %v", got)
	}
	for i, r := range want {
		if got.Rows[i].Number != r.Number || !slices.Equal(got.Rows[i].Cells, r.Cells) {
			t.Errorf("row %d = %v, want %v", i, got.Rows[i], r)
		}
	}
}

// handMadeXLSX is a workbook as another producer writes it, part by part: inline and
// shared strings, a formula with the value Excel cached for it, a date cell and a
// number cell in 担当者名. Whatever the formula would compute today, the cached value is
// what is read.
func handMadeXLSX(t testing.TB) []byte {
	t.Helper()
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="送信先" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`},
		{"xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>企業名</t></si><si><t>担当者名</t></si><si><t>メールアドレス</t></si></sst>`},
		{"xl/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>` +
			`<row r="2"><c r="A2" t="str"><f>CONCATENATE("ABC","株式会社")</f><v>ABC株式会社（保存時）</v></c><c r="B2" t="inlineStr"><is><t>大石太郎</t></is></c><c r="C2" t="inlineStr"><is><t>oishi@abc.example</t></is></c></row>` +
			`<row r="3"><c r="A3" t="inlineStr"><is><t>株式会社DFG</t></is></c><c r="B3"><v>4711</v></c><c r="C3" t="inlineStr"><is><t>yamanaka@efg.example</t></is></c></row>` +
			`<row r="5"><c r="A5" t="inlineStr"><is><t>HKK商事</t></is></c><c r="B5" s="1"><v>46113</v></c><c r="C5" t="str"><f>LOWER("KANBE@HIK.EXAMPLE")</f><v>kanbe@hik.example</v></c></row>` +
			`</sheetData></worksheet>`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSXOfAnotherProducer(t *testing.T) {
	got, err := Read(bytes.NewReader(handMadeXLSX(t)), readLimits)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Header, []string{"企業名", "担当者名", "メールアドレス"}) {
		t.Errorf("header = %q", got.Header)
	}
	want := []Row{
		{2, []string{"ABC株式会社（保存時）", "大石太郎", "oishi@abc.example"}},
		{3, []string{"株式会社DFG", "4711", "yamanaka@efg.example"}},
		// 46113 is 2026-04-01 in Excel's day count; numFmt 14 shows it as a date.
		{5, []string{"HKK商事", "04-01-26", "kanbe@hik.example"}},
	}
	if len(got.Rows) != len(want) {
		t.Fatalf("rows = %v, want %v", got.Rows, want)
	}
	for i, r := range want {
		if got.Rows[i].Number != r.Number || !slices.Equal(got.Rows[i].Cells, r.Cells) {
			t.Errorf("row %d = %q, want %q", i, got.Rows[i].Cells, r.Cells)
		}
	}
}

func TestReadXLSXTooManyRows(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 5000; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, []any{"A社", "山田", "a@example.jp"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(&buf, readLimits); !errors.Is(err, ErrTooManyRows) {
		t.Errorf("Read = %v, want ErrTooManyRows", err)
	}
}

// TestReadXLSXWideEmptyRows: rows with one blank cell in the last column (XFD) are empty
// and count toward no limit, but excelize gives each as 16,384 cells; a workbook of a
// hundred kilobytes made of them took half a minute to read. Read stops once it has
// been handed more cells than any list holds, as too large.
func TestReadXLSXWideEmptyRows(t *testing.T) {
	var sheet strings.Builder
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	sheet.WriteString(`<row r="1"><c r="A1" t="inlineStr"><is><t>企業名</t></is></c></row>`)
	for r := 2; r <= 2000; r++ {
		fmt.Fprintf(&sheet, `<row r="%d"><c r="XFD%d" t="inlineStr"><is><t> </t></is></c></row>`, r, r)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	parts := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   sheet.String(),
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(&buf, readLimits); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Read = %v, want ErrTooLarge", err)
	}
}
