package cms_test

import (
	"bytes"
	"crypto"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"inkan/app/testkit/certtest"
	"inkan/app/trust/cms"
)

var (
	oidContentType   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningCertV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
)

func signerKeys(t *testing.T) []struct {
	name string
	key  crypto.Signer
} {
	return []struct {
		name string
		key  crypto.Signer
	}{
		{"ECDSA P-256", certtest.ECKey(t, elliptic.P256())},
		{"ECDSA P-384", certtest.ECKey(t, elliptic.P384())},
		{"RSA 2048", certtest.RSAKey(t)},
	}
}

func TestSignVerify(t *testing.T) {
	content := []byte("%PDF-1.7 pretend these are the /ByteRange bytes of a contract")
	digest := sha256.Sum256(content)
	for _, k := range signerKeys(t) {
		t.Run(k.name, func(t *testing.T) {
			p := newTestPKI(t, k.key)
			der, err := cms.Sign(digest[:], p.leafKey, p.leaf, []*x509.Certificate{p.inter})
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			sd, err := cms.Parse(der)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if sd.Content != nil {
				t.Errorf("detached signature carries content")
			}
			if len(sd.Certificates) != 2 || !sd.Certificates[0].Equal(p.leaf) {
				t.Errorf("certificates: got %d, signer first = %v", len(sd.Certificates), len(sd.Certificates) > 0 && sd.Certificates[0].Equal(p.leaf))
			}
			// Peek reads the same structure but leaves the certificates unparsed.
			peeked, err := cms.Peek(der)
			if err != nil || len(peeked.Certificates) != 0 || !bytes.Equal(peeked.Signer.Signature, sd.Signer.Signature) || len(peeked.Signer.SignedAttributes) != len(sd.Signer.SignedAttributes) {
				t.Errorf("Peek = %d certificates, %v; want none and the same signer", len(peeked.Certificates), err)
			}
			var types []string
			for _, a := range sd.Signer.SignedAttributes {
				types = append(types, a.Type.String())
			}
			// DER order of the three attributes: the encodings differ first
			// in the OID length byte and then the last arc.
			want := []string{oidContentType.String(), oidMessageDigest.String(), oidSigningCertV2.String()}
			if strings.Join(types, " ") != strings.Join(want, " ") {
				t.Errorf("signed attributes = %v, want %v", types, want)
			}
			if sd.Signer.HasSigningTime() || sd.Signer.HasRevocationInfoArchival() {
				t.Errorf("forbidden PAdES attribute present")
			}
			chain, err := sd.Verify(digest[:], cms.VerifyOptions{Roots: p.roots})
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if len(chain) != 3 || !chain[0].Equal(p.leaf) || !chain[2].Equal(p.root) {
				t.Errorf("chain has %d certificates", len(chain))
			}
		})
	}
}

func TestVerifyFailures(t *testing.T) {
	content := []byte("contract body")
	digest := sha256.Sum256(content)
	p := newTestPKI(t, certtest.ECKey(t, elliptic.P256()))
	other := newTestPKI(t, certtest.ECKey(t, elliptic.P256()))
	der, err := cms.Sign(digest[:], p.leafKey, p.leaf, []*x509.Certificate{p.inter})
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	tampered := sha256.Sum256([]byte("contract body!"))

	// A SignedData whose signature value is flipped in its last byte.
	sd, _ := cms.Parse(der)
	badSig := bytes.Replace(der, sd.Signer.Signature, flipLast(sd.Signer.Signature), 1)

	// A SignedData whose certificates field carries another certificate
	// with the same issuer and serial would be caught by ESS; here we sign
	// with one key and claim another certificate, which Sign must refuse.
	if _, err := cms.Sign(digest[:], other.leafKey, p.leaf, nil); err == nil {
		t.Errorf("Sign with a key not matching the certificate succeeded")
	}

	tests := []struct {
		name   string
		der    []byte
		digest []byte
		opts   cms.VerifyOptions
		is     error
		substr string
	}{
		{"tampered content", der, tampered[:], cms.VerifyOptions{Roots: p.roots}, cms.ErrDigestMismatch, ""},
		{"foreign root", der, digest[:], cms.VerifyOptions{Roots: other.roots}, nil, "chain"},
		{"no roots", der, digest[:], cms.VerifyOptions{}, nil, "no trust roots"},
		{"bad signature", badSig, digest[:], cms.VerifyOptions{Roots: p.roots}, nil, "signature is invalid"},
		{"expired at given time", der, digest[:], cms.VerifyOptions{Roots: p.roots, CurrentTime: time.Now().Add(48 * time.Hour)}, nil, "chain"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sd, err := cms.Parse(tc.der)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			_, err = sd.Verify(tc.digest, tc.opts)
			if err == nil {
				t.Fatalf("Verify succeeded")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			if tc.substr != "" && !strings.Contains(err.Error(), tc.substr) {
				t.Errorf("error %q does not mention %q", err, tc.substr)
			}
		})
	}
}

