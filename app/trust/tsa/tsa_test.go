package tsa_test

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	stdasn1 "encoding/asn1"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"inkan/app/testkit/certtest"
	"inkan/app/trust/tsa"
)

func newAuthority(t *testing.T, tt testTSA, clock func() time.Time) *tsa.Authority {
	t.Helper()
	a, err := tsa.New(tsa.Config{
		Certificate: tt.cert,
		Signer:      tt.key,
		Chain:       []*x509.Certificate{tt.inter},
		Clock:       clock,
	})
	if err != nil {
		t.Fatalf("tsa.New: %v", err)
	}
	return a
}

func TestNewRefusesUnsuitableCertificate(t *testing.T) {
	good := newTestTSA(t, true)
	nonCritical := newTestTSA(t, false)
	tests := []struct {
		name   string
		cfg    tsa.Config
		substr string
	}{
		{"non-critical EKU", tsa.Config{Certificate: nonCritical.cert, Signer: nonCritical.key}, "not marked critical"},
		{"CA certificate", tsa.Config{Certificate: good.inter, Signer: good.key}, "id-kp-timeStamping"},
		{"key mismatch", tsa.Config{Certificate: good.cert, Signer: nonCritical.key}, "does not match"},
		{"bad policy", tsa.Config{Certificate: good.cert, Signer: good.key, Policy: "not-an-oid"}, "policy"},
		{"policy arc beyond 31 bits", tsa.Config{Certificate: good.cert, Signer: good.key, Policy: tsa.LegacyPolicy}, "above 2147483647"},
		{"policy arc of 2^31", tsa.Config{Certificate: good.cert, Signer: good.key, Policy: "1.2.2147483648"}, "above 2147483647"},
		{"missing signer", tsa.Config{Certificate: good.cert}, "required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tsa.New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.substr) {
				t.Errorf("New error = %v, want mention of %q", err, tc.substr)
			}
		})
	}
}

// TestOpenSSLOverHTTP is the round trip operators will do:
// openssl ts -query | POST | openssl ts -verify.
func TestOpenSSLOverHTTP(t *testing.T) {
	bin := openssl(t)
	tt := newTestTSA(t, true)
	a := newAuthority(t, tt, nil)
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()

	dir := t.TempDir()
	data := certtest.WriteFile(t, dir, "f.bin", []byte("契約書 PDF bytes to be stamped\n"))
	root := certtest.WritePEM(t, dir, "root.pem", tt.root)
	untrusted := certtest.WritePEM(t, dir, "untrusted.pem", tt.cert, tt.inter)

	tests := []struct {
		name    string
		args    []string // extra openssl ts -query arguments
		verify  []string // extra openssl ts -verify arguments
		hasCert bool
	}{
		{"certReq, SHA-256", []string{"-sha256", "-cert"}, nil, true},
		{"no certReq, TSA cert given to openssl", []string{"-sha256"}, []string{"-untrusted", untrusted}, false},
		{"SHA-512, no nonce", []string{"-sha512", "-cert", "-no_nonce"}, nil, true},
		{"own policy requested", []string{"-sha256", "-cert", "-tspolicy", tsa.DefaultPolicy}, nil, true},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := filepath.Join(dir, "q"+string(rune('0'+i))+".tsq")
			args := append([]string{"ts", "-query", "-data", data, "-out", q}, tc.args...)
			if out, err := run(t, bin, args...); err != nil {
				t.Fatalf("openssl ts -query: %v\n%s", err, out)
			}
			query, err := os.ReadFile(q)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.Post(srv.URL, tsa.QueryContentType, bytes.NewReader(query))
			if err != nil {
				t.Fatalf("POST: %v", err)
			}
			reply, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != tsa.ReplyContentType {
				t.Fatalf("HTTP %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			r := certtest.WriteFile(t, dir, "reply"+string(rune('0'+i))+".tsr", reply)

			for _, against := range [][]string{{"-queryfile", q}, {"-data", data}} {
				args := append([]string{"ts", "-verify", "-in", r, "-CAfile", root}, against...)
				args = append(args, tc.verify...)
				out, err := run(t, bin, args...)
				if err != nil || !strings.Contains(out, "Verification: OK") {
					t.Errorf("openssl ts -verify %v: %v\n%s", against, err, out)
				}
			}

			token, err := tsa.ParseResponse(reply)
			if err != nil {
				t.Fatalf("ParseResponse: %v", err)
			}
			tok, err := tsa.ParseToken(token)
			if err != nil {
				t.Fatalf("ParseToken: %v", err)
			}
			if got := len(tok.SignedData.Certificates) > 0; got != tc.hasCert {
				t.Errorf("token carries certificates = %v, want %v", got, tc.hasCert)
			}
			if tok.Policy.String() != tsa.DefaultPolicy {
				t.Errorf("policy %s", tok.Policy)
			}
			// PeekInfo reads the same TSTInfo without the certificates.
			if info, err := tsa.PeekInfo(token); err != nil || !info.GenTime.Equal(tok.GenTime) || info.SerialNumber.Cmp(tok.SerialNumber) != 0 || !bytes.Equal(info.HashedMessage, tok.HashedMessage) {
				t.Errorf("PeekInfo = %+v, %v; want the token's %+v", info, err, tok.Info)
			}
		})
	}
}

