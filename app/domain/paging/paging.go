// Package paging cuts a search result into the pages the inquiry screens show
// (N件中X～Y件目を表示 and the pager): one rule for every list.
package paging

import "strconv"

// Window is one page of a result of Total rows.
type Window struct {
	Total  int // rows in the whole result
	From   int // the page's first row, from 1; 0 when there is none
	To     int // the page's last row
	Number int // the page shown, from 1
	Pages  int // how many pages there are
}

// Of is page n (from 1) of total rows, size a page: a page past the end shows the
// last, and one before the first shows the first.
func Of(total, n, size int) Window {
	w := Window{Total: total, Pages: (total + size - 1) / size}
	w.Number = min(max(n, 1), max(w.Pages, 1))
	if total > 0 {
		w.From, w.To = (w.Number-1)*size+1, min(w.Number*size, total)
	}
	return w
}

// Bounds are the page's rows as slice bounds of the whole result.
func (w Window) Bounds() (start, end int) {
	if w.From == 0 {
		return 0, 0
	}
	return w.From - 1, w.To
}

// Parse reads the page number of a query (?page=); anything else is page 1.
func Parse(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 1
	}
	return n
}
