package pades

import (
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"time"

	"inkan/app/trust/cms"
	"inkan/app/trust/pdf"
	"inkan/app/trust/tsa"
)

// Validation is the material for the Document Security Store: the
// certificates of every chain in the file and the CRLs that show none of
// them was revoked, DER-encoded where raw.
type Validation struct {
	// Certificates are added to the DSS as they are; typically the issuing
	// CA and root (pki.Authority.Chain) and the TSA certificate.
	Certificates []*x509.Certificate
	// CRLs are DER CertificateLists, typically the issuing CA's CRL
	// (pki.Authority.CRL) and the root's (pki.Authority.RootCRL).
	CRLs [][]byte
}

// Timestamp makes doc B-LTA: it appends a DSS increment (the validation
// data merged with what earlier DSS dictionaries held, plus every
// certificate carried by the signatures and timestamp tokens already in the
// file) and then a document timestamp (/SubFilter /ETSI.RFC3161) from ts
// over the whole result. On a file that is already B-LTA this is the
// archive extension: the new timestamp covers the earlier ones and the
// fresh validation data. Earlier signatures stay valid because nothing
// before the old end of file is rewritten.
//
// now is the time the validation data is judged at: a CRL whose next
// update lies before now is refused, since stale revocation data would not
// prove anything to a later verifier. Zero means the current time. A CRL of
// v issued before the newest timestamp in doc is refused
// too: a strict validator reads it as "no revocation data after signing",
// so the caller issues fresh CRLs first (both times are whole seconds; one
// from the same second counts as after).
func Timestamp(doc []byte, ts Timestamper, v Validation, now time.Time) ([]byte, error) {
	base, tail, err := timestamp(doc, ts, TimestampOptions{Now: now, Validation: func(time.Time) (Validation, error) { return v, nil }})
	if err != nil {
		return nil, err
	}
	return slices.Concat(base, tail), nil
}

// TimestampOptions are TimestampIncrement's inputs besides the document.
type TimestampOptions struct {
	// Now is the time the validation data is judged at, as in Timestamp.
	Now time.Time
	// Validation gives the validation data once the newest timestamp in the
	// document is known (zero when it has none): CRLs issued after it are made
	// there, without the document being read a second time to find it.
	Validation func(latest time.Time) (Validation, error)
	// Prehash is the SHA-256 of the document the caller makes anyway, as in
	// SignOptions.
	Prehash Prehash
}

// TimestampIncrement is Timestamp returning only the bytes to append to doc
// (to doc from its %PDF- header: see pdf.File.HeaderOffset): the DSS increment
// and the document timestamp's. Like append, it may write in doc's spare
// capacity (doc[len(doc):cap(doc)]), never in doc itself: a caller that leaves
// room there spares a copy of the document.
func TimestampIncrement(doc []byte, ts Timestamper, opt TimestampOptions) ([]byte, error) {
	_, tail, err := timestamp(doc, ts, opt)
	return tail, err
}

