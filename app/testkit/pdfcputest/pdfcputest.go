// Package pdfcputest runs pdfcpu's signature validator over a PDF, as a further
// independent opinion beside pdfsig, openssl, qpdf and mutool. pdfcpu is written in Go
// on encoding/asn1, so it also proves that every ASN.1 value we write (the TSA policy
// OID among them) is readable by the strictest common parser.
//
// pdfcpu keeps its trust store in package variables (a directory of certificates and
// the pool loaded from it), so Validate holds a lock for the whole call and points the
// store at a fresh directory holding only the roots given.
package pdfcputest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// Result is pdfcpu's verdict on one signature or document timestamp.
type Result struct {
	// Field is the signature field's name.
	Field string
	// Valid is pdfcpu's "signature is valid".
	Valid bool
	// DocTimestamp reports an ETSI.RFC3161 document timestamp.
	DocTimestamp bool
	// Timestamped reports that pdfcpu read a timestamp time: the signature
	// timestamp of a signature, or the token time of a document timestamp.
	Timestamped bool
	// Modified is pdfcpu's DocModified (0: not modified).
	Modified int
	// Text is pdfcpu's whole report on the entry, for failure messages.
	Text string
}

var mu sync.Mutex

// Validate returns pdfcpu's verdict on every signature and document timestamp of doc,
// trusting only the PEM certificates in roots. pdfcpu concludes revocation only from
// CRLs it fetches itself (it reads those of the DSS but calls them "applicability
// unavailable"), and fetches from private addresses only when allowed: crlHosts are
// the hosts (such as 127.0.0.1 of an httptest server) it may fetch them from. With none,
// it stays offline and reports revocation, and so every signature, as unknown.
func Validate(t testing.TB, doc, roots []byte, crlHosts ...string) []Result {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	api.DisableConfigDir()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "roots.pem"), roots, 0o600); err != nil {
		t.Fatal(err)
	}
	model.TrustedCertDir = dir
	pdfcpu.InvalidateCertificatePool()
	conf := model.NewDefaultConfiguration()
	conf.Offline = len(crlHosts) == 0
	conf.AllowedRevocationHosts = crlHosts
	results, err := api.ValidateSignaturesRaw(bytes.NewReader(doc), true, conf)
	if err != nil {
		t.Fatalf("pdfcpu: validate signatures: %v", err)
	}
	out := make([]Result, 0, len(results))
	for _, r := range results {
		res := Result{
			Field:        r.Details.FieldName,
			Valid:        r.Status == model.SignatureStatusValid,
			DocTimestamp: r.Details.IsETSI_RFC3161(),
			Modified:     r.DocModified,
			Text:         r.String(),
		}
		for _, s := range r.Details.Signers {
			res.Timestamped = res.Timestamped || s.HasTimestamp && !s.Timestamp.IsZero()
		}
		if len(r.Problems) > 0 {
			res.Text += "\nproblems: " + strings.Join(r.Problems, "; ")
		}
		out = append(out, res)
	}
	return out
}
