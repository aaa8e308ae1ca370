package data

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// Files keeps large immutable bytes (the 印鑑証明書 PDFs) as files beside the store,
// named by their SHA-256: written and fsynced before the transaction that refers to
// them commits, checked against the name when read.
type Files struct {
	dir  string
	room *room
}

// Files is the file room of the store's data directory (DATA/files).
func (s *Store) Files() Files { return Files{dir: filepath.Join(s.dir, "files"), room: s.room} }

// Put stores b and returns its SHA-256 in hex. Storing the same bytes twice keeps one
// file.
func (f Files) Put(b []byte) (string, error) {
	sum := sha256.Sum256(b)
	name := hex.EncodeToString(sum[:])
	path := f.path(name)
	if _, err := os.Stat(path); err == nil {
		// The same bytes again (a second upload): the file now waits for this commit
		// too, so SweepFiles counts its age from now.
		now := time.Now()
		if err := os.Chtimes(path, now, now); err != nil {
			return "", fmt.Errorf("data: file %s: %w", name, err)
		}
		return name, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("data: file %s: %w", name, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".put-*")
	if err != nil {
		return "", fmt.Errorf("data: file %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err == nil {
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
		return "", fmt.Errorf("data: file %s: %w", name, err)
	}
	return name, nil
}

// Get reads the file of that SHA-256, refusing one whose bytes no longer match.
func (f Files) Get(sum string) ([]byte, error) {
	if len(sum) != 64 {
		return nil, ErrNotFound
	}
	if _, err := hex.DecodeString(sum); err != nil {
		return nil, ErrNotFound
	}
	b, err := os.ReadFile(f.path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("data: file %s: %w", sum, err)
	}
	got := sha256.Sum256(b)
	if hex.EncodeToString(got[:]) != sum {
		return nil, fmt.Errorf("data: file %s: its bytes changed on disk", sum)
	}
	return b, nil
}

// Join reads the files of parts, one after the other, into one slice (a document's
// PDF from its Parts), each checked against its hash and size. The slice is the
// caller's to keep.
func (f Files) Join(parts []FileRef) ([]byte, error) {
	r, err := f.read(parts, 0, make([]byte, 0, sizeOf(parts)))
	if err != nil {
		return nil, err
	}
	if _, err := r.Checked(); err != nil {
		return nil, err
	}
	return r.Bytes, nil
}

// Reading is a document read to be extended (Files.Read).
type Reading struct {
	// Bytes are the files, one after the other, with the spare capacity asked for
	// after them.
	Bytes []byte
	whole hash.Hash
	err   error
	done  chan struct{}
	// buf is the memory of Bytes, which Release hands to the next Read.
	buf  []byte
	room *room
}

// Read is Join for a caller that extends a document, with work to do meanwhile: it
// reads the files, checks their sizes, and checks their hashes on another core while
// the caller goes on (Checked waits for that check). Nothing made from the bytes may
// leave the caller before Checked returns a nil error (a signature of a document
// whose bytes changed on disk would be a signature of the wrong document). spare is
// capacity left after the bytes, for a caller that appends to them.
//
// The bytes are read into memory that an earlier Read released, when there is
// some: the caller calls Release once nothing it keeps refers to them. A 20 MB
// document is then signed without the system giving, and the collector clearing,
// 20 MB of memory each time.
func (f Files) Read(parts []FileRef, spare int) (*Reading, error) {
	size := sizeOf(parts) + int64(spare)
	buf := f.room.take(size)
	r, err := f.read(parts, spare, buf[:0:size])
	if err != nil {
		f.room.give(buf)
		return nil, err
	}
	r.buf, r.room = buf, f.room
	return r, nil
}

// Checked waits for the check of the bytes and gives the SHA-256 state after all of
// them, a copy of its own at every call: the check hashes them anyway, and a
// signature's byte range starts with them, so a signature goes on from there
// instead of hashing the document again (pades.Prehash).
func (r *Reading) Checked() (hash.Hash, error) {
	<-r.done
	if r.err != nil {
		return nil, r.err
	}
	return r.whole.(hash.Cloner).Clone()
}

// Release hands the memory of Bytes to the next Read. Bytes must not be used after.
func (r *Reading) Release() {
	<-r.done // the check reads them
	if r.buf != nil {
		r.room.give(r.buf)
		r.buf, r.Bytes = nil, nil
	}
}

// read reads the files of parts onto b, which has room for them and spare bytes
// more, and starts the check of their hashes.
func (f Files) read(parts []FileRef, spare int, b []byte) (*Reading, error) {
	var err error
	for _, p := range parts {
		if b, err = f.appendFile(b, p); err != nil {
			return nil, err
		}
	}
	// The spare capacity may hold an earlier document's bytes: it is cleared, so
	// that nothing appended next to this one can ever show them.
	clear(b[len(b):cap(b)])
	r := &Reading{Bytes: b, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.whole, r.err = checkSums(b, parts)
	}()
	return r, nil
}

func sizeOf(parts []FileRef) int64 {
	var size int64
	for _, p := range parts {
		size += p.Size
	}
	return size
}

// checkSums checks that b is the files of parts, one after the other, by their
// hashes, and returns the hash of all of b. The first file, nearly all of a
// document, is hashed once for both.
func checkSums(b []byte, parts []FileRef) (hash.Hash, error) {
	whole := sha256.New()
	for i, p := range parts {
		h := whole
		if i > 0 {
			h = sha256.New()
			whole.Write(b[:p.Size])
		}
		h.Write(b[:p.Size])
		if hex.EncodeToString(h.Sum(nil)) != p.SHA256 {
			return nil, fmt.Errorf("data: file %s: its bytes changed on disk", p.SHA256)
		}
		b = b[p.Size:]
	}
	return whole, nil
}

// room keeps the memory of documents read to be extended for the next Read:
// signing and completing a contract each read the whole document, and with the
// memory kept the system does not hand it out again page by page, nor the collector
// clear it, for every step, which cost as much as the rest of a 1 MB document's
// life. It keeps buffers of up to roomBuffer bytes, roomLimit in all, the oldest
// given up first: a larger document is rarer, and memory kept for it would stay
// taken while the server idles (and raise the collector's target with it).
type room struct {
	mu   sync.Mutex
	idle [][]byte
	held int64
}

const (
	roomBuffer = 8 << 20
	roomLimit  = 16 << 20
)

// take returns memory of at least n bytes, kept or new.
func (m *room) take(n int64) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, b := range m.idle {
		if int64(cap(b)) >= n {
			m.idle = slices.Delete(m.idle, i, i+1)
			m.held -= int64(cap(b))
			return b[:cap(b)]
		}
	}
	return make([]byte, n)
}

// give keeps b for a later take.
func (m *room) give(b []byte) {
	if cap(b) > roomBuffer {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.idle = append(m.idle, b)
	m.held += int64(cap(b))
	for m.held > roomLimit {
		m.held -= int64(cap(m.idle[0]))
		m.idle = slices.Delete(m.idle, 0, 1)
	}
}

// appendFile reads the file of p onto the end of out, which has room for it, and
// checks that its size is the one recorded.
func (f Files) appendFile(out []byte, p FileRef) ([]byte, error) {
	if len(p.SHA256) != 64 {
		return nil, ErrNotFound
	}
	if _, err := hex.DecodeString(p.SHA256); err != nil {
		return nil, ErrNotFound
	}
	fh, err := os.Open(f.path(p.SHA256))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("data: file %s: %w", p.SHA256, err)
	}
	defer fh.Close()
	start := len(out)
	out = slices.Grow(out, int(p.Size))
	n, err := io.ReadFull(fh, out[start:start+int(p.Size)])
	if err == nil {
		// The file must end where its size says.
		var one [1]byte
		if m, _ := fh.Read(one[:]); m > 0 {
			err = errors.New("longer than recorded")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("data: file %s (%d of %d bytes): %w", p.SHA256, n, p.Size, err)
	}
	return out[:start+n], nil
}

func (f Files) path(sum string) string { return filepath.Join(f.dir, sum[:2], sum) }

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
