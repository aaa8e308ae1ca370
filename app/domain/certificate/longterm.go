package certificate

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"time"

	"inkan/app/trust/evidence"
	"inkan/app/trust/pades"
	"inkan/app/trust/pdf"
	"inkan/app/trust/tsa"
)

// UseTSAPolicy makes the installation's TSA write policy (a dotted OID, --tsa-policy)
// into its tokens from now on instead of tsa.DefaultPolicy. Tokens issued before keep
// verifying: verification does not depend on the policy. The composition root calls it
// once, right after Open.
func (s *Service) UseTSAPolicy(policy string) error {
	a, err := tsa.New(tsa.Config{Certificate: s.ca.TSACertificate(), Signer: s.ca.TSASigner(), Chain: []*x509.Certificate{s.ca.Root()}, Clock: s.now, Policy: policy})
	if err != nil {
		return fmt.Errorf("timestamp authority: %w", err)
	}
	s.tsa = a
	return nil
}

// DocumentError is a PDF the installation cannot sign or timestamp. Key is the catalog
// key of the message for the user, which says what the file is and what they can do
// about it (the screens and the command line say it in their language); Err is the
// technical reason (pdf.ErrRestricted, pdf.ErrEncrypted).
type DocumentError struct {
	Key string
	Err error
}

func (e *DocumentError) Error() string { return "certificate: " + e.Key + ": " + e.Err.Error() }

func (e *DocumentError) Unwrap() error { return e.Err }

// The catalog keys of DocumentError.
const (
	KeyRestrictedPDF = "certificate.pdf_restricted"
	KeyEncryptedPDF  = "certificate.pdf_encrypted"
)

// ExplainDocument turns the refusal of a restricted or encrypted PDF (by pdf.Open or
// anything reading one) into a DocumentError; other errors pass unchanged. It is the
// one owner of which message a refused PDF gets, at upload as at signing.
func ExplainDocument(err error) error {
	switch {
	case errors.Is(err, pdf.ErrRestricted):
		return &DocumentError{Key: KeyRestrictedPDF, Err: err}
	case errors.Is(err, pdf.ErrEncrypted):
		return &DocumentError{Key: KeyEncryptedPDF, Err: err}
	}
	return err
}

// freshValidation is Validation with CRLs issued now: a strict validator wants
// revocation data from after the newest timestamp a B-LTA increment protects (the
// signatures' timestamps, or the previous document timestamp at an archive extension),
// and the CA is local, so it publishes new ones (the next CRL number, served from then
// on) rather than embedding those of the last daily run. latest is that timestamp,
// which pades.TimestampIncrement reads from the document it stamps.
func (s *Service) freshValidation(ctx context.Context, latest time.Time) (pades.Validation, error) {
	// CRL times are whole seconds, like the timestamps': a CRL of the timestamp's own
	// second cannot be told apart from one issued just before it, so when the file was
	// stamped this very second, wait for the next (at most one second).
	if d := latest.Truncate(time.Second).Add(time.Second).Sub(s.now()); d > 0 && d <= time.Second {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return pades.Validation{}, ctx.Err()
		}
	}
	if now := s.now(); now.Before(latest.Truncate(time.Second)) {
		return pades.Validation{}, fmt.Errorf("the newest timestamp in it (%s) is later than this server's clock (%s)",
			latest.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	if err := s.PublishCRLs(); err != nil {
		return pades.Validation{}, fmt.Errorf("issue fresh CRLs: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return pades.Validation{}, err
	}
	return s.Validation()
}

// WriteEvidence writes the offline evidence kit of doc to w (evidence.Write): the
// document, the installation's root, issuing and TSA certificates, the CRLs of the
// document and the published ones, a README in Japanese and English and a script that
// checks it all with pdfsig and openssl alone. doc must verify here first: a kit whose
// own script fails would prove nothing. name says what doc is, in the README and errors.
func (s *Service) WriteEvidence(name string, doc []byte, w io.Writer) error {
	rep, err := s.VerifyPDF(name, doc)
	if err != nil {
		return fmt.Errorf("evidence for %s: %w", name, ExplainDocument(err))
	}
	if !rep.Valid() {
		return fmt.Errorf("evidence for %s: the document does not verify (inkan pdf verify says why)", name)
	}
	issuing, root, err := s.CRLs()
	if err != nil {
		return err
	}
	err = evidence.Write(w, evidence.Kit{
		Name: name, Document: doc, Root: s.ca.Root(), Issuing: s.ca.Issuing(), TSA: s.ca.TSACertificate(),
		CRLs: [][]byte{issuing, root}, Made: s.now(), ProvableUntil: rep.ProvableUntil,
	})
	if err != nil {
		return fmt.Errorf("evidence for %s: %w", name, err)
	}
	return nil
}
