package contract

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"inkan/app/domain/account"
	"inkan/app/domain/form"
	"inkan/app/domain/paging"
	"inkan/app/locale/jst"
	"inkan/app/locale/yen"
	"inkan/data"
	"inkan/search"
)

// Filter is the search form of 契約文書照会 (manual p.11, the admin's 契約文書検索／一覧
// with the user's own documents): every field may be empty, and an empty form lists
// them all.
type Filter struct {
	Number   string // 文書管理番号, exact (short numbers are zero-padded by the engine)
	Title    string // 契約文書名称, substring
	Partner  string // 取引先企業ID, exact
	Dept     string // 取引先部署名, substring
	Status   Status // ステータス; "" for any
	GroupTag string // グループタグ, substring

	// The conditions of 長期保管文書照会, the records law's search (取引年月日, 取引金額
	// and 取引先, combinable), as typed: dates yyyy-mm-dd, amounts in yen as yen.Parse
	// reads them. Each range is inclusive and open where a bound is empty.
	ContractFrom, ContractTo string // 契約締結年月日
	AmountMin, AmountMax     string // 契約金額（円）
	StorageFrom, StorageTo   string // 保管開始日
	Owner                    string // 自社担当者ID, exact
	// OwnerFrom and OwnerTo narrow Owner to one of the user's names (OwnerPeriod): the
	// documents the ID took (data.Document.TakenAt) between the dates. Without Owner
	// they mean nothing and Normalize drops them.
	OwnerFrom, OwnerTo string

	// Sort is the column the result is ordered by (a column header clicked).
	Sort search.Sort
}

// Field names of the search form, as Validate reports them and Values writes them.
const (
	SearchNumber       = "number"
	SearchTitle        = "title"
	SearchPartner      = "partner"
	SearchDept         = "dept"
	SearchStatus       = "status"
	SearchGroupTag     = "group_tag"
	SearchContractFrom = "contract_from"
	SearchContractTo   = "contract_to"
	SearchAmountMin    = "amount_min"
	SearchAmountMax    = "amount_max"
	SearchStorageFrom  = "storage_from"
	SearchStorageTo    = "storage_to"
	SearchOwner        = "owner"
	// The period of the 自社担当者's name: named after SearchOwner, as the picker that
	// fills all three writes them (field + "_from", field + "_to").
	SearchOwnerFrom = SearchOwner + "_from"
	SearchOwnerTo   = SearchOwner + "_to"
	SearchSort      = "sort"
	SearchOrder     = "order" // "asc", else descending
)

// searchDate is how a date condition arrives (input type=date).
const searchDate = "2006-01-02"

// Normalize trims the typed texts, folds the IDs as they are issued (full width and
// case do not matter), drops a status that is not one of Statuses and a sort column
// that is none of the lists'.
func (f Filter) Normalize() Filter {
	for _, p := range []*string{&f.Number, &f.Title, &f.Dept, &f.GroupTag, &f.ContractFrom, &f.ContractTo, &f.AmountMin, &f.AmountMax, &f.StorageFrom, &f.StorageTo, &f.OwnerFrom, &f.OwnerTo} {
		*p = strings.TrimSpace(*p)
	}
	f.Partner, f.Owner = account.NormalizeID(f.Partner), account.NormalizeID(f.Owner)
	if f.Owner == "" {
		f.OwnerFrom, f.OwnerTo = "", ""
	}
	if !f.Status.Valid() {
		f.Status = ""
	}
	if !slices.Contains(SortColumns, f.Sort.Column) {
		f.Sort = search.Sort{}
	}
	return f
}

// SortColumns are the columns a list may be ordered by.
var SortColumns = []search.Column{search.ByNumber, search.ByTitle, search.ByCounterparty, search.ByOrderSide, search.ByStatus, search.ByStorageStart, search.ByStorageEnd, search.ByUser}

// Validate refuses a condition no document can match for its length (longer than
// 契約登録 lets the field be, MaxTitle and MaxText, or than any ID), a date that is no
// date and an amount that is no amount of yen.
func (f Filter) Validate() form.Errors {
	errs := form.Errors{}
	for _, c := range []struct {
		field, v string
		max      int
	}{
		{SearchNumber, f.Number, MaxText},
		{SearchTitle, f.Title, MaxTitle},
		{SearchPartner, f.Partner, account.MaxIDLength},
		{SearchDept, f.Dept, MaxText},
		{SearchGroupTag, f.GroupTag, MaxText},
		{SearchOwner, f.Owner, account.MaxIDLength},
	} {
		if utf8.RuneCountInString(c.v) > c.max {
			errs.Add(c.field, "error.too_long")
		}
	}
	for field, v := range map[string]string{SearchContractFrom: f.ContractFrom, SearchContractTo: f.ContractTo, SearchStorageFrom: f.StorageFrom, SearchStorageTo: f.StorageTo, SearchOwnerFrom: f.OwnerFrom, SearchOwnerTo: f.OwnerTo} {
		if _, err := time.ParseInLocation(searchDate, v, jst.Zone); v != "" && err != nil {
			errs.Add(field, "error.date")
		}
	}
	for field, v := range map[string]string{SearchAmountMin: f.AmountMin, SearchAmountMax: f.AmountMax} {
		if _, err := yen.Parse(v); v != "" && err != nil {
			errs.Add(field, "contract.error_amount")
		}
	}
	return errs
}

