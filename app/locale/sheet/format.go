package sheet

import (
	"fmt"
	"mime"
	"strings"
)

// Format is the file format of a download.
type Format int

// The formats a list can be downloaded in. CSV is the zero value: UTF-8 with a byte order
// mark, which Excel needs to read UTF-8 instead of the ANSI code page.
const (
	CSV         Format = iota // CSV, UTF-8 with BOM
	CSVShiftJIS               // CSV, Shift_JIS (Windows code page 932)
	XLSX                      // Excel workbook
)

// ParseFormat reads the format named by a query parameter: "csv" (also the empty string),
// "csv-sjis" or "xlsx".
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "", "csv":
		return CSV, nil
	case "csv-sjis":
		return CSVShiftJIS, nil
	case "xlsx":
		return XLSX, nil
	}
	return CSV, fmt.Errorf("sheet: unknown format %q", s)
}

// String returns the query parameter value ParseFormat accepts.
func (f Format) String() string {
	switch f {
	case CSVShiftJIS:
		return "csv-sjis"
	case XLSX:
		return "xlsx"
	}
	return "csv"
}

// ContentType returns the media type of the format, with the charset for CSV.
func (f Format) ContentType() string {
	switch f {
	case CSVShiftJIS:
		// Shift_JIS is the label browsers and mail clients know; WHATWG decodes it as
		// windows-31j, the code page the bytes are in.
		return mime.FormatMediaType("text/csv", map[string]string{"charset": "Shift_JIS"})
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return mime.FormatMediaType("text/csv", map[string]string{"charset": "utf-8"})
}

// Ext returns the file name extension of the format, with its dot.
func (f Format) Ext() string {
	if f == XLSX {
		return ".xlsx"
	}
	return ".csv"
}

// ContentDisposition returns a Content-Disposition value that downloads the file as name
// plus the format's extension (RFC 6266). A non-ASCII name goes in filename* (RFC 5987,
// percent-encoded UTF-8, which every current browser reads) after a plain filename made
// from fallback, an ASCII name for clients that know only filename.
func (f Format) ContentDisposition(name, fallback string) string {
	const star = "attachment; filename*="
	encoded := mime.FormatMediaType("attachment", map[string]string{"filename": name + f.Ext()})
	if !strings.HasPrefix(encoded, star) {
		return encoded
	}
	plain := mime.FormatMediaType("attachment", map[string]string{"filename": fallback + f.Ext()})
	if strings.HasPrefix(plain, star) {
		return encoded // the fallback is not ASCII either
	}
	// A map holds one value per key, so the two parameters are formatted apart and joined.
	return plain + strings.TrimPrefix(encoded, "attachment")
}
