package cms

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	encasn1 "encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// VerifyOptions controls SignedData verification.
type VerifyOptions struct {
	// Roots are the trust anchors; required.
	Roots *x509.CertPool
	// Intermediates are extra untrusted certificates for path building (for
	// example from a PDF DSS); certificates carried in the SignedData are
	// always used too.
	Intermediates *x509.CertPool
	// CurrentTime is the time at which the chain must be valid; zero means
	// now. A verifier passes the signature timestamp's time here when the
	// signer certificate may have expired since.
	CurrentTime time.Time
	// KeyUsages are the extended key usages the signer certificate must
	// allow; empty means any (document signing certificates carry none).
	KeyUsages []x509.ExtKeyUsage
	// Certificates are candidates for the signer certificate and for path
	// building, for structures that do not carry their certificates (an
	// RFC 3161 token requested without certReq).
	Certificates []*x509.Certificate
	// AllowMissingSigningCertificate accepts a SignerInfo without an ESS
	// signing-certificate attribute (legacy adbe.pkcs7.detached signatures
	// made elsewhere). PAdES baseline requires the attribute, so the default
	// refuses its absence.
	AllowMissingSigningCertificate bool
}

// ErrDigestMismatch is returned (wrapped) by Verify when the messageDigest
// attribute does not match the content: the signed bytes were changed.
var ErrDigestMismatch = errors.New("cms: message digest does not match content")

// Verify checks the SignedData against the digest of the signed content,
// computed with sd.Signer.Hash. For encapsulated content pass nil and the
// digest of sd.Content is used. It checks the contentType and messageDigest
// attributes, the signature over the DER signed attributes, the ESS
// signing-certificate attribute against the signer certificate, and the
// certificate chain up to opts.Roots. It returns the verified chain, signer
// first.
func (sd *SignedData) Verify(contentDigest []byte, opts VerifyOptions) ([]*x509.Certificate, error) {
	si := &sd.Signer
	if opts.Roots == nil {
		return nil, errors.New("cms: verify: no trust roots given")
	}
	switch si.Hash {
	case crypto.SHA256, crypto.SHA384, crypto.SHA512:
	case crypto.SHA1:
		return nil, errors.New("cms: verify: SHA-1 digest algorithm is not accepted")
	default:
		return nil, fmt.Errorf("cms: verify: unsupported digest algorithm %s", si.DigestAlgorithm)
	}
	if contentDigest == nil {
		if sd.Content == nil {
			return nil, errors.New("cms: verify: detached signature needs the content digest")
		}
		h := si.Hash.New()
		h.Write(sd.Content)
		contentDigest = h.Sum(nil)
	}
	if len(si.signedAttrs) == 0 {
		// Without signed attributes the signature would be over the content
		// itself and nothing would bind the signer certificate; PAdES and
		// RFC 3161 both require them.
		return nil, errors.New("cms: verify: no signed attributes")
	}

	var haveContentType bool
	for _, a := range si.SignedAttributes {
		if !a.Type.Equal(oidAttrContentType) {
			continue
		}
		var ct encasn1.ObjectIdentifier
		if len(a.Values) != 1 {
			return nil, errors.New("cms: verify: contentType attribute must have one value")
		}
		v := cryptobyte.String(a.Values[0])
		if !v.ReadASN1ObjectIdentifier(&ct) || !ct.Equal(sd.ContentType) {
			return nil, fmt.Errorf("cms: verify: contentType attribute does not match eContentType %s", sd.ContentType)
		}
		haveContentType = true
	}
	if !haveContentType {
		return nil, errors.New("cms: verify: contentType attribute missing")
	}
	if si.MessageDigest == nil {
		return nil, errors.New("cms: verify: messageDigest attribute missing")
	}
	if !bytes.Equal(si.MessageDigest, contentDigest) {
		return nil, ErrDigestMismatch
	}

	cert, err := sd.SignerCertificate(opts.Certificates...)
	if err != nil {
		return nil, fmt.Errorf("cms: verify: %w", err)
	}
	signed, err := si.signedAttributesDER()
	if err != nil {
		return nil, fmt.Errorf("cms: verify: %w", err)
	}
	h := si.Hash.New()
	h.Write(signed)
	if err := checkSignature(cert.PublicKey, si.SignatureAlgorithm, si.Hash, h.Sum(nil), si.Signature); err != nil {
		return nil, fmt.Errorf("cms: verify signature of %s: %w", cert.Subject, err)
	}
	if err := si.checkSigningCertificate(cert, opts.AllowMissingSigningCertificate); err != nil {
		return nil, fmt.Errorf("cms: verify: %w", err)
	}
	if cert.KeyUsage != 0 && cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return nil, fmt.Errorf("cms: verify: certificate %s does not allow digital signatures", cert.Subject)
	}

	inter := x509.NewCertPool()
	if opts.Intermediates != nil {
		inter = opts.Intermediates.Clone()
	}
	for _, c := range append(sd.Certificates[:len(sd.Certificates):len(sd.Certificates)], opts.Certificates...) {
		if c != cert {
			inter.AddCert(c)
		}
	}
	usages := opts.KeyUsages
	if len(usages) == 0 {
		usages = []x509.ExtKeyUsage{x509.ExtKeyUsageAny}
	}
	chains, err := cert.Verify(x509.VerifyOptions{
		Roots:         opts.Roots,
		Intermediates: inter,
		CurrentTime:   opts.CurrentTime,
		KeyUsages:     usages,
	})
	if err != nil {
		return nil, fmt.Errorf("cms: verify chain of %s: %w", cert.Subject, err)
	}
	return chains[0], nil
}