func TestStampDigestTokenIn(t *testing.T) {
	bin := openssl(t)
	tt := newTestTSA(t, true)
	fixed := time.Now().Add(-90 * time.Minute).Truncate(time.Second).UTC()
	a := newAuthority(t, tt, func() time.Time { return fixed.Add(400 * time.Millisecond) })

	content := []byte("signature value bytes stand-in")
	digest := sha256.Sum256(content)
	token, err := a.StampDigest(crypto.SHA256, digest[:])
	if err != nil {
		t.Fatalf("StampDigest: %v", err)
	}
	dir := t.TempDir()
	tst := certtest.WriteFile(t, dir, "tst.der", token)
	data := certtest.WriteFile(t, dir, "data.bin", content)
	root := certtest.WritePEM(t, dir, "root.pem", tt.root)
	out, err := run(t, bin, "ts", "-verify", "-token_in", "-in", tst, "-data", data, "-CAfile", root)
	if err != nil || !strings.Contains(out, "Verification: OK") {
		t.Errorf("openssl ts -verify -token_in: %v\n%s", err, out)
	}

	tok, err := tsa.VerifyToken(token, content, tsa.VerifyOptions{Roots: tt.roots})
	if err != nil {
		t.Fatalf("VerifyToken: %v", err)
	}
	if !tok.GenTime.Equal(fixed) {
		t.Errorf("GenTime %s, want %s", tok.GenTime, fixed)
	}
	if tok.Accuracy != time.Second || tok.Nonce != nil || tok.SerialNumber.BitLen() != 127 {
		t.Errorf("accuracy %s nonce %v serial bits %d", tok.Accuracy, tok.Nonce, tok.SerialNumber.BitLen())
	}
	if tok.SignedData.Signer.HasSigningTime() {
		t.Errorf("token carries signing-time")
	}
}

func TestVerifyTokenFailures(t *testing.T) {
	tt := newTestTSA(t, true)
	other := newTestTSA(t, true)
	a := newAuthority(t, tt, nil)
	content := []byte("stamped")
	digest := sha256.Sum256(content)
	withCerts, err := a.StampDigest(crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	req := &tsa.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digest[:]}
	noCerts, err := a.Stamp(req)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		token  []byte
		data   []byte
		opts   tsa.VerifyOptions
		substr string // empty: must verify
	}{
		{"good", withCerts, content, tsa.VerifyOptions{Roots: tt.roots}, ""},
		{"other data", withCerts, []byte("stamped!"), tsa.VerifyOptions{Roots: tt.roots}, "imprint"},
		{"foreign root", withCerts, content, tsa.VerifyOptions{Roots: other.roots}, "chain"},
		{"after TSA certificate expiry", withCerts, content, tsa.VerifyOptions{Roots: tt.roots, CurrentTime: time.Now().Add(30 * time.Hour)}, "chain"},
		{"no certs in token, none supplied", noCerts, content, tsa.VerifyOptions{Roots: tt.roots}, "not found"},
		{"no certs in token, supplied", noCerts, content, tsa.VerifyOptions{Roots: tt.roots, Certificates: []*x509.Certificate{tt.cert, tt.inter}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tsa.VerifyToken(tc.token, tc.data, tc.opts)
			if tc.substr == "" {
				if err != nil {
					t.Errorf("VerifyToken: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.substr) {
				t.Errorf("VerifyToken error = %v, want mention of %q", err, tc.substr)
			}
		})
	}
}

func TestNonceAndCertReq(t *testing.T) {
	tt := newTestTSA(t, true)
	a := newAuthority(t, tt, nil)
	digest := sha512.Sum384([]byte("x"))
	nonce, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	tests := []struct {
		name    string
		req     tsa.Request
		nCerts  int
		wantNon *big.Int
	}{
		{"nonce and certReq", tsa.Request{HashAlgorithm: crypto.SHA384, HashedMessage: digest[:], Nonce: nonce, CertReq: true}, 2, nonce},
		{"neither", tsa.Request{HashAlgorithm: crypto.SHA384, HashedMessage: digest[:]}, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			der, err := tc.req.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			resp, err := a.Respond(der)
			if err != nil {
				t.Fatalf("Respond: %v", err)
			}
			token, err := tsa.ParseResponse(resp)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := tsa.VerifyTokenDigest(token, crypto.SHA384, digest[:], tsa.VerifyOptions{Roots: tt.roots, Certificates: []*x509.Certificate{tt.cert, tt.inter}})
			if err != nil {
				t.Fatalf("VerifyTokenDigest: %v", err)
			}
			if len(tok.SignedData.Certificates) != tc.nCerts {
				t.Errorf("%d certificates, want %d", len(tok.SignedData.Certificates), tc.nCerts)
			}
			if (tok.Nonce == nil) != (tc.wantNon == nil) || (tok.Nonce != nil && tok.Nonce.Cmp(tc.wantNon) != 0) {
				t.Errorf("nonce %v, want %v", tok.Nonce, tc.wantNon)
			}
		})
	}
}