func flipLast(b []byte) []byte {
	c := bytes.Clone(b)
	c[len(c)-1] ^= 0x01
	return c
}

func TestParsePaddingAndGarbage(t *testing.T) {
	digest := sha256.Sum256([]byte("x"))
	p := newTestPKI(t, certtest.ECKey(t, elliptic.P256()))
	der, err := cms.Sign(digest[:], p.leafKey, p.leaf, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"exact", der, true},
		{"zero padded like a PDF /Contents", append(bytes.Clone(der), make([]byte, 4096)...), true},
		{"trailing junk", append(bytes.Clone(der), 0, 1), false},
		{"truncated", der[:len(der)-1], false},
		{"empty", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cms.Parse(tc.in)
			if (err == nil) != tc.ok {
				t.Errorf("Parse error = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestSignEncapsulated(t *testing.T) {
	p := newTestPKI(t, certtest.ECKey(t, elliptic.P256()))
	content := []byte{0x30, 0x03, 0x02, 0x01, 0x01} // any DER payload
	tests := []struct {
		name  string
		certs []*x509.Certificate
		extra []*x509.Certificate
		ok    bool
	}{
		{"with certificates", []*x509.Certificate{p.leaf, p.inter}, nil, true},
		{"without certificates, supplied by caller", nil, []*x509.Certificate{p.leaf, p.inter}, true},
		{"without certificates, none supplied", nil, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			der, err := cms.SignEncapsulated(cms.TSTInfoContentType(), content, p.leafKey, p.leaf, tc.certs)
			if err != nil {
				t.Fatalf("SignEncapsulated: %v", err)
			}
			sd, err := cms.Parse(der)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if sd.Version != 3 || !cms.IsTSTInfo(sd.ContentType) || !bytes.Equal(sd.Content, content) {
				t.Errorf("version %d, type %s, content %x", sd.Version, sd.ContentType, sd.Content)
			}
			_, err = sd.Verify(nil, cms.VerifyOptions{Roots: p.roots, Certificates: tc.extra})
			if (err == nil) != tc.ok {
				t.Errorf("Verify error = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// TestOpenSSLAcceptsSignature has OpenSSL verify our detached signatures and
// print their structure, as an independent judge of the encoding.
func TestOpenSSLAcceptsSignature(t *testing.T) {
	bin := openssl(t)
	content := bytes.Repeat([]byte("契約書 contract bytes\n"), 500)
	digest := sha256.Sum256(content)
	for _, k := range signerKeys(t) {
		t.Run(k.name, func(t *testing.T) {
			p := newTestPKI(t, k.key)
			der, err := cms.Sign(digest[:], p.leafKey, p.leaf, []*x509.Certificate{p.inter})
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			dir := t.TempDir()
			sig := certtest.WriteFile(t, dir, "sig.der", der)
			data := certtest.WriteFile(t, dir, "data.bin", content)
			bad := certtest.WriteFile(t, dir, "bad.bin", append(bytes.Clone(content), '!'))
			root := certtest.WritePEM(t, dir, "root.pem", p.root)

			verify := func(contentFile string) (string, error) {
				out, err := exec.Command(bin, "cms", "-verify", "-binary", "-inform", "DER", "-in", sig,
					"-content", contentFile, "-CAfile", root, "-purpose", "any", "-out", "/dev/null").CombinedOutput()
				return string(out), err
			}
			if out, err := verify(data); err != nil || !strings.Contains(out, "Verification successful") {
				t.Errorf("openssl cms -verify rejected a good signature: %v\n%s", err, out)
			}
			if out, err := verify(bad); err == nil || !strings.Contains(out, "Verification failure") {
				t.Errorf("openssl cms -verify accepted tampered content: %v\n%s", err, out)
			}
			out, err := exec.Command(bin, "cms", "-cmsout", "-print", "-inform", "DER", "-in", sig).CombinedOutput()
			if err != nil {
				t.Fatalf("openssl cms -cmsout -print: %v\n%s", err, out)
			}
			dump := string(out)
			for _, must := range []string{"contentType", "messageDigest", "id-smime-aa-signingCertificateV2"} {
				if !strings.Contains(dump, must) {
					t.Errorf("dump lacks %s", must)
				}
			}
			for _, mustNot := range []string{"signingTime", "1.2.840.113583.1.1.8"} {
				if strings.Contains(dump, mustNot) {
					t.Errorf("dump contains forbidden %s", mustNot)
				}
			}
		})
	}
}
