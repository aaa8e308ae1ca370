package sheet

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// textFormat is Excel's built-in number format "@" (Text).
const textFormat = 49

// xlsxWriter streams rows into one worksheet. excelize keeps the sheet's XML in memory up
// to excelize.StreamChunkSize (16 MiB) and in a temporary file past it; the workbook is
// zipped onto the destination at Close.
//
// Every cell is an inline string, never a formula or a number, so a cell starting with = (or
// the full-width ＝ ＋ － ＠ that Japanese Excel also reads as a formula)
// cannot run and keeps its exact text: no quote is put in front as in CSV. The cells are
// also formatted as Text, so a user who edits one and presses Enter does not turn it into
// a formula either. Excel holds at most 32,767 characters a cell (excelize cuts longer
// text) and 1,048,576 rows a sheet (Write fails past that).
type xlsxWriter struct {
	out   io.Writer
	file  *excelize.File
	sw    *excelize.StreamWriter
	text  int   // style of data cells
	row   int   // rows written
	cells []any // the row as written, reused
	// numeric are the columns written as numbers where they hold an integer (Numeric).
	numeric map[int]bool
}

func newXLSX(w io.Writer, sheetName string, header []string, o options) (*xlsxWriter, error) {
	if sheetName == "" {
		sheetName = DefaultSheetName
	}
	x := &xlsxWriter{out: w, file: excelize.NewFile(), numeric: o.numeric}
	if err := x.start(sheetName, header); err != nil {
		if cerr := x.file.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("sheet: close workbook: %w", cerr))
		}
		return nil, err
	}
	return x, nil
}

// start names the worksheet, freezes the header row in view and writes it in bold.
func (x *xlsxWriter) start(sheetName string, header []string) error {
	if err := x.file.SetSheetName(x.file.GetSheetName(0), sheetName); err != nil {
		return fmt.Errorf("sheet: name worksheet %q: %w", sheetName, err)
	}
	var err error
	if x.text, err = x.file.NewStyle(&excelize.Style{NumFmt: textFormat}); err != nil {
		return fmt.Errorf("sheet: text style: %w", err)
	}
	bold, err := x.file.NewStyle(&excelize.Style{NumFmt: textFormat, Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("sheet: header style: %w", err)
	}
	if x.sw, err = x.file.NewStreamWriter(sheetName); err != nil {
		return fmt.Errorf("sheet: stream worksheet: %w", err)
	}
	panes := &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}
	if err := x.sw.SetPanes(panes); err != nil {
		return fmt.Errorf("sheet: freeze header: %w", err)
	}
	if err := x.write(header, bold, false); err != nil {
		return fmt.Errorf("sheet: write header: %w", err)
	}
	return nil
}

// Write adds one row below the last.
func (x *xlsxWriter) Write(row []string) error {
	return x.write(row, x.text, true)
}

// write adds row in style; with numbers, the integers of the Numeric columns are
// written as numbers in the General format instead.
func (x *xlsxWriter) write(row []string, style int, numbers bool) error {
	x.cells = x.cells[:0]
	for i, v := range row {
		if numbers && x.numeric[i] {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				x.cells = append(x.cells, excelize.Cell{Value: n})
				continue
			}
		}
		x.cells = append(x.cells, excelize.Cell{StyleID: style, Value: v})
	}
	ref, err := excelize.CoordinatesToCellName(1, x.row+1)
	if err != nil {
		return fmt.Errorf("sheet: row %d: %w", x.row+1, err)
	}
	if err := x.sw.SetRow(ref, x.cells); err != nil {
		return fmt.Errorf("sheet: write row %d: %w", x.row+1, err)
	}
	x.row++
	return nil
}

// Close ends the worksheet, writes the workbook to the destination and removes the
// temporary file. It does not close the destination.
func (x *xlsxWriter) Close() error {
	err := x.finish()
	if cerr := x.file.Close(); cerr != nil {
		err = errors.Join(err, fmt.Errorf("sheet: close workbook: %w", cerr))
	}
	return err
}

func (x *xlsxWriter) finish() error {
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("sheet: end worksheet: %w", err)
	}
	if _, err := x.file.WriteTo(x.out); err != nil {
		return fmt.Errorf("sheet: write workbook: %w", err)
	}
	return nil
}
