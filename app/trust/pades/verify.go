package pades

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"inkan/app/trust/cms"
	"inkan/app/trust/pdf"
	"inkan/app/trust/tsa"
)

// Kinds of entry in a Report.
const (
	// KindSignature is a CMS signature (PAdES or legacy adbe.pkcs7).
	KindSignature = "signature"
	// KindDocTimestamp is a document timestamp (ETSI.RFC3161).
	KindDocTimestamp = "document-timestamp"
)

// SubFilters this package writes and reads.
const (
	SubFilterCAdES     = "ETSI.CAdES.detached"
	SubFilterRFC3161   = "ETSI.RFC3161"
	subFilterAdbePKCS7 = "adbe.pkcs7.detached"
)

// VerifyOptions controls Verify.
type VerifyOptions struct {
	// Roots are the trust anchors (pki.Authority.Roots); required.
	Roots *x509.CertPool
	// Intermediates are extra untrusted certificates for path building;
	// optional, since the CMS values and the DSS normally carry them.
	Intermediates *x509.CertPool
	// CRLs are DER CRLs to check revocation with, in addition to those in
	// the DSS and the CMS values; for instance the current CRL of our CA.
	CRLs [][]byte
	// Time is when certificates must be valid; zero means now.
	Time time.Time
}

// PAdES baseline levels (ETSI EN 319 142-1), in order.
const (
	// LevelBB: a valid CAdES-detached signature.
	LevelBB = "B-B"
	// LevelBT: and a valid signature timestamp.
	LevelBT = "B-T"
	// LevelBLT: and, in the file, the certificates and CRLs of its chains,
	// the CRLs issued after the signature timestamp.
	LevelBLT = "B-LT"
	// LevelBLTA: and a valid document timestamp over them.
	LevelBLTA = "B-LTA"
)

// Report is what Verify found in a document.
type Report struct {
	// Signatures lists every signature and document timestamp, in the
	// order of the form's fields (normally the order they were added).
	Signatures []SignatureReport
	// ProvableUntil is the ProvableUntil of the newest valid document
	// timestamp: until when the file stays provable without an archive
	// extension. Zero without one.
	ProvableUntil time.Time
	// Problems are findings about the document as a whole that make it
	// invalid, such as bytes after the last revision that no signature
	// covers.
	// ProblemCodes classify them, index for index.
	Problems     []string
	ProblemCodes []Code
	// Warnings are document-level findings that do not make it invalid.
	Warnings []string
}

// Valid reports whether the document has at least one signature or
// timestamp and every one of them, and the document as a whole, is free of
// problems. A file without signatures is not valid: there is nothing to
// trust in it.
func (r *Report) Valid() bool {
	if len(r.Signatures) == 0 || len(r.Problems) > 0 {
		return false
	}
	for i := range r.Signatures {
		if !r.Signatures[i].Valid() {
			return false
		}
	}
	return true
}

