package web_test

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"inkan/app/testkit/tooltest"
	"inkan/app/testkit/webtest"
	"inkan/app/trust/pki"
	"inkan/app/trust/tsa"
	"inkan/data"
)

func TestTrustEndpointsServeWhatVerifiersFetch(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	get := func(path string) []byte {
		t.Helper()
		resp, err := env.Server.Web.Test(httptest.NewRequest(http.MethodGet, path, nil), -1)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %v %v", path, resp.StatusCode, err)
		}
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	root, err := x509.ParseCertificate(get(pki.RootCertPath))
	if err != nil || !root.IsCA {
		t.Fatalf("root: %v", err)
	}
	issuing, err := x509.ParseCertificate(get(pki.IssuingCertPath))
	if err != nil || issuing.CheckSignatureFrom(root) != nil {
		t.Fatalf("issuing CA not signed by root: %v", err)
	}
	crl, err := x509.ParseRevocationList(get(pki.IssuingCRLPath))
	if err != nil || crl.CheckSignatureFrom(issuing) != nil {
		t.Fatalf("issuing CRL: %v", err)
	}
	rootCRL, err := x509.ParseRevocationList(get(pki.RootCRLPath))
	if err != nil || rootCRL.CheckSignatureFrom(root) != nil {
		t.Fatalf("root CRL: %v", err)
	}

	// DJC-00001 from the first start points at the CRL served here.
	var demo data.Certificate
	env.Server.Store.View(func(tx *data.Tx) (err error) {
		demo, err = tx.Tenant(webtest.DemoCompanyID).Certificate("DJC-00001")
		return
	})
	cert, err := x509.ParseCertificate(demo.DER)
	if err != nil {
		t.Fatal(err)
	}
	if len(cert.CRLDistributionPoints) != 1 || cert.CRLDistributionPoints[0] != env.Server.Config.BaseURL+pki.IssuingCRLPath {
		t.Errorf("CRL distribution points %v", cert.CRLDistributionPoints)
	}
	if len(demo.Links) != 1 || demo.Links[0].UserID != env.Creds.AdminID {
		t.Errorf("DJC-00001 links %+v", demo.Links)
	}

	// The timestamp service answers an RFC 3161 query.
	digest := sha256.Sum256([]byte("契約書"))
	query, err := (&tsa.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digest[:], CertReq: true}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/pki/tsa", bytes.NewReader(query))
	req.Header.Set("Content-Type", tsa.QueryContentType)
	resp, err := env.Server.Web.Test(req, -1)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /pki/tsa: %v %v", resp.StatusCode, err)
	}
	reply, _ := io.ReadAll(resp.Body)
	token, err := tsa.ParseResponse(reply)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(root)
	if _, err := tsa.VerifyTokenDigest(token, crypto.SHA256, digest[:], tsa.VerifyOptions{Roots: roots}); err != nil {
		t.Errorf("token from /pki/tsa: %v", err)
	}
}

// TestTSAAnswersOpenSSL is the issue's own check: a query made by openssl, posted to
// the running service, and the reply verified by openssl against our root.
func TestTSAAnswersOpenSSL(t *testing.T) {
	openssl := tooltest.Need(t, "openssl")
	env := webtest.New(t, webtest.Config(t))
	dir := t.TempDir()
	file := func(name string) string { return filepath.Join(dir, name) }
	os.WriteFile(file("contract.txt"), []byte("工事請負契約書"), 0o600)
	os.WriteFile(file("root.pem"), env.Server.Certs.RootPEM(), 0o600)
	if out, err := exec.Command(openssl, "ts", "-query", "-data", file("contract.txt"), "-sha256", "-cert", "-out", file("q.tsq")).CombinedOutput(); err != nil {
		t.Fatalf("openssl ts -query: %v\n%s", err, out)
	}
	query, _ := os.ReadFile(file("q.tsq"))
	req := httptest.NewRequest(http.MethodPost, "/pki/tsa", bytes.NewReader(query))
	req.Header.Set("Content-Type", "application/timestamp-query")
	resp, err := env.Server.Web.Test(req, -1)
	if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/timestamp-reply" {
		t.Fatalf("POST /pki/tsa: %v %v", resp, err)
	}
	reply, _ := io.ReadAll(resp.Body)
	os.WriteFile(file("r.tsr"), reply, 0o600)
	out, err := exec.Command(openssl, "ts", "-verify", "-in", file("r.tsr"), "-queryfile", file("q.tsq"), "-CAfile", file("root.pem")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Verification: OK") {
		t.Errorf("openssl ts -verify: %v\n%s", err, out)
	}
}