// Values is the filter as query parameters, for the paging links, the column headers
// and the pushed URL, so that each repeats exactly the search on screen.
func (f Filter) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{
		SearchNumber: f.Number, SearchTitle: f.Title, SearchPartner: f.Partner,
		SearchDept: f.Dept, SearchStatus: string(f.Status), SearchGroupTag: f.GroupTag,
		SearchContractFrom: f.ContractFrom, SearchContractTo: f.ContractTo, SearchAmountMin: f.AmountMin, SearchAmountMax: f.AmountMax,
		SearchStorageFrom: f.StorageFrom, SearchStorageTo: f.StorageTo, SearchOwner: f.Owner, SearchOwnerFrom: f.OwnerFrom, SearchOwnerTo: f.OwnerTo,
		SearchSort: string(f.Sort.Column),
	} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Sort.Ascending {
		v.Set(SearchOrder, "asc")
	}
	return v
}

// OwnerPeriod is the period of one of a user's names as the filter's OwnerFrom and
// OwnerTo: the calendar dates (JST) of its start and end, open at the start for the
// first name and at the end for the current one, as account.NameAt gives the names.
// The search compares dates, so a document taken on the day of a change is found under
// both names; the 自社担当者名 column tells them apart by the instant.
func OwnerPeriod(p account.NamePeriod) (from, to string) {
	if !p.First() {
		from = jst.In(p.From).Format(searchDate)
	}
	if !p.Current() {
		to = jst.In(p.Until).Format(searchDate)
	}
	return from, to
}

// dateRange reads two typed dates (Validate has refused bad ones).
func dateRange(from, to string) search.DateRange {
	var r search.DateRange
	r.From, _ = time.ParseInLocation(searchDate, from, jst.Zone)
	r.To, _ = time.ParseInLocation(searchDate, to, jst.Zone)
	return r
}

// amountRange reads two typed amounts (Validate has refused bad ones).
func amountRange(lo, hi string) search.AmountRange {
	var r search.AmountRange
	if n, err := yen.Parse(lo); err == nil {
		r.Min = &n
	}
	if n, err := yen.Parse(hi); err == nil {
		r.Max = &n
	}
	return r
}

// Scope is which documents a list searches.
type Scope struct {
	// Company lists every document of the company (管理者業務, 自社分全て), not only
	// those the user takes part in: for an admin, which the caller has checked.
	Company bool
	// Stored lists the documents in long-term storage (長期保管文書) instead of the
	// others (契約文書照会).
	Stored bool
}

// includes reports whether d, read through by's company, belongs to the scope's list
// by its record (the index may lag behind it).
func (s Scope) includes(d data.Document, by Actor) bool {
	return d.LongTerm() == s.Stored && (s.Company || d.TakesPart(by.CompanyID, by.UserID))
}

// PageSize is the number of documents a page of 契約文書照会 shows.
const PageSize = 50

// query is the search of page n (from 1) of the documents of the scope that match f:
// those by takes part in, or all of the company's, and either those not yet in
// long-term storage (the manual's 契約文書照会) or those in it (長期保管文書).
func (f Filter) query(by Actor, scope Scope, n int) search.Query {
	q := search.Query{
		Storage: search.Active, Participant: by.UserID,
		Number: f.Number, Title: f.Title, Counterparty: f.Partner, Dept: f.Dept, GroupTag: f.GroupTag,
		UserID: f.Owner, ContractDate: dateRange(f.ContractFrom, f.ContractTo), Amount: amountRange(f.AmountMin, f.AmountMax),
		StorageStart: dateRange(f.StorageFrom, f.StorageTo), Assigned: dateRange(f.OwnerFrom, f.OwnerTo),
		Sort: f.Sort, Offset: (n - 1) * PageSize, Limit: PageSize,
	}
	if scope.Company {
		q.Participant = ""
	}
	if scope.Stored {
		q.Storage = search.LongTerm
	}
	if f.Status != "" {
		q.Statuses = []string{string(f.Status)}
	}
	return q
}

