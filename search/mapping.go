package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// MappingVersion names the layout of the index: the fields below, their terms and
// the directory layout. Changing any of them must bump it, which makes a running
// installation rebuild its index from the store in the background.
const MappingVersion = 18

// The index's fields. Each field costs every entry a frequency map and bleve a pass of
// its own, so there are four, their terms set apart by prefixes (see key): fieldKeys
// for exact terms that are only searched, fieldText for the pairs of the title's
// characters, fieldColumns for the values a list sorts by, and fieldTitle for the
// whole title, which a title search checks its candidates against and a list sorts
// by. No field has doc values: sorts and checks read the terms into columns per
// segment (columns.go). Nothing is stored: screens read the records from the store by
// 文書管理番号 (the document ID in the index).
const (
	fieldKeys    = "k" // exact terms, prefixed (key)
	fieldText    = "s" // pairs of the title's characters, prefixed (key)
	fieldColumns = "c" // sorted columns, prefixed (key)
	fieldTitle   = "t" // the whole normalised title
)

// A key is where the terms of one condition live: a field, and the prefix that sets
// them apart from the field's other terms ("" in a field of its own).
type key struct{ field, prefix string }

var (
	// keyParty is the tenant and its side in one term, "co=<company>/<side>": a group
	// index's query for a company is the prefix "co=<company>/", and a side is one term.
	keyParty        = key{fieldKeys, "co="}
	keyAmount       = key{fieldKeys, "am="} // amountTerm
	keyParticipant  = key{fieldKeys, "pt="} // a user who takes part, one term each
	keyTurn         = key{fieldKeys, "tu="} // the user whose turn it is
	keyTitle        = key{fieldTitle, ""}
	keyCounterparty = key{fieldColumns, "cp="}
	keyStatus       = key{fieldColumns, "st="}
	keyOrderSide    = key{fieldColumns, "od="}
	keyUser         = key{fieldColumns, "us="}
)

// A substring condition keeps the whole normalised text as a term. The title, different
// in nearly every document, also has the pairs of its characters to find candidates by,
// and its whole text to check them against (see substringQuery). グループタグ and
// 取引先部署名 repeat across documents (a company has its projects and its partners' departments), so a
// query reads the company's distinct values from the term dictionary instead, and
// their entries have no pairs to write: their whole values carry the company in their
// prefix (see forCompany), so that in a group index a query walks only its own.
type substringKeys struct {
	pairs      key // the field of the pairs; "" for none
	whole      key
	perCompany bool
}

var (
	substringTitle    = substringKeys{pairs: key{fieldText, "t:"}, whole: keyTitle}
	substringGroupTag = substringKeys{whole: key{fieldKeys, "tg="}, perCompany: true}
	substringDept     = substringKeys{whole: key{fieldKeys, "dp="}, perCompany: true}
)

// forCompany is k as it holds the values of one company.
func (k substringKeys) forCompany(company string) substringKeys {
	if k.perCompany {
		k.whole.prefix += company + "/"
	}
	return k
}

// A date is one term per day "YYYYMMDD" (dayTerm), an amount one term (amountTerm):
// ranges are checked against columns read from these terms (see columns.go).
// 保管開始日 and 保管期限 are sortable columns too.
var (
	keyContractDate = key{fieldKeys, "cd="}
	keyStorageStart = key{fieldColumns, "ss="}
	keyStorageEnd   = key{fieldColumns, "se="}
	keyUpdated      = key{fieldKeys, "ud="}
	keyAssigned     = key{fieldKeys, "ad="}
)

// indexMapping is the static mapping an index is created with and keeps. Entries are
// not mapped through it but built with their terms (addEntry); it records the
// fields and their options, which are the ones addEntry gives them. There is no _all
// field.
func indexMapping() mapping.IndexMapping {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = keyword.Name
	m.IndexDynamic, m.StoreDynamic, m.DocValuesDynamic = false, false, false
	doc := bleve.NewDocumentStaticMapping()
	text := bleve.NewTextFieldMapping()
	text.Analyzer, text.Store, text.IncludeInAll, text.IncludeTermVectors, text.DocValues, text.SkipFreqNorm = keyword.Name, false, false, false, false, true
	doc.AddFieldMappingsAt(fieldText, text)
	keywordField := func(name string) {
		f := bleve.NewKeywordFieldMapping()
		f.Store, f.IncludeInAll, f.IncludeTermVectors, f.DocValues, f.SkipFreqNorm = false, false, false, false, true
		doc.AddFieldMappingsAt(name, f)
	}
	keywordField(fieldKeys)
	keywordField(fieldColumns)
	keywordField(fieldTitle)
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.DefaultMapping = doc
	return m
}
