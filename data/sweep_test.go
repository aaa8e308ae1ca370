package data

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// SweepFiles deletes only old files no record names; a named file, a fresh upload and
// an old one uploaded again stay.
func TestSweepFilesDeletesOnlyOldUnnamedFiles(t *testing.T) {
	s, sums := storeWithSeals(t, "%PDF named")
	files := s.Files()
	orphan, _ := files.Put([]byte("%PDF uploaded at 確認, never committed"))
	fresh, _ := files.Put([]byte("%PDF uploaded just now"))
	again, _ := files.Put([]byte("%PDF uploaded long ago and again today"))
	old := time.Now().Add(-72 * time.Hour)
	for _, sum := range []string{sums[0], orphan, again} {
		if err := os.Chtimes(files.path(sum), old, old); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := files.Put([]byte("%PDF uploaded long ago and again today")); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(filepath.Dir(files.path(orphan)), ".put-123")
	if err := os.WriteFile(tmp, []byte("cut short"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(tmp, old, old)

	n, err := s.SweepFiles(time.Now().Add(-48 * time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("SweepFiles = %d, %v; want the orphan and the temporary file", n, err)
	}
	for sum, want := range map[string]bool{sums[0]: true, orphan: false, fresh: true, again: true} {
		_, err := files.Get(sum)
		if got := err == nil; got != want {
			t.Errorf("file %s kept %v, want %v (%v)", sum[:8], got, want, err)
		}
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}
}

// A store that never stored a file has nothing to sweep.
func TestSweepFilesWithoutFiles(t *testing.T) {
	if n, err := openTemp(t).SweepFiles(time.Now()); err != nil || n != 0 {
		t.Errorf("SweepFiles = %d, %v", n, err)
	}
}