// SignatureReport is the verdict on one signature or document timestamp.
type SignatureReport struct {
	// Kind is KindSignature or KindDocTimestamp.
	Kind string
	// Field is the fully qualified field name; SubFilter the value format.
	Field, SubFilter string
	// Signer names the signer certificate's subject: common name and
	// organization. For a document timestamp it is the TSA.
	Signer string
	// Chain is the verified certificate path, signer first, root last;
	// nil when no path to the roots was found.
	Chain []*x509.Certificate
	// Revision is the index of the revision the byte range ends at, or -1.
	Revision int

	// ByteRangeOK: the byte range covers the whole file up to the end of
	// its revision, except exactly its own /Contents.
	ByteRangeOK bool
	// WholeFile: the byte range reaches the end of the file; nothing was
	// appended after this signature.
	WholeFile bool
	// DigestOK: the digest of the covered bytes matches the signed one
	// (CMS messageDigest, or the timestamp's message imprint).
	DigestOK bool
	// SignatureOK: the signature value verifies with the signer
	// certificate's key (and the ESS signing-certificate attribute binds
	// that certificate).
	SignatureOK bool
	// ChainOK: the signer certificate chains to a root in VerifyOptions
	// at the verification time or, when it has expired since, at the
	// earliest time a valid timestamp proves the signature existed.
	ChainOK bool
	// ChainTime is the time ChainOK was established at.
	ChainTime time.Time

	// SigningTime is the claimed time from /M (zero when absent).
	SigningTime time.Time
	// TimestampTime is the time of the signature timestamp, or for a
	// document timestamp the token's own time.
	TimestampTime time.Time
	// TimestampOK: for a signature, its timestamp token verifies over the
	// signature value and its TSA chains to the roots; for a document
	// timestamp, the token itself is valid (digest, signature, chain).
	TimestampOK bool

	// Revoked reports that a CRL lists a certificate of the chain (or of
	// the signature timestamp's TSA chain); RevocationTime is the earliest
	// such revocation. It is a problem when the revocation came before the
	// signature's proof of existence, a warning otherwise.
	Revoked        bool
	RevocationTime time.Time
	// RevocationChecked reports that a CRL from the issuer was found for
	// every certificate below the root, in the signer's chain and in the
	// signature timestamp's TSA chain.
	RevocationChecked bool

	// Trusted: the chain ends at one of VerifyOptions.Roots. A signature made
	// elsewhere, under a CA this installation does not trust, is still valid
	// when its bytes, signature and timestamp hold, with Trusted false and
	// Signer naming who signed.
	Trusted bool

	// Level is the PAdES baseline level the signature reaches (LevelBB …
	// LevelBLTA); empty for a document timestamp, an invalid signature and a
	// legacy (adbe.pkcs7) one. LevelGaps say what the next level lacks.
	Level     string
	LevelGaps []string
	// ProvableUntil is, for a valid document timestamp, when the first
	// certificate of its TSA chain expires: until then it proves everything
	// before it; an archive timestamp must be added before.
	ProvableUntil time.Time

	// LaterChanges lists what later revisions added or changed.
	LaterChanges pdf.Changes
	// ModifiedAfter reports that later revisions changed more than
	// signatures, their fields, DSS content and other allowed objects.
	ModifiedAfter bool

	// Problems are human-readable reasons the entry is invalid; empty when
	// it is valid. ProblemCodes classify them, index for index.
	Problems     []string
	ProblemCodes []Code
	// Warnings are findings that do not make the entry invalid, such as a
	// legacy SubFilter or a CA this installation does not trust.
	// WarningCodes classify them, index for index.
	Warnings     []string
	WarningCodes []Code

	// Certificate is the signer's certificate (the TSA's for a document
	// timestamp) as the value names it, trusted or not; nil when not found.
	Certificate *x509.Certificate
}

// Code classifies a problem or warning, so that a screen can say it in its
// own words while Problems and Warnings keep the details for the CLI.
type Code string

// The codes of problems and warnings.
const (
	// CodeByteRange: the byte range does not cover the file as it must, or
	// the covered bytes cannot be read.
	CodeByteRange Code = "byte_range"
	// CodeFormat: a value or format the verifier cannot read or does not
	// support (SubFilter, digest algorithm, CMS, /M).
	CodeFormat Code = "format"
	// CodeDigest: the signed or timestamped bytes were changed.
	CodeDigest Code = "digest"
	// CodeSignature: the signature value does not verify with the signer's
	// certificate, or that certificate is missing.
	CodeSignature Code = "signature"
	// CodeUntrusted: signed, or timestamped, under a CA this installation
	// does not trust.
	CodeUntrusted Code = "untrusted"
	// CodeChain: the signer's certificate chain does not verify.
	CodeChain Code = "chain"
	// CodeExpired: the signer's certificate was expired at the time it is
	// judged at (the signing's proof of existence, or now without one).
	CodeExpired Code = "expired"
	// CodeExpiredSince: the chain holds only at the proof of existence,
	// not now (a warning: long-term validation).
	CodeExpiredSince Code = "expired_since"
	// CodeRevoked: a certificate of the chain was revoked before the proof
	// of existence.
	CodeRevoked Code = "revoked"
	// CodeRevokedAfter: revoked after the proof of existence (a warning).
	CodeRevokedAfter Code = "revoked_after"
	// CodeRevocationUnchecked: no usable CRL to check revocation with.
	CodeRevocationUnchecked Code = "revocation_unchecked"
	// CodeTimestamp: a timestamp (the signature's or a document timestamp)
	// is not valid, or its time is not consistent.
	CodeTimestamp Code = "timestamp"
	// CodeModified: the document was changed after signing beyond what
	// may follow a signature, or bytes after it are covered by none.
	CodeModified Code = "modified"
	// CodeNoSignatures: the document has no signature at all.
	CodeNoSignatures Code = "no_signatures"
	// CodeLegacy: not a PAdES baseline signature (a warning).
	CodeLegacy Code = "legacy"
)

