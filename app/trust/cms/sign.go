// Package cms builds, parses and verifies CMS SignedData (RFC 5652) in the
// shape PAdES baseline signatures (ETSI EN 319 142-1) and RFC 3161 timestamp
// tokens need: one signer, SHA-256, signed attributes contentType,
// messageDigest and signingCertificateV2 only, and the signature timestamp
// as an unsigned attribute.
//
// It is written on golang.org/x/crypto/cryptobyte rather than a general
// PKCS#7 library because those always add a signing-time attribute, which
// strict PAdES forbids (the time lives in the PDF /M entry and in the
// timestamp).
package cms

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	encasn1 "encoding/asn1"
	"errors"
	"fmt"
	"slices"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// Sign makes a detached CMS SignedData over content whose SHA-256 digest is
// given. The signer certificate comes first in the certificates field,
// followed by chain (intermediates, and the root if the caller wants it
// carried). The signer may be ECDSA (any curve; SHA-256 is used) or RSA
// (PKCS#1 v1.5).
func Sign(digest []byte, signer crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate) ([]byte, error) {
	if len(digest) != sha256.Size {
		return nil, fmt.Errorf("cms: sign: digest is %d bytes, want a SHA-256 digest (%d bytes)", len(digest), sha256.Size)
	}
	certs := append([]*x509.Certificate{cert}, chain...)
	return build(oidData, nil, digest, signer, cert, certs)
}

// SignEncapsulated makes a CMS SignedData that carries content inside it,
// with eContentType contentType; a timestamp authority uses it for TSTInfo.
// certs are the certificates to embed, in order; pass nil to embed none
// (RFC 3161 certReq false). cert identifies the signer either way.
func SignEncapsulated(contentType encasn1.ObjectIdentifier, content []byte, signer crypto.Signer, cert *x509.Certificate, certs []*x509.Certificate) ([]byte, error) {
	if content == nil {
		content = []byte{}
	}
	digest := sha256.Sum256(content)
	return build(contentType, content, digest[:], signer, cert, certs)
}

func build(contentType encasn1.ObjectIdentifier, content, digest []byte, signer crypto.Signer, cert *x509.Certificate, certs []*x509.Certificate) ([]byte, error) {
	if signer == nil || cert == nil {
		return nil, errors.New("cms: sign: signer and certificate are required")
	}
	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("cms: sign: private key does not match certificate %s", cert.Subject)
	}
	for i, c := range certs {
		if c == nil {
			return nil, fmt.Errorf("cms: sign: certificate %d is nil", i)
		}
	}
	sigAlg, err := signatureAlgorithmFor(signer.Public())
	if err != nil {
		return nil, fmt.Errorf("cms: sign: %w", err)
	}

	sd := &SignedData{ContentType: contentType, Content: content, Certificates: certs}
	// RFC 5652 §5.1: version 3 whenever eContentType is not id-data.
	sd.Version = 1
	if !contentType.Equal(oidData) {
		sd.Version = 3
	}
	sd.digestAlgorithms, err = element(func(b *cryptobyte.Builder) {
		b.AddASN1(asn1.SET, func(b *cryptobyte.Builder) { addAlgorithm(b, oidSHA256, false) })
	})
	if err != nil {
		return nil, fmt.Errorf("cms: sign: digestAlgorithms: %w", err)
	}
	sd.encapContentInfo, err = element(func(b *cryptobyte.Builder) {
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(contentType)
			if content != nil {
				b.AddASN1(asn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					b.AddASN1OctetString(content)
				})
			}
		})
	})
	if err != nil {
		return nil, fmt.Errorf("cms: sign: encapContentInfo: %w", err)
	}
	if len(certs) > 0 {
		sd.certificates, err = element(func(b *cryptobyte.Builder) {
			b.AddASN1(asn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				for _, c := range certs {
					b.AddBytes(c.Raw)
				}
			})
		})
		if err != nil {
			return nil, fmt.Errorf("cms: sign: certificates: %w", err)
		}
	}

	si := &sd.Signer
	si.Version = 1
	si.RawIssuer = cert.RawIssuer
	si.SerialNumber = cert.SerialNumber
	si.DigestAlgorithm = oidSHA256
	si.Hash = crypto.SHA256
	si.SignatureAlgorithm = sigAlg.oid
	si.MessageDigest = digest
	si.sid, err = element(func(b *cryptobyte.Builder) {
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddBytes(cert.RawIssuer)
			b.AddASN1BigInt(cert.SerialNumber)
		})
	})
	if err != nil {
		return nil, fmt.Errorf("cms: sign: sid: %w", err)
	}
	si.digestAlgorithm, err = element(func(b *cryptobyte.Builder) { addAlgorithm(b, oidSHA256, false) })
	if err != nil {
		return nil, fmt.Errorf("cms: sign: digestAlgorithm: %w", err)
	}
	si.signatureAlg, err = element(func(b *cryptobyte.Builder) { addAlgorithm(b, sigAlg.oid, sigAlg.nullParams) })
	if err != nil {
		return nil, fmt.Errorf("cms: sign: signatureAlgorithm: %w", err)
	}

	si.SignedAttributes, err = signedAttributes(contentType, digest, cert)
	if err != nil {
		return nil, fmt.Errorf("cms: sign: %w", err)
	}
	si.signedAttrs, err = attributesContent(si.SignedAttributes)
	if err != nil {
		return nil, fmt.Errorf("cms: sign: signed attributes: %w", err)
	}
	// The signature covers the DER of the attributes with the SET OF tag,
	// not the [0] IMPLICIT tag they carry inside SignerInfo (RFC 5652 §5.4).
	toSign, err := si.signedAttributesDER()
	if err != nil {
		return nil, fmt.Errorf("cms: sign: %w", err)
	}
	h := sha256.Sum256(toSign)
	si.Signature, err = signer.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("cms: sign as %s: %w", cert.Subject, err)
	}
	out, err := sd.marshal()
	if err != nil {
		return nil, fmt.Errorf("cms: sign: %w", err)
	}
	return out, nil
}

