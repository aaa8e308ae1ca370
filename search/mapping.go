package search

import (
	"time"

	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
)

// MappingVersion names the layout of the index: the fields below, their analysis and
// the directory layout. Changing any of them must bump it, which makes a running
// installation rebuild its index from the store in the background.
const MappingVersion = 4

// The index's field names. Sortable fields carry doc values; substring fields carry
// positions for phrase queries; nothing is stored, since screens read the records
// from the store by 文書管理番号 (the document ID in the index).
const (
	fieldCompany      = "co"      // the tenant, in group indexes
	fieldTitle        = "title"   // substring
	fieldGroupTag     = "tag"     // substring
	fieldDept         = "dept"    // substring
	fieldTitleKey     = "title_k" // the whole normalised title, for sorting
	fieldSide         = "side"
	fieldCounterparty = "cp"
	fieldStatus       = "status"
	fieldOrderSide    = "order"
	fieldUser         = "user"
	fieldContractDate = "cdate"    // YYYYMMDD
	fieldAmount       = "amount"   // amountTerm
	fieldAmountBucket = "amount_b" // bucketTerm of amountBucket
	fieldStorageStart = "sstart"   // YYYYMMDD
	fieldStorageEnd   = "send"     // YYYYMMDD
	fieldUpdated      = "updated"  // YYYYMMDD
	// Every date field has a companion of the same name plus monthSuffix holding the
	// month "YYYYMM", so that a long range reads whole months (see appendDateRange).
	monthSuffix = "_m"
)

// dateFields are the fields holding dates.
var dateFields = []string{fieldContractDate, fieldStorageStart, fieldStorageEnd, fieldUpdated}

const analyzerName = "inkan_bigram"

func init() {
	// Registering is how bleve finds an analyzer named in a stored mapping when it
	// opens an index; it is the library's extension point, written once at start.
	err := registry.RegisterAnalyzer(analyzerName, func(map[string]any, *registry.Cache) (analysis.Analyzer, error) {
		return bigrams{}, nil
	})
	if err != nil {
		panic(fmt.Sprintf("search: %v", err))
	}
}

// indexMapping is the static mapping the index is created with; documents are the
// field maps of indexFields. There is no _all field.
func indexMapping() mapping.IndexMapping {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = keyword.Name
	m.IndexDynamic, m.StoreDynamic, m.DocValuesDynamic = false, false, false
	doc := bleve.NewDocumentStaticMapping()
	substring := func(name string) {
		f := bleve.NewTextFieldMapping()
		f.Analyzer, f.Store, f.IncludeInAll, f.IncludeTermVectors, f.DocValues = analyzerName, false, false, true, false
		doc.AddFieldMappingsAt(name, f)
	}
	keywordField := func(name string, sortable bool) {
		f := bleve.NewKeywordFieldMapping()
		f.Store, f.IncludeInAll, f.IncludeTermVectors, f.DocValues, f.SkipFreqNorm = false, false, false, sortable, true
		doc.AddFieldMappingsAt(name, f)
	}
	keywordField(fieldCompany, false)
	substring(fieldTitle)
	substring(fieldGroupTag)
	substring(fieldDept)
	keywordField(fieldTitleKey, true)
	keywordField(fieldSide, false)
	keywordField(fieldCounterparty, true)
	keywordField(fieldStatus, true)
	keywordField(fieldOrderSide, true)
	keywordField(fieldUser, true)
	// Dates are keyword terms (see dayTerm); the storage dates are columns.
	keywordField(fieldContractDate, false)
	keywordField(fieldStorageStart, true)
	keywordField(fieldStorageEnd, true)
	keywordField(fieldUpdated, false)
	for _, f := range dateFields {
		keywordField(f+monthSuffix, false)
	}
	keywordField(fieldAmount, false)
	keywordField(fieldAmountBucket, false)
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.DefaultMapping = doc
	return m
}

// indexFields is what the index holds of an entry, in the shape the mapping above maps:
// one value per field, empty ones left out. Texts are normalised here, once.
func indexFields(e Entry) map[string]any {
	f := make(map[string]any, 20)
	text := func(name, v string) {
		if v != "" {
			f[name] = v
		}
	}
	date := func(name string, t time.Time) {
		if v, ok := dayTerm(t); ok {
			f[name] = v
			f[name+monthSuffix] = v[:6]
		}
	}
	title := Normalize(e.Title)
	text(fieldCompany, e.Company)
	text(fieldTitle, title)
	text(fieldGroupTag, Normalize(e.GroupTag))
	text(fieldDept, Normalize(e.Dept))
	text(fieldTitleKey, title)
	text(fieldSide, e.Side)
	text(fieldCounterparty, e.Counterparty)
	text(fieldStatus, e.Status)
	text(fieldOrderSide, e.OrderSide)
	text(fieldUser, e.UserID)
	date(fieldContractDate, e.ContractDate)
	if e.Amount != nil {
		first, _ := amountBucket(*e.Amount)
		f[fieldAmount], f[fieldAmountBucket] = amountTerm(*e.Amount), bucketTerm(first)
	}
	date(fieldStorageStart, e.StorageStart)
	date(fieldStorageEnd, e.StorageEnd)
	date(fieldUpdated, e.Updated)
	return f
}
