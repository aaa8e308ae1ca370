package search

import (
	"time"

	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	index "github.com/blevesearch/bleve_index_api"
)

// MappingVersion names the layout of the index: the fields below, their analysis and
// the directory layout. Changing any of them must bump it, which makes a running
// installation rebuild its index from the store in the background.
const MappingVersion = 2

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
	fieldContractDate = "cdate" // YYYYMMDD
	fieldAmount       = "amount"
	fieldStorageStart = "sstart"  // YYYYMMDD
	fieldStorageEnd   = "send"    // YYYYMMDD
	fieldUpdated      = "updated" // YYYYMMDD
)

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

const (
	optSubstring = index.IndexField | index.IncludeTermVectors
	optKeyword   = index.IndexField | index.SkipFreqNorm
	optSortable  = index.IndexField | index.SkipFreqNorm | index.DocValues
)

// indexMapping is the static mapping the index is created with. Documents are built
// field by field (see bleveDocument) rather than mapped by reflection; the mapping
// records the same fields so that the index describes itself.
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
	number := func(name string) {
		f := bleve.NewNumericFieldMapping()
		f.Store, f.IncludeInAll, f.DocValues = false, false, false
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
	number(fieldAmount)
	m.DefaultMapping = doc
	return m
}

// bleveDocument builds the index document of an entry. Texts are normalised here, once.
func bleveDocument(e Entry) *document.Document {
	d := document.NewDocument(docKey(e.Company, e.ID))
	substring := func(name, v string) {
		if v = Normalize(v); v != "" {
			d.AddField(document.NewTextFieldCustom(name, nil, []byte(v), optSubstring, bigrams{}))
		}
	}
	keyword := func(name, v string, opts index.FieldIndexingOptions) {
		if v != "" {
			d.AddField(document.NewTextFieldWithIndexingOptions(name, nil, []byte(v), opts))
		}
	}
	date := func(name string, t time.Time, opts index.FieldIndexingOptions) {
		if v, ok := dayTerm(t); ok {
			keyword(name, v, opts)
		}
	}
	keyword(fieldCompany, e.Company, optKeyword)
	substring(fieldTitle, e.Title)
	substring(fieldGroupTag, e.GroupTag)
	substring(fieldDept, e.Dept)
	keyword(fieldTitleKey, Normalize(e.Title), optSortable)
	keyword(fieldSide, e.Side, optKeyword)
	keyword(fieldCounterparty, e.Counterparty, optSortable)
	keyword(fieldStatus, e.Status, optSortable)
	keyword(fieldOrderSide, e.OrderSide, optSortable)
	keyword(fieldUser, e.UserID, optSortable)
	date(fieldContractDate, e.ContractDate, optKeyword)
	if e.Amount != nil {
		d.AddField(document.NewNumericFieldWithIndexingOptions(fieldAmount, nil, float64(*e.Amount), index.IndexField))
	}
	date(fieldStorageStart, e.StorageStart, optSortable)
	date(fieldStorageEnd, e.StorageEnd, optSortable)
	date(fieldUpdated, e.Updated, optKeyword)
	return d
}
