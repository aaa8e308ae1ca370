package pades_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"inkan/app/testkit/pdfcputest"
	"inkan/app/trust/pades"
	"inkan/app/trust/pki"
)

// TestPdfcpuAgrees runs the contract's life once more and asks pdfcpu, a verifier
// written in Go on encoding/asn1, for its verdict after every step: each signature and
// document timestamp must be "valid", with its timestamp read (pdfcpu looks at the
// newest document timestamp only). pdfcpu concludes
// revocation only from CRLs it fetches, so the CA's CRL addresses point at a local
// server here that publishes them as the web layer does.
func TestPdfcpuAgrees(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	published := map[string][]byte{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		crl, ok := published[r.URL.Path]
		mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/pkix-crl")
		w.Write(crl)
	}))
	t.Cleanup(srv.Close)
	e := newEnvAt(t, srv.URL)
	crls := e.crls(t, nil)
	mu.Lock()
	published[pki.IssuingCRLPath], published[pki.RootCRLPath] = crls[0], crls[1]
	mu.Unlock()
	host, _ := url.Parse(srv.URL)

	signTime := time.Now().Add(-time.Minute).Truncate(time.Second)
	steps := []struct {
		name string
		do   func(doc []byte) ([]byte, error)
	}{
		{"sender signs", func(doc []byte) ([]byte, error) {
			return pades.Sign(doc, e.sender, e.tsa, pades.SignOptions{Time: signTime, Name: "Yamada Taro"})
		}},
		{"receiver signs", func(doc []byte) ([]byte, error) {
			return pades.Sign(doc, e.receiver, e.tsa, pades.SignOptions{Time: signTime.Add(30 * time.Second)})
		}},
		{"B-LTA", func(doc []byte) ([]byte, error) { return pades.Timestamp(doc, e.tsa, e.validationNow(t), time.Now()) }},
		{"archive extension", func(doc []byte) ([]byte, error) {
			return pades.Timestamp(doc, e.tsa, pades.Validation{CRLs: e.crls(t, nil)}, time.Now())
		}},
	}
	for _, c := range chainFixtures {
		if c.foreign > 0 {
			continue // MuPDF's SHA-1 signature is not ours to judge here
		}
		fx := c.file
		cur := readFixture(t, fx)
		for n, st := range steps {
			out, err := st.do(cur)
			if err != nil {
				t.Fatalf("%s: %s: %v", fx, st.name, err)
			}
			cur = out
			results := pdfcputest.Validate(t, cur, e.ca.RootPEM(), host.Hostname())
			// pdfcpu judges only the newest document timestamp ("long term validation
			// is restricted to processing the latest doc timestamp").
			if want := min(n+1, 3); len(results) != want {
				t.Fatalf("%s: %s: pdfcpu lists %d entries, want %d", fx, st.name, len(results), want)
			}
			for _, r := range results {
				if !r.Valid || !r.Timestamped {
					t.Errorf("%s: %s: pdfcpu on %s: valid %v, timestamp read %v:\n%s", fx, st.name, r.Field, r.Valid, r.Timestamped, r.Text)
				}
			}
		}
	}
}