// AddTimestamp returns signedData with token (a DER RFC 3161 TimeStampToken
// over the signature value) added as the unsigned attribute
// id-aa-signatureTimeStampToken, turning a PAdES B-B signature into B-T.
// Everything that is signed is carried over unchanged. It refuses a
// SignedData that already has a signature timestamp, since a PAdES signature
// carries exactly one.
func AddTimestamp(signedData, token []byte) ([]byte, error) {
	sd, err := Peek(signedData)
	if err != nil {
		return nil, fmt.Errorf("cms: add timestamp: %w", err)
	}
	if sd.Signer.TimestampToken != nil {
		return nil, errors.New("cms: add timestamp: signature already has a timestamp")
	}
	tst, err := Peek(token)
	if err != nil {
		return nil, fmt.Errorf("cms: add timestamp: token: %w", err)
	}
	if !tst.ContentType.Equal(oidTSTInfo) {
		return nil, fmt.Errorf("cms: add timestamp: token content type %s is not id-ct-TSTInfo", tst.ContentType)
	}
	// Re-encode the token's ContentInfo without padding so the attribute
	// value is exactly one DER element.
	in := cryptobyte.String(token)
	var el cryptobyte.String
	in.ReadASN1Element(&el, asn1.SEQUENCE)
	sd.Signer.UnsignedAttributes = append(sd.Signer.UnsignedAttributes, Attribute{
		Type:   oidAttrTimeStampToken,
		Values: [][]byte{el},
	})
	sd.Signer.TimestampToken = el
	out, err := sd.marshal()
	if err != nil {
		return nil, fmt.Errorf("cms: add timestamp: %w", err)
	}
	return out, nil
}

// marshal re-emits the ContentInfo from the raw parts.
func (sd *SignedData) marshal() ([]byte, error) {
	si := &sd.Signer
	var unsigned []byte
	if len(si.UnsignedAttributes) > 0 {
		var err error
		if unsigned, err = attributesContent(si.UnsignedAttributes); err != nil {
			return nil, fmt.Errorf("unsigned attributes: %w", err)
		}
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oidSignedData)
		b.AddASN1(asn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1Int64(int64(sd.Version))
				b.AddBytes(sd.digestAlgorithms)
				b.AddBytes(sd.encapContentInfo)
				b.AddBytes(sd.certificates)
				b.AddBytes(sd.crls)
				b.AddASN1(asn1.SET, func(b *cryptobyte.Builder) {
					b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1Int64(int64(si.Version))
						b.AddBytes(si.sid)
						b.AddBytes(si.digestAlgorithm)
						if si.signedAttrs != nil {
							b.AddASN1(asn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
								b.AddBytes(si.signedAttrs)
							})
						}
						b.AddBytes(si.signatureAlg)
						b.AddASN1OctetString(si.Signature)
						if unsigned != nil {
							b.AddASN1(asn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
								b.AddBytes(unsigned)
							})
						}
					})
				})
			})
		})
	})
	return b.Bytes()
}