// Codes lists every code, for a screen to prove it has words for each.
func Codes() []Code {
	return []Code{CodeByteRange, CodeFormat, CodeDigest, CodeSignature, CodeUntrusted, CodeChain, CodeExpired,
		CodeExpiredSince, CodeRevoked, CodeRevokedAfter, CodeRevocationUnchecked, CodeTimestamp, CodeModified,
		CodeNoSignatures, CodeLegacy}
}

// chainCode tells an expired certificate from any other chain failure.
func chainCode(err error) Code {
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) && invalid.Reason == x509.Expired {
		return CodeExpired
	}
	return CodeChain
}

// Valid reports whether the entry has no problems.
func (s *SignatureReport) Valid() bool { return len(s.Problems) == 0 }

// Trusted reports whether the document is valid and every entry chains to the roots.
func (r *Report) Trusted() bool {
	if !r.Valid() {
		return false
	}
	for i := range r.Signatures {
		if !r.Signatures[i].Trusted {
			return false
		}
	}
	return true
}

func (s *SignatureReport) problem(code Code, format string, args ...any) {
	s.Problems = append(s.Problems, fmt.Sprintf(format, args...))
	s.ProblemCodes = append(s.ProblemCodes, code)
}

func (s *SignatureReport) warn(code Code, format string, args ...any) {
	s.Warnings = append(s.Warnings, fmt.Sprintf(format, args...))
	s.WarningCodes = append(s.WarningCodes, code)
}

func (r *Report) problem(code Code, format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	r.ProblemCodes = append(r.ProblemCodes, code)
}

// Verify checks every signature and document timestamp in doc and reports
// what holds. The error is for a file that cannot be read at all (encrypted,
// malformed) or missing options; everything found inside a readable file,
// including broken signatures, is in the report.
func Verify(doc []byte, opt VerifyOptions) (*Report, error) {
	if opt.Roots == nil {
		return nil, errors.New("pades: verify: no trust roots given")
	}
	if opt.Time.IsZero() {
		opt.Time = time.Now()
	}
	f, err := pdf.Open(doc)
	if err != nil {
		return nil, fmt.Errorf("pades: verify: %w", err)
	}
	sigs, err := f.Signatures()
	if err != nil {
		return nil, fmt.Errorf("pades: verify: %w", err)
	}
	v := &verifier{f: f, opt: opt}
	rep := &Report{Signatures: make([]SignatureReport, len(sigs))}
	if n := f.HeaderOffset(); n > 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%d bytes before the %%PDF- header are not part of the document; offsets and byte ranges count from the header", n))
	}
	v.loadValidationData(rep, opt)
	v.checkEnd(rep)
	if len(sigs) == 0 {
		rep.problem(CodeNoSignatures, "the document has no signatures")
		return rep, nil
	}

	entries := make([]*entry, len(sigs))
	for i, s := range sigs {
		entries[i] = v.parse(s, &rep.Signatures[i])
	}
	v.hashAll(entries)
	// Newest first: a document timestamp is proof of existence for
	// everything before it, so its verdict is needed to judge older
	// entries whose certificates have expired since.
	order := make([]int, len(entries))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return entries[order[a]].sig.Revision > entries[order[b]].sig.Revision })
	for _, i := range order {
		v.check(entries[i], rep.Signatures)
	}
	for _, i := range order {
		if s := &rep.Signatures[i]; s.Kind == KindDocTimestamp && s.Valid() && s.TimestampOK {
			rep.ProvableUntil = s.ProvableUntil
			break
		}
	}
	return rep, nil
}

// verifier holds what every entry's verification shares.
type verifier struct {
	f   *pdf.File
	opt VerifyOptions
	// certs are certificates from the DSS, candidates for path building.
	certs []*x509.Certificate
	// crls are every CRL known: options, DSS, CMS values; fileCRLs those of
	// the file alone (DSS, CMS values), which decide B-LT.
	crls, fileCRLs []*x509.RevocationList
	seen           map[string]*x509.RevocationList
}

// entry is one signature being verified.
type entry struct {
	sig pdf.Signature
	rep *SignatureReport
	// Exactly one of sd (a CMS signature) and tok (a document timestamp)
	// is set once parsed; neither when the value is unreadable.
	sd     *cms.SignedData
	tok    *tsa.Token
	hash   crypto.Hash
	digest []byte
	// poe is the earliest time a valid timestamp proves the entry existed.
	poe time.Time
}