// Found is one page of 契約文書照会.
type Found struct {
	Docs []data.Document // the page, newest first
	paging.Window
	// Partial is set while the index is first built or rebuilt for a new mapping
	// version, or could not take the latest changes: documents may be missing meanwhile.
	Partial bool
	// Stale is why the latest changes could not be applied before the search, for the
	// log; nil when they were.
	Stale error
}

// Find is page n (from 1) of the documents of by's company in scope (those by takes
// part in, in any role, data.Document.Participants, or the company's all; before or in
// long-term storage) that match f, newest first or in f's order; a page past the end
// answers the last. The search engine finds them
// and the page's records are read from the store through by's company.
//
// The flow's steps commit to the store with a "to index" mark, which the engine
// applies in the background; Find applies what is marked first, so that the list
// shows the user's own last step, whatever wrote it.
func Find(ctx context.Context, index *search.Engine, store *data.Store, by Actor, scope Scope, f Filter, n int) (Found, error) {
	// Should the marks fail to apply, the list is still answered from the index as it
	// is (the background loop retries), flagged as possibly incomplete.
	stale := index.Sync()
	if stale != nil {
		stale = fmt.Errorf("contract list of %s: bring the index up to date: %w", by.UserID, stale)
	}
	n = max(n, 1)
	res, err := index.Search(ctx, by.CompanyID, f.query(by, scope, n))
	if w := paging.Of(res.Total, n, PageSize); err == nil && w.Number != n {
		// A page past the end answers the last.
		n = w.Number
		res, err = index.Search(ctx, by.CompanyID, f.query(by, scope, n))
	}
	if err != nil {
		return Found{}, fmt.Errorf("contract list of %s: %w", by.UserID, err)
	}
	out := Found{Window: paging.Of(res.Total, n, PageSize), Partial: res.Partial || stale != nil, Stale: stale,
		Docs: make([]data.Document, 0, len(res.IDs))}
	err = readPage(store.View, by, scope, res.IDs, func(_ *data.Tx, d data.Document) error {
		out.Docs = append(out.Docs, d)
		return nil
	})
	if err != nil {
		return Found{}, fmt.Errorf("contract list of %s: read the page: %w", by.UserID, err)
	}
	return out, nil
}

// OrderSides are the 受発注区分 of d as company sees it: its own and its partner's (取引先
// 受発注区分, a column of the lists). Only the sender enters one (自社の受発注区分); the
// receiver's is the other side.
func OrderSides(d data.Document, company string) (own, partner string) {
	sender := d.Sender.OrderSide
	receiver := d.Receiver.OrderSide
	if receiver == "" {
		receiver = OtherSide(sender)
	}
	if company == d.Sender.CompanyID {
		return sender, receiver
	}
	return receiver, sender
}

// eachChunk is how many documents Each reads in one transaction.
const eachChunk = 500

// Each calls fn with every document that Find would list for by, scope and f, in the
// same order, a chunk at a time, each chunk read in a transaction of its own: an export
// of the whole result holds neither it nor one long transaction.
func Each(index *search.Engine, store *data.Store, by Actor, scope Scope, f Filter, fn func(*data.Tx, data.Document) error) error {
	if err := index.Sync(); err != nil {
		return fmt.Errorf("documents of %s: bring the index up to date: %w", by.UserID, err)
	}
	q := f.query(by, scope, 1)
	q.Limit = eachChunk
	for {
		res, err := index.Search(context.Background(), by.CompanyID, q)
		if err != nil {
			return fmt.Errorf("documents of %s: %w", by.UserID, err)
		}
		if err := readPage(store.ViewBulk, by, scope, res.IDs, fn); err != nil {
			return fmt.Errorf("documents of %s: %w", by.UserID, err)
		}
		q.Offset += len(res.IDs)
		if len(res.IDs) < eachChunk || q.Offset >= res.Total {
			return nil
		}
	}
}

// readPage calls fn with the records of ids, read in one transaction through by's
// company. The index agrees after Sync; should it lag (a failed apply is retried
// later), the record decides: a document gone or outside the scope is skipped.
func readPage(view func(func(*data.Tx) error) error, by Actor, scope Scope, ids []string, fn func(*data.Tx, data.Document) error) error {
	return view(func(tx *data.Tx) error {
		t := tx.Tenant(by.CompanyID)
		for _, id := range ids {
			d, err := t.Document(id)
			if errors.Is(err, data.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if !scope.includes(d, by) {
				continue
			}
			if err := fn(tx, d); err != nil {
				return err
			}
		}
		return nil
	})
}
