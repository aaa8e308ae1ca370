package contract

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"inkan/app/domain/account"
	"inkan/app/domain/form"
	"inkan/app/domain/paging"
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
}

// Field names of the search form, as Validate reports them and Values writes them.
const (
	SearchNumber   = "number"
	SearchTitle    = "title"
	SearchPartner  = "partner"
	SearchDept     = "dept"
	SearchStatus   = "status"
	SearchGroupTag = "group_tag"
)

// Normalize trims the typed texts, folds the 取引先企業ID as IDs are issued (full width
// and case do not matter) and drops a status that is not one of Statuses.
func (f Filter) Normalize() Filter {
	f.Number, f.Title, f.Dept, f.GroupTag = strings.TrimSpace(f.Number), strings.TrimSpace(f.Title), strings.TrimSpace(f.Dept), strings.TrimSpace(f.GroupTag)
	f.Partner = account.NormalizeID(f.Partner)
	if !f.Status.Valid() {
		f.Status = ""
	}
	return f
}

// Validate refuses a condition no document can match for its length: longer than
// 契約登録 lets the field be (MaxTitle, MaxText), or than any 企業ID.
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
	} {
		if utf8.RuneCountInString(c.v) > c.max {
			errs.Add(c.field, "error.too_long")
		}
	}
	return errs
}

// Values is the filter as query parameters, for the paging links and the pushed URL,
// so that each repeats exactly the search on screen.
func (f Filter) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{
		SearchNumber: f.Number, SearchTitle: f.Title, SearchPartner: f.Partner,
		SearchDept: f.Dept, SearchStatus: string(f.Status), SearchGroupTag: f.GroupTag,
	} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// PageSize is the number of documents a page of 契約文書照会 shows.
const PageSize = 50

// query is the search of page n (from 1) of the documents that by takes part in and
// that match f, among those not yet in long-term storage: the manual's 契約文書照会
// lists the documents before they move to 長期保管文書, which has a screen of its own.
func (f Filter) query(by Actor, n int) search.Query {
	q := search.Query{
		Storage: search.Active, Participant: by.UserID,
		Number: f.Number, Title: f.Title, Counterparty: f.Partner, Dept: f.Dept, GroupTag: f.GroupTag,
		Offset: (n - 1) * PageSize, Limit: PageSize,
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

// Find is page n (from 1) of the documents of by's company that by takes part in (any
// role, data.Document.Participants) and that match f, not yet in long-term storage,
// newest first; a page past the end answers the last. The search engine finds them
// and the page's records are read from the store through by's company.
//
// The flow's steps commit to the store with a "to index" mark, which the engine
// applies in the background; Find applies what is marked first, so that the list
// shows the user's own last step, whatever wrote it.
func Find(ctx context.Context, index *search.Engine, store *data.Store, by Actor, f Filter, n int) (Found, error) {
	// Should the marks fail to apply, the list is still answered from the index as it
	// is (the background loop retries), flagged as possibly incomplete.
	stale := index.Sync()
	if stale != nil {
		stale = fmt.Errorf("contract list of %s: bring the index up to date: %w", by.UserID, stale)
	}
	n = max(n, 1)
	res, err := index.Search(ctx, by.CompanyID, f.query(by, n))
	if w := paging.Of(res.Total, n, PageSize); err == nil && w.Number != n {
		// A page past the end answers the last.
		n = w.Number
		res, err = index.Search(ctx, by.CompanyID, f.query(by, n))
	}
	if err != nil {
		return Found{}, fmt.Errorf("contract list of %s: %w", by.UserID, err)
	}
	out := Found{Window: paging.Of(res.Total, n, PageSize), Partial: res.Partial || stale != nil, Stale: stale}
	err = store.View(func(tx *data.Tx) error {
		t := tx.Tenant(by.CompanyID)
		for _, id := range res.IDs {
			d, err := t.Document(id)
			if errors.Is(err, data.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			// The index agrees after Sync; should it lag (a failed apply is retried
			// later), the record decides who sees the row.
			if d.TakesPart(by.CompanyID, by.UserID) {
				out.Docs = append(out.Docs, d)
			}
		}
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
