package data

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A backup is one tar stream, written and read front to back without holding it in
// memory:
//
//	inkan.db            the store, as one read transaction saw it
//	inkan-backup.json   the manifest: the store's size and SHA-256, and every file the
//	                    store's records name, with its size
//	files/ab/ab12…      each of those files, in the manifest's order
//
// The manifest makes a cut stream visible: a backup is complete only when the store
// matches the manifest's hash and every file it lists follows, each matching its name.
const (
	backupManifestName = "inkan-backup.json"
	backupFormat       = "inkan-backup"
	filesDirName       = "files"
)

// BackupManifest describes a backup's contents.
type BackupManifest struct {
	V           int          `json:"v"`
	Format      string       `json:"format"`
	CreatedAt   time.Time    `json:"created_at"`
	StoreSize   int64        `json:"store_size"`
	StoreSHA256 string       `json:"store_sha256"`
	Files       []BackupFile `json:"files"`
}

// BackupFile is one file of a backup: its SHA-256 (its name) and size.
type BackupFile struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// fileReferrer is a bucket whose records name files in Files, and how to read the
// SHA-256 sums out of one record's stored bytes.
type fileReferrer struct {
	bucket []byte
	sums   func(raw []byte) ([]string, error)
}

// fileReferrers lists every bucket whose records name files. It is the extension point
// of the backup: a kind of record that keeps bytes in Files adds its bucket here, or its
// files are left out of every backup and the restore check does not see them.
func fileReferrers() []fileReferrer {
	return []fileReferrer{
		{bucket: bucketApplications, sums: func(raw []byte) ([]string, error) {
			var a CertApplication
			if err := json.Unmarshal(raw, &a); err != nil {
				return nil, err
			}
			return []string{a.Seal.SHA256}, nil
		}},
		{bucket: bucketDocuments, sums: func(raw []byte) ([]string, error) {
			var d Document
			if err := decodeDocument(raw, &d); err != nil {
				return nil, err
			}
			sums := make([]string, 0, len(d.Revisions))
			for _, r := range d.Revisions {
				sums = append(sums, r.File.SHA256)
			}
			return sums, nil
		}},
	}
}

