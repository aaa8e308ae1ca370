// Package workload is the query workload of the search benchmarks, the engine's
// (search) and the screens' (app/web): for each query kind of the admin screens,
// parameter sets drawn from the vocabulary of the generator (search/synthetic), in
// random order, as users search. One fixed query per kind would be answered from
// warm caches and flatter the figures.
package workload

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"inkan/search"
	"inkan/search/synthetic"
)

// Sets is how many different parameter sets each kind draws.
const Sets = 500

// Largest is the generator's largest company (it numbers them in the order of size),
// the one every query of the workload searches.
const Largest = "C000001"

// Kind draws parameter sets of one query kind.
type Kind struct {
	Name string
	draw func(r *rand.Rand, w synthetic.Vocabulary) search.Query
}

// Admin are the five query kinds of the admin screens (issue 14, item 6), then two
// more: one user's documents (契約文書照会), and a list sorted by a column.
var Admin = []Kind{
	{"empty-form", func(r *rand.Rand, w synthetic.Vocabulary) search.Query {
		return search.Query{Storage: pick(r, []search.Storage{search.Active, search.LongTerm}), Offset: search.DefaultLimit * r.IntN(10)}
	}},
	{"name-2-chars", func(r *rand.Rand, w synthetic.Vocabulary) search.Query {
		return search.Query{Storage: pick(r, []search.Storage{search.Active, search.LongTerm}), Title: titlePart(r, w, 2, 2)}
	}},
	{"name-date-amount", func(r *rand.Rand, w synthetic.Vocabulary) search.Query {
		lo, hi := amountRange(r, w)
		return search.Query{Storage: search.LongTerm, Title: titlePart(r, w, 2, 4), ContractDate: dateRange(r, w, 36),
			Amount: search.AmountRange{Min: &lo, Max: &hi}}
	}},
	{"tag-status", func(r *rand.Rand, w synthetic.Vocabulary) search.Query {
		return search.Query{Storage: search.Active, GroupTag: substringOf(r, pick(r, w.Tags), 1, 6), Statuses: []string{pick(r, w.ActiveStatuses)}}
	}},
	{"counterparty-storage", func(r *rand.Rand, w synthetic.Vocabulary) search.Query {
		return search.Query{Storage: search.LongTerm, Counterparty: fmt.Sprintf("C%06d", 2+r.IntN(999)), StorageStart: dateRange(r, w, 48)}
	}},
	{"participant-name", func(r *rand.Rand, w synthetic.Vocabulary) search.Query {
		// The generator's users of the largest company are U000001 to U000005.
		q := search.Query{Storage: search.Active, Participant: fmt.Sprintf("U%06d", 1+r.IntN(5))}
		if r.IntN(2) == 0 {
			q.Title = titlePart(r, w, 2, 3)
		}
		return q
	}},
	{"name-by-counterparty", func(r *rand.Rand, w synthetic.Vocabulary) search.Query {
		return search.Query{Storage: search.LongTerm, Title: titlePart(r, w, 2, 3),
			Sort: search.Sort{Column: search.ByCounterparty, Ascending: r.IntN(2) == 0}}
	}},
}

// Screens is the number of kinds in Admin that are the admin screens' five.
const Screens = 5

// Sets draws n parameter sets of the kind, the same ones in every run.
func (k Kind) Sets(n int) []search.Query {
	r := rand.New(rand.NewPCG(14, uint64(len(k.Name))))
	w := synthetic.Words()
	out := make([]search.Query, n)
	for i := range out {
		out[i] = k.draw(r, w)
	}
	return out
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// titlePart is a substring of min to max characters of a title the generator makes,
// as a user types it: no spaces at its ends.
func titlePart(r *rand.Rand, w synthetic.Vocabulary, min, max int) string {
	for {
		title := pick(r, w.Places) + pick(r, w.Works) + " " + pick(r, w.Kinds)
		if s := substringOf(r, title, min, max); !strings.Contains(s, " ") {
			return s
		}
	}
}

// substringOf is a substring of s of min to max characters (all of s when shorter).
func substringOf(r *rand.Rand, s string, min, max int) string {
	runes := []rune(s)
	n := min + r.IntN(max-min+1)
	if n >= len(runes) {
		return s
	}
	i := r.IntN(len(runes) - n + 1)
	return string(runes[i : i+n])
}

// dateRange is a range of one day to months months within the generator's dates.
func dateRange(r *rand.Rand, w synthetic.Vocabulary, months int) search.DateRange {
	from := w.From.AddDate(0, 0, r.IntN(w.Days))
	return search.DateRange{From: from, To: from.AddDate(0, 1+r.IntN(months), -r.IntN(28))}
}

// amountRange is a range of amounts spanning a factor of 3 to 300 within the
// generator's, on round figures.
func amountRange(r *rand.Rand, w synthetic.Vocabulary) (lo, hi int64) {
	lo = int64(math.Exp(math.Log(float64(w.MinAmount))+r.Float64()*math.Log(float64(w.MaxAmount/w.MinAmount)/10))) / 10000 * 10000
	return lo, lo * int64(3+r.IntN(298))
}