func (v *verifier) loadValidationData(rep *Report, opt VerifyOptions) {
	v.seen = map[string]*x509.RevocationList{}
	for i, der := range opt.CRLs {
		if err := v.addCRL(der, false); err != nil {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("CRL %d of the options: %v", i, err))
		}
	}
	dss, err := v.f.ReadDSS()
	if err != nil {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("DSS unreadable: %v", err))
		return
	}
	for i, der := range dss.Certs {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("DSS certificate %d: %v", i, err))
			continue
		}
		v.certs = append(v.certs, c)
	}
	for i, der := range dss.CRLs {
		if err := v.addCRL(der, true); err != nil {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("DSS CRL %d: %v", i, err))
		}
	}
}

func (v *verifier) addCRL(der []byte, inFile bool) error {
	if crl, ok := v.seen[string(der)]; ok {
		if inFile && crl != nil && !slices.Contains(v.fileCRLs, crl) {
			v.fileCRLs = append(v.fileCRLs, crl)
		}
		return nil
	}
	crl, err := x509.ParseRevocationList(der)
	v.seen[string(der)] = crl
	if err != nil {
		return err
	}
	v.crls = append(v.crls, crl)
	if inFile {
		v.fileCRLs = append(v.fileCRLs, crl)
	}
	return nil
}

// fileRevocation reports whether the file's own CRLs cover every certificate of chain
// below the root with a CRL from its issuer issued at or after since (whole seconds).
func (v *verifier) fileRevocation(chain []*x509.Certificate, since time.Time) bool {
	since = since.Truncate(time.Second)
	for i := 0; i+1 < len(chain); i++ {
		issuer := chain[i+1]
		if !slices.ContainsFunc(v.fileCRLs, func(c *x509.RevocationList) bool {
			return bytes.Equal(c.RawIssuer, issuer.RawSubject) && !c.ThisUpdate.Before(since) && c.CheckSignatureFrom(issuer) == nil
		}) {
			return false
		}
	}
	return true
}

// checkEnd reports bytes after the last revision: no signature covers
// them, and a repairing reader may still interpret them as objects.
func (v *verifier) checkEnd(rep *Report) {
	revs := v.f.Revisions()
	last := revs[len(revs)-1]
	b := v.f.Bytes()
	if int64(len(b)) <= last.End {
		return
	}
	tail := b[last.End:]
	if len(bytes.Trim(tail, "\x00\t\n\f\r ")) == 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%d white-space bytes after the last revision", len(tail)))
		return
	}
	rep.problem(CodeModified, "%d bytes after the end of the last revision are covered by no signature", len(tail))
}

// parse fills the parts of the report that need no digest and decodes the
// value, so that the hash algorithm is known before hashing.
func (v *verifier) parse(s pdf.Signature, r *SignatureReport) *entry {
	e := &entry{sig: s, rep: r}
	r.Field, r.SubFilter, r.Revision = s.Field, string(s.SubFilter), s.Revision
	r.Kind = KindSignature
	if s.Type == "DocTimeStamp" || s.SubFilter == SubFilterRFC3161 {
		r.Kind = KindDocTimestamp
	}
	if s.M != "" {
		t, err := s.SigningTime()
		if err != nil {
			r.warn(CodeFormat, "unreadable /M %q: %v", s.M, err)
		}
		r.SigningTime = t
	}
	if err := v.f.CheckByteRange(s); err != nil {
		r.problem(CodeByteRange, "byte range: %v", err)
	} else {
		r.ByteRangeOK = true
	}
	r.WholeFile = v.f.CoversWholeFile(s)

	switch {
	case r.Kind == KindDocTimestamp && s.SubFilter != SubFilterRFC3161:
		r.problem(CodeFormat, "document timestamp with SubFilter %q instead of %s", s.SubFilter, SubFilterRFC3161)
	case r.Kind == KindDocTimestamp:
		tok, err := tsa.ParseToken(s.Contents)
		if err != nil {
			r.problem(CodeFormat, "timestamp token: %v", err)
			return e
		}
		e.tok, e.hash = tok, tok.HashAlgorithm
	case s.SubFilter == SubFilterCAdES || s.SubFilter == subFilterAdbePKCS7:
		sd, err := cms.Parse(s.Contents)
		if err != nil {
			r.problem(CodeFormat, "CMS: %v", err)
			return e
		}
		e.sd, e.hash = sd, sd.Signer.Hash
		// The revocation data a signature carries itself counts too.
		for _, der := range sd.CRLs {
			if err := v.addCRL(der, true); err != nil {
				r.warn(CodeRevocationUnchecked, "CRL in the CMS: %v", err)
			}
		}
	default:
		r.problem(CodeFormat, "unsupported SubFilter %q", s.SubFilter)
	}
	if (e.sd != nil || e.tok != nil) && (e.hash == 0 || !e.hash.Available()) {
		r.problem(CodeFormat, "unsupported digest algorithm")
		e.sd, e.tok = nil, nil
	}
	return e
}

