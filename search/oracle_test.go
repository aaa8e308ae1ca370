package search

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"inkan/app/locale/jst"
	"inkan/data"
)

var seedFlag = flag.Uint64("seed", 0, "seed of TestEngineMatchesBruteForce (0: the fixed seed and a random one)")

// TestEngineMatchesBruteForce is the contract of the package: for random documents and
// random queries, the index returns exactly the IDs, order and total of a plain filter
// over the entries with strings.Contains on normalised text.
func TestEngineMatchesBruteForce(t *testing.T) {
	seeds := []uint64{20261124, rand.Uint64()}
	if *seedFlag != 0 {
		seeds = []uint64{*seedFlag}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			checkAgainstOracle(t, seed)
			if t.Failed() {
				t.Logf("reproduce with: go test ./search -run TestEngineMatchesBruteForce -seed %d", seed)
			}
		})
	}
}

func checkAgainstOracle(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	// C000001 has indexes of its own; the others share two group indexes.
	ix, err := CreateIndex(t.TempDir(), Layout{Groups: 2, Dedicated: []string{"C000001"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	companies := []string{"C000001", "C000002", "C000003", "C000004", "C000005"}
	var entries []Entry
	for i := 1; i <= 400; i++ {
		d := randomDocument(r, i, companies)
		entries = append(entries, Entries(d, oracleTurn)...)
	}
	// Write in several batches, then change some documents (moving some into long-term
	// storage) so that updates and moves between parts are part of the contract too.
	// The first half as a rebuild loads it, the rest as changes come in.
	half := len(entries) / 2
	l := ix.NewLoader()
	for _, e := range entries[:half] {
		if err := l.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// The empty form of a company with indexes of its own reads lists of IDs that are
	// loaded once and then kept up by Apply: load them before the changes.
	for _, st := range []Storage{Active, LongTerm} {
		if _, err := ix.Search(context.Background(), "C000001", Query{Storage: st}); err != nil {
			t.Fatal(err)
		}
	}
	for chunk := range slices.Chunk(entries[half:], 150) {
		if err := ix.Apply(chunk, nil); err != nil {
			t.Fatal(err)
		}
	}
	var changed []Entry
	for i := range entries {
		if r.IntN(5) == 0 {
			e := &entries[i]
			e.Status = pick(r, statuses)
			if !e.LongTerm && r.IntN(2) == 0 {
				e.LongTerm, e.StorageStart, e.StorageEnd = true, randomDate(r), randomDate(r).AddDate(10, 0, 0)
			}
			changed = append(changed, *e)
		}
	}
	for chunk := range slices.Chunk(changed, 40) {
		if err := ix.Apply(chunk, nil); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	nonEmpty, substring := 0, 0
	defer func() { t.Logf("%d of 600 queries found documents, %d of them by substring", nonEmpty, substring) }()
	for i := range 600 {
		company := pick(r, companies)
		q := randomQuery(r, entries)
		if i%10 == 0 { // the empty form, paged
			q = Query{Storage: Storage(r.IntN(3)), Offset: r.IntN(3) * q.Limit, Limit: q.Limit, Sort: Sort{Ascending: r.IntN(2) == 0}}
		}
		got, err := ix.Search(ctx, company, q)
		if err != nil {
			t.Fatalf("query %d %+v: %v", i, q, err)
		}
		want := bruteForce(entries, company, q)
		if want.Total > 0 {
			nonEmpty++
			if q.Title != "" || q.GroupTag != "" || q.Dept != "" {
				substring++
			}
		}
		if got.Total != want.Total || !slices.Equal(got.IDs, want.IDs) {
			t.Errorf("query %d in %s: %s\n got total %d %v\nwant total %d %v", i, company, describe(q), got.Total, got.IDs, want.Total, want.IDs)
			if t.Failed() && i > 5 {
				return
			}
		}
	}
}

// oracleTurn is a turn rule for the tests: the receiver's signer once sent, else the
// sender's 担当者, nobody's when completed.
func oracleTurn(d data.Document) (string, string, bool) {
	switch {
	case d.Status == "完了":
		return "", "", false
	case d.SentAt != nil && d.Receiver.Route != nil:
		return d.Receiver.CompanyID, d.Receiver.Route.Signer.UserID, true
	}
	return d.Sender.CompanyID, d.Sender.UserID, true
}

// bruteForce is the reference: a filter and a sort over every entry.
func bruteForce(entries []Entry, company string, q Query) Result {
	q = q.normalized()
	var hits []Entry
	for _, e := range entries {
		if e.Company == company && matches(e, q) {
			hits = append(hits, e)
		}
	}
	slices.SortStableFunc(hits, func(a, b Entry) int { return compareEntries(a, b, q) })
	res := Result{Total: len(hits), IDs: []string{}}
	for i := q.Offset; i < len(hits) && i < q.Offset+q.Limit; i++ {
		res.IDs = append(res.IDs, hits[i].ID)
	}
	return res
}

func matches(e Entry, q Query) bool {
	contains := func(field, text string) bool { return text == "" || strings.Contains(Normalize(field), text) }
	exact := func(field, want string) bool { return want == "" || field == want }
	inDays := func(t time.Time, r DateRange) bool {
		if r.From.IsZero() && r.To.IsZero() {
			return true
		}
		n, ok := day(t)
		lo, hasLo := day(r.From)
		hi, hasHi := day(r.To)
		return ok && (!hasLo || n >= lo) && (!hasHi || n <= hi)
	}
	amountOK := q.Amount.Min == nil && q.Amount.Max == nil ||
		e.Amount != nil && (q.Amount.Min == nil || *e.Amount >= *q.Amount.Min) && (q.Amount.Max == nil || *e.Amount <= *q.Amount.Max)
	return (q.Storage == AnyStorage || (q.Storage == LongTerm) == e.LongTerm) &&
		exact(e.Side, q.Side) && exact(e.ID, q.Number) &&
		contains(e.Title, q.Title) && contains(e.GroupTag, q.GroupTag) && contains(e.Dept, q.Dept) &&
		exact(e.Counterparty, q.Counterparty) &&
		(len(q.Statuses) == 0 || slices.Contains(q.Statuses, e.Status)) &&
		exact(e.OrderSide, q.OrderSide) && exact(e.UserID, q.UserID) &&
		(q.Participant == "" || slices.Contains(e.Participants, q.Participant)) && exact(e.Turn, q.Turn) &&
		inDays(e.ContractDate, q.ContractDate) && amountOK &&
		inDays(e.StorageStart, q.StorageStart) && inDays(e.StorageEnd, q.StorageEnd) && inDays(e.Updated, q.Updated) &&
		inDays(e.Assigned, q.Assigned)
}

// compareEntries orders by the column (missing values last either way), then by
// 文書管理番号 descending.
func compareEntries(a, b Entry, q Query) int {
	s := q.Sort
	byID := -strings.Compare(a.ID, b.ID)
	if s.Column == ByNumber {
		if s.Ascending {
			return -byID
		}
		return byID
	}
	ka, okA := sortKey(a, q)
	kb, okB := sortKey(b, q)
	switch {
	case !okA && !okB:
		return byID
	case !okA:
		return 1
	case !okB:
		return -1
	}
	c := ka.compare(kb)
	if !s.Ascending {
		c = -c
	}
	if c != 0 {
		return c
	}
	return byID
}

type sortValue struct {
	s string
	n int64
}

func (a sortValue) compare(b sortValue) int {
	if c := cmp.Compare(a.n, b.n); c != 0 {
		return c
	}
	return strings.Compare(a.s, b.s)
}

func sortKey(e Entry, q Query) (sortValue, bool) {
	str := func(s string) (sortValue, bool) { return sortValue{s: s}, s != "" }
	date := func(t time.Time) (sortValue, bool) { n, ok := day(t); return sortValue{n: n}, ok }
	switch c := q.Sort.Column; c {
	case ByTitle:
		return str(Normalize(e.Title))
	case ByCounterparty:
		name, ok := q.Sort.Names[e.Counterparty]
		if !ok {
			name = e.Counterparty
		}
		return str(name + "\x00" + e.Counterparty)
	case ByOrderSide:
		return str(e.OrderSide)
	case ByStatus:
		return str(e.Status)
	case ByUser:
		return str(e.UserID)
	case ByStorageStart:
		return date(e.StorageStart)
	case ByStorageEnd:
		return date(e.StorageEnd)
	}
	panic("unknown column " + q.Sort.Column)
}

// The alphabet of random texts: kanji, both kana and half-width kana, ASCII in both
// cases, full-width letters and digits, and the symbols of the manual's examples.
var alphabet = []string{
	"工", "事", "契", "約", "書", "請", "負", "上", "期", "棟",
	"カ", "か", "ｶ", "ガ", "が", "ｶﾞ", "タ", "た", "ー", "ﾀ",
	"A", "a", "Ｂ", "b", "P", "J", "-", "1", "２", "0",
	"〇", "△", "α", "θ", "σ", "Σ", "　", " ", "(", "㈱",
}

var (
	statuses   = []string{"下書き", "承認待ち", "署名待ち", "受領前承認待ち", "完了待ち", "完了", "取消"}
	orderSides = []string{data.OrderSideBuyer, data.OrderSideSeller}
	users      = []string{"U000001", "U000002", "U000003", "U000004"}
	// companyNames sort otherwise than their IDs, two of them alike; C000005 has none.
	companyNames = map[string]string{"C000001": "山田建設", "C000002": "あおば工務店", "C000003": "山田建設", "C000004": "ＡＢＣ"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func randomText(r *rand.Rand, maxLen int) string {
	var b strings.Builder
	for range r.IntN(maxLen + 1) {
		b.WriteString(pick(r, alphabet))
	}
	return b.String()
}

var dayZero = time.Date(2023, 11, 20, 0, 0, 0, 0, jst.Zone)

// randomDate is a time within 150 days (over a year's end and a 29 February), at any
// hour, so that dates near midnight UTC fall on the next day in Japan time.
func randomDate(r *rand.Rand) time.Time {
	return dayZero.Add(time.Duration(r.IntN(150*24)) * time.Hour).Add(time.Duration(r.IntN(60)) * time.Minute)
}

func maybeDate(r *rand.Rand) time.Time {
	if r.IntN(8) == 0 {
		return time.Time{}
	}
	return randomDate(r)
}

func randomDocument(r *rand.Rand, n int, companies []string) data.Document {
	sender := pick(r, companies)
	receiver := pick(r, companies)
	for receiver == sender {
		receiver = pick(r, companies)
	}
	d := data.Document{
		ID:           fmt.Sprintf("%010d", n),
		Title:        randomText(r, 8),
		ContractDate: maybeDate(r),
		Status:       pick(r, statuses),
		Sender:       data.Party{CompanyID: sender, Dept: randomText(r, 4), UserID: pick(r, users), OrderSide: pick(r, orderSides), GroupTag: randomText(r, 5)},
		Receiver:     data.Party{CompanyID: receiver, Dept: randomText(r, 4), UserID: pick(r, users), OrderSide: pick(r, orderSides), GroupTag: randomText(r, 5)},
		CreatedAt:    randomDate(r),
		UpdatedAt:    randomDate(r),
	}
	if r.IntN(6) != 0 {
		a := randomAmount(r)
		d.Amount = &a
	}
	if r.IntN(4) != 0 {
		sent := randomDate(r)
		d.SentAt = &sent
	}
	// Routes of none to two approvers and a signer, sometimes repeating the 担当者.
	for _, p := range []*data.Party{&d.Sender, &d.Receiver} {
		if r.IntN(3) != 0 {
			p.Route = &data.Route{Signer: data.Step{UserID: pick(r, users)}}
			for range r.IntN(3) {
				p.Route.Approvers = append(p.Route.Approvers, data.Step{UserID: pick(r, users)})
			}
		}
	}
	if r.IntN(2) == 0 {
		d.StorageStart = randomDate(r)
		d.StorageEnd = d.StorageStart.AddDate(10, 0, 0)
	}
	return d
}

// queryText is a substring of an existing text (often retyped in the other width or
// kana), or a random text.
func queryText(r *rand.Rand, from string) string {
	runes := []rune(from)
	if len(runes) == 0 || r.IntN(4) == 0 {
		return randomText(r, 3)
	}
	i := r.IntN(len(runes))
	j := i + 1 + r.IntN(min(4, len(runes)-i))
	s := string(runes[i:j])
	switch r.IntN(4) {
	case 0:
		s = Normalize(s)
	case 1:
		s = strings.ToUpper(s)
	}
	return s
}

// randomAmount is an amount on a round figure, next to a bucket's edge (see
// amountBucket), anywhere, or (rarely) below zero or at the ends of int64.
func randomAmount(r *rand.Rand) int64 {
	switch r.IntN(12) {
	case 0:
		return -int64(r.IntN(3000))
	case 1:
		return pick(r, []int64{math.MinInt64, math.MinInt64 + 1, math.MaxInt64, math.MaxInt64 - 1, 0, 99, 100, 999_999, 1_000_000})
	case 2, 3, 4:
		return int64(r.IntN(20)) * 50000
	case 5, 6, 7:
		return int64(r.IntN(20))*50000 + int64(r.IntN(3)) - 1
	}
	return int64(r.IntN(1_200_000))
}

// queryAmount is a bound of an amount range, often an extreme one.
func queryAmount(r *rand.Rand) int64 {
	if r.IntN(4) == 0 {
		return pick(r, []int64{math.MinInt64, math.MinInt64 + 1, -1, math.MaxInt64, math.MaxInt64 - 1, 0})
	}
	return randomAmount(r)
}

// randomDateRange covers the ways a range meets months (see appendDateRange): bounds
// anywhere, on a month's first or last day, within one month, single days, whole
// months, open ends, and empty ranges (From after To).
func randomDateRange(r *rand.Rand) DateRange {
	at := func(y int, m time.Month, d int) time.Time {
		return time.Date(y, m, d, r.IntN(24), r.IntN(60), 0, 0, jst.Zone)
	}
	bound := func() time.Time {
		t := randomDate(r)
		y, m, _ := t.In(jst.Zone).Date()
		switch r.IntN(4) {
		case 0:
			return at(y, m, 1)
		case 1:
			return at(y, m+1, 0)
		}
		return t
	}
	var dr DateRange
	switch r.IntN(6) {
	case 0:
		dr.From = bound()
		dr.To = dr.From
	case 1:
		y, m, _ := randomDate(r).In(jst.Zone).Date()
		dr.From, dr.To = at(y, m, 1), at(y, m+1+time.Month(r.IntN(3)), 0)
	case 2:
		dr.From = bound()
		y, m, _ := dr.From.In(jst.Zone).Date()
		dr.To = at(y, m, 1+r.IntN(28))
	default:
		if r.IntN(3) != 0 {
			dr.From = bound()
		}
		if r.IntN(3) != 0 {
			dr.To = bound()
		}
	}
	return dr
}

var columns = []Column{ByNumber, ByTitle, ByCounterparty, ByOrderSide, ByStatus, ByStorageStart, ByStorageEnd, ByUser}

func randomQuery(r *rand.Rand, entries []Entry) Query {
	e := pick(r, entries)
	q := Query{Storage: Storage(r.IntN(3)), Limit: 1 + r.IntN(30)}
	if r.IntN(3) == 0 {
		q.Offset = r.IntN(40)
	}
	if r.IntN(3) != 0 {
		q.Sort = Sort{Column: pick(r, columns), Ascending: r.IntN(2) == 0}
		if q.Sort.Column == ByCounterparty {
			q.Sort.Names = companyNames
		}
	}
	// Each condition with its own chance, so that many queries have few conditions
	// (the empty form among them) and some have many.
	if r.IntN(10) == 0 {
		q.Side = pick(r, []string{Sent, Received})
	}
	if r.IntN(30) == 0 {
		q.Number = strings.TrimLeft(e.ID, "0")
	}
	if r.IntN(3) == 0 {
		q.Title = queryText(r, e.Title)
	}
	if r.IntN(5) == 0 {
		q.GroupTag = queryText(r, e.GroupTag)
	}
	if r.IntN(6) == 0 {
		q.Dept = queryText(r, e.Dept)
	}
	if r.IntN(6) == 0 {
		q.Counterparty = e.Counterparty
	}
	if r.IntN(5) == 0 {
		q.Statuses = []string{pick(r, statuses)}
		if r.IntN(2) == 0 {
			q.Statuses = append(q.Statuses, pick(r, statuses))
		}
	}
	if r.IntN(8) == 0 {
		q.OrderSide = pick(r, orderSides)
	}
	if r.IntN(8) == 0 {
		q.UserID = pick(r, users)
	}
	if r.IntN(5) == 0 {
		q.Participant = pick(r, users)
	}
	if r.IntN(6) == 0 {
		q.Turn = pick(r, users)
	}
	if r.IntN(5) == 0 {
		q.ContractDate = randomDateRange(r)
	}
	if r.IntN(5) == 0 {
		if r.IntN(2) == 0 {
			v := queryAmount(r)
			q.Amount.Min = &v
		}
		if r.IntN(2) == 0 {
			v := queryAmount(r)
			q.Amount.Max = &v
		}
		if q.Amount.Min != nil && *q.Amount.Min < math.MaxInt64-4 && r.IntN(3) == 0 { // often within one bucket
			v := *q.Amount.Min + int64(r.IntN(5))
			q.Amount.Max = &v
		}
	}
	if r.IntN(6) == 0 {
		q.StorageStart = randomDateRange(r)
	}
	if r.IntN(8) == 0 {
		q.StorageEnd = randomDateRange(r)
	}
	if r.IntN(8) == 0 {
		q.Updated = randomDateRange(r)
	}
	if r.IntN(6) == 0 {
		q.Assigned = randomDateRange(r)
	}
	return q
}

func describe(q Query) string {
	return fmt.Sprintf("%+v", q)
}
