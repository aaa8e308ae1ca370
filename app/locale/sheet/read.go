package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// The refusals of Read. A screen shows each with its own message; they wrap nothing
// from the file, which the user cannot act on anyway.
var (
	// ErrTooLarge: the file is longer than Limits.MaxBytes.
	ErrTooLarge = errors.New("sheet: file too large")
	// ErrTooManyRows: the file has more data rows than Limits.MaxRows.
	ErrTooManyRows = errors.New("sheet: too many rows")
	// ErrUnsupported: the file is neither CSV nor an Excel workbook (.xlsx): an old
	// .xls, a PDF, an image.
	ErrUnsupported = errors.New("sheet: not a CSV file or an Excel workbook")
	// ErrUnreadable: the file looks like CSV or .xlsx but cannot be read as one (broken
	// zip, text in neither UTF-8 nor Shift_JIS, a malformed CSV quote).
	ErrUnreadable = errors.New("sheet: file cannot be read")
)

// Limits bound what Read takes: the file's size and its number of data rows (empty rows
// not counted). Read stops at the first byte or row past them.
type Limits struct {
	MaxBytes int64
	MaxRows  int
}

// Row is one non-empty data row: its number in the file as a spreadsheet shows it (the
// header is row 1) and its cells, trimmed.
type Row struct {
	Number int
	Cells  []string
}

// Table is what Read found: the header row and the data rows after it.
type Table struct {
	Header []string
	Rows   []Row
}

// zipMagic starts every .xlsx (a zip archive); oleMagic an old binary .xls (and .doc).
var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Read reads a list uploaded by a user: CSV in UTF-8 (with or without a byte order mark)
// or in Shift_JIS (code page 932, as Excel for Japanese Windows saves it), told apart by
// the bytes, not asked; or an Excel workbook (.xlsx), its first worksheet. The type is
// known from the content, so a renamed file is read for what it is. Cells are trimmed
// (also of full-width spaces); a formula cell gives the value Excel saved with it and is
// never evaluated; a number or date cell gives its text as Excel shows it. Rows whose
// cells are all empty are skipped. At most lim.MaxBytes are read from r.
func Read(r io.Reader, lim Limits) (Table, error) {
	raw, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return Table{}, fmt.Errorf("sheet: read upload: %w", err)
	}
	if int64(len(raw)) > lim.MaxBytes {
		return Table{}, ErrTooLarge
	}
	switch {
	case bytes.HasPrefix(raw, zipMagic):
		return readXLSXFile(raw, lim)
	case bytes.HasPrefix(raw, oleMagic), bytes.IndexByte(raw, 0) >= 0:
		// NUL never occurs in text in either encoding: a binary file.
		return Table{}, ErrUnsupported
	}
	return readCSVFile(raw, lim)
}

// decodeText returns the text of a CSV file as UTF-8: the bytes as they are when they
// are valid UTF-8 (after a byte order mark, or without one, as LibreOffice and Google
// Sheets save), else decoded from Shift_JIS. x/text's Shift_JIS is code page 932, with
// the NEC and IBM extensions (①, ㈱, 髙) that Windows writes.
func decodeText(raw []byte) ([]byte, error) {
	raw = bytes.TrimPrefix(raw, []byte("\uFEFF"))
	if utf8.Valid(raw) {
		return raw, nil
	}
	text, _, err := transform.Bytes(japanese.ShiftJIS.NewDecoder(), raw)
	if err != nil || bytes.ContainsRune(text, utf8.RuneError) {
		// The decoder puts U+FFFD for a byte that is no Shift_JIS: neither encoding.
		return nil, ErrUnreadable
	}
	return text, nil
}

func readCSVFile(raw []byte, lim Limits) (Table, error) {
	text, err := decodeText(raw)
	if err != nil {
		return Table{}, err
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.FieldsPerRecord = -1 // a row may be short or long; the caller says what is missing
	cr.ReuseRecord = true
	var t Table
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Table{}, ErrUnreadable
		}
		// encoding/csv skips blank lines; the row number is the line the record starts
		// on, which is what a text editor shows and, without line breaks in cells, Excel.
		line, _ := cr.FieldPos(0)
		if err := t.add(line, rec, lim); err != nil {
			return Table{}, err
		}
	}
	return t, nil
}

// xlsxMaxCells bounds the cells the row iterator may hand over in all: excelize gives a
// row as every cell up to its last one, so a row holding one blank cell in column XFD
// is 16,384 cells, and such rows, empty and so counted by no row limit, compress to
// almost nothing. A list of a hundred rows is far below; a workbook past it is too
// large, before it costs minutes.
const xlsxMaxCells = 1 << 20

// xlsxUnzipLimit bounds what a workbook of a few megabytes may unzip to: a zip bomb
// stops at it instead of filling memory or the disk.
const xlsxUnzipLimit = 64 << 20

func readXLSXFile(raw []byte, lim Limits) (t Table, err error) {
	f, err := excelize.OpenReader(bytes.NewReader(raw), excelize.Options{UnzipSizeLimit: xlsxUnzipLimit, UnzipXMLSizeLimit: xlsxUnzipLimit})
	if err != nil {
		return Table{}, ErrUnreadable
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("sheet: close workbook: %w", cerr)
		}
	}()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return Table{}, ErrUnreadable
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return Table{}, ErrUnreadable
	}
	defer rows.Close()
	// The iterator numbers rows as the sheet does: a row missing from the XML (empty in
	// Excel) still takes its number.
	handed := 0
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns()
		if err != nil {
			return Table{}, ErrUnreadable
		}
		if handed += len(cells); handed > xlsxMaxCells {
			return Table{}, ErrTooLarge
		}
		if err := t.add(n, cells, lim); err != nil {
			return Table{}, err
		}
	}
	if rows.Error() != nil {
		return Table{}, ErrUnreadable
	}
	return t, nil
}

// add takes row n of the file: the first non-empty row is the header, every later
// non-empty row a data row, up to lim.MaxRows.
func (t *Table) add(n int, cells []string, lim Limits) error {
	trimmed := make([]string, len(cells))
	empty := true
	for i, c := range cells {
		trimmed[i] = strings.TrimSpace(c) // unicode.IsSpace: also U+3000, the full-width space
		empty = empty && trimmed[i] == ""
	}
	switch {
	case empty:
		return nil
	case t.Header == nil:
		t.Header = trimmed
		return nil
	case len(t.Rows) == lim.MaxRows:
		return ErrTooManyRows
	}
	t.Rows = append(t.Rows, Row{Number: n, Cells: trimmed})
	return nil
}

// Cell is the cell i of the row, or "" past its end (a short row).
func (r Row) Cell(i int) string {
	if i < len(r.Cells) {
		return r.Cells[i]
	}
	return ""
}
