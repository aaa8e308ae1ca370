package data

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SweepFiles deletes the files no record names whose last Put was before the given
// time: an 印鑑証明書 or a contract PDF uploaded at 確認 and never committed, or the
// temporary file of a write cut short. A file waiting for its commit is named only by
// a draft, which lives at most a day, so the caller passes a time well before the
// oldest draft; Put refreshes the time of a file it finds already there.
func (s *Store) SweepFiles(before time.Time) (int, error) {
	var named []string
	if err := s.View(func(tx *Tx) (err error) { named, err = tx.FileSums(); return err }); err != nil {
		return 0, fmt.Errorf("data: sweep files: %w", err)
	}
	keep := make(map[string]bool, len(named))
	for _, sum := range named {
		keep[sum] = true
	}
	n, err := s.Files().sweep(keep, before)
	if err != nil {
		return n, fmt.Errorf("data: sweep files: %w", err)
	}
	return n, nil
}

func (f Files) sweep(keep map[string]bool, before time.Time) (int, error) {
	n := 0
	err := filepath.WalkDir(f.dir, func(path string, e fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == f.dir {
			return filepath.SkipDir
		}
		if err != nil || e.IsDir() {
			return err
		}
		name := e.Name()
		_, notHex := hex.DecodeString(name)
		ours := (len(name) == 64 && notHex == nil) || strings.HasPrefix(name, ".put-")
		if !ours || keep[name] {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		if !info.ModTime().Before(before) {
			return nil
		}
		if err := os.Remove(path); err != nil {
			return err
		}
		n++
		return nil
	})
	return n, err
}
