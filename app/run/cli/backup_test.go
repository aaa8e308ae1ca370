package cli_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"inkan/app/domain/certificate"
	"inkan/app/run/config"
	"inkan/app/run/server"
	"inkan/app/trust/pki"
	"inkan/data"
)

const sealPDF = "%PDF-1.7 印鑑証明書 of the test"

// bootstrapped is a new installation in dir, initialised as its first start does.
func bootstrapped(t *testing.T, dir string) *server.Server {
	t.Helper()
	cfg, _, err := config.Parse("serve", []string{"--data", dir}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	return s
}

// startWithKey opens the installation restored into dir with the master key of the
// original one, as the README's restore says: the key is kept apart from backups.
func startWithKey(t *testing.T, original, restored string) *server.Server {
	t.Helper()
	key, err := os.ReadFile(filepath.Join(original, server.MasterKeyName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, server.MasterKeyName), key, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := config.Parse("serve", []string{"--data", restored}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	r, err := server.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatalf("restored installation does not start: %v", err)
	}
	return r
}

// serveWithSeal starts an installation with a certificate application whose 印鑑証明書
// is a file, and returns it, the file's sum and the function that stops it.
func serveWithSeal(t *testing.T, dir string) (*server.Server, string, func()) {
	t.Helper()
	s := bootstrapped(t, dir)
	sum, err := s.Store.Files().Put([]byte(sealPDF))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Store.Update(func(tx *data.Tx) error {
		return tx.Tenant("C000001").CreateApplication(&data.CertApplication{Seal: data.FileRef{SHA256: sum, Name: "seal.pdf", Size: int64(len(sealPDF))}})
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.ServeListener(ctx, ln) }()
	waitFor(t, filepath.Join(dir, server.SocketName))
	return s, sum, func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		s.Close()
	}
}

func TestBackupWhileServingAndStoppedThenRestore(t *testing.T) {
	dir := t.TempDir()
	s, sum, stop := serveWithSeal(t, dir)
	// A file whose transaction has not committed: the backup does not need it.
	orphan, _ := s.Store.Files().Put([]byte("%PDF-1.7 not yet named"))

	hot := filepath.Join(t.TempDir(), "hot.tar")
	if code, out, errOut := run(t, "backup", "--data", dir, hot); code != 0 || !strings.Contains(out, "1 files") {
		t.Fatalf("backup while serving: %d %s %s", code, out, errOut)
	}

	// A file the records name that is missing or changed fails the backup, over the
	// socket, and leaves no backup file.
	path := filepath.Join(dir, "files", sum[:2], sum)
	for name, spoil := range map[string]func(){
		"missing": func() { os.Remove(path) },
		"corrupt": func() { os.WriteFile(path, []byte(strings.ToUpper(sealPDF)), 0o600) },
	} {
		spoil()
		bad := filepath.Join(t.TempDir(), "bad.tar")
		code, _, errOut := run(t, "backup", "--data", dir, bad)
		if code == 0 || !strings.Contains(errOut, sum) {
			t.Errorf("backup with a %s file: %d %s", name, code, errOut)
		}
		if _, err := os.Stat(bad); err == nil {
			t.Errorf("backup with a %s file left %s", name, bad)
		}
		os.Remove(path)
		if _, err := s.Store.Files().Put([]byte(sealPDF)); err != nil {
			t.Fatal(err)
		}
	}
	stop()

	cold := filepath.Join(t.TempDir(), "cold.tar")
	if code, _, errOut := run(t, "backup", "--data", dir, cold); code != 0 {
		t.Fatalf("backup of a stopped store: %d %s", code, errOut)
	}
	if code, _, _ := run(t, "backup", "--data", t.TempDir(), filepath.Join(t.TempDir(), "x.tar")); code == 0 {
		t.Error("backup of an empty directory succeeded")
	}

	for _, backup := range []string{hot, cold} {
		restored := filepath.Join(t.TempDir(), "restored")
		code, out, errOut := run(t, "restore", backup, "--data", restored)
		if code != 0 || !strings.Contains(out, server.MasterKeyName) {
			t.Fatalf("restore %s: %d %s %s", backup, code, out, errOut)
		}
		if code, _, errOut := run(t, "restore", "--data", restored, backup); code == 0 || !strings.Contains(errOut, "not empty") {
			t.Errorf("restore over a restored installation: %d %s", code, errOut)
		}
		// The master key is kept apart; with it, the restored installation starts and
		// reads its files back.
		r := startWithKey(t, dir, restored)
		if b, err := r.Store.Files().Get(sum); err != nil || string(b) != sealPDF {
			t.Errorf("restored seal: %q %v", b, err)
		}
		if _, err := r.Store.Files().Get(orphan); err == nil {
			t.Error("the restore holds a file no record named")
		}
		r.Store.View(func(tx *data.Tx) error {
			if c, err := tx.Company("C000001"); err != nil || c.Name != "デモ建設株式会社" {
				t.Errorf("restored company %+v %v", c, err)
			}
			return nil
		})
		r.Close()
	}
}

func TestRestoreWithoutTheMasterKeyDoesNotStart(t *testing.T) {
	dir := t.TempDir()
	_, _, stop := serveWithSeal(t, dir)
	stop()
	backup := filepath.Join(t.TempDir(), "b.tar")
	if code, _, errOut := run(t, "backup", "--data", dir, backup); code != 0 {
		t.Fatal(errOut)
	}
	restored := t.TempDir()
	if code, _, errOut := run(t, "restore", "--data", restored, backup); code != 0 {
		t.Fatal(errOut)
	}
	cfg, _, _ := config.Parse("serve", []string{"--data", restored}, func(string) string { return "" })
	r, err := server.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err == nil {
		r.Close()
		t.Fatal("a restored installation started with a new master key")
	}
	// It says what is missing, and makes no second key beside the store.
	if !strings.Contains(err.Error(), "master key") || !strings.Contains(err.Error(), "missing") {
		t.Errorf("start without the master key: %v", err)
	}
	if _, err := os.Stat(filepath.Join(restored, server.MasterKeyName)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a new master key was made beside the restored store: %v", err)
	}
}

func TestRestoreRefusesACorruptBackup(t *testing.T) {
	dir := t.TempDir()
	_, _, stop := serveWithSeal(t, dir)
	stop()
	backup := filepath.Join(t.TempDir(), "b.tar")
	if code, _, errOut := run(t, "backup", "--data", dir, backup); code != 0 {
		t.Fatal(errOut)
	}
	raw, _ := os.ReadFile(backup)
	i := strings.Index(string(raw), sealPDF)
	raw[i] = '#'
	os.WriteFile(backup, raw, 0o600)
	restored := filepath.Join(t.TempDir(), "restored")
	if code, _, errOut := run(t, "restore", "--data", restored, backup); code == 0 || !strings.Contains(errOut, "corrupt") {
		t.Errorf("restore of a corrupt backup: %d %s", code, errOut)
	}
	if _, err := os.Stat(restored); err == nil {
		t.Error("a refused restore left its directory")
	}
}

// A restored installation verifies every stored document: a contract signed and made
// B-LTA, its revisions kept as the original and the increments, is backed up, restored
// with the master key, and its PDF read back from the restored files verifies there.
func TestRestoredInstallationVerifiesItsDocuments(t *testing.T) {
	dir := t.TempDir()
	s := bootstrapped(t, dir)
	id := storeSignedDocument(t, s)
	s.Close()

	backup := filepath.Join(t.TempDir(), "b.tar")
	if code, _, errOut := run(t, "backup", "--data", dir, backup); code != 0 {
		t.Fatalf("backup: %d %s", code, errOut)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if code, _, errOut := run(t, "restore", backup, "--data", restored); code != 0 {
		t.Fatalf("restore: %d %s", code, errOut)
	}
	r := startWithKey(t, dir, restored)
	defer r.Close()
	var d data.Document
	r.Store.View(func(tx *data.Tx) (err error) { d, err = tx.Tenant("C000001").Document(id); return err })
	doc, err := r.Store.Files().Join(d.Parts())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.Certs.VerifyPDF(id, doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Signatures) != 2 || !rep.Valid() || !rep.Trusted() {
		t.Errorf("restored document %s: %d entries, valid %v, trusted %v: %+v", id, len(rep.Signatures), rep.Valid(), rep.Trusted(), rep)
	}
}

// storeSignedDocument stores a completed document of the demo company: the original,
// its signature by a console certificate and the B-LTA timestamp, each an increment.
func storeSignedDocument(t *testing.T, s *server.Server) string {
	t.Helper()
	var number string
	err := s.Store.Update(func(tx *data.Tx) error {
		rec, _, err := s.Certs.Issue(tx, "C000001", certificate.Application{
			Subject: pki.Subject{DisplayName: "Yamada Taro", Company: "Demo Kensetsu", CompanyJa: "デモ建設株式会社"}, PINRecipient: "山田", PINEmail: "pin@example.jp"})
		number = rec.Number
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	original, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "pdf", "qpdf-objstm.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	files := s.Store.Files()
	put := func(b []byte) data.FileRef {
		sum, err := files.Put(b)
		if err != nil {
			t.Fatal(err)
		}
		return data.FileRef{SHA256: sum, Name: "契約書.pdf", Size: int64(len(b))}
	}
	ctx := context.Background()
	signed, err := s.Certs.SignPDF(ctx, certificate.SignRequest{Number: number, Console: true, Document: "契約書.pdf"}, original)
	if err != nil {
		t.Fatal(err)
	}
	stamped, err := s.Certs.TimestampPDF(ctx, "契約書.pdf", slices.Concat(original, signed), nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	d := data.Document{Title: "工事請負契約書", Status: "完了", CreatedAt: now, UpdatedAt: now, Revisions: []data.Revision{
		{File: put(original), Kind: data.RevisionOriginal, At: now},
		{File: put(signed), Increment: true, Kind: data.RevisionSignature, At: now},
		{File: put(stamped), Increment: true, Kind: data.RevisionTimestamp, At: now},
	}}
	if err := s.Store.Update(func(tx *data.Tx) error { return tx.Tenant("C000001").CreateDocument(&d) }); err != nil {
		t.Fatal(err)
	}
	return d.ID
}