// hashAll computes every entry's byte-range digest concurrently: each
// signature covers nearly the whole file, so on a large file with several
// signatures hashing is most of the work.
func (v *verifier) hashAll(entries []*entry) {
	var wg sync.WaitGroup
	for _, e := range entries {
		if e.sd == nil && e.tok == nil {
			continue
		}
		wg.Go(func() {
			r, err := v.f.SignedReader(e.sig)
			if err != nil {
				e.rep.problem(CodeByteRange, "read byte range: %v", err)
				return
			}
			h := e.hash.New()
			if _, err := io.Copy(h, r); err != nil {
				e.rep.problem(CodeByteRange, "hash byte range: %v", err)
				return
			}
			e.digest = h.Sum(nil)
		})
	}
	wg.Wait()
}

// check judges one entry. reports holds the verdicts on newer entries,
// whose document timestamps may serve as proof of existence.
func (v *verifier) check(e *entry, reports []SignatureReport) {
	r := e.rep
	if e.digest == nil {
		return
	}
	// Later document timestamps that are valid prove that this entry
	// existed at their time, whatever happened to its keys since.
	var later []time.Time
	for i := range reports {
		o := &reports[i]
		if o != r && o.Kind == KindDocTimestamp && o.TimestampOK && o.Revision > e.sig.Revision && e.sig.Revision >= 0 {
			later = append(later, o.TimestampTime)
		}
	}
	slices.SortFunc(later, time.Time.Compare)
	if e.tok != nil {
		v.checkDocTimestamp(e, later)
	} else {
		v.checkSignature(e, later)
	}
	v.checkLaterChanges(e)
}

func (v *verifier) checkSignature(e *entry, later []time.Time) {
	r, sd := e.rep, e.sd
	si := &sd.Signer
	r.DigestOK = bytes.Equal(si.MessageDigest, e.digest)
	if !r.DigestOK {
		r.problem(CodeDigest, "digest mismatch: the signed bytes were changed")
	}
	legacy := e.sig.SubFilter != SubFilterCAdES
	if legacy {
		r.warn(CodeLegacy, "SubFilter %s is not a PAdES baseline signature", e.sig.SubFilter)
	} else {
		if si.HasSigningTime() {
			r.warn(CodeLegacy, "CMS signing-time attribute present, which PAdES baseline forbids")
		}
		if si.HasRevocationInfoArchival() {
			r.warn(CodeLegacy, "Adobe revocation attribute present; PAdES keeps revocation data in the DSS")
		}
	}
	cert, err := sd.SignerCertificate(v.certs...)
	if err != nil {
		r.problem(CodeSignature, "signer certificate: %v", err)
		return
	}
	r.Signer, r.Certificate = describe(cert), cert
	if err := signatureHolds(sd, si.MessageDigest, cert, legacy); err != nil {
		r.problem(CodeSignature, "signature: %v", err)
	} else {
		r.SignatureOK = true
	}

	tsaChecked := true
	var tsaChain []*x509.Certificate
	if si.TimestampToken != nil {
		tok, err := tsa.ParseToken(si.TimestampToken)
		if err == nil {
			tsaChain, err = tok.Verify(si.Signature, v.tsaOptions(sd.Certificates, v.opt.Time))
			if err != nil && len(later) > 0 {
				// The TSA certificate may have expired since; a later
				// document timestamp proves the token existed before.
				tsaChain, err = tok.Verify(si.Signature, v.tsaOptions(sd.Certificates, later[0]))
			}
		}
		if err == nil {
			before := len(r.Problems)
			tsaChecked = v.checkRevocation(r, tsaChain, tok.GenTime)
			if len(r.Problems) > before {
				err = errors.New("the TSA certificate was revoked before the token was made")
			}
		}
		switch {
		case untrusted(err):
			// Made elsewhere, by a TSA we do not know: it proves no time
			// here, which is no fault of the signature.
			r.warn(CodeUntrusted, "signature timestamp by a TSA this installation does not trust (%s)", tokenSigner(tok))
			tsaChain = nil
		case err != nil:
			r.problem(CodeTimestamp, "signature timestamp: %v", err)
		default:
			r.TimestampOK, r.TimestampTime = true, tok.GenTime
			e.poe = tok.GenTime
			if !r.SigningTime.IsZero() && tok.GenTime.Before(r.SigningTime.Add(-time.Minute)) {
				r.warn(CodeTimestamp, "signature timestamp %s precedes the claimed signing time %s", tok.GenTime.Format(time.RFC3339), r.SigningTime.Format(time.RFC3339))
			}
		}
	}
	if e.poe.IsZero() && len(later) > 0 {
		e.poe = later[0]
	}

	inter := v.pool(sd.Certificates)
	chain, at, err := v.chain(cert, inter, x509.ExtKeyUsageAny, e.poe)
	if untrusted(err) {
		// Signed elsewhere: valid as a signature over these bytes, by
		// someone this installation cannot vouch for.
		r.warn(CodeUntrusted, "signed by a CA this installation does not trust: %s, issued by %s", r.Signer, issuerName(cert))
		v.level(e, legacy, nil, later)
		return
	}
	if err != nil {
		r.problem(chainCode(err), "certificate chain: %v", err)
		return
	}
	r.Chain, r.ChainTime, r.ChainOK, r.Trusted = chain, at, true, true
	if !at.Equal(v.opt.Time) {
		r.warn(CodeExpiredSince, "certificate chain valid at %s, the signature's proof of existence, not at %s", at.Format(time.RFC3339), v.opt.Time.Format(time.RFC3339))
	}
	r.RevocationChecked = v.checkRevocation(r, chain, e.poe) && tsaChecked
	if r.DigestOK && r.SignatureOK {
		// Once more as one piece, exactly as cms.Verify defines a valid
		// signature, so that the separate verdicts above can never add up
		// to a signature the CMS layer would refuse.
		if _, err := sd.Verify(e.digest, cms.VerifyOptions{Roots: v.opt.Roots, Intermediates: inter, CurrentTime: at, Certificates: v.certs, AllowMissingSigningCertificate: legacy}); err != nil {
			r.problem(CodeSignature, "CMS verification: %v", err)
		}
	}
	v.level(e, legacy, tsaChain, later)
}

