package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// csvWriter writes CSV the way Excel itself saves it: records end in CRLF, a line break
// inside a cell is a bare LF (Excel shows a CR in a cell as a stray box), and the text is
// either UTF-8 after a byte order mark or Shift_JIS. encoding/csv quotes cells holding
// commas, quotes or line breaks; with UseCRLF it would also turn the LF inside a cell into
// CRLF, so it writes each record into a buffer with LF and the record's end is replaced.
type csvWriter struct {
	out    *bufio.Writer
	record bytes.Buffer // one record as encoding/csv wrote it
	csv    *csv.Writer  // writes into record
	cells  []string     // the row as written, reused

	// For Shift_JIS only: the encoding writer under out, flushed on Close, and an
	// encoder and scratch space to test single runes against the code page.
	sjis     *transform.Writer
	enc      *encoding.Encoder
	src, dst [utf8.UTFMax]byte
}

func newCSV(w io.Writer, shiftJIS bool, header []string) (*csvWriter, error) {
	c := &csvWriter{}
	if shiftJIS {
		c.enc = japanese.ShiftJIS.NewEncoder()
		c.sjis = transform.NewWriter(w, japanese.ShiftJIS.NewEncoder())
		w = c.sjis
	}
	c.out = bufio.NewWriter(w)
	if !shiftJIS {
		_, _ = c.out.WriteString("\uFEFF") // a bufio.Writer error shows at the next Flush
	}
	c.csv = csv.NewWriter(&c.record)
	if err := c.Write(header); err != nil {
		return nil, fmt.Errorf("sheet: write header: %w", err)
	}
	return c, nil
}

// Write writes one row. Output is buffered; an error writing to the destination shows
// here or at Close.
func (c *csvWriter) Write(row []string) error {
	c.cells = c.cells[:0]
	for _, cell := range row {
		if c.enc != nil {
			cell = strings.Map(c.toShiftJIS, cell)
		}
		c.cells = append(c.cells, lineBreaksLF(neutralised(cell)))
	}
	c.record.Reset()
	if err := c.csv.Write(c.cells); err != nil {
		return fmt.Errorf("sheet: write csv row: %w", err)
	}
	c.csv.Flush()
	if err := c.csv.Error(); err != nil {
		return fmt.Errorf("sheet: write csv row: %w", err)
	}
	record := c.record.Bytes()
	// Up to the LF that ends the record; bufio.Writer keeps a write error and returns it
	// again from WriteString.
	_, _ = c.out.Write(record[:len(record)-1])
	if _, err := c.out.WriteString("\r\n"); err != nil {
		return fmt.Errorf("sheet: write csv row: %w", err)
	}
	return nil
}

// Close writes what is still buffered. It does not close the destination.
func (c *csvWriter) Close() error {
	if err := c.out.Flush(); err != nil {
		return fmt.Errorf("sheet: flush csv: %w", err)
	}
	if c.sjis != nil {
		if err := c.sjis.Close(); err != nil {
			return fmt.Errorf("sheet: flush shift_jis: %w", err)
		}
	}
	return nil
}

// lineBreaksLF turns the CRLF line breaks a browser sends from a textarea, and lone CRs,
// into the LF that Excel uses inside a cell.
func lineBreaksLF(cell string) string {
	if strings.IndexByte(cell, '\r') < 0 {
		return cell
	}
	return strings.ReplaceAll(strings.ReplaceAll(cell, "\r\n", "\n"), "\r", "\n")
}

// neutralised puts a single quote before a cell that a spreadsheet would take as a formula
// (OWASP, CSV injection: a leading = + - @ tab or carriage return), so that Excel shows
// the text instead of running it. Negative numbers such as "-5" are quoted too: the lists
// hold text as shown on screen, and a cell that merely looks numeric can still be
// "-1+cmd|…". Japanese Excel also takes the full-width ＝ ＋ － ＠ that an input method
// types as the start of a formula, so those are quoted as well.
func neutralised(cell string) string {
	if cell == "" {
		return cell
	}
	if strings.IndexByte("=+-@\t\r", cell[0]) >= 0 {
		return "'" + cell
	}
	r, _ := utf8.DecodeRuneInString(cell)
	if strings.ContainsRune("＝＋－＠", r) {
		return "'" + cell
	}
	return cell
}

// toShiftJIS maps a rune to one code page 932 can hold, for strings.Map.
//
// First the code points that JIS-based sources (macOS input, Unicode's JIS X 0208 table)
// use for characters Windows keeps elsewhere are moved to the Windows ones, so a 〜 typed
// on a Mac becomes the ～ that Excel shows, not a lost character. Whatever is then still
// outside the code page (𠮷, emoji, most non-Japanese scripts) becomes '?', as it does when
// Excel itself saves a sheet as CSV. x/text's own ReplaceUnsupported would write the
// control byte 0x1A instead, and an error would cut a download whose headers have gone.
func (c *csvWriter) toShiftJIS(r rune) rune {
	if r < utf8.RuneSelf {
		return r
	}
	switch r {
	case '\u301C': // WAVE DASH
		r = '\uFF5E' // FULLWIDTH TILDE
	case '\u2016': // DOUBLE VERTICAL LINE
		r = '\u2225' // PARALLEL TO
	case '\u2212': // MINUS SIGN
		r = '\uFF0D' // FULLWIDTH HYPHEN-MINUS
	case '\u2014': // EM DASH
		r = '\u2015' // HORIZONTAL BAR
	case '\u00A2': // ¢
		r = '\uFFE0' // ￠
	case '\u00A3': // £
		r = '\uFFE1' // ￡
	case '\u00A5': // ¥
		r = '\uFFE5' // ￥
	case '\u00AC': // ¬
		r = '\uFFE2' // ￢
	case '\u00A0': // NO-BREAK SPACE
		return ' '
	}
	n := utf8.EncodeRune(c.src[:], r)
	if _, _, err := c.enc.Transform(c.dst[:], c.src[:n], true); err != nil {
		return '?'
	}
	return r
}