// FileSums lists, sorted and once each, the SHA-256 of every file the records name.
func (tx *Tx) FileSums() ([]string, error) {
	seen := map[string]bool{}
	for _, r := range fileReferrers() {
		b := tx.tx.Bucket(r.bucket)
		if b == nil {
			continue
		}
		err := b.ForEach(func(k, raw []byte) error {
			sums, err := r.sums(raw)
			if err != nil {
				return fmt.Errorf("data: decode %s/%s: %w", r.bucket, k, err)
			}
			for _, s := range sums {
				if s != "" {
					seen[s] = true
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	slices.Sort(out)
	return out, nil
}

// Backup writes a consistent backup to w while other transactions go on: the store as
// one read transaction sees it, then exactly the files that snapshot's records name
// (a file of a transaction that committed later is not needed), each checked against
// its SHA-256 while it is copied. A file the snapshot names that is missing or whose
// bytes changed fails the backup, and the stream then has no tar end.
func (s *Store) Backup(w io.Writer) (BackupManifest, error) {
	return s.backup(w, nil)
}

// backup is Backup with a hook run between the snapshot and the copy of the files
// (tests commit there).
func (s *Store) backup(w io.Writer, afterSnapshot func()) (BackupManifest, error) {
	m := BackupManifest{V: 1, Format: backupFormat, CreatedAt: time.Now().UTC().Truncate(time.Second)}
	tw := tar.NewWriter(w)
	var sums []string
	err := s.db.View(func(btx *bolt.Tx) error {
		var err error
		if sums, err = (&Tx{tx: btx, memos: s.memos}).FileSums(); err != nil {
			return err
		}
		m.StoreSize = btx.Size()
		if err := tw.WriteHeader(&tar.Header{Name: FileName, Mode: 0o600, Size: m.StoreSize, ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		h := sha256.New()
		if _, err := btx.WriteTo(io.MultiWriter(tw, h)); err != nil {
			return err
		}
		m.StoreSHA256 = hex.EncodeToString(h.Sum(nil))
		return nil
	})
	if err != nil {
		return m, fmt.Errorf("data: backup: store: %w", err)
	}
	if afterSnapshot != nil {
		afterSnapshot()
	}
	files := s.Files()
	for _, sum := range sums {
		fi, err := os.Stat(files.path(sum))
		if err != nil {
			return m, fmt.Errorf("data: backup: file %s named by the records: %w", sum, err)
		}
		m.Files = append(m.Files, BackupFile{SHA256: sum, Size: fi.Size()})
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, fmt.Errorf("data: backup: manifest: %w", err)
	}
	if err := writeTarFile(tw, backupManifestName, m.CreatedAt, raw); err != nil {
		return m, fmt.Errorf("data: backup: manifest: %w", err)
	}
	for _, f := range m.Files {
		if err := copyFileToTar(tw, files, f, m.CreatedAt); err != nil {
			return m, fmt.Errorf("data: backup: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return m, fmt.Errorf("data: backup: %w", err)
	}
	return m, nil
}

func writeTarFile(tw *tar.Writer, name string, mtime time.Time, b []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: mtime, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}

// copyFileToTar copies one file into the backup, hashing it on the way.
func copyFileToTar(tw *tar.Writer, files Files, f BackupFile, mtime time.Time) error {
	in, err := os.Open(files.path(f.SHA256))
	if err != nil {
		return fmt.Errorf("file %s named by the records: %w", f.SHA256, err)
	}
	defer in.Close()
	if err := tw.WriteHeader(&tar.Header{Name: backupFilePath(f.SHA256), Mode: 0o600, Size: f.Size, ModTime: mtime, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(tw, h), in, f.Size); err != nil {
		return fmt.Errorf("file %s: %w", f.SHA256, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != f.SHA256 {
		return fmt.Errorf("file %s: its bytes changed on disk (they hash to %s)", f.SHA256, got)
	}
	return nil
}

func backupFilePath(sum string) string { return filesDirName + "/" + sum[:2] + "/" + sum }

// VerifyBackup reads a whole backup from r and checks it as Restore does, writing
// nothing: the store's hash, the manifest, every file against its SHA-256 and the tar's
// end.
func VerifyBackup(r io.Reader) (BackupManifest, error) {
	return readBackup(r, "")
}

// Restore writes the backup read from r into the data directory dir, which must not
// exist or be empty: it never overwrites an installation. Every file is checked against
// its SHA-256 and the manifest, the restored store is opened, and every file its
// records name must read back. On any failure dir is left as empty as it was.
func Restore(r io.Reader, dir string) (BackupManifest, error) {
	created, err := prepareRestoreDir(dir)
	if err != nil {
		return BackupManifest{}, err
	}
	m, err := readBackup(r, dir)
	if err == nil {
		err = checkRestored(dir, m)
	}
	if err != nil {
		cleanRestoreDir(dir, created)
		return m, err
	}
	return m, nil
}

func prepareRestoreDir(dir string) (created bool, err error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return false, fmt.Errorf("data: restore: %w", err)
		}
		return true, nil
	case err != nil:
		return false, fmt.Errorf("data: restore: %w", err)
	case len(entries) > 0:
		return false, fmt.Errorf("data: restore: the data directory %s is not empty; restore writes only into a new or empty directory", dir)
	}
	return false, nil
}

// cleanRestoreDir removes what a failed restore wrote into a directory that was empty.
func cleanRestoreDir(dir string, created bool) {
	if created {
		os.RemoveAll(dir)
		return
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

// checkRestored opens the restored store and reads back every file its records name.
func checkRestored(dir string, m BackupManifest) error {
	s, err := Open(dir)
	if err != nil {
		return fmt.Errorf("data: restore: %w", err)
	}
	defer s.Close()
	in := map[string]bool{}
	for _, f := range m.Files {
		in[f.SHA256] = true
	}
	return s.View(func(tx *Tx) error {
		sums, err := tx.FileSums()
		if err != nil {
			return err
		}
		for _, sum := range sums {
			if !in[sum] {
				return fmt.Errorf("data: restore: the store names file %s, which the backup does not hold", sum)
			}
			if _, err := s.Files().Get(sum); err != nil {
				return fmt.Errorf("data: restore: %w", err)
			}
		}
		return nil
	})
}

// readBackup reads a backup in its fixed order and checks it; with dir set it writes
// the store and the files there (each file fsynced), else it only checks.
func readBackup(r io.Reader, dir string) (BackupManifest, error) {
	var m BackupManifest
	tr := tar.NewReader(r)
	fail := func(format string, args ...any) (BackupManifest, error) {
		return m, fmt.Errorf("data: backup: "+format, args...)
	}
	hdr, err := tr.Next()
	if err != nil || hdr.Name != FileName || hdr.Typeflag != tar.TypeReg {
		return fail("not an inkan backup: it does not start with %s (%v)", FileName, err)
	}
	storeSize := hdr.Size
	storeSum, err := copyEntry(tr, hdr.Size, dir, FileName)
	if err != nil {
		return fail("store: %w", err)
	}
	if hdr, err = tr.Next(); err != nil || hdr.Name != backupManifestName {
		return fail("no manifest after the store (%v)", err)
	}
	if hdr.Size > 1<<30 {
		return fail("manifest of %d bytes", hdr.Size)
	}
	raw, err := io.ReadAll(tr)
	if err != nil {
		return fail("manifest: %w", err)
	}
	if err := json.Unmarshal(raw, &m); err != nil || m.Format != backupFormat || m.V != 1 {
		return fail("manifest unreadable or of another format (%v)", err)
	}
	if m.StoreSize != storeSize || m.StoreSHA256 != storeSum {
		return fail("the store does not match the manifest (size %d, SHA-256 %s)", storeSize, storeSum)
	}
	for _, f := range m.Files {
		if !validSum(f.SHA256) {
			return fail("manifest names an invalid file %q", f.SHA256)
		}
		hdr, err := tr.Next()
		if err != nil {
			return fail("file %s missing from the backup: %w", f.SHA256, err)
		}
		if hdr.Name != backupFilePath(f.SHA256) || hdr.Size != f.Size || hdr.Typeflag != tar.TypeReg {
			return fail("file %s expected, found %s (%d bytes)", f.SHA256, hdr.Name, hdr.Size)
		}
		sum, err := copyEntry(tr, hdr.Size, dir, filepath.FromSlash(hdr.Name))
		if err != nil {
			return fail("file %s: %w", f.SHA256, err)
		}
		if sum != f.SHA256 {
			return fail("file %s is corrupt: its bytes hash to %s", f.SHA256, sum)
		}
	}
	if hdr, err := tr.Next(); err != io.EOF {
		if err == nil {
			return fail("unexpected entry %s after the files", hdr.Name)
		}
		return fail("the backup is cut short or damaged: %w", err)
	}
	return m, nil
}

func validSum(s string) bool {
	if len(s) != 64 || strings.ToLower(s) != s {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// copyEntry hashes the current entry and, with dir set, writes it to dir/name through a
// temporary file that is fsynced and renamed into place.
func copyEntry(tr *tar.Reader, size int64, dir, name string) (string, error) {
	h := sha256.New()
	if dir == "" {
		if _, err := io.CopyN(h, tr, size); err != nil {
			return "", err
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".restore-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	_, err = io.CopyN(io.MultiWriter(tmp, h), tr, size)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