// requestWithExtension builds a TimeStampReq carrying an (empty) extensions
// field, which openssl ts -query cannot make.
func requestWithExtension(t testing.TB, digest []byte) []byte {
	t.Helper()
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier([]int{2, 16, 840, 1, 101, 3, 4, 2, 1})
			})
			b.AddASN1OctetString(digest)
		})
		b.AddASN1(asn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier([]int{1, 2, 3, 4})
				b.AddASN1OctetString([]byte{5})
			})
		})
	})
	return b.BytesOrPanic()
}

func TestHandlerRefusals(t *testing.T) {
	tt := newTestTSA(t, true)
	a := newAuthority(t, tt, nil)
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()

	digest := sha256.Sum256([]byte("x"))
	sha1Req := func() []byte {
		// A SHA-1 imprint, as old clients send.
		b := cryptobyte.NewBuilder(nil)
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1Int64(1)
			b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier([]int{1, 3, 14, 3, 2, 26})
					b.AddASN1NULL()
				})
				b.AddASN1OctetString(make([]byte, 20))
			})
		})
		return b.BytesOrPanic()
	}()
	otherPolicy, _ := x509.ParseOID("1.2.3.4.5")
	wrongPolicy, _ := (&tsa.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digest[:], Policy: &otherPolicy}).Marshal()
	shortDigest := bytes.Replace(func() []byte {
		d, _ := (&tsa.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digest[:]}).Marshal()
		return d
	}(), []byte{0x04, 0x20}, []byte{0x04, 0x1f}, 1)

	tests := []struct {
		name     string
		method   string
		ctype    string
		body     []byte
		httpCode int
		fail     tsa.FailureInfo // checked when httpCode is 200
	}{
		{"SHA-1 imprint", http.MethodPost, tsa.QueryContentType, sha1Req, 200, tsa.FailBadAlg},
		{"other policy", http.MethodPost, tsa.QueryContentType, wrongPolicy, 200, tsa.FailUnacceptedPolicy},
		{"extension", http.MethodPost, tsa.QueryContentType, requestWithExtension(t, digest[:]), 200, tsa.FailUnacceptedExtension},
		{"garbage", http.MethodPost, tsa.QueryContentType, []byte("hello"), 200, tsa.FailBadDataFormat},
		{"truncated digest", http.MethodPost, tsa.QueryContentType, shortDigest[:len(shortDigest)-1], 200, tsa.FailBadDataFormat},
		{"GET", http.MethodGet, "", nil, http.StatusMethodNotAllowed, 0},
		{"form post", http.MethodPost, "application/x-www-form-urlencoded", []byte("a=b"), http.StatusUnsupportedMediaType, 0},
		{"huge body", http.MethodPost, tsa.QueryContentType, make([]byte, 1<<20), http.StatusRequestEntityTooLarge, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL, bytes.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.httpCode {
				t.Fatalf("HTTP %d, want %d: %s", resp.StatusCode, tc.httpCode, body)
			}
			if tc.httpCode != 200 {
				return
			}
			_, err = tsa.ParseResponse(body)
			var refused *tsa.Error
			if !errors.As(err, &refused) {
				t.Fatalf("ParseResponse: %v, want a refusal", err)
			}
			if refused.Status != tsa.StatusRejection || refused.Info != tc.fail || refused.Text == "" {
				t.Errorf("refusal %+v, want failure bit %d", refused, tc.fail)
			}
		})
	}
}

