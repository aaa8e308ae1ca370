// Package sheet writes a list (a header row, then rows of strings) as a download: CSV in
// UTF-8 with BOM or in Shift_JIS, or an Excel workbook, row by row so that the rows never
// have to be in memory together. Read takes such a list back from an upload (CSV in
// UTF-8 or Shift_JIS, told apart by the bytes, or .xlsx), bounded in bytes and rows.
package sheet

import (
	"fmt"
	"io"
)

// DefaultSheetName names the worksheet of a workbook when the caller gives no name.
const DefaultSheetName = "一覧"

// Writer takes the rows of one list. Close must be called once after the last row: it
// finishes the file (an Excel workbook is written to the destination only then) and
// releases what the writer holds, also after an error.
type Writer interface {
	Write(row []string) error
	Close() error
}

// New starts a list in format f on w and writes its header row, the screen's column labels.
// sheetName names the worksheet of a workbook (DefaultSheetName when empty); CSV has none.
func New(w io.Writer, f Format, sheetName string, header []string, opts ...Option) (Writer, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	switch f {
	case CSV:
		return newCSV(w, false, header)
	case CSVShiftJIS:
		return newCSV(w, true, header)
	case XLSX:
		return newXLSX(w, sheetName, header, o)
	}
	return nil, fmt.Errorf("sheet: unknown format %d", f)
}

// Option changes how New writes a list.
type Option func(*options)

type options struct {
	numeric map[int]bool // columns, from 0, whose integers are numbers in a workbook
}

// Numeric makes the cells of the columns (counted from 0) that hold an integer numbers
// in a workbook, so that Excel sums them; any other cell, and the header, stays text.
// Only for columns of counts the service computes: an ID or a phone number of digits
// must stay text, or Excel drops its leading zeros. CSV has no types and is unchanged.
func Numeric(cols ...int) Option {
	return func(o *options) {
		if o.numeric == nil {
			o.numeric = map[int]bool{}
		}
		for _, c := range cols {
			o.numeric[c] = true
		}
	}
}
