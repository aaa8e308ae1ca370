package cli_test

import (
	"archive/zip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"inkan/app/testkit/tooltest"
	"inkan/app/trust/cms"
	"inkan/app/trust/pdf"
	"inkan/app/trust/tsa"
)

// TestPDFCommandsSignTimestampVerify is the newcomer's path from the README: init,
// sign with the demo certificate, make it B-LTA, verify, and let pdfsig judge the result
// with the exported root.
func TestPDFCommandsSignTimestampVerify(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if code, _, errOut := run(t, "init", "--data", data); code != 0 {
		t.Fatalf("init: %s", errOut)
	}
	in := filepath.Join("..", "..", "..", "testdata", "pdf", "qpdf-objstm.pdf")
	signed, lta := filepath.Join(dir, "signed.pdf"), filepath.Join(dir, "lta.pdf")

	if code, _, errOut := run(t, "pdf", "sign", "--data", data, "--cert", "DJC-00001", in, signed); code != 0 {
		t.Fatalf("pdf sign: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "pdf", "timestamp", "--data", data, signed, lta); code != 0 {
		t.Fatalf("pdf timestamp: %d %s", code, errOut)
	}
	code, out, errOut := run(t, "pdf", "verify", "--data", data, lta)
	if code != 0 {
		t.Fatalf("pdf verify: %d\n%s%s", code, out, errOut)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(l, " ") && !strings.HasPrefix(l, "document ") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 || !strings.Contains(lines[0], "signature") || !strings.Contains(lines[0], "デモ建設株式会社 管理 太郎") ||
		!strings.HasSuffix(lines[0], " valid") || !strings.Contains(lines[1], "document-timestamp") || !strings.HasSuffix(lines[1], " valid") {
		t.Errorf("verify report:\n%s", out)
	}
	// The levels: the signature reaches B-LTA, and the document timestamp keeps the
	// file provable until its TSA certificate ends; the file before was B-T only.
	if !strings.Contains(lines[0], "level=B-LTA") || !strings.Contains(lines[1], "provable-until=") || !strings.Contains(out, "document provable until ") {
		t.Errorf("verify report lacks the levels:\n%s", out)
	}
	if code, out, _ := run(t, "pdf", "verify", "--data", data, signed); code != 0 || !strings.Contains(out, "level=B-T valid") || !strings.Contains(out, "does not reach B-LT") {
		t.Errorf("verify B-T file: %d\n%s", code, out)
	}

	// One byte changed inside the signed revision: verify reports it and exits 1.
	b, _ := os.ReadFile(lta)
	i := strings.Index(string(b), "/MediaBox")
	b[i+1] ^= 0x20
	tampered := filepath.Join(dir, "tampered.pdf")
	os.WriteFile(tampered, b, 0o644)
	if code, out, _ := run(t, "pdf", "verify", "--data", data, tampered); code != 1 || !strings.Contains(out, "INVALID") {
		t.Errorf("tampered file: exit %d\n%s", code, out)
	}

	code, pem, _ := run(t, "ca", "export-root", "--data", data)
	if code != 0 || !strings.HasPrefix(pem, "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("ca export-root: %d %q", code, pem)
	}
	report := tooltest.PDFSigTrusting(t, pem, lta)
	for _, want := range []string{"Signature is Valid.", "Certificate is Trusted.", "デモ建設株式会社 管理 太郎"} {
		if !strings.Contains(report, want) {
			t.Errorf("pdfsig lacks %q:\n%s", want, report)
		}
	}

	// After revocation the published CRL names the certificate: a fresh signature with
	// it is refused, and the report on a document signed (and timestamped) before says
	// so, while the signature stays valid: the key was trusted when it was made.
	// CRLs give revocation times in whole seconds: let one pass after the timestamp,
	// or the revocation could not be told apart from the signing.
	time.Sleep(1100 * time.Millisecond)
	if code, _, errOut := run(t, "ca", "revoke", "--data", data, "--reason", "keyCompromise", "DJC-00001"); code != 0 {
		t.Fatalf("ca revoke: %s", errOut)
	}
	if code, _, errOut := run(t, "pdf", "sign", "--data", data, "--cert", "DJC-00001", in, filepath.Join(dir, "late.pdf")); code == 0 || !strings.Contains(errOut, "revoked") {
		t.Errorf("signing with a revoked certificate: %d %q", code, errOut)
	}
	if code, out, _ := run(t, "pdf", "verify", "--data", data, signed); code != 0 || !strings.Contains(out, "warning: certificate") || !strings.Contains(out, "was revoked at") {
		t.Errorf("verify after revocation: exit %d\n%s", code, out)
	}
	if code, _, _ := run(t, "ca", "revoke", "--data", data, "--reason", "boredom", "DJC-00001"); code == 0 {
		t.Error("an unknown reason was accepted")
	}
}

func TestPDFCommandsRefuseBadInput(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	in := filepath.Join("..", "..", "..", "testdata", "pdf", "qpdf-objstm.pdf")
	out := filepath.Join(dir, "out.pdf")
	if code, _, errOut := run(t, "pdf", "sign", "--data", data, "--cert", "DJC-00001", in, out); code == 0 || !strings.Contains(errOut, "inkan init") {
		t.Errorf("sign with no store: %d %q", code, errOut)
	}
	run(t, "init", "--data", data)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown certificate", []string{"pdf", "sign", "--data", data, "--cert", "DJC-09999", in, out}, "DJC-09999"},
		{"no certificate flag", []string{"pdf", "sign", "--data", data, in, out}, "usage"},
		{"encrypted", []string{"pdf", "sign", "--data", data, "--cert", "DJC-00001", filepath.Join("..", "..", "..", "testdata", "pdf", "encrypted.pdf"), out}, "encrypted"},
		{"restricted", []string{"pdf", "sign", "--data", data, "--cert", "DJC-00001", filepath.Join("..", "..", "..", "testdata", "pdf", "restricted-aes256.pdf"), out}, "「保護されたPDF」です"},
		{"restricted: how to save a copy", []string{"pdf", "sign", "--data", data, "--cert", "DJC-00001", filepath.Join("..", "..", "..", "testdata", "pdf", "restricted-rc4-40.pdf"), out}, "qpdf --decrypt"},
		{"encrypted: in Japanese", []string{"pdf", "sign", "--data", data, "--cert", "DJC-00001", filepath.Join("..", "..", "..", "testdata", "pdf", "encrypted.pdf"), out}, "パスワードで暗号化されていて"},
		{"broken", []string{"pdf", "sign", "--data", data, "--cert", "DJC-00001", filepath.Join("..", "..", "..", "testdata", "pdf", "broken-truncated.pdf"), out}, "malformed"},
		{"unsigned verify", []string{"pdf", "verify", "--data", data, in}, ""},
		{"unknown pdf command", []string{"pdf", "stamp", "--data", data}, "unknown pdf command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := run(t, tt.args...)
			if code == 0 || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q, want it to mention %q", code, errOut, tt.want)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed sign left an output file")
	}
}

// TestPDFEvidenceKit: `inkan pdf evidence` on a B-LTA file writes a zip whose check.sh,
// unpacked in a directory of its own and run with nothing of the installation (no data
// directory, a bare environment), passes; an unsigned file gets no kit.
func TestPDFEvidenceKit(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if code, _, errOut := run(t, "init", "--data", data); code != 0 {
		t.Fatalf("init: %s", errOut)
	}
	in := filepath.Join("..", "..", "..", "testdata", "pdf", "gs-classic-1.4.pdf")
	signed, lta, kit := filepath.Join(dir, "signed.pdf"), filepath.Join(dir, "lta.pdf"), filepath.Join(dir, "kit.zip")
	for _, args := range [][]string{
		{"pdf", "sign", "--data", data, "--cert", "DJC-00001", in, signed},
		{"pdf", "timestamp", "--data", data, signed, lta},
		{"pdf", "evidence", "--data", data, lta, kit},
	} {
		if code, _, errOut := run(t, args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, errOut)
		}
	}
	if code, _, errOut := run(t, "pdf", "evidence", "--data", data, in, filepath.Join(dir, "none.zip")); code == 0 || !strings.Contains(errOut, "does not verify") {
		t.Errorf("kit of an unsigned file: %d %q", code, errOut)
	}

	z, err := zip.OpenReader(kit)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	elsewhere := t.TempDir()
	names := map[string]bool{}
	for _, f := range z.File {
		names[f.Name] = true
		p := filepath.Join(elsewhere, filepath.FromSlash(f.Name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		os.WriteFile(p, b, f.Mode().Perm())
	}
	for _, want := range []string{"README.txt", "check.sh", "document.pdf", "certs/root.pem", "certs/issuing.pem", "certs/tsa.pem"} {
		if !names["inkan-evidence/"+want] {
			t.Errorf("the kit lacks %s: %v", want, names)
		}
	}
	tooltest.Need(t, "pdfsig")
	tooltest.Need(t, "openssl")
	cmd := exec.Command(tooltest.Need(t, "sh"), "check.sh")
	cmd.Dir = filepath.Join(elsewhere, "inkan-evidence")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + elsewhere}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "RESULT: OK") {
		t.Errorf("check.sh: %v\n%s", err, out)
	}
}

