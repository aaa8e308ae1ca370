package web

import (
	"bufio"
	"time"

	"github.com/gofiber/fiber/v2"

	"inkan/app/locale/jst"
	"inkan/app/locale/sheet"
)

// sheetExport is one download of a search result: the sheet's name (also the file's,
// with the day), the ASCII name for old clients, the header row, the sheet's options,
// and write, which reads the rows in its own short transaction and writes them.
type sheetExport struct {
	name, fallback string
	header         []string
	opts           []sheet.Option
	write          func(sheet.Writer) error
	// log names the export in the log, with its attributes (the company, the range).
	log []any
}

// streamSheet answers the export e in format: the headers now, the file after the
// handler returns, streamed, so that a large result is never held whole. e.write runs
// after fiber has recycled c: it may use only what e captured.
func (h *handler) streamSheet(c *fiber.Ctx, format sheet.Format, now time.Time, e sheetExport) error {
	stamp := jst.Day(now)
	c.Set(fiber.HeaderContentType, format.ContentType())
	c.Set(fiber.HeaderContentDisposition, format.ContentDisposition(e.name+"_"+stamp, e.fallback+"_"+stamp))
	c.Set(fiber.HeaderCacheControl, "no-store")
	log := h.Log
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		started := time.Now()
		err := writeSheet(w, format, e)
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			// The status line is gone already; the client sees a cut file, the log says why.
			log.Error("export failed", append(e.log, "err", err)...)
			return
		}
		log.Info("export", append(e.log, "format", format.String(), "took", time.Since(started))...)
	})
	return nil
}

func writeSheet(w *bufio.Writer, format sheet.Format, e sheetExport) error {
	sw, err := sheet.New(w, format, e.name, e.header, e.opts...)
	if err != nil {
		return err
	}
	err = e.write(sw)
	if cerr := sw.Close(); err == nil {
		err = cerr
	}
	return err
}