// level works out the PAdES baseline level of a signature checked so far, and
// what the next level lacks. tsaChain is the verified chain of its signature
// timestamp; later the times of valid document timestamps after it.
func (v *verifier) level(e *entry, legacy bool, tsaChain []*x509.Certificate, later []time.Time) {
	r := e.rep
	switch {
	case !r.Valid():
		return
	case legacy:
		r.LevelGaps = append(r.LevelGaps, fmt.Sprintf("SubFilter %s: not a PAdES baseline signature", e.sig.SubFilter))
		return
	}
	r.Level = LevelBB
	if !r.TimestampOK {
		r.LevelGaps = append(r.LevelGaps, "no valid signature timestamp: does not reach B-T")
		return
	}
	r.Level = LevelBT
	// The signer's chain, or for a signature made elsewhere the issuer
	// certificates the file carries.
	chain := r.Chain
	if chain == nil {
		chain = []*x509.Certificate{r.Certificate}
		if issuer := findIssuer(r.Certificate, append(e.sd.Certificates, v.certs...)); issuer != nil {
			chain = append(chain, issuer)
		}
	}
	if !v.fileRevocation(chain, r.TimestampTime) || !v.fileRevocation(tsaChain, r.TimestampTime) {
		r.LevelGaps = append(r.LevelGaps, "the file holds no CRL of every issuer issued after the signature timestamp: does not reach B-LT")
		return
	}
	r.Level = LevelBLT
	if len(later) == 0 {
		r.LevelGaps = append(r.LevelGaps, "no document timestamp after it: does not reach B-LTA")
		return
	}
	r.Level = LevelBLTA
}

// untrusted reports a chain that fails only for want of a trusted root.
func untrusted(err error) bool {
	var ua x509.UnknownAuthorityError
	return errors.As(err, &ua)
}

// findIssuer returns the certificate among certs that signed c, or nil.
func findIssuer(c *x509.Certificate, certs []*x509.Certificate) *x509.Certificate {
	for _, i := range certs {
		if !i.Equal(c) && bytes.Equal(i.RawSubject, c.RawIssuer) && c.CheckSignatureFrom(i) == nil {
			return i
		}
	}
	return nil
}

