package certificate

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"inkan/app/locale/jst"
	"inkan/app/trust/pades"
	"inkan/app/trust/pdf"
	"inkan/data"
)

// ErrPINNotChecked is the answer to a linked user who has not yet passed the
// certificate's validity check (CheckValidity).
var ErrPINNotChecked = errors.New("certificate: the user has not checked the PIN of this certificate")

// SignRequest says which certificate signs and for whom.
type SignRequest struct {
	// Number is the certificate's 電子証明書管理番号 (DJC-nnnnn).
	Number string
	// CompanyID and UserID name the user who signs: the certificate must be the
	// company's, and the user linked to it and past its PIN check. The caller has
	// already authenticated the user.
	CompanyID, UserID string
	// Console is the operator at the server's console (inkan pdf sign), who may sign
	// with any valid certificate of the installation; CompanyID and UserID stay empty.
	Console bool
	// Document names what is signed, in errors (a file name, a contract number).
	Document string
	// Prehash is the SHA-256 of the document, when the caller makes it anyway
	// (pades.Prehash).
	Prehash pades.Prehash
}

// SignPDF makes a PAdES B-T signature of doc with the request's certificate, signed
// at the service's clock and timestamped by the installation's TSA, and returns the
// incremental update to append to doc (to doc from its %PDF- header: pdf.File.Bytes).
// A user's signature shows its seal on the last page (see seal); the console's stays
// invisible. The store is only read; the signing itself runs outside any transaction.
func (s *Service) SignPDF(ctx context.Context, req SignRequest, doc []byte) ([]byte, error) {
	now := s.now()
	rec, app, err := s.signingCertificate(req, now)
	if err != nil {
		return nil, err
	}
	k, err := s.openKey(rec)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sign %s: %w", req.Document, err)
	}
	out, err := pades.SignIncrement(doc, pades.Signer{Key: k.Signer, Certificate: k.Certificate, Chain: k.Chain}, s.tsa,
		pades.SignOptions{Time: now, Name: rec.DisplayName, Appearance: app, Prehash: req.Prehash})
	if err != nil {
		return nil, fmt.Errorf("sign %s: %w", req.Document, ExplainDocument(err))
	}
	return out, nil
}

// signingCertificate reads the request's certificate and asks MaySign whether its
// signer may use it now (the console: whether the certificate itself can sign). For a
// user it also makes the seal of the signature.
func (s *Service) signingCertificate(req SignRequest, now time.Time) (rec data.Certificate, app *pdf.Appearance, err error) {
	if !req.Console && (req.CompanyID == "" || req.UserID == "") {
		return data.Certificate{}, nil, fmt.Errorf("certificate %s: a signature needs a company and a user, or the console", req.Number)
	}
	var u data.User
	var c data.Company
	err = s.store.View(func(tx *data.Tx) (err error) {
		if req.Console {
			rec, err = tx.CertificateByNumber(req.Number)
			return err
		}
		t := tx.Tenant(req.CompanyID)
		if rec, err = t.Certificate(req.Number); err != nil {
			return err
		}
		u, err = t.User(req.UserID)
		if errors.Is(err, data.ErrNotFound) {
			// A user of another company is no user of this certificate.
			return ErrNotLinked
		}
		if err != nil {
			return err
		}
		c, err = t.Company()
		return err
	})
	if err != nil {
		return data.Certificate{}, nil, fmt.Errorf("certificate %s: %w", req.Number, err)
	}
	if req.Console {
		err = Usable(rec, now)
	} else {
		err = MaySign(rec, u, now)
		app = seal(c, u, now)
	}
	if err != nil {
		return data.Certificate{}, nil, fmt.Errorf("certificate %s: user %q: %w", req.Number, req.UserID, err)
	}
	return rec, app, nil
}

// seal is the visible seal of u's signature at time at, on the document's last page
// where a contract is sealed: the company's name, the signer's title (役職, when the
// user record has one) and name, and the date in Japan time. The console signs for no
// person, so its signatures carry none.
func seal(c data.Company, u data.User, at time.Time) *pdf.Appearance {
	return &pdf.Appearance{
		Page:  pdf.LastPage,
		Lines: []string{c.Name, strings.TrimSpace(u.Title + " " + u.Name), jst.Date(at)},
	}
}

// Validation is what a verifier needs later to check the installation's signatures
// without asking it: the CA chain, the TSA certificate and the published CRLs.
func (s *Service) Validation() (pades.Validation, error) {
	issuing, root, err := s.CRLs()
	if err != nil {
		return pades.Validation{}, err
	}
	return pades.Validation{
		Certificates: append(s.ca.Chain(), s.ca.TSACertificate()),
		CRLs:         [][]byte{issuing, root},
	}, nil
}

// TimestampPDF makes doc B-LTA (or extends its archive timestamps): the validation data
// goes into the document's DSS, with CRLs issued then (after every timestamp already in
// doc, see freshValidation), then a document timestamp of the installation's TSA covers
// the whole file. It returns the increments to append to doc, as SignPDF does. name
// says what doc is, in errors; prehash is the SHA-256 of doc when the caller makes it
// anyway (pades.Prehash), or nil.
func (s *Service) TimestampPDF(ctx context.Context, name string, doc []byte, prehash pades.Prehash) ([]byte, error) {
	out, err := pades.TimestampIncrement(doc, s.tsa, pades.TimestampOptions{
		Now:        s.now(),
		Validation: func(latest time.Time) (pades.Validation, error) { return s.freshValidation(ctx, latest) },
		Prehash:    prehash,
	})
	if err != nil {
		return nil, fmt.Errorf("timestamp %s: %w", name, ExplainDocument(err))
	}
	return out, nil
}

// VerifyPDF checks every signature and document timestamp of doc against the
// installation's roots and its current CRLs. name says what doc is, in errors.
func (s *Service) VerifyPDF(name string, doc []byte) (*pades.Report, error) {
	issuing, root, err := s.CRLs()
	if err != nil {
		return nil, err
	}
	rep, err := pades.Verify(doc, pades.VerifyOptions{Roots: s.ca.Roots(), CRLs: [][]byte{issuing, root}})
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", name, err)
	}
	return rep, nil
}

// Root is the installation's root CA certificate.
func (s *Service) Root() *x509.Certificate { return s.ca.Root() }

// Issuing is the CA certificate that issues the company certificates.
func (s *Service) Issuing() *x509.Certificate { return s.ca.Issuing() }

// RootPEM is the root CA certificate in PEM, for verifiers to trust.
func (s *Service) RootPEM() []byte { return s.ca.RootPEM() }

// TSAHandler answers RFC 3161 timestamp queries over HTTP.
func (s *Service) TSAHandler() http.Handler { return s.tsa.Handler() }