// signedAttributesDER returns the signed attributes as the DER SET OF that
// the signature covers.
func (si *SignerInfo) signedAttributesDER() ([]byte, error) {
	return element(func(b *cryptobyte.Builder) {
		b.AddASN1(asn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(si.signedAttrs) })
	})
}

// signedAttributes are exactly the three PAdES baseline asks for; no
// signing-time (the PDF /M and the timestamp carry the time) and no
// adbe-revocationInfoArchival (revocation data goes to the DSS).
func signedAttributes(contentType encasn1.ObjectIdentifier, digest []byte, cert *x509.Certificate) ([]Attribute, error) {
	ct, err := element(func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(contentType) })
	if err != nil {
		return nil, fmt.Errorf("contentType attribute: %w", err)
	}
	md, err := element(func(b *cryptobyte.Builder) { b.AddASN1OctetString(digest) })
	if err != nil {
		return nil, fmt.Errorf("messageDigest attribute: %w", err)
	}
	certHash := sha256.Sum256(cert.Raw)
	// SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
	// ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash,
	// issuerSerial }. DER omits a field equal to its DEFAULT, so SHA-256 is
	// not written.
	scv2, err := element(func(b *cryptobyte.Builder) {
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1OctetString(certHash[:])
					addIssuerSerial(b, cert)
				})
			})
		})
	})
	if err != nil {
		return nil, fmt.Errorf("signingCertificateV2 attribute: %w", err)
	}
	return []Attribute{
		{Type: oidAttrContentType, Values: [][]byte{ct}},
		{Type: oidAttrMessageDigest, Values: [][]byte{md}},
		{Type: oidAttrSigningCertV2, Values: [][]byte{scv2}},
	}, nil
}

// addIssuerSerial writes IssuerSerial ::= SEQUENCE { issuer GeneralNames,
// serialNumber } with the issuer as a directoryName ([4] EXPLICIT Name).
func addIssuerSerial(b *cryptobyte.Builder, cert *x509.Certificate) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(asn1.Tag(4).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddBytes(cert.RawIssuer)
			})
		})
		b.AddASN1BigInt(cert.SerialNumber)
	})
}

// attributesContent encodes attributes as the contents of a DER SET OF
// Attribute: each element encoded, then sorted by encoding (X.690 §11.6).
// Values inside each attribute's SET OF are sorted likewise.
func attributesContent(attrs []Attribute) ([]byte, error) {
	encoded := make([][]byte, 0, len(attrs))
	for _, a := range attrs {
		values := slices.Clone(a.Values)
		slices.SortFunc(values, bytes.Compare)
		el, err := element(func(b *cryptobyte.Builder) {
			b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(a.Type)
				b.AddASN1(asn1.SET, func(b *cryptobyte.Builder) {
					for _, v := range values {
						b.AddBytes(v)
					}
				})
			})
		})
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", a.Type, err)
		}
		encoded = append(encoded, el)
	}
	// bytes.Compare differs from X.690's zero-padded comparison only when
	// one encoding is a prefix of another, which distinct complete TLVs of
	// different attribute types cannot be.
	slices.SortFunc(encoded, bytes.Compare)
	return bytes.Join(encoded, nil), nil
}

// element runs a builder continuation and returns the bytes it produced.
func element(f cryptobyte.BuilderContinuation) ([]byte, error) {
	b := cryptobyte.NewBuilder(nil)
	f(b)
	return b.Bytes()
}

// addAlgorithm writes an AlgorithmIdentifier. RSA identifiers carry NULL
// parameters (RFC 4055); digest and ECDSA identifiers omit them (RFC 5754,
// RFC 5758).
func addAlgorithm(b *cryptobyte.Builder, oid encasn1.ObjectIdentifier, nullParams bool) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		if nullParams {
			b.AddASN1NULL()
		}
	})
}

type sigAlgorithm struct {
	oid        encasn1.ObjectIdentifier
	nullParams bool
}

// signatureAlgorithmFor picks the SignerInfo signatureAlgorithm. RSA uses
// rsaEncryption, the identifier OpenSSL and Acrobat write and every CMS
// verifier accepts with a SHA-256 digestAlgorithm.
func signatureAlgorithmFor(pub crypto.PublicKey) (sigAlgorithm, error) {
	switch pub.(type) {
	case *ecdsa.PublicKey:
		return sigAlgorithm{oid: oidECDSAWithSHA256}, nil
	case *rsa.PublicKey:
		return sigAlgorithm{oid: oidRSAEncryption, nullParams: true}, nil
	}
	return sigAlgorithm{}, fmt.Errorf("unsupported key type %T (want ECDSA or RSA)", pub)
}