// issuerName names the issuer of c: its common name, or the whole name.
func issuerName(c *x509.Certificate) string {
	if c.Issuer.CommonName != "" {
		return c.Issuer.CommonName
	}
	return c.Issuer.String()
}

// tokenSigner names the TSA of a token, as far as the token tells.
func tokenSigner(tok *tsa.Token) string {
	if tok == nil {
		return "unknown"
	}
	if c, err := tok.SignedData.SignerCertificate(); err == nil {
		return describe(c)
	}
	return "unknown"
}

func (v *verifier) checkDocTimestamp(e *entry, later []time.Time) {
	r, tok := e.rep, e.tok
	r.DigestOK = bytes.Equal(tok.HashedMessage, e.digest)
	if !r.DigestOK {
		r.problem(CodeDigest, "digest mismatch: the timestamped bytes were changed")
	}
	r.TimestampTime = tok.GenTime
	cert, err := tok.SignedData.SignerCertificate(v.certs...)
	if err != nil {
		r.problem(CodeTimestamp, "TSA certificate: %v", err)
		return
	}
	r.Signer, r.Certificate = describe(cert), cert
	if err := signatureHolds(tok.SignedData, nil, cert, false); err != nil {
		r.problem(CodeTimestamp, "token signature: %v", err)
	} else {
		r.SignatureOK = true
	}
	if len(later) > 0 {
		e.poe = later[0]
	}
	chain, at, err := v.chain(cert, v.pool(tok.SignedData.Certificates), x509.ExtKeyUsageTimeStamping, e.poe)
	if untrusted(err) {
		r.warn(CodeUntrusted, "document timestamp by a TSA this installation does not trust: %s, issued by %s", r.Signer, issuerName(cert))
		return
	}
	if err != nil {
		r.problem(CodeTimestamp, "TSA certificate chain: %v", err)
		return
	}
	r.Chain, r.ChainTime, r.ChainOK, r.Trusted = chain, at, true, true
	for i, c := range chain {
		if i == 0 || c.NotAfter.Before(r.ProvableUntil) {
			r.ProvableUntil = c.NotAfter
		}
	}
	if !at.Equal(v.opt.Time) {
		r.warn(CodeExpiredSince, "TSA chain valid at %s, the time of a later document timestamp, not at %s", at.Format(time.RFC3339), v.opt.Time.Format(time.RFC3339))
	}
	// The token proves its own time, so revocation is judged there.
	before := len(r.Problems)
	r.RevocationChecked = v.checkRevocation(r, chain, tok.GenTime)
	revokedBefore := len(r.Problems) > before
	if r.DigestOK && r.SignatureOK {
		// The TSA layer's own verdict adds the RFC 3161 rules (critical
		// timeStamping EKU, TSTInfo consistency) to the pieces above.
		if _, err := tok.VerifyDigest(e.hash, e.digest, v.tsaOptions(tok.SignedData.Certificates, at)); err != nil {
			r.problem(CodeTimestamp, "timestamp token: %v", err)
			return
		}
		r.TimestampOK = !revokedBefore
	}
}

func (v *verifier) tsaOptions(carried []*x509.Certificate, at time.Time) tsa.VerifyOptions {
	return tsa.VerifyOptions{Roots: v.opt.Roots, Intermediates: v.pool(carried), Certificates: v.certs, CurrentTime: at}
}

// signatureHolds checks the signature value alone. cms.Verify checks the
// chain too and reports an untrusted or expired chain the same way as a
// forged signature, so the signer certificate is made its own trust anchor
// here and the time is set inside its validity: what remains is the
// signature over the signed attributes, the message digest against
// digest (nil for encapsulated content) and the signing-certificate binding.
func signatureHolds(sd *cms.SignedData, digest []byte, cert *x509.Certificate, allowMissingSigningCert bool) error {
	self := x509.NewCertPool()
	self.AddCert(cert)
	_, err := sd.Verify(digest, cms.VerifyOptions{
		Roots:                          self,
		CurrentTime:                    cert.NotBefore.Add(cert.NotAfter.Sub(cert.NotBefore) / 2),
		Certificates:                   []*x509.Certificate{cert},
		AllowMissingSigningCertificate: allowMissingSigningCert,
	})
	return err
}

// pool is the intermediates for path building: the options', the DSS's and
// those carried by the value itself.
func (v *verifier) pool(carried []*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	if v.opt.Intermediates != nil {
		p = v.opt.Intermediates.Clone()
	}
	for _, c := range v.certs {
		p.AddCert(c)
	}
	for _, c := range carried {
		p.AddCert(c)
	}
	return p
}

