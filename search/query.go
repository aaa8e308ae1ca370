package search

import (
	"strings"
	"time"

	"inkan/data"
)

// Storage chooses between the documents in long-term storage and the others.
type Storage int

const (
	AnyStorage Storage = iota // both
	Active                    // not yet in long-term storage (契約文書照会)
	LongTerm                  // in long-term storage (長期保管文書照会)
)

// Query is a search form. Every condition set is ANDed; a zero field is no condition.
// Substring conditions (Title, GroupTag, Dept) match when the normalised field contains
// the normalised text (see Normalize); ranges are inclusive and open where a bound is
// zero or nil; dates compare by calendar date in Japan time.
type Query struct {
	Storage      Storage
	Side         string   // Sent or Received
	Number       string   // 文書管理番号, exact (full-width digits accepted; short numbers are zero-padded)
	Title        string   // 契約文書名称, substring
	GroupTag     string   // グループタグ, substring
	Dept         string   // 取引先部署名, substring
	Counterparty string   // 取引先企業ID, exact
	Statuses     []string // ステータス, any of them
	OrderSide    string   // 受発注区分, exact
	UserID       string   // 自社担当者ID, exact
	Participant  string   // a 利用者ID: only documents this user of the company takes part in
	Turn         string   // a 利用者ID: only documents whose turn is this user's (マイリスト)
	ContractDate DateRange
	Amount       AmountRange
	StorageStart DateRange
	StorageEnd   DateRange
	Updated      DateRange
	// Assigned is when the 自社担当者 took the document (Entry.Assigned): with UserID,
	// the period in which the user had one name.
	Assigned DateRange

	Sort   Sort
	Offset int
	Limit  int // page size; 0 gives DefaultLimit
}

// DefaultLimit is the page size when a query gives none.
const DefaultLimit = 50

// DateRange is an inclusive range of calendar dates; a zero bound is open.
type DateRange struct{ From, To time.Time }

// AmountRange is an inclusive range of yen; a nil bound is open.
type AmountRange struct{ Min, Max *int64 }

// Column is a sortable column of the result tables.
type Column string

// The sortable columns: those the result tables of SPEC section 4 show. Column "" is
// 文書管理番号.
const (
	ByNumber       Column = ""
	ByTitle        Column = "title"
	ByCounterparty Column = "counterparty" // by 取引先企業名 (Sort.Names), then 企業ID
	ByOrderSide    Column = "order_side"
	ByStatus       Column = "status"
	ByStorageStart Column = "storage_start"
	ByStorageEnd   Column = "storage_end"
	ByUser         Column = "user"
)

// Sort orders the results by one column, ties (and the whole list by default) by
// 文書管理番号 descending. The zero Sort is 文書管理番号 descending. Entries without a
// value in the column come last in either direction.
type Sort struct {
	Column    Column
	Ascending bool
	// Names are the companies' names by 企業ID, which ByCounterparty sorts by: the
	// index holds the 企業ID only, so that renaming a company changes no entry.
	// Engine.Search fills them from the store; a company missing here sorts by its ID
	// as if that were its name.
	Names map[string]string
}

// sortsByName reports whether the sort needs Names.
func (s Sort) sortsByName() bool { return s.Column == ByCounterparty }

// Result is one page of a search.
type Result struct {
	IDs   []string // 文書管理番号 of the page, in order
	Total int      // number of matching documents
	// Partial is set while the index is first being built, or rebuilt for a new
	// mapping version, and may miss documents.
	Partial bool
}

// normalized returns the query with its texts normalised, as the engine and any
// reference implementation must read it.
func (q Query) normalized() Query {
	q.Title, q.GroupTag, q.Dept = Normalize(q.Title), Normalize(q.GroupTag), Normalize(q.Dept)
	q.Number = normalizeNumber(q.Number)
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	return q
}

func normalizeNumber(s string) string {
	s = Normalize(s)
	if s == "" || len(s) >= data.DocumentIDWidth || strings.Trim(s, "0123456789") != "" {
		return s
	}
	return strings.Repeat("0", data.DocumentIDWidth-len(s)) + s
}
