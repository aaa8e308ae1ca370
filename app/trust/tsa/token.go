package tsa

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"inkan/app/trust/cms"
)

// Info is a parsed TSTInfo.
type Info struct {
	Policy        x509.OID
	HashAlgorithm crypto.Hash
	HashedMessage []byte
	SerialNumber  *big.Int
	// GenTime is the time the token attests, in UTC.
	GenTime time.Time
	// Accuracy is the stated accuracy of GenTime, zero if not given.
	Accuracy time.Duration
	Ordering bool
	// Nonce is the request's nonce echoed back, or nil.
	Nonce *big.Int
}

// Token is a parsed TimeStampToken.
type Token struct {
	Info
	// SignedData is the CMS structure around the TSTInfo.
	SignedData *cms.SignedData
	// Raw is the DER token.
	Raw []byte
}

// ParseToken decodes a DER TimeStampToken (a CMS ContentInfo whose
// SignedData encapsulates a TSTInfo). Zero padding after the DER is
// tolerated, as in a PDF /Contents string.
func ParseToken(der []byte) (*Token, error) { return parseToken(der, cms.Parse) }

// PeekInfo reads what a token says (its TSTInfo) without parsing the
// certificates it carries, and without verifying anything: for a caller that
// only wants a token's time, such as the newest timestamp of a document.
func PeekInfo(der []byte) (Info, error) {
	tok, err := parseToken(der, cms.Peek)
	if err != nil {
		return Info{}, err
	}
	return tok.Info, nil
}

func parseToken(der []byte, parse func([]byte) (*cms.SignedData, error)) (*Token, error) {
	sd, err := parse(der)
	if err != nil {
		return nil, fmt.Errorf("tsa: parse token: %w", err)
	}
	if !cms.IsTSTInfo(sd.ContentType) {
		return nil, fmt.Errorf("tsa: parse token: content type %s is not id-ct-TSTInfo", sd.ContentType)
	}
	if sd.Content == nil {
		return nil, errors.New("tsa: parse token: no encapsulated TSTInfo")
	}
	info, err := parseTSTInfo(sd.Content)
	if err != nil {
		return nil, fmt.Errorf("tsa: parse token: %w", err)
	}
	in := cryptobyte.String(der)
	var raw cryptobyte.String
	in.ReadASN1Element(&raw, asn1.SEQUENCE)
	return &Token{Info: info, SignedData: sd, Raw: raw}, nil
}

func parseTSTInfo(der []byte) (Info, error) {
	var info Info
	in := cryptobyte.String(der)
	var s cryptobyte.String
	var version int64
	if !in.ReadASN1(&s, asn1.SEQUENCE) || !in.Empty() || !s.ReadASN1Integer(&version) {
		return info, errors.New("malformed TSTInfo")
	}
	if version != 1 {
		return info, fmt.Errorf("TSTInfo version %d unsupported", version)
	}
	var policy, imprint cryptobyte.String
	if !s.ReadASN1(&policy, asn1.OBJECT_IDENTIFIER) || info.Policy.UnmarshalBinary(policy) != nil {
		return info, errors.New("malformed TSTInfo policy")
	}
	if !s.ReadASN1Element(&imprint, asn1.SEQUENCE) {
		return info, errors.New("malformed TSTInfo messageImprint")
	}
	var err error
	if info.HashAlgorithm, info.HashedMessage, err = parseImprint(imprint); err != nil {
		return info, fmt.Errorf("TSTInfo messageImprint: %w", err)
	}
	info.SerialNumber = new(big.Int)
	if !s.ReadASN1Integer(info.SerialNumber) {
		return info, errors.New("malformed TSTInfo serialNumber")
	}
	// cryptobyte's GeneralizedTime reader refuses fractional seconds, which
	// other TSAs write, so the time is parsed here; DER demands the "Z".
	var gt cryptobyte.String
	if !s.ReadASN1(&gt, asn1.GeneralizedTime) {
		return info, errors.New("malformed TSTInfo genTime")
	}
	if info.GenTime, err = parseGeneralizedTime(string(gt)); err != nil {
		return info, fmt.Errorf("TSTInfo genTime: %w", err)
	}
	if s.PeekASN1Tag(asn1.SEQUENCE) {
		var acc cryptobyte.String
		s.ReadASN1(&acc, asn1.SEQUENCE)
		// Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL,
		// millis [0] IMPLICIT INTEGER OPTIONAL, micros [1] IMPLICIT ... }
		var secs, millis, micros int64
		ok := (!acc.PeekASN1Tag(asn1.INTEGER) || acc.ReadASN1Integer(&secs)) &&
			(!acc.PeekASN1Tag(asn1.Tag(0).ContextSpecific()) || acc.ReadASN1Int64WithTag(&millis, asn1.Tag(0).ContextSpecific())) &&
			(!acc.PeekASN1Tag(asn1.Tag(1).ContextSpecific()) || acc.ReadASN1Int64WithTag(&micros, asn1.Tag(1).ContextSpecific())) &&
			acc.Empty()
		if !ok {
			return info, errors.New("malformed TSTInfo accuracy")
		}
		info.Accuracy = time.Duration(secs)*time.Second + time.Duration(millis)*time.Millisecond + time.Duration(micros)*time.Microsecond
	}
	if s.PeekASN1Tag(asn1.BOOLEAN) && !s.ReadASN1Boolean(&info.Ordering) {
		return info, errors.New("malformed TSTInfo ordering")
	}
	if s.PeekASN1Tag(asn1.INTEGER) {
		info.Nonce = new(big.Int)
		if !s.ReadASN1Integer(info.Nonce) {
			return info, errors.New("malformed TSTInfo nonce")
		}
	}
	// The optional tsa name ([0]) and extensions ([1]) are informational.
	s.SkipOptionalASN1(asn1.Tag(0).Constructed().ContextSpecific())
	s.SkipOptionalASN1(asn1.Tag(1).Constructed().ContextSpecific())
	if !s.Empty() {
		return info, errors.New("trailing data in TSTInfo")
	}
	return info, nil
}

