// Package tsa is Inkan's RFC 3161 timestamp authority: it stamps digests
// for the signing code (signature and document timestamps) and serves
// application/timestamp-query over HTTP, and it verifies tokens.
//
// Requests, TSTInfo and replies are encoded with cryptobyte, and the token
// is signed with the app/cms builder, so the token carries the same
// signed attributes as our PAdES signatures (contentType, messageDigest,
// signingCertificateV2 per RFC 5816) and no extra module is needed.
package tsa

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"inkan/app/trust/cms"
)

// DefaultPolicy is the TSA policy OID written into every TSTInfo when the
// configuration names none. Inkan has no registered arc of its own, so the
// policy sits under joint-iso-itu-t example(999) (ITU-T X.660), which no
// organisation owns and which therefore collides with no real policy; the
// eight arcs below it are the 16-bit pieces of the UUID
// 21245600-b7aa-41fa-b198-400309436ae3 that identified the same policy as
// LegacyPolicy, so it stays unique. Every arc fits in 31 bits, the most Go's
// encoding/asn1 reads (and so pdfcpu and every other verifier built on it).
// The policy it names: "Inkan on-premises TSA, genTime from the host clock
// (kept by NTP) truncated to seconds, accuracy one second". An installation
// with an arc of its own sets Config.Policy (--tsa-policy).
const DefaultPolicy = "2.999.8484.22016.47018.16890.45464.16387.2371.27363"

// LegacyPolicy is the policy OID of the tokens issued before DefaultPolicy:
// 2.25 (ITU-T X.667) with the UUID above as one arc, which does not fit in
// 64 bits, so encoding/asn1 refuses to parse it ("base 128 integer too
// large"). Those tokens still verify here: the policy is read as an
// x509.OID, which has no such limit, and verification does not depend on
// it. It is kept only to recognise them.
const LegacyPolicy = "2.25.44053190891876977409054278534333426403"

// Config configures an Authority.
type Config struct {
	// Certificate is the TSA certificate. It must carry the extended key
	// usage id-kp-timeStamping alone and marked critical (RFC 3161 §2.3).
	Certificate *x509.Certificate
	// Signer is the private key of Certificate.
	Signer crypto.Signer
	// Chain are the issuers of Certificate (intermediates, optionally the
	// root), embedded after the TSA certificate when a token carries
	// certificates.
	Chain []*x509.Certificate
	// Policy is the dotted TSA policy OID; DefaultPolicy when empty. Every
	// arc must fit in 31 bits, so that every ASN.1 parser reads the tokens.
	Policy string
	// Clock gives the time to stamp; time.Now when nil.
	Clock func() time.Time
	// Serial gives the serial number of each token; random 128-bit positive
	// integers when nil (unique without a persistent counter).
	Serial func() (*big.Int, error)
	// Logger receives refusals and failures; discarded when nil.
	Logger *slog.Logger
}

// Authority is a timestamp authority. It holds no mutable state and is safe
// for concurrent use.
type Authority struct {
	cert   *x509.Certificate
	signer crypto.Signer
	chain  []*x509.Certificate
	policy x509.OID
	clock  func() time.Time
	serial func() (*big.Int, error)
	log    *slog.Logger
}

// New checks the configuration and returns an Authority.
func New(cfg Config) (*Authority, error) {
	if cfg.Certificate == nil || cfg.Signer == nil {
		return nil, errors.New("tsa: certificate and signer are required")
	}
	if err := CheckCertificate(cfg.Certificate); err != nil {
		return nil, err
	}
	pub, ok := cfg.Signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cfg.Certificate.PublicKey) {
		return nil, fmt.Errorf("tsa: signer does not match certificate %s", cfg.Certificate.Subject)
	}
	policy := cfg.Policy
	if policy == "" {
		policy = DefaultPolicy
	}
	oid, err := ParsePolicy(policy)
	if err != nil {
		return nil, err
	}
	a := &Authority{
		cert:   cfg.Certificate,
		signer: cfg.Signer,
		chain:  cfg.Chain,
		policy: oid,
		clock:  cfg.Clock,
		serial: cfg.Serial,
		log:    cfg.Logger,
	}
	if a.clock == nil {
		a.clock = time.Now
	}
	if a.serial == nil {
		a.serial = RandomSerial
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	return a, nil
}

// ParsePolicy reads a dotted TSA policy OID and refuses one that a common
// ASN.1 parser cannot read back: Go's encoding/asn1 refuses any arc above
// 2^31-1 ("base 128 integer too large"), and other parsers hold arcs in
// machine integers too.
func ParsePolicy(policy string) (x509.OID, error) {
	oid, err := x509.ParseOID(policy)
	if err != nil {
		return x509.OID{}, fmt.Errorf("tsa: policy %q: %w", policy, err)
	}
	for arc := range strings.SplitSeq(oid.String(), ".") {
		if _, err := strconv.ParseInt(arc, 10, 32); err != nil {
			return x509.OID{}, fmt.Errorf("tsa: policy %q: arc %s is above 2147483647, which many verifiers cannot parse", policy, arc)
		}
	}
	return oid, nil
}

// CheckCertificate reports whether cert may act as a TSA certificate: the
// extended key usage extension must be critical and list only
// id-kp-timeStamping (RFC 3161 §2.3), and key usage, if present, must allow
// digital signatures. OpenSSL refuses tokens from other certificates with
// "unsuitable certificate purpose".
func CheckCertificate(cert *x509.Certificate) error {
	if len(cert.ExtKeyUsage) != 1 || cert.ExtKeyUsage[0] != x509.ExtKeyUsageTimeStamping || len(cert.UnknownExtKeyUsage) != 0 {
		return fmt.Errorf("tsa: certificate %s: extended key usage must be id-kp-timeStamping only", cert.Subject)
	}
	oidEKU := []int{2, 5, 29, 37}
	critical := false
	for _, e := range cert.Extensions {
		if e.Id.Equal(oidEKU) {
			critical = e.Critical
		}
	}
	if !critical {
		return fmt.Errorf("tsa: certificate %s: extended key usage is not marked critical", cert.Subject)
	}
	if cert.KeyUsage != 0 && cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return fmt.Errorf("tsa: certificate %s: key usage does not allow signatures", cert.Subject)
	}
	return nil
}

