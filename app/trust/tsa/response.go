package tsa

import (
	encasn1 "encoding/asn1"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// Status is a PKIStatus value (RFC 3161 §2.4.2).
type Status int

// PKIStatus values.
const (
	StatusGranted                Status = 0
	StatusGrantedWithMods        Status = 1
	StatusRejection              Status = 2
	StatusWaiting                Status = 3
	StatusRevocationWarning      Status = 4
	StatusRevocationNotification Status = 5
)

// FailureInfo is a PKIFailureInfo bit number (RFC 3161 §2.4.2).
type FailureInfo int

// PKIFailureInfo bits a TSA reports.
const (
	FailBadAlg              FailureInfo = 0
	FailBadRequest          FailureInfo = 2
	FailBadDataFormat       FailureInfo = 5
	FailTimeNotAvailable    FailureInfo = 14
	FailUnacceptedPolicy    FailureInfo = 15
	FailUnacceptedExtension FailureInfo = 16
	FailAddInfoNotAvailable FailureInfo = 17
	FailSystemFailure       FailureInfo = 25
)

// Error is a refused timestamp request: the PKIStatus, failure bit and
// text that go into (or came out of) a TimeStampResp.
type Error struct {
	Status Status
	// Info is the failure bit; -1 when a reply carried none (and then none
	// is written).
	Info FailureInfo
	Text string
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("tsa: status %d, failure %d: %s", e.Status, e.Info, e.Text)
}

// marshalResponse encodes TimeStampResp. token is nil for a rejection.
func marshalResponse(token []byte, rejected *Error) ([]byte, error) {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			if rejected == nil {
				b.AddASN1Int64(int64(StatusGranted))
				return
			}
			b.AddASN1Int64(int64(rejected.Status))
			if rejected.Text != "" {
				// PKIFreeText ::= SEQUENCE OF UTF8String
				b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1(asn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes([]byte(rejected.Text)) })
				})
			}
			if rejected.Info < 0 {
				return
			}
			// encoding/asn1 writes a named-bit BIT STRING with the exact
			// bit length, which DER needs (no trailing zero bits).
			bits := make([]byte, int(rejected.Info)/8+1)
			bits[int(rejected.Info)/8] = 0x80 >> (uint(rejected.Info) % 8)
			fi, err := encasn1.Marshal(encasn1.BitString{Bytes: bits, BitLength: int(rejected.Info) + 1})
			if err != nil {
				b.SetError(err)
				return
			}
			b.AddBytes(fi)
		})
		b.AddBytes(token)
	})
	return b.Bytes()
}

// ParseResponse decodes a DER TimeStampResp and returns the token it
// carries. A refused request comes back as an *Error.
func ParseResponse(der []byte) ([]byte, error) {
	in := cryptobyte.String(der)
	var s, status cryptobyte.String
	if !in.ReadASN1(&s, asn1.SEQUENCE) || !in.Empty() || !s.ReadASN1(&status, asn1.SEQUENCE) {
		return nil, errors.New("tsa: parse response: not a DER TimeStampResp")
	}
	var code int64
	if !status.ReadASN1Integer(&code) {
		return nil, errors.New("tsa: parse response: malformed status")
	}
	e := &Error{Status: Status(code), Info: -1}
	if status.PeekASN1Tag(asn1.SEQUENCE) {
		var texts cryptobyte.String
		status.ReadASN1(&texts, asn1.SEQUENCE)
		var parts []string
		for !texts.Empty() {
			var t cryptobyte.String
			if !texts.ReadASN1(&t, asn1.UTF8String) {
				return nil, errors.New("tsa: parse response: malformed statusString")
			}
			parts = append(parts, string(t))
		}
		e.Text = strings.Join(parts, "; ")
	}
	if status.PeekASN1Tag(asn1.BIT_STRING) {
		var bits encasn1.BitString
		if !status.ReadASN1BitString(&bits) {
			return nil, errors.New("tsa: parse response: malformed failInfo")
		}
		for i := 0; i < bits.BitLength; i++ {
			if bits.At(i) == 1 {
				e.Info = FailureInfo(i)
				break
			}
		}
	}
	if e.Status != StatusGranted && e.Status != StatusGrantedWithMods {
		return nil, e
	}
	var token cryptobyte.String
	if !s.ReadASN1Element(&token, asn1.SEQUENCE) || !s.Empty() {
		return nil, errors.New("tsa: parse response: granted but no token")
	}
	return token, nil
}
