// Package synthetic makes realistic contract documents in bulk, for the search
// benchmarks and `inkan generate-docs`: 1,000 companies (by default) of very different
// sizes, the largest a party to about a tenth of all documents, Japanese titles mixing
// kanji, kana, ASCII, full-width digits and the manual's symbols (〇 △ α θ σ), ten
// years of dates, and amounts from ten thousand to five hundred million yen.
package synthetic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"inkan/app/locale/jst"
	"inkan/data"
)

// Options shape a generated installation.
type Options struct {
	Companies int     // number of companies; 0 gives 1,000
	Largest   float64 // share of documents of the largest company; 0 gives 0.10
	Seed      uint64
	// CompanyIDs names the companies, the largest first; nil gives C000001, C000002, ….
	CompanyIDs []string
	// Users are the user IDs of companies that have users (by company ID), whom their
	// documents name as 担当者, approvers and signers; the others get made-up IDs.
	Users map[string][]string
	// Live says which users of the store's companies may take part (Fill); nil: all.
	Live func(data.User) bool
}

// Generator deals out documents. Company i is "C%06d" of i+1 in the order of
// CompanyIDs; company 0 is the largest.
type Generator struct {
	r       *rand.Rand
	ids     []string
	users   map[string][]string
	n       int
	cum     []float64 // cumulative share of being the owning party
	largest float64
}

// New prepares a generator.
func New(o Options) *Generator {
	if o.Companies <= 0 {
		o.Companies = 1000
	}
	if o.Largest <= 0 {
		o.Largest = 0.10
	}
	if o.CompanyIDs != nil {
		o.Companies = len(o.CompanyIDs)
	} else {
		for i := range o.Companies {
			o.CompanyIDs = append(o.CompanyIDs, fmt.Sprintf("C%06d", i+1))
		}
	}
	g := &Generator{r: rand.New(rand.NewPCG(o.Seed, o.Seed+1)), ids: o.CompanyIDs, users: o.Users, n: o.Companies, largest: o.Largest}
	// The others follow a Zipf-like curve over the remaining share.
	weights := make([]float64, o.Companies-1)
	sum := 0.0
	for i := range weights {
		weights[i] = 1 / math.Pow(float64(i+2), 0.8)
		sum += weights[i]
	}
	g.cum = make([]float64, o.Companies)
	g.cum[0] = o.Largest
	for i, w := range weights {
		g.cum[i+1] = g.cum[i] + w/sum*(1-o.Largest)
	}
	return g
}

