package cli_test

import (
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"inkan/app/domain/company"
	"inkan/app/run/config"
	"inkan/app/run/server"
	"inkan/app/testkit/tooltest"
	"inkan/data"
)

// TestCAIssueForASecondCompanySignsTrusted: `inkan ca issue` gives a second company
// its first certificate and queues the PIN mail; the linked user may not sign before
// the validity check, the console may, and pdfsig calls the signature valid and the
// certificate trusted.
func TestCAIssueForASecondCompanySignsTrusted(t *testing.T) {
	dir := t.TempDir()
	dataDir := filepath.Join(dir, "data")
	if code, _, errOut := run(t, "init", "--data", dataDir); code != 0 {
		t.Fatalf("init: %s", errOut)
	}
	open := func() *server.Server {
		cfg, _, _ := config.Parse("serve", []string{"--data", dataDir}, func(string) string { return "" })
		s, err := server.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	err := s.Store.Update(func(tx *data.Tx) error {
		a := company.DemoApplication
		a.Name, a.Admin.Email = "株式会社受注工務店", "koumuten@example.jp"
		_, _, _, err := s.Onboarder.Onboard(tx, a, "test")
		return err
	})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}

	if code, _, _ := run(t, "ca", "issue", "--data", dataDir, "--company", "C000001", "--user", "U000002"); code == 0 {
		t.Error("a certificate of one company was linked to another company's user")
	}
	if code, _, _ := run(t, "ca", "issue", "--data", dataDir, "--company", "C000002", "--user", "U000002", "--org-en", "Juchu_Koumuten"); code == 0 {
		t.Error("an underscore in the alphabet name was accepted")
	}
	code, out, errOut := run(t, "ca", "issue", "--data", dataDir, "--company", "C000002", "--user", "U000002",
		"--org-en", "Juchu Koumuten", "--dept-ja", "工事部", "--dept-en", "Construction", "--title-ja", "部長", "--title-en", "Manager")
	if code != 0 || strings.TrimSpace(out) != "DJC-00002" {
		t.Fatalf("ca issue: %d %q %s", code, out, errOut)
	}
	s = open()
	s.Store.View(func(tx *data.Tx) error {
		m, _ := tx.RecentMails(1)
		if len(m) != 1 || m[0].Subject != "【Inkan電子契約サービス】PINのお知らせ" || m[0].To[0] != "koumuten@example.jp" || m[0].Secret == nil {
			t.Errorf("PIN mail %+v", m)
		}
		return nil
	})
	s.Close()

	in := filepath.Join("..", "..", "..", "testdata", "pdf", "qpdf-objstm.pdf")
	signed := filepath.Join(dir, "signed.pdf")
	if code, _, errOut := run(t, "pdf", "sign", "--data", dataDir, "--cert", "DJC-00002", "--user", "U000002", in, signed); code == 0 || !strings.Contains(errOut, "not checked the PIN") {
		t.Errorf("the user signed before the validity check: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "pdf", "sign", "--data", dataDir, "--cert", "DJC-00002", "--user", "U000001", in, signed); code == 0 || !strings.Contains(errOut, "not found") {
		t.Errorf("another company's user signed: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "pdf", "sign", "--data", dataDir, "--cert", "DJC-00002", in, signed); code != 0 {
		t.Fatalf("pdf sign: %s", errOut)
	}
	code, pem, _ := run(t, "ca", "export-root", "--data", dataDir)
	if code != 0 {
		t.Fatal("export-root")
	}
	report := tooltest.PDFSigTrusting(t, pem, signed)
	for _, want := range []string{"Signature is Valid.", "Certificate is Trusted.", "工事部 部長"} {
		if !strings.Contains(report, want) {
			t.Errorf("pdfsig lacks %q:\n%s", want, report)
		}
	}
}