func parseGeneralizedTime(s string) (time.Time, error) {
	if len(s) < 15 || s[len(s)-1] != 'Z' {
		return time.Time{}, fmt.Errorf("%q is not a UTC GeneralizedTime", s)
	}
	// Parsing accepts a fractional second after the seconds field even
	// though the layout does not show one.
	t, err := time.Parse("20060102150405Z", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse %q: %w", s, err)
	}
	return t.UTC(), nil
}

// VerifyOptions controls token verification.
type VerifyOptions struct {
	// Roots are the trust anchors; required.
	Roots *x509.CertPool
	// Intermediates are extra untrusted certificates for path building.
	Intermediates *x509.CertPool
	// Certificates are candidates for the TSA certificate when the token
	// does not carry it (requested without certReq).
	Certificates []*x509.Certificate
	// CurrentTime is when the TSA chain must be valid; zero means now.
	CurrentTime time.Time
}

// Verify checks that the token's imprint is the hash of data (with the
// token's own hash algorithm), that its signature and signed attributes
// hold, and that the signer is a valid TSA certificate chaining to
// opts.Roots. It returns the verified chain, TSA certificate first.
func (t *Token) Verify(data []byte, opts VerifyOptions) ([]*x509.Certificate, error) {
	if !t.HashAlgorithm.Available() {
		return nil, fmt.Errorf("tsa: verify token: hash %s unavailable", t.HashAlgorithm)
	}
	h := t.HashAlgorithm.New()
	h.Write(data)
	return t.VerifyDigest(t.HashAlgorithm, h.Sum(nil), opts)
}

// VerifyDigest is Verify for a caller that has the digest already.
func (t *Token) VerifyDigest(hash crypto.Hash, digest []byte, opts VerifyOptions) ([]*x509.Certificate, error) {
	if !equalImprint(t.HashAlgorithm, t.HashedMessage, hash, digest) {
		return nil, fmt.Errorf("tsa: verify token %x: message imprint does not match the data", t.SerialNumber)
	}
	chain, err := t.SignedData.Verify(nil, cms.VerifyOptions{
		Roots:         opts.Roots,
		Intermediates: opts.Intermediates,
		Certificates:  opts.Certificates,
		CurrentTime:   opts.CurrentTime,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	})
	if err != nil {
		return nil, fmt.Errorf("tsa: verify token %x: %w", t.SerialNumber, err)
	}
	if err := CheckCertificate(chain[0]); err != nil {
		return nil, fmt.Errorf("tsa: verify token %x: %w", t.SerialNumber, err)
	}
	return chain, nil
}

// VerifyToken parses a token and verifies it against data; see
// Token.Verify. The returned token gives the GenTime.
func VerifyToken(token, data []byte, opts VerifyOptions) (*Token, error) {
	t, err := ParseToken(token)
	if err != nil {
		return nil, err
	}
	if _, err := t.Verify(data, opts); err != nil {
		return nil, err
	}
	return t, nil
}

// VerifyTokenDigest parses a token and verifies it against a digest; see
// Token.Verify.
func VerifyTokenDigest(token []byte, hash crypto.Hash, digest []byte, opts VerifyOptions) (*Token, error) {
	t, err := ParseToken(token)
	if err != nil {
		return nil, err
	}
	if _, err := t.VerifyDigest(hash, digest, opts); err != nil {
		return nil, err
	}
	return t, nil
}
