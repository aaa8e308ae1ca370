package cms

import (
	"crypto"
	"crypto/x509"
	encasn1 "encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// SignedData is a parsed CMS ContentInfo carrying SignedData (RFC 5652 §5)
// with exactly one SignerInfo, which is what PAdES signatures and RFC 3161
// timestamp tokens are. The raw encodings of the parts are kept so that
// AddTimestamp can re-emit everything except the unsigned attributes
// byte for byte: the signature covers the signed attributes as received.
type SignedData struct {
	// Version is the SignedData version (1 for id-data content, 3 otherwise).
	Version int
	// ContentType is the eContentType (id-data for PAdES, id-ct-TSTInfo for
	// timestamp tokens).
	ContentType encasn1.ObjectIdentifier
	// Content is the encapsulated content, or nil when the signature is
	// detached.
	Content []byte
	// Certificates are the certificates carried in the structure, in the
	// order found.
	Certificates []*x509.Certificate
	// CRLs are the DER CertificateLists carried in the crls field.
	CRLs [][]byte
	// Signer is the one SignerInfo.
	Signer SignerInfo

	digestAlgorithms []byte // SET OF DigestAlgorithmIdentifier element
	encapContentInfo []byte // EncapsulatedContentInfo element
	certificates     []byte // [0] IMPLICIT CertificateSet element, or nil
	crls             []byte // [1] IMPLICIT RevocationInfoChoices element, or nil
}

// SignerInfo is the parsed SignerInfo of a SignedData.
type SignerInfo struct {
	// Version is 1 for issuerAndSerialNumber, 3 for subjectKeyIdentifier.
	Version int
	// RawIssuer and SerialNumber identify the signer certificate when the
	// sid is issuerAndSerialNumber; SubjectKeyID is set otherwise.
	RawIssuer    []byte
	SerialNumber *big.Int
	SubjectKeyID []byte
	// DigestAlgorithm is the digest algorithm identifier and Hash the hash it
	// names (0 if unknown).
	DigestAlgorithm encasn1.ObjectIdentifier
	Hash            crypto.Hash
	// SignedAttributes are the signed attributes in received order.
	SignedAttributes []Attribute
	// SignatureAlgorithm is the signature algorithm identifier.
	SignatureAlgorithm encasn1.ObjectIdentifier
	// Signature is the signature value: what an RFC 3161 signature timestamp
	// must cover.
	Signature []byte
	// UnsignedAttributes are the unsigned attributes in received order.
	UnsignedAttributes []Attribute
	// MessageDigest is the value of the messageDigest signed attribute.
	MessageDigest []byte
	// TimestampToken is the DER ContentInfo of the signature timestamp
	// (unsigned attribute id-aa-signatureTimeStampToken), or nil.
	TimestampToken []byte

	sid             []byte // SignerIdentifier element
	digestAlgorithm []byte // DigestAlgorithmIdentifier element
	signedAttrs     []byte // contents of [0] IMPLICIT SignedAttributes
	signatureAlg    []byte // SignatureAlgorithmIdentifier element
}

// Attribute is one CMS attribute: a type and the DER encodings of its values.
type Attribute struct {
	Type   encasn1.ObjectIdentifier
	Values [][]byte
}

// HasSignedAttribute reports whether the signer carries a signed attribute of
// the given type; callers use it to check PAdES restrictions (no
// signing-time, no adbe-revocationInfoArchival) without knowing our OIDs.
func (si *SignerInfo) HasSignedAttribute(oid encasn1.ObjectIdentifier) bool {
	for _, a := range si.SignedAttributes {
		if a.Type.Equal(oid) {
			return true
		}
	}
	return false
}

// HasSigningTime reports whether a CMS signing-time attribute is present,
// which strict PAdES baseline signatures must not carry.
func (si *SignerInfo) HasSigningTime() bool { return si.HasSignedAttribute(oidAttrSigningTime) }

// HasRevocationInfoArchival reports whether Adobe's revocation archive
// attribute is present, which PAdES replaces with the DSS.
func (si *SignerInfo) HasRevocationInfoArchival() bool {
	return si.HasSignedAttribute(oidAdbeRevocationArchive)
}

// Parse decodes a DER ContentInfo holding SignedData. Trailing zero bytes are
// ignored because PDF /Contents placeholders are padded with zeros after the
// DER; anything else after the structure is an error. BER (indefinite
// lengths) is refused.
func Parse(der []byte) (*SignedData, error) { return parse(der, true) }

// Peek is Parse leaving the carried certificates unparsed (Certificates stays
// empty; the structure is otherwise whole and re-encodes the same): for a caller
// that reads the content or the signer's values, not who signed, since parsing
// the certificates is most of the work.
func Peek(der []byte) (*SignedData, error) { return parse(der, false) }

func parse(der []byte, certs bool) (*SignedData, error) {
	input := cryptobyte.String(der)
	var ci, body cryptobyte.String
	var ctype encasn1.ObjectIdentifier
	if !input.ReadASN1(&ci, asn1.SEQUENCE) {
		return nil, errors.New("cms: parse: not a DER ContentInfo")
	}
	for _, c := range input {
		if c != 0 {
			return nil, errors.New("cms: parse: trailing data after ContentInfo")
		}
	}
	if !ci.ReadASN1ObjectIdentifier(&ctype) {
		return nil, errors.New("cms: parse: malformed contentType")
	}
	if !ctype.Equal(oidSignedData) {
		return nil, fmt.Errorf("cms: parse: content type %s is not signedData", ctype)
	}
	if !ci.ReadASN1(&body, asn1.Tag(0).Constructed().ContextSpecific()) || !ci.Empty() {
		return nil, errors.New("cms: parse: malformed ContentInfo content")
	}
	var s cryptobyte.String
	if !body.ReadASN1(&s, asn1.SEQUENCE) || !body.Empty() {
		return nil, errors.New("cms: parse: malformed SignedData")
	}

	sd := &SignedData{}
	var version int64
	if !s.ReadASN1Integer(&version) {
		return nil, errors.New("cms: parse: malformed SignedData version")
	}
	sd.Version = int(version)

	var digestAlgs cryptobyte.String
	if !s.ReadASN1Element(&digestAlgs, asn1.SET) {
		return nil, errors.New("cms: parse: malformed digestAlgorithms")
	}
	sd.digestAlgorithms = digestAlgs

	var encap cryptobyte.String
	if !s.ReadASN1Element(&encap, asn1.SEQUENCE) {
		return nil, errors.New("cms: parse: malformed encapContentInfo")
	}
	sd.encapContentInfo = encap
	if err := sd.parseEncap(encap); err != nil {
		return nil, err
	}

	certTag := asn1.Tag(0).Constructed().ContextSpecific()
	if s.PeekASN1Tag(certTag) {
		var el cryptobyte.String
		if !s.ReadASN1Element(&el, certTag) {
			return nil, errors.New("cms: parse: malformed certificates")
		}
		sd.certificates = el
		if certs {
			if err := sd.parseCertificates(el); err != nil {
				return nil, err
			}
		}
	}
	crlTag := asn1.Tag(1).Constructed().ContextSpecific()
	if s.PeekASN1Tag(crlTag) {
		var el cryptobyte.String
		if !s.ReadASN1Element(&el, crlTag) {
			return nil, errors.New("cms: parse: malformed crls")
		}
		sd.crls = el
		var set cryptobyte.String
		el.ReadASN1(&set, crlTag)
		for !set.Empty() {
			var crl cryptobyte.String
			var tag asn1.Tag
			if !set.ReadAnyASN1Element(&crl, &tag) {
				return nil, errors.New("cms: parse: malformed crl entry")
			}
			// Other revocation formats ([1] OtherRevocationInfoFormat) are
			// kept only in the raw field; PAdES puts revocation data in the DSS.
			if tag == asn1.SEQUENCE {
				sd.CRLs = append(sd.CRLs, append([]byte(nil), crl...))
			}
		}
	}

	var signerInfos cryptobyte.String
	if !s.ReadASN1(&signerInfos, asn1.SET) || !s.Empty() {
		return nil, errors.New("cms: parse: malformed signerInfos")
	}
	var si cryptobyte.String
	if !signerInfos.ReadASN1(&si, asn1.SEQUENCE) {
		return nil, errors.New("cms: parse: no SignerInfo")
	}
	if !signerInfos.Empty() {
		return nil, errors.New("cms: parse: more than one SignerInfo is not supported")
	}
	if err := sd.Signer.parse(si); err != nil {
		return nil, err
	}
	return sd, nil
}

func (sd *SignedData) parseEncap(encap cryptobyte.String) error {
	var inner cryptobyte.String
	if !encap.ReadASN1(&inner, asn1.SEQUENCE) || !inner.ReadASN1ObjectIdentifier(&sd.ContentType) {
		return errors.New("cms: parse: malformed eContentType")
	}
	var explicit cryptobyte.String
	var present bool
	if !inner.ReadOptionalASN1(&explicit, &present, asn1.Tag(0).Constructed().ContextSpecific()) || !inner.Empty() {
		return errors.New("cms: parse: malformed eContent")
	}
	if present {
		var content []byte
		if !explicit.ReadASN1Bytes(&content, asn1.OCTET_STRING) || !explicit.Empty() {
			return errors.New("cms: parse: eContent is not a DER OCTET STRING")
		}
		sd.Content = content
	}
	return nil
}

func (sd *SignedData) parseCertificates(el cryptobyte.String) error {
	var set cryptobyte.String
	el.ReadASN1(&set, asn1.Tag(0).Constructed().ContextSpecific())
	for !set.Empty() {
		var raw cryptobyte.String
		var tag asn1.Tag
		if !set.ReadAnyASN1Element(&raw, &tag) {
			return errors.New("cms: parse: malformed certificate entry")
		}
		// Attribute and other certificate formats are tagged; only plain
		// X.509 certificates take part in path building.
		if tag != asn1.SEQUENCE {
			continue
		}
		cert, err := x509.ParseCertificate(raw)
		if err != nil {
			return fmt.Errorf("cms: parse: certificate %d: %w", len(sd.Certificates), err)
		}
		sd.Certificates = append(sd.Certificates, cert)
	}
	return nil
}

func (si *SignerInfo) parse(s cryptobyte.String) error {
	var version int64
	if !s.ReadASN1Integer(&version) {
		return errors.New("cms: parse: malformed SignerInfo version")
	}
	si.Version = int(version)

	var sid cryptobyte.String
	var tag asn1.Tag
	if !s.ReadAnyASN1Element(&sid, &tag) {
		return errors.New("cms: parse: malformed sid")
	}
	si.sid = sid
	switch tag {
	case asn1.SEQUENCE:
		var ias, issuer cryptobyte.String
		si.SerialNumber = new(big.Int)
		if !sid.ReadASN1(&ias, asn1.SEQUENCE) ||
			!ias.ReadASN1Element(&issuer, asn1.SEQUENCE) ||
			!ias.ReadASN1Integer(si.SerialNumber) || !ias.Empty() {
			return errors.New("cms: parse: malformed issuerAndSerialNumber")
		}
		si.RawIssuer = issuer
	case asn1.Tag(0).ContextSpecific():
		var ski cryptobyte.String
		sid.ReadASN1(&ski, asn1.Tag(0).ContextSpecific())
		si.SubjectKeyID = ski
	default:
		return fmt.Errorf("cms: parse: unknown sid tag %#x", tag)
	}

	var digestAlg cryptobyte.String
	if !s.ReadASN1Element(&digestAlg, asn1.SEQUENCE) {
		return errors.New("cms: parse: malformed digestAlgorithm")
	}
	si.digestAlgorithm = digestAlg
	oid, err := algorithmOID(digestAlg)
	if err != nil {
		return fmt.Errorf("cms: parse: digestAlgorithm: %w", err)
	}
	si.DigestAlgorithm = oid
	si.Hash = HashForOID(oid)

	signedTag := asn1.Tag(0).Constructed().ContextSpecific()
	if s.PeekASN1Tag(signedTag) {
		var attrs cryptobyte.String
		if !s.ReadASN1(&attrs, signedTag) {
			return errors.New("cms: parse: malformed signedAttrs")
		}
		si.signedAttrs = attrs
		si.SignedAttributes, err = parseAttributes(attrs)
		if err != nil {
			return fmt.Errorf("cms: parse: signedAttrs: %w", err)
		}
	}

	var sigAlg cryptobyte.String
	if !s.ReadASN1Element(&sigAlg, asn1.SEQUENCE) {
		return errors.New("cms: parse: malformed signatureAlgorithm")
	}
	si.signatureAlg = sigAlg
	if si.SignatureAlgorithm, err = algorithmOID(sigAlg); err != nil {
		return fmt.Errorf("cms: parse: signatureAlgorithm: %w", err)
	}
	var sig []byte
	if !s.ReadASN1Bytes(&sig, asn1.OCTET_STRING) {
		return errors.New("cms: parse: malformed signature")
	}
	si.Signature = sig

	unsignedTag := asn1.Tag(1).Constructed().ContextSpecific()
	if s.PeekASN1Tag(unsignedTag) {
		var attrs cryptobyte.String
		if !s.ReadASN1(&attrs, unsignedTag) {
			return errors.New("cms: parse: malformed unsignedAttrs")
		}
		if si.UnsignedAttributes, err = parseAttributes(attrs); err != nil {
			return fmt.Errorf("cms: parse: unsignedAttrs: %w", err)
		}
	}
	if !s.Empty() {
		return errors.New("cms: parse: trailing data in SignerInfo")
	}

	for _, a := range si.SignedAttributes {
		if a.Type.Equal(oidAttrMessageDigest) {
			if len(a.Values) != 1 {
				return errors.New("cms: parse: messageDigest must have one value")
			}
			v := cryptobyte.String(a.Values[0])
			if !v.ReadASN1Bytes(&si.MessageDigest, asn1.OCTET_STRING) || !v.Empty() {
				return errors.New("cms: parse: malformed messageDigest")
			}
		}
	}
	for _, a := range si.UnsignedAttributes {
		if a.Type.Equal(oidAttrTimeStampToken) {
			if len(a.Values) != 1 {
				return errors.New("cms: parse: signatureTimeStampToken must have one value")
			}
			si.TimestampToken = a.Values[0]
		}
	}
	return nil
}

// parseAttributes reads the contents of a SET OF Attribute.
func parseAttributes(s cryptobyte.String) ([]Attribute, error) {
	var out []Attribute
	for !s.Empty() {
		var attr, values cryptobyte.String
		var a Attribute
		if !s.ReadASN1(&attr, asn1.SEQUENCE) ||
			!attr.ReadASN1ObjectIdentifier(&a.Type) ||
			!attr.ReadASN1(&values, asn1.SET) || !attr.Empty() {
			return nil, errors.New("malformed attribute")
		}
		for !values.Empty() {
			var v cryptobyte.String
			var tag asn1.Tag
			if !values.ReadAnyASN1Element(&v, &tag) {
				return nil, fmt.Errorf("malformed value of attribute %s", a.Type)
			}
			a.Values = append(a.Values, v)
		}
		out = append(out, a)
	}
	return out, nil
}

// algorithmOID returns the OID of an AlgorithmIdentifier element.
func algorithmOID(el []byte) (encasn1.ObjectIdentifier, error) {
	s := cryptobyte.String(el)
	var inner cryptobyte.String
	var oid encasn1.ObjectIdentifier
	if !s.ReadASN1(&inner, asn1.SEQUENCE) || !inner.ReadASN1ObjectIdentifier(&oid) {
		return nil, errors.New("malformed AlgorithmIdentifier")
	}
	return oid, nil
}

// SignatureValue returns the signature value of the one SignerInfo of a DER
// SignedData: the bytes whose hash goes into the message imprint of the
// signature timestamp request (ETSI EN 319 122-1 §5.3).
func SignatureValue(signedData []byte) ([]byte, error) {
	sd, err := Peek(signedData)
	if err != nil {
		return nil, err
	}
	return sd.Signer.Signature, nil
}

// SignerCertificate finds the signer's certificate among the carried
// certificates and extra, matching the sid.
func (sd *SignedData) SignerCertificate(extra ...*x509.Certificate) (*x509.Certificate, error) {
	si := &sd.Signer
	for _, list := range [][]*x509.Certificate{sd.Certificates, extra} {
		for _, c := range list {
			if si.SerialNumber != nil {
				if c.SerialNumber.Cmp(si.SerialNumber) == 0 && string(c.RawIssuer) == string(si.RawIssuer) {
					return c, nil
				}
				continue
			}
			if len(si.SubjectKeyID) > 0 && string(c.SubjectKeyId) == string(si.SubjectKeyID) {
				return c, nil
			}
		}
	}
	if si.SerialNumber != nil {
		return nil, fmt.Errorf("cms: signer certificate with serial %x not found", si.SerialNumber)
	}
	return nil, fmt.Errorf("cms: signer certificate with key identifier %x not found", si.SubjectKeyID)
}
