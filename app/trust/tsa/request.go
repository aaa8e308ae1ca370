package tsa

import (
	"crypto"
	"crypto/x509"
	encasn1 "encoding/asn1"
	"errors"
	"fmt"
	"inkan/app/trust/cms"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// hashForOID maps a message imprint's algorithm to its hash. SHA-1 is refused on
// purpose: a collision lets one token stand for two documents.
func hashForOID(oid encasn1.ObjectIdentifier) crypto.Hash {
	if h := cms.HashForOID(oid); h != crypto.SHA1 {
		return h
	}
	return 0
}

// Request is an RFC 3161 TimeStampReq.
type Request struct {
	// HashAlgorithm and HashedMessage form the message imprint.
	HashAlgorithm crypto.Hash
	HashedMessage []byte
	// Policy is the requested TSA policy, or nil for the TSA's default.
	Policy *x509.OID
	// Nonce, when not nil, is echoed in the token so the requester can
	// match reply to request.
	Nonce *big.Int
	// CertReq asks for the TSA certificate to be included in the token.
	CertReq bool
	// HasExtensions records that the request carried extensions; this TSA
	// supports none and rejects such requests (unacceptedExtension).
	HasExtensions bool

	imprint []byte // MessageImprint element as received, echoed in TSTInfo
}

// ParseRequest decodes a DER TimeStampReq. Hash algorithms other than
// SHA-256/384/512 are refused with a badAlg *Error, malformed input with a
// badDataFormat *Error, so the caller can turn either into a reply.
func ParseRequest(der []byte) (*Request, error) {
	in := cryptobyte.String(der)
	var s cryptobyte.String
	if !in.ReadASN1(&s, asn1.SEQUENCE) || !in.Empty() {
		return nil, &Error{Status: StatusRejection, Info: FailBadDataFormat, Text: "request is not a DER TimeStampReq"}
	}
	var version int64
	if !s.ReadASN1Integer(&version) {
		return nil, &Error{Status: StatusRejection, Info: FailBadDataFormat, Text: "malformed version"}
	}
	if version != 1 {
		return nil, &Error{Status: StatusRejection, Info: FailBadRequest, Text: fmt.Sprintf("unsupported request version %d", version)}
	}
	var imprint cryptobyte.String
	if !s.ReadASN1Element(&imprint, asn1.SEQUENCE) {
		return nil, &Error{Status: StatusRejection, Info: FailBadDataFormat, Text: "malformed messageImprint"}
	}
	r := &Request{imprint: imprint}
	var err error
	if r.HashAlgorithm, r.HashedMessage, err = parseImprint(imprint); err != nil {
		return nil, err
	}
	if s.PeekASN1Tag(asn1.OBJECT_IDENTIFIER) {
		var raw cryptobyte.String
		s.ReadASN1(&raw, asn1.OBJECT_IDENTIFIER)
		var oid x509.OID
		if err := oid.UnmarshalBinary(raw); err != nil {
			return nil, &Error{Status: StatusRejection, Info: FailBadDataFormat, Text: "malformed reqPolicy"}
		}
		r.Policy = &oid
	}
	if s.PeekASN1Tag(asn1.INTEGER) {
		r.Nonce = new(big.Int)
		if !s.ReadASN1Integer(r.Nonce) {
			return nil, &Error{Status: StatusRejection, Info: FailBadDataFormat, Text: "malformed nonce"}
		}
	}
	if s.PeekASN1Tag(asn1.BOOLEAN) && !s.ReadASN1Boolean(&r.CertReq) {
		return nil, &Error{Status: StatusRejection, Info: FailBadDataFormat, Text: "malformed certReq"}
	}
	extTag := asn1.Tag(0).Constructed().ContextSpecific()
	if s.PeekASN1Tag(extTag) {
		s.SkipASN1(extTag)
		r.HasExtensions = true
	}
	if !s.Empty() {
		return nil, &Error{Status: StatusRejection, Info: FailBadDataFormat, Text: "trailing data in request"}
	}
	return r, nil
}

// parseImprint reads MessageImprint ::= SEQUENCE { hashAlgorithm
// AlgorithmIdentifier, hashedMessage OCTET STRING }.
func parseImprint(el []byte) (crypto.Hash, []byte, error) {
	s := cryptobyte.String(el)
	var mi, alg cryptobyte.String
	var oid encasn1.ObjectIdentifier
	var digest []byte
	if !s.ReadASN1(&mi, asn1.SEQUENCE) || !mi.ReadASN1(&alg, asn1.SEQUENCE) ||
		!alg.ReadASN1ObjectIdentifier(&oid) ||
		!mi.ReadASN1Bytes(&digest, asn1.OCTET_STRING) || !mi.Empty() {
		return 0, nil, &Error{Status: StatusRejection, Info: FailBadDataFormat, Text: "malformed messageImprint"}
	}
	// Parameters must be absent or NULL for the SHA-2 family.
	if !alg.Empty() && !(alg.PeekASN1Tag(asn1.NULL) && alg.SkipASN1(asn1.NULL) && alg.Empty()) {
		return 0, nil, &Error{Status: StatusRejection, Info: FailBadAlg, Text: "unexpected hash algorithm parameters"}
	}
	h := hashForOID(oid)
	if h == 0 {
		return 0, nil, &Error{Status: StatusRejection, Info: FailBadAlg, Text: fmt.Sprintf("hash algorithm %s not accepted (use SHA-256, SHA-384 or SHA-512)", oid)}
	}
	if len(digest) != h.Size() {
		return 0, nil, &Error{Status: StatusRejection, Info: FailBadDataFormat, Text: fmt.Sprintf("hashed message is %d bytes, %s needs %d", len(digest), h, h.Size())}
	}
	return h, digest, nil
}

// Marshal encodes the request as DER, for use against this or another TSA.
func (r *Request) Marshal() ([]byte, error) {
	imprint, err := marshalImprint(r.HashAlgorithm, r.HashedMessage)
	if err != nil {
		return nil, fmt.Errorf("tsa: marshal request: %w", err)
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		b.AddBytes(imprint)
		if r.Policy != nil {
			addOID(b, *r.Policy)
		}
		if r.Nonce != nil {
			b.AddASN1BigInt(r.Nonce)
		}
		if r.CertReq {
			b.AddASN1Boolean(true)
		}
	})
	out, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("tsa: marshal request: %w", err)
	}
	return out, nil
}

// marshalImprint writes a MessageImprint with NULL hash parameters, as
// OpenSSL does, so imprints compare equal with its requests.
func marshalImprint(h crypto.Hash, digest []byte) ([]byte, error) {
	oid, ok := cms.OIDForHash(h)
	if !ok {
		return nil, fmt.Errorf("hash %s not supported", h)
	}
	if len(digest) != h.Size() {
		return nil, fmt.Errorf("digest is %d bytes, %s needs %d", len(digest), h, h.Size())
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oid)
			b.AddASN1NULL()
		})
		b.AddASN1OctetString(digest)
	})
	return b.Bytes()
}

// addOID writes an OBJECT IDENTIFIER from an x509.OID, which, unlike
// encoding/asn1, can hold the 128-bit arc of a 2.25 UUID OID.
func addOID(b *cryptobyte.Builder, oid x509.OID) {
	b.AddASN1(asn1.OBJECT_IDENTIFIER, func(b *cryptobyte.Builder) {
		der, err := oid.MarshalBinary()
		if err != nil {
			b.SetError(err)
			return
		}
		if len(der) == 0 {
			b.SetError(errors.New("empty object identifier"))
			return
		}
		b.AddBytes(der)
	})
}