func (g *Generator) owner() int {
	x := g.r.Float64()
	lo, hi := 0, len(g.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if g.cum[mid] < x {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

var (
	places    = []string{"〇〇ビル", "△△マンション", "α棟", "θ地区", "σ工区", "みなと", "さくら台", "ＡＢＣタワー", "第２期", "中央", "北口", "駅前", "レジデンス", "ﾊｲﾂ", "PJ-", "旭町", "港北", "新横浜"}
	works     = []string{"新築工事", "改修工事", "解体工事", "設備工事", "電気工事", "内装工事", "外構工事", "設計業務", "測量業務", "資材納入"}
	kinds     = []string{"工事請負契約書", "注文書", "注文請書", "業務委託契約書", "基本契約書", "覚書", "変更契約書", "発注書"}
	tags      = []string{"2024上期", "2024下期", "2025上期", "2025下期", "本社案件", "支店案件", "PJ-0012", "PJ-0345", "急ぎ", "ＡＢＣ案件", "△△案件", "σ工区"}
	depts     = []string{"工務部", "購買課", "第二営業部", "資材部", "総務部", "建築部 工事課", "設備課", "経理部"}
	actives   = []string{"下書き", "承認待ち", "署名待ち", "受領前承認待ち", "完了待ち", "差戻し", "取消"}
	baseDate  = time.Date(2016, 1, 1, 0, 0, 0, 0, jst.Zone)
	tenYears  = 3652
	sideNames = []string{data.OrderSideBuyer, data.OrderSideSeller}
)

// Vocabulary is what the generator's documents are made of, for drawing search
// conditions that find them (the benchmarks' random parameter sets).
type Vocabulary struct {
	Places, Works, Kinds, Tags, Depts, ActiveStatuses []string
	// From and Days bound the contract dates: From to From+Days.
	From time.Time
	Days int
	// MinAmount and MaxAmount bound the amounts (yen).
	MinAmount, MaxAmount int64
}

// Words is the generator's vocabulary (copies: callers may not change the generator).
func Words() Vocabulary {
	return Vocabulary{
		Places: slices.Clone(places), Works: slices.Clone(works), Kinds: slices.Clone(kinds),
		Tags: slices.Clone(tags), Depts: slices.Clone(depts), ActiveStatuses: slices.Clone(actives),
		From: baseDate, Days: tenYears, MinAmount: 1e4, MaxAmount: 5e8,
	}
}

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

// Document makes the next document, numbered id (a 文書管理番号).
func (g *Generator) Document(id string) data.Document {
	if g.n < 2 {
		panic("synthetic: a document needs two companies")
	}
	r := g.r
	owner := g.owner()
	other := r.IntN(g.n - 1)
	if other >= owner {
		other++
	}
	sender, receiver := owner, other
	if r.IntN(2) == 0 {
		sender, receiver = other, owner
	}
	title := pick(r, places)
	if r.IntN(3) == 0 {
		title += fmt.Sprintf("%d", 1+r.IntN(40))
	}
	title += pick(r, works) + " " + pick(r, kinds)
	contract := baseDate.AddDate(0, 0, r.IntN(tenYears))
	amount := int64(math.Exp(math.Log(1e4)+r.Float64()*(math.Log(5e8)-math.Log(1e4)))) / 1000 * 1000
	userOf := func(company int) string {
		if us := g.users[g.ids[company]]; len(us) > 0 {
			return us[r.IntN(len(us))]
		}
		return fmt.Sprintf("U%06d", company*5+1+r.IntN(5))
	}
	side := sideNames[r.IntN(2)]
	d := data.Document{
		ID: id, Title: title, Amount: &amount, ContractDate: contract,
		Sender:    data.Party{CompanyID: g.ids[sender], Dept: pick(r, depts), UserID: userOf(sender), OrderSide: side, GroupTag: pick(r, tags)},
		Receiver:  data.Party{CompanyID: g.ids[receiver], Dept: pick(r, depts), UserID: userOf(receiver), OrderSide: opposite(side), GroupTag: pick(r, tags)},
		CreatedAt: contract.Add(-72 * time.Hour), UpdatedAt: contract.Add(time.Duration(r.IntN(30*24)) * time.Hour),
	}
	if r.IntN(20) != 0 {
		sent := d.CreatedAt.Add(24 * time.Hour)
		d.SentAt = &sent
	}
	if d.SentAt != nil && r.IntN(10) < 7 {
		d.Status = "完了"
		d.StorageStart = contract.AddDate(0, 0, r.IntN(14))
		d.StorageEnd = d.StorageStart.AddDate(10, 0, 0)
	} else {
		d.Status = pick(r, actives)
	}
	// Every registered document has the sender's route: none to two approvers and a
	// signer among the company's users; the receiver's is set when it received the
	// document, so about half the documents on their way and every completed one has it.
	route := func(company int) *data.Route {
		rt := &data.Route{Signer: data.Step{UserID: userOf(company)}}
		for range r.IntN(3) {
			rt.Approvers = append(rt.Approvers, data.Step{UserID: userOf(company)})
		}
		return rt
	}
	d.Sender.Route = route(sender)
	if d.SentAt != nil && (d.LongTerm() || r.IntN(2) == 0) {
		d.Receiver.Route = route(receiver)
	}
	return d
}

func opposite(side string) string {
	if side == data.OrderSideBuyer {
		return data.OrderSideSeller
	}
	return data.OrderSideBuyer
}