// TestPDFVerifyForeignSignature: a file signed by another installation (the legacy
// fixture) is valid, but its signatures are under a CA this one does not trust, and the
// report names the signer.
func TestPDFVerifyForeignSignature(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if code, _, errOut := run(t, "init", "--data", data); code != 0 {
		t.Fatalf("init: %s", errOut)
	}
	code, out, errOut := run(t, "pdf", "verify", "--data", data, filepath.Join("..", "..", "..", "testdata", "pdf", "legacy-policy-lta.pdf"))
	if code != 0 || !strings.Contains(out, `valid, but signed by a CA this installation does not trust (signer "デモ建設株式会社 管理 太郎 (Demo Kensetsu Co. Ltd.)")`) ||
		!strings.Contains(out, "chain=untrusted") || !strings.Contains(out, "not every signature or timestamp is under a CA this installation trusts") {
		t.Errorf("verify a foreign file: %d\n%s%s", code, out, errOut)
	}
}

// TestPDFSignWithOwnTSAPolicy: --tsa-policy puts the installation's own policy OID into
// the signature timestamp.
func TestPDFSignWithOwnTSAPolicy(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if code, _, errOut := run(t, "init", "--data", data); code != 0 {
		t.Fatalf("init: %s", errOut)
	}
	signed := filepath.Join(dir, "signed.pdf")
	in := filepath.Join("..", "..", "..", "testdata", "pdf", "qpdf-objstm.pdf")
	if code, _, errOut := run(t, "pdf", "sign", "--data", data, "--tsa-policy", "1.2.392.200999.1", "--cert", "DJC-00001", in, signed); code != 0 {
		t.Fatalf("pdf sign: %d %s", code, errOut)
	}
	b, err := os.ReadFile(signed)
	if err != nil {
		t.Fatal(err)
	}
	f, err := pdf.Open(b)
	if err != nil {
		t.Fatal(err)
	}
	sigs, _ := f.Signatures()
	sd, err := cms.Parse(sigs[0].Contents)
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := tsa.ParseToken(sd.Signer.TimestampToken); err != nil || tok.Policy.String() != "1.2.392.200999.1" {
		t.Errorf("signature timestamp: %v %v", tok, err)
	}
	if code, _, errOut := run(t, "pdf", "sign", "--data", data, "--tsa-policy", "2.25.44053190891876977409054278534333426403", "--cert", "DJC-00001", in, signed); code == 0 || !strings.Contains(errOut, "tsa-policy") {
		t.Errorf("a 128-bit arc: %d %q", code, errOut)
	}
}