// chain verifies cert at the verification time and, when that fails and a
// proof of existence is known, at that earlier time: a certificate that
// expired after a timestamp proved the signature existed still validates
// the signature (long-term validation).
func (v *verifier) chain(cert *x509.Certificate, inter *x509.CertPool, usage x509.ExtKeyUsage, poe time.Time) ([]*x509.Certificate, time.Time, error) {
	opts := x509.VerifyOptions{Roots: v.opt.Roots, Intermediates: inter, CurrentTime: v.opt.Time, KeyUsages: []x509.ExtKeyUsage{usage}}
	chains, err := cert.Verify(opts)
	if err == nil {
		return chains[0], v.opt.Time, nil
	}
	var invalid x509.CertificateInvalidError
	if poe.IsZero() || !errors.As(err, &invalid) || invalid.Reason != x509.Expired {
		return nil, time.Time{}, err
	}
	opts.CurrentTime = poe
	chains, err2 := cert.Verify(opts)
	if err2 != nil {
		return nil, time.Time{}, fmt.Errorf("%w (and at the proof of existence %s: %v)", err, poe.Format(time.RFC3339), err2)
	}
	return chains[0], poe, nil
}

// checkRevocation looks up every certificate of the chain below the root in
// the CRLs of its issuer. A revocation before poe (the time a timestamp
// proves the signature existed, or the verification time without one) is a
// problem; a later one leaves the signature valid, since the key was still
// trusted when it was made, and is reported as a warning. It reports
// whether a CRL was found for every certificate checked.
func (v *verifier) checkRevocation(r *SignatureReport, chain []*x509.Certificate, poe time.Time) bool {
	if poe.IsZero() {
		poe = v.opt.Time
	}
	checked := true
	for i := 0; i+1 < len(chain); i++ {
		cert, issuer := chain[i], chain[i+1]
		found := false
		for _, crl := range v.crls {
			if !bytes.Equal(crl.RawIssuer, issuer.RawSubject) || crl.CheckSignatureFrom(issuer) != nil {
				continue
			}
			found = true
			for _, rc := range crl.RevokedCertificateEntries {
				if rc.SerialNumber.Cmp(cert.SerialNumber) != 0 {
					continue
				}
				if !r.Revoked || rc.RevocationTime.Before(r.RevocationTime) {
					r.Revoked, r.RevocationTime = true, rc.RevocationTime
				}
				if rc.RevocationTime.After(poe) {
					r.warn(CodeRevokedAfter, "certificate %s was revoked at %s (reason %d), after the proof of existence at %s",
						describe(cert), rc.RevocationTime.Format(time.RFC3339), rc.ReasonCode, poe.Format(time.RFC3339))
				} else {
					r.problem(CodeRevoked, "certificate %s was revoked at %s (reason %d)", describe(cert), rc.RevocationTime.Format(time.RFC3339), rc.ReasonCode)
				}
			}
		}
		if !found {
			checked = false
			r.warn(CodeRevocationUnchecked, "no CRL from %s: revocation of %s not checked", describe(issuer), describe(cert))
		}
	}
	return checked
}

func (v *verifier) checkLaterChanges(e *entry) {
	r := e.rep
	if e.sig.Revision < 0 {
		return
	}
	changes, err := v.f.ChangesAfter(e.sig.Revision)
	if err != nil {
		r.problem(CodeModified, "later revisions: %v", err)
		return
	}
	r.LaterChanges = changes
	bad := changes.Disallowed()
	if len(bad) == 0 {
		return
	}
	r.ModifiedAfter = true
	var details []string
	for i, c := range bad {
		if i == 5 {
			details = append(details, fmt.Sprintf("and %d more", len(bad)-i))
			break
		}
		details = append(details, fmt.Sprintf("%v %s (%s)", c.Ref, c.Kind, c.Detail))
	}
	r.problem(CodeModified, "modified after signing: %s", strings.Join(details, "; "))
}

// describe names a certificate holder: common name and organization.
func describe(c *x509.Certificate) string {
	name := c.Subject.CommonName
	if len(c.Subject.Organization) > 0 && c.Subject.Organization[0] != "" {
		if name == "" {
			return c.Subject.Organization[0]
		}
		name += " (" + c.Subject.Organization[0] + ")"
	}
	if name == "" {
		name = c.Subject.String()
	}
	return name
}
