package data

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// storeWithSeals makes a store with a company and one application per seal, and returns
// the seals' sums.
func storeWithSeals(t *testing.T, seals ...string) (*Store, []string) {
	t.Helper()
	s := openTemp(t)
	var sums []string
	err := s.Update(func(tx *Tx) error {
		if err := tx.CreateCompany(&Company{Name: "バックアップ建設"}); err != nil {
			return err
		}
		for _, seal := range seals {
			sum, err := s.Files().Put([]byte(seal))
			if err != nil {
				return err
			}
			sums = append(sums, sum)
			if err := tx.Tenant("C000001").CreateApplication(&CertApplication{Seal: FileRef{SHA256: sum, Name: "seal.pdf", Size: int64(len(seal))}}); err != nil {
				return err
			}
		}
		// An application the operator made names no file.
		return tx.Tenant("C000001").CreateApplication(&CertApplication{})
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, sums
}

func TestFileSumsListsEveryNamedFileOnce(t *testing.T) {
	s, sums := storeWithSeals(t, "%PDF seal one", "%PDF seal two", "%PDF seal one")
	var got []string
	s.View(func(tx *Tx) (err error) { got, err = tx.FileSums(); return err })
	if len(got) != 2 || !strings.Contains(strings.Join(got, " "), sums[0]) || !strings.Contains(strings.Join(got, " "), sums[1]) {
		t.Errorf("FileSums = %v, want the two sums %v", got, sums[:2])
	}
}

func TestBackupRestoresStoreAndExactlyTheNamedFiles(t *testing.T) {
	s, sums := storeWithSeals(t, "%PDF seal one", "%PDF seal two")
	// A file whose transaction has not committed (or never will) is not named.
	orphan, _ := s.Files().Put([]byte("%PDF not committed"))
	var buf bytes.Buffer
	m, err := s.Backup(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 2 {
		t.Fatalf("manifest files %+v, want the two seals", m.Files)
	}
	if _, err := VerifyBackup(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatalf("verify: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "restored")
	if _, err := Restore(bytes.NewReader(buf.Bytes()), dir); err != nil {
		t.Fatal(err)
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.View(func(tx *Tx) error {
		if c, err := tx.Company("C000001"); err != nil || c.Name != "バックアップ建設" {
			t.Errorf("restored company %+v %v", c, err)
		}
		return nil
	})
	for i, sum := range sums {
		if b, err := r.Files().Get(sum); err != nil || string(b) != []string{"%PDF seal one", "%PDF seal two"}[i] {
			t.Errorf("restored file %s: %q %v", sum, b, err)
		}
	}
	if _, err := r.Files().Get(orphan); err != ErrNotFound {
		t.Errorf("a file no record names was restored: %v", err)
	}
}

func TestBackupLeavesOutWhatCommitsAfterTheSnapshot(t *testing.T) {
	s, _ := storeWithSeals(t, "%PDF seal one")
	var later string
	var buf bytes.Buffer
	m, err := s.backup(&buf, func() {
		err := s.Update(func(tx *Tx) error {
			sum, err := s.Files().Put([]byte("%PDF written after the snapshot"))
			later = sum
			if err != nil {
				return err
			}
			return tx.Tenant("C000001").CreateApplication(&CertApplication{Seal: FileRef{SHA256: sum}})
		})
		if err != nil {
			t.Error(err)
		}
		// And the later file is gone again: the snapshot does not need it.
		os.Remove(s.Files().path(later))
	})
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	for _, f := range m.Files {
		if f.SHA256 == later {
			t.Errorf("the backup holds a file committed after its snapshot")
		}
	}
	dir := t.TempDir()
	if _, err := Restore(&buf, dir); err != nil {
		t.Fatal(err)
	}
	r, _ := Open(dir)
	defer r.Close()
	r.View(func(tx *Tx) error {
		if apps, _ := tx.Applications(); len(apps) != 2 {
			t.Errorf("restored %d applications, want the snapshot's 2", len(apps))
		}
		return nil
	})
}

func TestBackupFailsLoudlyOnAMissingOrChangedFile(t *testing.T) {
	for name, spoil := range map[string]func(path string){
		"missing":           func(path string) { os.Remove(path) },
		"changed same size": func(path string) { os.WriteFile(path, []byte("%PDF seal ONE"), 0o600) },
		"changed longer":    func(path string) { os.WriteFile(path, []byte("%PDF seal one, and more"), 0o600) },
	} {
		t.Run(name, func(t *testing.T) {
			s, sums := storeWithSeals(t, "%PDF seal one")
			spoil(s.Files().path(sums[0]))
			var buf bytes.Buffer
			_, err := s.Backup(&buf)
			if err == nil || !strings.Contains(err.Error(), sums[0]) {
				t.Fatalf("backup with a %s file: %v", name, err)
			}
			if _, err := VerifyBackup(&buf); err == nil {
				t.Error("the failed backup's stream verifies")
			}
		})
	}
}

func TestRestoreRefusesABadBackupOrAFullDirectory(t *testing.T) {
	s, _ := storeWithSeals(t, "%PDF seal one", "%PDF seal two")
	var buf bytes.Buffer
	if _, err := s.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	corrupt := bytes.Clone(good)
	corrupt[bytes.Index(corrupt, []byte("%PDF seal two"))+5] = 'S'
	cases := []struct {
		name   string
		backup []byte
		full   bool
		want   string
	}{
		{"corrupt file", corrupt, false, "corrupt"},
		{"cut before the last file", good[:bytes.Index(good, []byte("%PDF seal two"))-512], false, "missing"},
		{"cut inside the store", good[:4096], false, "store"},
		{"not a backup", []byte("%PDF-1.7 hello"), false, "not an inkan backup"},
		{"non-empty directory", good, true, "not empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if c.full {
				os.WriteFile(filepath.Join(dir, FileName), []byte("keep me"), 0o600)
			}
			_, err := Restore(bytes.NewReader(c.backup), dir)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("restore: %v, want %q", err, c.want)
			}
			entries, _ := os.ReadDir(dir)
			if c.full {
				if b, _ := os.ReadFile(filepath.Join(dir, FileName)); string(b) != "keep me" || len(entries) != 1 {
					t.Error("restore touched a non-empty directory")
				}
			} else if len(entries) != 0 {
				t.Errorf("a failed restore left %d entries", len(entries))
			}
		})
	}
}

// A contract document's revisions are files the backup must carry, as the seals are.
func TestFileSumsNamesTheRevisionsOfDocuments(t *testing.T) {
	s, sums := storeWithSeals(t, "%PDF seal")
	original, err := s.Files().Put([]byte("%PDF original"))
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.Files().Put([]byte("%PDF original + signature"))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(func(tx *Tx) error {
		co := Company{Name: "文書のある会社"}
		if err := tx.CreateCompany(&co); err != nil {
			return err
		}
		d := Document{Title: "工事請負契約書", Revisions: []Revision{{Kind: RevisionOriginal, File: FileRef{SHA256: original}}, {Kind: RevisionSignature, File: FileRef{SHA256: signed}, Increment: true}}}
		return tx.Tenant(co.ID).CreateDocument(&d)
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	s.View(func(tx *Tx) (err error) { got, err = tx.FileSums(); return err })
	for _, want := range []string{sums[0], original, signed} {
		if !slices.Contains(got, want) {
			t.Errorf("FileSums = %v, lacks %s", got, want)
		}
	}
}
