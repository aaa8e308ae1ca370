package search

import (
	"context"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// term is the query of one exact value under k.
func (k key) term(v string) query.Query {
	t := bleve.NewTermQuery(k.prefix + v)
	t.SetField(k.field)
	return t
}

// conditions translates the filled-in fields of a normalised query: the queries of
// its conditions, and the texts the hits' whole titles must contain, which the
// conditions alone do not make exact (see substringQuery and checkedQuery).
func conditions(company string, q Query) ([]query.Query, []containsCheck, []rangeCheck) {
	var out []query.Query
	var checks []containsCheck
	term := func(k key, v string) {
		if v != "" {
			out = append(out, k.term(v))
		}
	}
	if q.Side != "" {
		term(keyParty, company+"/"+q.Side)
	}
	if q.Number != "" {
		out = append(out, bleve.NewDocIDQuery([]string{docKey(company, q.Number)}))
	}
	for _, s := range []struct {
		k    substringKeys
		text string
	}{{substringTitle, q.Title}, {substringGroupTag, q.GroupTag}, {substringDept, q.Dept}} {
		if s.text != "" {
			sq, check := substringQuery(s.k.forCompany(company), s.text)
			out = append(out, sq)
			if check != nil {
				checks = append(checks, *check)
			}
		}
	}
	term(keyCounterparty, q.Counterparty)
	switch len(q.Statuses) {
	case 0:
	case 1:
		term(keyStatus, q.Statuses[0])
	default:
		var any []query.Query
		for _, st := range q.Statuses {
			any = append(any, keyStatus.term(st))
		}
		out = append(out, bleve.NewDisjunctionQuery(any...))
	}
	term(keyOrderSide, q.OrderSide)
	term(keyUser, q.UserID)
	term(keyParticipant, q.Participant)
	term(keyTurn, q.Turn)
	var ranges []rangeCheck
	for _, d := range []struct {
		col column
		r   DateRange
	}{{colContract, q.ContractDate}, {colStorageStart, q.StorageStart}, {colStorageEnd, q.StorageEnd}, {colUpdated, q.Updated}, {colAssigned, q.Assigned}} {
		if c, ok := dateCheck(d.col, d.r); ok {
			ranges = append(ranges, c)
		}
	}
	if c, ok := amountCheck(q.Amount); ok {
		ranges = append(ranges, c)
	}
	for _, c := range ranges {
		if c.lo > c.hi {
			return []query.Query{bleve.NewMatchNoneQuery()}, nil, nil
		}
	}
	return out, checks, ranges
}

// substringQuery is the query of a normalised text under a substring key (see
// termSet.substring), and the check that makes it exact, if one is needed. With pairs,
// one character is a prefix of some pair, two are a pair, and more are the entries
// holding all their pairs whose whole text contains them (the check). Without, it is
// the whole values in the term dictionary that contain the text (a regular expression
// over the dictionary, which bleve's automaton walks once per query), and their entries.
func substringQuery(k substringKeys, text string) (query.Query, *containsCheck) {
	if k.pairs.field == "" {
		return valuesQuery{whole: k.whole, text: []byte(text)}, nil
	}
	runes := []rune(text)
	switch len(runes) {
	case 1:
		p := bleve.NewPrefixQuery(k.pairs.prefix + text)
		p.SetField(k.pairs.field)
		return p, nil
	case 2:
		return k.pairs.term(text), nil
	}
	var pairs []query.Query
	seen := map[string]bool{}
	for i := 0; i+1 < len(runes); i++ {
		if p := string(runes[i : i+2]); !seen[p] {
			seen[p] = true
			pairs = append(pairs, k.pairs.term(p))
		}
	}
	return bleve.NewConjunctionQuery(pairs...), &containsCheck{text: []byte(text)}
}

// containsCheck is a text that a hit's whole title must contain. Holding all the
// pairs of a text is not yet containing it ("ab" and "bc" in "abxbc" for "abc"); the
// check makes it exact.
type containsCheck struct{ text []byte }

// valuesQuery is the entries holding any of the values under a key (with the
// company in its prefix) that contain a text: the values are read from the term
// dictionary, a few dozen for one company's グループタグ or 取引先部署名.
type valuesQuery struct {
	whole key
	text  []byte
}

func (q valuesQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	dict, err := r.FieldDictPrefix(q.whole.field, []byte(q.whole.prefix))
	if err != nil {
		return nil, err
	}
	var terms []string
	for {
		e, err := dict.Next()
		if err != nil {
			dict.Close()
			return nil, err
		}
		if e == nil {
			break
		}
		if strings.Contains(e.Term[len(q.whole.prefix):], string(q.text)) {
			terms = append(terms, e.Term)
		}
	}
	if err := dict.Close(); err != nil {
		return nil, err
	}
	if len(terms) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	return searcher.NewMultiTermSearcher(ctx, r, terms, q.whole.field, 1, o, false)
}

// nameKeys are the sort values of companies by 企業ID: the name, then the ID, so that
// two companies of one name stay apart and in ID order.
func nameKeys(names map[string]string) map[string]string {
	out := make(map[string]string, len(names))
	for id, name := range names {
		out[id] = name + "\x00" + id
	}
	return out
}