// RandomSerial returns a random positive 128-bit serial number whose top
// bit pattern keeps it exactly 16 octets long.
func RandomSerial() (*big.Int, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("tsa: random serial: %w", err)
	}
	b[0] = b[0]&0x7f | 0x40
	return new(big.Int).SetBytes(b[:]), nil
}

// Certificate returns the TSA certificate.
func (a *Authority) Certificate() *x509.Certificate { return a.cert }

// Certificates returns the TSA certificate followed by its chain, as
// embedded in tokens; a PAdES DSS needs them.
func (a *Authority) Certificates() []*x509.Certificate {
	return append([]*x509.Certificate{a.cert}, a.chain...)
}

// Policy returns the policy OID written into tokens.
func (a *Authority) Policy() x509.OID { return a.policy }

// StampDigest timestamps a digest made with hash and returns the DER
// TimeStampToken. The token carries the TSA certificate and chain, because
// PAdES signature and document timestamps must be verifiable from the PDF
// alone.
func (a *Authority) StampDigest(hash crypto.Hash, digest []byte) ([]byte, error) {
	imprint, err := marshalImprint(hash, digest)
	if err != nil {
		return nil, &Error{Status: StatusRejection, Info: FailBadAlg, Text: err.Error()}
	}
	return a.Stamp(&Request{HashAlgorithm: hash, HashedMessage: digest, CertReq: true, imprint: imprint})
}

// Stamp answers a parsed request with a DER TimeStampToken. A request this
// TSA will not grant returns an *Error with the PKIFailureInfo to report.
func (a *Authority) Stamp(req *Request) ([]byte, error) {
	if req.HasExtensions {
		return nil, &Error{Status: StatusRejection, Info: FailUnacceptedExtension, Text: "no request extensions are supported"}
	}
	if req.Policy != nil && !req.Policy.Equal(a.policy) {
		return nil, &Error{Status: StatusRejection, Info: FailUnacceptedPolicy, Text: fmt.Sprintf("policy %s not offered; this TSA uses %s", req.Policy, a.policy)}
	}
	imprint := req.imprint
	if imprint == nil {
		var err error
		if imprint, err = marshalImprint(req.HashAlgorithm, req.HashedMessage); err != nil {
			return nil, &Error{Status: StatusRejection, Info: FailBadAlg, Text: err.Error()}
		}
	}
	now := a.clock().UTC().Truncate(time.Second)
	if now.Before(a.cert.NotBefore) || now.After(a.cert.NotAfter) {
		return nil, &Error{Status: StatusRejection, Info: FailTimeNotAvailable, Text: "TSA certificate is not valid at the current time"}
	}
	serial, err := a.serial()
	if err != nil {
		return nil, &Error{Status: StatusRejection, Info: FailSystemFailure, Text: fmt.Sprintf("serial number: %v", err)}
	}
	info, err := marshalTSTInfo(a.policy, imprint, serial, now, req.Nonce)
	if err != nil {
		return nil, &Error{Status: StatusRejection, Info: FailSystemFailure, Text: fmt.Sprintf("encode TSTInfo: %v", err)}
	}
	var certs []*x509.Certificate
	if req.CertReq {
		certs = a.Certificates()
	}
	token, err := cms.SignEncapsulated(cms.TSTInfoContentType(), info, a.signer, a.cert, certs)
	if err != nil {
		return nil, &Error{Status: StatusRejection, Info: FailSystemFailure, Text: fmt.Sprintf("sign token: %v", err)}
	}
	return token, nil
}

// Respond answers a DER TimeStampReq with a DER TimeStampResp. A refused
// request still yields a reply (with the rejection status) and the *Error
// describing it; only a failure to encode the reply leaves resp nil.
func (a *Authority) Respond(reqDER []byte) (resp []byte, err error) {
	req, err := ParseRequest(reqDER)
	var token []byte
	if err == nil {
		token, err = a.Stamp(req)
	}
	var refused *Error
	if err != nil && !errors.As(err, &refused) {
		refused = &Error{Status: StatusRejection, Info: FailSystemFailure, Text: err.Error()}
	}
	resp, merr := marshalResponse(token, refused)
	if merr != nil {
		return nil, fmt.Errorf("tsa: encode response: %w", merr)
	}
	if refused != nil {
		return resp, refused
	}
	return resp, nil
}

// marshalTSTInfo encodes TSTInfo (RFC 3161 §2.4.2). genTime is whole
// seconds with an accuracy of one second, since the clock is read once and
// truncated.
func marshalTSTInfo(policy x509.OID, imprint []byte, serial *big.Int, genTime time.Time, nonce *big.Int) ([]byte, error) {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		addOID(b, policy)
		b.AddBytes(imprint)
		b.AddASN1BigInt(serial)
		b.AddASN1GeneralizedTime(genTime)
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1Int64(1) })
		if nonce != nil {
			b.AddASN1BigInt(nonce)
		}
	})
	return b.Bytes()
}

// equalImprint compares a token's imprint with a hash and digest.
func equalImprint(h crypto.Hash, digest []byte, wantHash crypto.Hash, want []byte) bool {
	return h == wantHash && bytes.Equal(digest, want)
}