// checkSignature verifies sig over the precomputed digest.
func checkSignature(pub crypto.PublicKey, alg encasn1.ObjectIdentifier, hash crypto.Hash, digest, sig []byte) error {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch {
		case alg.Equal(oidECDSAWithSHA256), alg.Equal(oidECDSAWithSHA384),
			alg.Equal(oidECDSAWithSHA512), alg.Equal(oidECPublicKey):
		default:
			return fmt.Errorf("signature algorithm %s does not fit an ECDSA key", alg)
		}
		if !ecdsa.VerifyASN1(k, digest, sig) {
			return errors.New("ECDSA signature is invalid")
		}
		return nil
	case *rsa.PublicKey:
		switch {
		case alg.Equal(oidRSAEncryption), alg.Equal(oidSHA256WithRSA),
			alg.Equal(oidSHA384WithRSA), alg.Equal(oidSHA512WithRSA):
		default:
			return fmt.Errorf("signature algorithm %s is not RSA PKCS#1 v1.5", alg)
		}
		if err := rsa.VerifyPKCS1v15(k, hash, digest, sig); err != nil {
			return fmt.Errorf("RSA signature is invalid: %w", err)
		}
		return nil
	}
	return fmt.Errorf("unsupported public key type %T", pub)
}

// checkSigningCertificate compares the first ESSCertID(v2) of the
// signing-certificate attribute with cert, so that a signer certificate
// substituted in the certificates field is detected (RFC 5035).
func (si *SignerInfo) checkSigningCertificate(cert *x509.Certificate, allowMissing bool) error {
	for _, a := range si.SignedAttributes {
		v2 := a.Type.Equal(oidAttrSigningCertV2)
		if !v2 && !a.Type.Equal(oidAttrSigningCertV1) {
			continue
		}
		if len(a.Values) != 1 {
			return errors.New("signing-certificate attribute must have one value")
		}
		id, err := parseFirstESSCertID(a.Values[0], v2)
		if err != nil {
			return err
		}
		var sum []byte
		switch id.hash {
		case crypto.SHA1:
			s := sha1.Sum(cert.Raw)
			sum = s[:]
		case crypto.SHA256:
			s := sha256.Sum256(cert.Raw)
			sum = s[:]
		case crypto.SHA384, crypto.SHA512:
			h := id.hash.New()
			h.Write(cert.Raw)
			sum = h.Sum(nil)
		default:
			return errors.New("signing-certificate attribute uses an unsupported hash")
		}
		if !bytes.Equal(sum, id.certHash) {
			return fmt.Errorf("signing-certificate attribute does not name certificate %s", cert.Subject)
		}
		if id.serial != nil {
			if id.serial.Cmp(cert.SerialNumber) != 0 || !bytes.Equal(id.issuer, cert.RawIssuer) {
				return fmt.Errorf("signing-certificate issuerSerial does not match certificate %s", cert.Subject)
			}
		}
		return nil
	}
	if allowMissing {
		return nil
	}
	return errors.New("signing-certificate attribute missing")
}

type essCertID struct {
	hash     crypto.Hash
	certHash []byte
	issuer   []byte // raw Name of the directoryName, if issuerSerial present
	serial   *big.Int
}

// parseFirstESSCertID reads SigningCertificate(V2) and returns its first
// ESSCertID, which by RFC 5035 identifies the signer certificate.
func parseFirstESSCertID(value []byte, v2 bool) (essCertID, error) {
	id := essCertID{hash: crypto.SHA1}
	s := cryptobyte.String(value)
	var sc, certs, first cryptobyte.String
	if !s.ReadASN1(&sc, asn1.SEQUENCE) || !sc.ReadASN1(&certs, asn1.SEQUENCE) || !certs.ReadASN1(&first, asn1.SEQUENCE) {
		return id, errors.New("malformed signing-certificate attribute")
	}
	if v2 {
		id.hash = crypto.SHA256
		if first.PeekASN1Tag(asn1.SEQUENCE) {
			var alg cryptobyte.String
			first.ReadASN1Element(&alg, asn1.SEQUENCE)
			oid, err := algorithmOID(alg)
			if err != nil {
				return id, fmt.Errorf("signing-certificate hash algorithm: %w", err)
			}
			if id.hash = HashForOID(oid); id.hash == 0 {
				return id, fmt.Errorf("signing-certificate hash algorithm %s unsupported", oid)
			}
		}
	}
	if !first.ReadASN1Bytes(&id.certHash, asn1.OCTET_STRING) {
		return id, errors.New("malformed ESSCertID certHash")
	}
	if first.PeekASN1Tag(asn1.SEQUENCE) {
		var is, names cryptobyte.String
		id.serial = new(big.Int)
		if !first.ReadASN1(&is, asn1.SEQUENCE) || !is.ReadASN1(&names, asn1.SEQUENCE) {
			return id, errors.New("malformed ESSCertID issuerSerial")
		}
		// Only a directoryName can name a certificate issuer.
		var dn, name cryptobyte.String
		if !names.ReadASN1(&dn, asn1.Tag(4).Constructed().ContextSpecific()) ||
			!dn.ReadASN1Element(&name, asn1.SEQUENCE) || !is.ReadASN1Integer(id.serial) {
			return id, errors.New("malformed ESSCertID issuerSerial")
		}
		id.issuer = name
	}
	return id, nil
}