// timestamp returns doc's bytes from its header and the increments to append.
func timestamp(doc []byte, ts Timestamper, opt TimestampOptions) (base, tail []byte, err error) {
	if ts == nil {
		return nil, nil, errors.New("pades: timestamp: a timestamper is required")
	}
	if opt.Validation == nil {
		return nil, nil, errors.New("pades: timestamp: validation data is required")
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	f, err := pdf.Open(doc)
	if err != nil {
		return nil, nil, fmt.Errorf("pades: timestamp: %w", err)
	}
	base = f.Bytes()
	hashed := prehashed(f, opt.Prehash)
	latest, err := latestTimestamp(f)
	if err != nil {
		return nil, nil, fmt.Errorf("pades: timestamp: %w", err)
	}
	v, err := opt.Validation(latest)
	if err != nil {
		return nil, nil, fmt.Errorf("pades: timestamp: validation data: %w", err)
	}
	dss, err := validationData(f, v, now, latest)
	if err != nil {
		return nil, nil, fmt.Errorf("pades: timestamp: %w", err)
	}
	dssTail, err := f.AppendDSS(dss)
	if err != nil {
		return nil, nil, fmt.Errorf("pades: timestamp: add DSS: %w", err)
	}
	if len(dssTail) > 0 {
		// The timestamp's increment is written on top of the DSS one, so the
		// file is read again with it.
		// As append does, this writes in doc's spare capacity when it has room (a
		// caller with a large document leaves some, so that it is not copied).
		if f, err = pdf.Open(append(base, dssTail...)); err != nil {
			return nil, nil, fmt.Errorf("pades: timestamp: reopen after DSS: %w", err)
		}
	}
	p, err := f.PrepareDocTimestamp(pdf.TimestampOptions{ContentsSize: minContentsSize})
	if err != nil {
		return nil, nil, fmt.Errorf("pades: timestamp: prepare document timestamp: %w", err)
	}
	h, err := hashed()
	if err != nil {
		return nil, nil, fmt.Errorf("pades: timestamp: %w", err)
	}
	h.Write(dssTail) // the timestamp's byte range is base, the DSS increment and its own
	if _, err := p.WriteIncrementSignedTo(h); err != nil {
		return nil, nil, fmt.Errorf("pades: timestamp: hash byte range: %w", err)
	}
	token, err := stamp(ts, h.Sum(nil))
	if err != nil {
		return nil, nil, fmt.Errorf("pades: timestamp: document timestamp: %w", err)
	}
	tsTail, err := p.EmbedIncrement(token)
	if err != nil {
		return nil, nil, fmt.Errorf("pades: timestamp: embed token (%d bytes): %w", len(token), err)
	}
	return base, slices.Concat(dssTail, tsTail), nil
}

// validationData gathers the DSS content: the caller's certificates and
// CRLs, and the certificates embedded in the file's CMS signatures and
// timestamp tokens, so that the DSS is complete even when the caller only
// knows its own chain. app/pdf drops values already stored.
func validationData(f *pdf.File, v Validation, now, latest time.Time) (pdf.DSS, error) {
	var dss pdf.DSS
	seen := map[string]bool{}
	addCert := func(c *x509.Certificate) {
		if c != nil && !seen[string(c.Raw)] {
			seen[string(c.Raw)] = true
			dss.Certs = append(dss.Certs, c.Raw)
		}
	}
	for _, c := range v.Certificates {
		addCert(c)
	}
	for i, der := range v.CRLs {
		crl, err := x509.ParseRevocationList(der)
		if err != nil {
			return dss, fmt.Errorf("CRL %d: %w", i, err)
		}
		if !crl.NextUpdate.IsZero() && crl.NextUpdate.Before(now) {
			return dss, fmt.Errorf("CRL %d of %s is stale: next update was due %s", i, crl.Issuer, crl.NextUpdate.Format(time.RFC3339))
		}
		if crl.ThisUpdate.Before(latest.Truncate(time.Second)) {
			return dss, fmt.Errorf("CRL %d of %s was issued at %s, before the newest timestamp of the document (%s): issue a fresh one",
				i, crl.Issuer, crl.ThisUpdate.Format(time.RFC3339), latest.Format(time.RFC3339))
		}
		dss.CRLs = append(dss.CRLs, der)
	}
	sigs, err := f.Signatures()
	if err != nil {
		return dss, fmt.Errorf("list signatures: %w", err)
	}
	for _, s := range sigs {
		// A value we cannot parse (a foreign format) contributes nothing;
		// Verify reports it, and the DSS is not the place to refuse it.
		sd, err := cms.Parse(s.Contents)
		if err != nil {
			continue
		}
		for _, c := range sd.Certificates {
			addCert(c)
		}
		dss.CRLs = append(dss.CRLs, sd.CRLs...)
		if sd.Signer.TimestampToken == nil {
			continue
		}
		if tok, err := tsa.ParseToken(sd.Signer.TimestampToken); err == nil {
			for _, c := range tok.SignedData.Certificates {
				addCert(c)
			}
		}
	}
	return dss, nil
}

// latestTimestamp is the time of the newest timestamp in f: the signature
// timestamps of its signatures and its document timestamps, read without
// verifying them; zero when it has none. The CRLs that Timestamp embeds must be
// issued after it.
func latestTimestamp(f *pdf.File) (time.Time, error) {
	sigs, err := f.Signatures()
	if err != nil {
		return time.Time{}, fmt.Errorf("list signatures: %w", err)
	}
	var latest time.Time
	for _, s := range sigs {
		token := s.Contents
		if s.SubFilter != SubFilterRFC3161 {
			sd, err := cms.Peek(s.Contents)
			if err != nil || sd.Signer.TimestampToken == nil {
				continue
			}
			token = sd.Signer.TimestampToken
		}
		if info, err := tsa.PeekInfo(token); err == nil && info.GenTime.After(latest) {
			latest = info.GenTime
		}
	}
	return latest, nil
}
