package pades

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"hash"
	"slices"
	"time"

	"inkan/app/trust/cms"
	"inkan/app/trust/pdf"
	"inkan/app/trust/tsa"
)

// Signer is a certificate with its private key, as pki.Authority.OpenKey
// returns them.
type Signer struct {
	// Key is the private key of Certificate.
	Key crypto.Signer
	// Certificate is the signer's end-entity certificate.
	Certificate *x509.Certificate
	// Chain are the issuers of Certificate: the issuing CA, then the root
	// (pki.Authority.Chain). They are embedded in the CMS so that any
	// verifier can build the path from the file alone.
	Chain []*x509.Certificate
}

// Timestamper gives RFC 3161 timestamp tokens over a digest; *tsa.Authority
// satisfies it, and a client of a remote TSA can too.
type Timestamper interface {
	StampDigest(hash crypto.Hash, digest []byte) ([]byte, error)
}

// SignOptions describes a signature.
type SignOptions struct {
	// Time is written to /M, the claimed signing time; zero means now.
	// It is not put into the CMS (strict PAdES forbids signing-time
	// there); the signature timestamp is what proves the time.
	Time time.Time
	// Name, Reason and Location are the optional text entries of the
	// signature dictionary, shown by PDF readers.
	Name, Reason, Location string
	// FieldName is the signature field's name; empty chooses
	// "Signature1", "Signature2", …, and the name of an existing empty
	// signature field signs that field.
	FieldName string
	// Appearance, when set, makes the signature visible, a seal on the
	// page it chooses; invisible by default.
	Appearance *pdf.Appearance
	// Prehash, when set, is the SHA-256 of doc that the caller makes anyway.
	Prehash Prehash
}

// Prehash is the SHA-256 of a whole document, made by a caller that reads it anyway
// (to check it against the hashes it was stored with): it waits for the hash and
// gives the state after the document's last byte, where the byte range of a new
// increment goes on. An error refuses the bytes, and the signature with them. It is
// used only for a document that starts at its %PDF- header, the bytes the range
// covers; for another, the signature hashes the document itself.
type Prehash func() (hash.Hash, error)

// minContentsSize is the smallest /Contents reservation: the default of
// app/pdf, which holds a measured B-T value (about 3 KB) several times over.
const minContentsSize = pdf.DefaultContentsSize

// tokenAllowance is what a signature timestamp token may add to the CMS:
// the measured token with the TSA certificate is about 1.4 KB; a remote TSA
// with a longer RSA chain stays well within 8 KiB.
const tokenAllowance = 8 << 10

// Sign appends a PAdES B-T signature to doc and returns the new file: an
// incremental update with a signature field (SubFilter
// ETSI.CAdES.detached), whose CMS SignedData (cms.Sign) signs the SHA-256
// of the byte range and carries a signature timestamp from ts over its
// signature value as an unsigned attribute. doc itself is not modified.
//
// Encrypted and unreadable files are refused with errors wrapping
// pdf.ErrEncrypted and pdf.ErrMalformed.
func Sign(doc []byte, s Signer, ts Timestamper, opt SignOptions) ([]byte, error) {
	base, inc, err := signIncrement(doc, s, ts, opt)
	if err != nil {
		return nil, err
	}
	return slices.Concat(base, inc), nil
}

// SignIncrement is Sign returning only the incremental update, the bytes to
// append to doc (to doc from its %PDF- header: see pdf.File.HeaderOffset). A
// caller that keeps a document's revisions as separate files stores just these,
// and a large document is never copied to be signed.
func SignIncrement(doc []byte, s Signer, ts Timestamper, opt SignOptions) ([]byte, error) {
	_, inc, err := signIncrement(doc, s, ts, opt)
	return inc, err
}

// signIncrement returns doc from its header and the signed increment to append.
func signIncrement(doc []byte, s Signer, ts Timestamper, opt SignOptions) (base, inc []byte, err error) {
	p, sd, base, err := sign(doc, s, ts, opt)
	if err != nil {
		return nil, nil, err
	}
	inc, err = p.EmbedIncrement(sd)
	if err != nil {
		return nil, nil, fmt.Errorf("pades: sign: embed CMS (%d bytes): %w", len(sd), err)
	}
	return base, inc, nil
}

