// Package evidence writes the offline evidence kit of a signed PDF: a zip with the
// document, the CA and TSA certificates, the CRLs, a README in Japanese and English and
// a shell script (kit/check.sh) that checks every signature and timestamp with pdfsig
// and openssl alone, on a machine that never saw the installation.
package evidence

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	_ "embed"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"text/template"
	"time"

	"inkan/app/trust/pdf"
)

//go:embed kit/check.sh
var checkScript []byte

//go:embed kit/README.txt
var readmeText string

var readme = template.Must(template.New("README.txt").Parse(readmeText))

// Kit is what goes into the zip beside the document.
type Kit struct {
	// Name says what the document is (a file name, a contract number), in the README.
	Name string
	// Document is the signed PDF.
	Document []byte
	// Root, Issuing and TSA are the installation's certificates.
	Root, Issuing, TSA *x509.Certificate
	// CRLs are DER CRLs to add to those of the document's DSS, typically the
	// published ones.
	CRLs [][]byte
	// Made is when the kit is made, in the README; ProvableUntil until when the
	// newest document timestamp keeps the file provable (zero: none).
	Made, ProvableUntil time.Time
}

// Dir is the folder every file of the kit sits in, inside the zip.
const Dir = "inkan-evidence"

// Write writes the kit as a zip to w. The CRLs of the document's DSS are included,
// since they are what proves the certificates unrevoked at the timestamps' times.
func Write(w io.Writer, k Kit) error {
	if k.Root == nil || k.Issuing == nil || k.TSA == nil {
		return errors.New("evidence: the root, issuing and TSA certificates are required")
	}
	f, err := pdf.Open(k.Document)
	if err != nil {
		return fmt.Errorf("evidence: %w", err)
	}
	dss, err := f.ReadDSS()
	if err != nil {
		return fmt.Errorf("evidence: read DSS: %w", err)
	}
	crls, err := crlFiles(append(dss.CRLs, k.CRLs...), k.Root, k.Issuing)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(k.Root.Raw)
	var fp []string
	for _, b := range sum {
		fp = append(fp, fmt.Sprintf("%02X", b))
	}
	var text bytes.Buffer
	until := "-"
	if !k.ProvableUntil.IsZero() {
		until = k.ProvableUntil.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	if err := readme.Execute(&text, map[string]string{
		"Name": k.Name, "Made": k.Made.UTC().Format("2006-01-02 15:04:05 UTC"),
		"RootFingerprint": strings.Join(fp, ":"), "ProvableUntil": until,
	}); err != nil {
		return fmt.Errorf("evidence: README: %w", err)
	}

	z := zip.NewWriter(w)
	files := []struct {
		name string
		mode uint32
		body []byte
	}{
		{"README.txt", 0o644, text.Bytes()},
		{"check.sh", 0o755, checkScript},
		{"document.pdf", 0o644, f.Bytes()},
		{"certs/root.pem", 0o644, pemCert(k.Root)},
		{"certs/issuing.pem", 0o644, pemCert(k.Issuing)},
		{"certs/tsa.pem", 0o644, pemCert(k.TSA)},
	}
	for _, c := range crls {
		files = append(files, struct {
			name string
			mode uint32
			body []byte
		}{"crl/" + c.name, 0o644, c.der})
	}
	for _, file := range files {
		h := &zip.FileHeader{Name: Dir + "/" + file.name, Method: zip.Deflate, Modified: k.Made}
		h.SetMode(fs.FileMode(file.mode))
		fw, err := z.CreateHeader(h)
		if err != nil {
			return fmt.Errorf("evidence: add %s: %w", file.name, err)
		}
		if _, err := fw.Write(file.body); err != nil {
			return fmt.Errorf("evidence: write %s: %w", file.name, err)
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("evidence: close zip: %w", err)
	}
	return nil
}

type crlFile struct {
	name string
	der  []byte
}

// crlFiles names each distinct CRL by its issuer and number (issuing-12.crl,
// root-12.crl, other-1.crl).
func crlFiles(ders [][]byte, root, issuing *x509.Certificate) ([]crlFile, error) {
	var out []crlFile
	seen := map[string]bool{}
	for i, der := range ders {
		if seen[string(der)] {
			continue
		}
		seen[string(der)] = true
		crl, err := x509.ParseRevocationList(der)
		if err != nil {
			return nil, fmt.Errorf("evidence: CRL %d: %w", i, err)
		}
		who := fmt.Sprintf("other%d", i)
		switch {
		case bytes.Equal(crl.RawIssuer, issuing.RawSubject):
			who = "issuing"
		case bytes.Equal(crl.RawIssuer, root.RawSubject):
			who = "root"
		}
		name := fmt.Sprintf("%s-%s.crl", who, crl.Number)
		if crl.Number == nil {
			name = fmt.Sprintf("%s-%d.crl", who, i)
		}
		if seen[name] {
			name = fmt.Sprintf("%s-%d.crl", strings.TrimSuffix(name, ".crl"), i)
		}
		seen[name] = true
		out = append(out, crlFile{name: name, der: der})
	}
	return out, nil
}

func pemCert(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}