// TestOpenSSLReadsRejection checks that a rejection reply is well formed
// for OpenSSL too, which prints the status and failure reason.
func TestOpenSSLReadsRejection(t *testing.T) {
	bin := openssl(t)
	tt := newTestTSA(t, true)
	a := newAuthority(t, tt, nil)
	dir := t.TempDir()
	data := certtest.WriteFile(t, dir, "f.bin", []byte("x"))
	q := filepath.Join(dir, "q.tsq")
	if out, err := run(t, bin, "ts", "-query", "-data", data, "-sha256", "-tspolicy", "1.2.3.4", "-out", q); err != nil {
		t.Fatalf("openssl ts -query: %v\n%s", err, out)
	}
	query, _ := os.ReadFile(q)
	resp, err := a.Respond(query)
	var refused *tsa.Error
	if !errors.As(err, &refused) || refused.Info != tsa.FailUnacceptedPolicy {
		t.Fatalf("Respond error %v, want unacceptedPolicy", err)
	}
	r := certtest.WriteFile(t, dir, "r.tsr", resp)
	out, err := run(t, bin, "ts", "-reply", "-in", r, "-text")
	if err != nil {
		t.Fatalf("openssl ts -reply: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Status: Rejected") || !strings.Contains(out, "policy is not supported") {
		t.Errorf("openssl shows:\n%s", out)
	}
}

// TestVerifyOpenSSLToken feeds the parser and verifier a token made by
// OpenSSL acting as TSA, with the optional fields our TSA never writes
// (fractional genTime, millisecond accuracy, ordering, tsa name, ESS v1).
func TestVerifyOpenSSLToken(t *testing.T) {
	bin := openssl(t)
	tt := newTestTSA(t, true)
	dir := t.TempDir()
	keyDER, err := x509.MarshalPKCS8PrivateKey(tt.key)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := certtest.WriteFile(t, dir, "tsa.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
	certFile := certtest.WritePEM(t, dir, "tsa.pem", tt.cert)
	chainFile := certtest.WritePEM(t, dir, "chain.pem", tt.inter)
	content := []byte("stamped by openssl")
	data := certtest.WriteFile(t, dir, "data.bin", content)

	for _, essAlg := range []string{"sha1", "sha256"} {
		t.Run("ESS "+essAlg, func(t *testing.T) {
			cfg := certtest.WriteFile(t, dir, "ts-"+essAlg+".cnf", []byte(`[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = `+filepath.Join(dir, "serial-"+essAlg)+`
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1, millisecs:500, microsecs:100
clock_precision_digits = 3
ordering = yes
tsa_name = yes
ess_cert_id_chain = yes
ess_cert_id_alg = `+essAlg+`
`))
			q := filepath.Join(dir, "q-"+essAlg+".tsq")
			r := filepath.Join(dir, "r-"+essAlg+".tsr")
			if out, err := run(t, bin, "ts", "-query", "-data", data, "-sha256", "-cert", "-out", q); err != nil {
				t.Fatalf("query: %v\n%s", err, out)
			}
			if out, err := run(t, bin, "ts", "-reply", "-config", cfg, "-queryfile", q, "-signer", certFile,
				"-inkey", keyFile, "-chain", chainFile, "-out", r); err != nil {
				t.Fatalf("openssl ts -reply: %v\n%s", err, out)
			}
			reply, err := os.ReadFile(r)
			if err != nil {
				t.Fatal(err)
			}
			token, err := tsa.ParseResponse(reply)
			if err != nil {
				t.Fatalf("ParseResponse: %v", err)
			}
			tok, err := tsa.VerifyToken(token, content, tsa.VerifyOptions{Roots: tt.roots})
			if err != nil {
				t.Fatalf("VerifyToken: %v", err)
			}
			if tok.Accuracy != time.Second+500*time.Millisecond+100*time.Microsecond || !tok.Ordering || tok.Nonce == nil {
				t.Errorf("accuracy %s ordering %v nonce %v", tok.Accuracy, tok.Ordering, tok.Nonce)
			}
			if tok.Policy.String() != "1.2.3.4.1" || time.Since(tok.GenTime) > time.Minute {
				t.Errorf("policy %s genTime %s", tok.Policy, tok.GenTime)
			}
		})
	}
}

// TestDefaultPolicyParsesWithEncodingASN1 checks the point of DefaultPolicy: Go's
// encoding/asn1 (and so pdfcpu) reads it back, as it cannot read LegacyPolicy.
func TestDefaultPolicyParsesWithEncodingASN1(t *testing.T) {
	for _, tc := range []struct {
		policy string
		ok     bool
	}{{tsa.DefaultPolicy, true}, {tsa.LegacyPolicy, false}} {
		oid, err := x509.ParseOID(tc.policy)
		if err != nil {
			t.Fatal(err)
		}
		der, err := oid.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var got stdasn1.ObjectIdentifier
		_, err = stdasn1.Unmarshal(append([]byte{stdasn1.TagOID, byte(len(der))}, der...), &got)
		if (err == nil) != tc.ok || tc.ok && got.String() != tc.policy {
			t.Errorf("encoding/asn1 on %s: %v, %v", tc.policy, got, err)
		}
	}
}
