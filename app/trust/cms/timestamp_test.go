package cms_test

import (
	"bytes"
	"crypto"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"os/exec"
	"strings"
	"testing"
	"time"

	"inkan/app/testkit/certtest"
	"inkan/app/trust/cms"
	"inkan/app/trust/tsa"
)

// newTestTimestamper issues a TSA certificate under the test root and
// returns an app/tsa Authority, so signature timestamps are real tokens.
func newTestTimestamper(t *testing.T, p testPKI, rootKey crypto.Signer) *tsa.Authority {
	t.Helper()
	key := certtest.ECKey(t, elliptic.P256())
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
	if err != nil {
		t.Fatal(err)
	}
	cert := certtest.Cert(t, &x509.Certificate{
		Subject:         pkix.Name{CommonName: "CMS Test TSA"},
		NotBefore:       time.Now().Add(-time.Hour),
		NotAfter:        time.Now().Add(24 * time.Hour),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}},
	}, p.root, key, rootKey)
	a, err := tsa.New(tsa.Config{Certificate: cert, Signer: key})
	if err != nil {
		t.Fatalf("tsa.New: %v", err)
	}
	return a
}

func TestAddTimestamp(t *testing.T) {
	rootKey := certtest.ECKey(t, elliptic.P256())
	p := newTestPKIWithRootKey(t, certtest.ECKey(t, elliptic.P256()), rootKey)
	stamper := newTestTimestamper(t, p, rootKey)

	content := []byte("contract bytes")
	digest := sha256.Sum256(content)
	der, err := cms.Sign(digest[:], p.leafKey, p.leaf, []*x509.Certificate{p.inter})
	if err != nil {
		t.Fatal(err)
	}
	sigValue, err := cms.SignatureValue(der)
	if err != nil {
		t.Fatal(err)
	}
	imprint := sha256.Sum256(sigValue)
	token, err := stamper.StampDigest(crypto.SHA256, imprint[:])
	if err != nil {
		t.Fatal(err)
	}
	stamped, err := cms.AddTimestamp(der, token)
	if err != nil {
		t.Fatalf("AddTimestamp: %v", err)
	}

	sd, err := cms.Parse(stamped)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sd.Signer.Signature, sigValue) || !bytes.Equal(sd.Signer.TimestampToken, token) {
		t.Errorf("signature or token changed by AddTimestamp")
	}
	if _, err := sd.Verify(digest[:], cms.VerifyOptions{Roots: p.roots}); err != nil {
		t.Errorf("Verify after AddTimestamp: %v", err)
	}
	tok, err := tsa.VerifyToken(sd.Signer.TimestampToken, sd.Signer.Signature, tsa.VerifyOptions{Roots: p.roots})
	if err != nil {
		t.Errorf("timestamp does not verify over the signature value: %v", err)
	} else if time.Since(tok.GenTime) > time.Minute {
		t.Errorf("genTime %s", tok.GenTime)
	}

	refusals := []struct {
		name   string
		sd     []byte
		token  []byte
		substr string
	}{
		{"second timestamp", stamped, token, "already has a timestamp"},
		{"not a token", der, der, "not id-ct-TSTInfo"},
		{"garbage token", der, []byte{1, 2, 3}, "token"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := cms.AddTimestamp(tc.sd, tc.token); err == nil || !strings.Contains(err.Error(), tc.substr) {
				t.Errorf("AddTimestamp error = %v, want mention of %q", err, tc.substr)
			}
		})
	}

	t.Run("openssl", func(t *testing.T) {
		bin := openssl(t)
		dir := t.TempDir()
		sig := certtest.WriteFile(t, dir, "sig.der", stamped)
		data := certtest.WriteFile(t, dir, "data.bin", content)
		root := certtest.WritePEM(t, dir, "root.pem", p.root)
		tst := certtest.WriteFile(t, dir, "tst.der", sd.Signer.TimestampToken)
		sv := certtest.WriteFile(t, dir, "sigvalue.bin", sd.Signer.Signature)
		out, err := exec.Command(bin, "cms", "-verify", "-binary", "-inform", "DER", "-in", sig,
			"-content", data, "-CAfile", root, "-purpose", "any", "-out", "/dev/null").CombinedOutput()
		if err != nil {
			t.Errorf("openssl cms -verify: %v\n%s", err, out)
		}
		out, err = exec.Command(bin, "ts", "-verify", "-token_in", "-in", tst, "-data", sv, "-CAfile", root).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Verification: OK") {
			t.Errorf("openssl ts -verify: %v\n%s", err, out)
		}
		out, err = exec.Command(bin, "cms", "-cmsout", "-print", "-inform", "DER", "-in", sig).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "id-smime-aa-timeStampToken") || strings.Contains(string(out), "signingTime") {
			t.Errorf("openssl dump (err %v) lacks the timestamp or has signingTime:\n%s", err, out)
		}
	})
}
