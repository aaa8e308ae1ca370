// Package jst is Japan time, the one zone every date of the service is read in, and
// the formats dates are shown and filed in. Japan has no daylight saving time, so a
// fixed zone is exact and needs no tz database on the server.
package jst

import "time"

// Zone is Japan Standard Time, UTC+9.
var Zone = time.FixedZone("JST", 9*60*60)

// Layouts of dates as the screens, exports, file names and index terms write them.
const (
	DateLayout     = "2006/01/02"       // 更新日, 契約締結年月日 on screens and in exports
	DateTimeLayout = "2006/01/02 15:04" // when something happened, on screens
	DayLayout      = "20060102"         // file name stamps and day terms of the index
	MonthLayout    = "200601"           // month terms of the index
)

// In is t in Japan time.
func In(t time.Time) time.Time { return t.In(Zone) }

// Date is t's calendar date in Japan, as the screens show it (2026/12/01).
func Date(t time.Time) string { return t.In(Zone).Format(DateLayout) }

// AppendDate appends Date(t) to b.
func AppendDate(b []byte, t time.Time) []byte { return t.In(Zone).AppendFormat(b, DateLayout) }

// DateTime is t to the minute in Japan, as the screens show it (2026/12/01 09:30).
func DateTime(t time.Time) string { return t.In(Zone).Format(DateTimeLayout) }

// Day is t's calendar date in Japan without separators (20261201), for file names.
func Day(t time.Time) string { return t.In(Zone).Format(DayLayout) }