// sign prepares the signature field of doc and builds its CMS, timestamped; base is
// doc from its header, which the increment extends.
func sign(doc []byte, s Signer, ts Timestamper, opt SignOptions) (p *pdf.Prepared, sd, base []byte, err error) {
	if s.Key == nil || s.Certificate == nil {
		return nil, nil, nil, errors.New("pades: sign: signer key and certificate are required")
	}
	if ts == nil {
		return nil, nil, nil, errors.New("pades: sign: a timestamper is required for a B-T signature")
	}
	if opt.Time.IsZero() {
		opt.Time = time.Now()
	}
	cert := s.Certificate
	// Checked here, before any work, because a verifier would refuse the
	// result anyway and the caller deserves the reason rather than a file
	// that does not validate.
	if opt.Time.Before(cert.NotBefore) || opt.Time.After(cert.NotAfter) {
		return nil, nil, nil, fmt.Errorf("pades: sign: certificate %s is valid from %s to %s, not at %s",
			cert.Subject, cert.NotBefore.Format(time.RFC3339), cert.NotAfter.Format(time.RFC3339), opt.Time.Format(time.RFC3339))
	}
	if cert.KeyUsage != 0 && cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return nil, nil, nil, fmt.Errorf("pades: sign: certificate %s does not allow digital signatures", cert.Subject)
	}

	f, err := pdf.Open(doc)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pades: sign: %w", err)
	}
	hashed := prehashed(f, opt.Prehash)
	p, err = f.PrepareSignature(pdf.SignatureOptions{
		FieldName:    opt.FieldName,
		Time:         opt.Time,
		Name:         opt.Name,
		Reason:       opt.Reason,
		Location:     opt.Location,
		Appearance:   opt.Appearance,
		ContentsSize: contentsSize(s),
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pades: sign: prepare signature field: %w", err)
	}
	h, err := hashed()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pades: sign: %w", err)
	}
	if _, err := p.WriteIncrementSignedTo(h); err != nil {
		return nil, nil, nil, fmt.Errorf("pades: sign: hash byte range: %w", err)
	}
	sd, err = cms.Sign(h.Sum(nil), s.Key, cert, s.Chain)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pades: sign: build CMS: %w", err)
	}
	sd, err = addSignatureTimestamp(sd, ts)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pades: sign: %w", err)
	}
	return p, sd, f.Bytes(), nil
}

// prehashed is the SHA-256 of f's bytes from its header, where every byte range of
// a new increment begins: the caller's pre, or else one started on another core
// while the increment is prepared. The function it returns waits for it, to go on
// with the increment's bytes.
func prehashed(f *pdf.File, pre Prehash) Prehash {
	if pre != nil && f.HeaderOffset() == 0 {
		return pre
	}
	h := sha256.New()
	done := make(chan struct{})
	go func() {
		h.Write(f.Bytes())
		close(done)
	}()
	return func() (hash.Hash, error) {
		<-done
		return h, nil
	}
}

// contentsSize reserves room for the CMS: the certificates it embeds, the
// signature and attributes, and a timestamp token. The size is fixed before
// the byte range is hashed, so it must never be too small.
func contentsSize(s Signer) int {
	n := len(s.Certificate.Raw) + 1024 + tokenAllowance
	for _, c := range s.Chain {
		n += len(c.Raw)
	}
	return max(n, minContentsSize)
}

// addSignatureTimestamp requests a timestamp over the signature value of sd
// (ETSI EN 319 122-1 5.3) and adds it as unsigned attribute.
func addSignatureTimestamp(sd []byte, ts Timestamper) ([]byte, error) {
	sig, err := cms.SignatureValue(sd)
	if err != nil {
		return nil, fmt.Errorf("read signature value: %w", err)
	}
	digest := sha256.Sum256(sig)
	token, err := stamp(ts, digest[:])
	if err != nil {
		return nil, fmt.Errorf("signature timestamp: %w", err)
	}
	out, err := cms.AddTimestamp(sd, token)
	if err != nil {
		return nil, fmt.Errorf("add signature timestamp: %w", err)
	}
	return out, nil
}

// stamp asks ts for a SHA-256 token and checks that the token is over the
// digest asked for: a timestamper answering for other data (a remote TSA
// mixing up replies) would otherwise produce a file that never validates.
func stamp(ts Timestamper, digest []byte) ([]byte, error) {
	token, err := ts.StampDigest(crypto.SHA256, digest)
	if err != nil {
		return nil, fmt.Errorf("request token: %w", err)
	}
	tok, err := tsa.ParseToken(token)
	if err != nil {
		return nil, fmt.Errorf("parse token: %w", err)
	}
	if tok.HashAlgorithm != crypto.SHA256 || !bytes.Equal(tok.HashedMessage, digest) {
		return nil, errors.New("token imprint does not match the requested digest")
	}
	return tok.Raw, nil
}
