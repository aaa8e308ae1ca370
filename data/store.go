package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FileName is the name of the store file inside the data directory.
const FileName = "inkan.db"

// ErrNotFound is returned when a record does not exist or belongs to another company.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a write would break a uniqueness rule.
var ErrConflict = errors.New("conflict")

// Store is the open record store.
type Store struct {
	dir   string
	db    *bolt.DB
	memos *memos
	room  *room
}

// Open opens (creating if needed) the store in dir and runs pending migrations.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data: create directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, FreelistType: bolt.FreelistMapType})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("data: open %s: the store is in use by another inkan process", path)
		}
		return nil, fmt.Errorf("data: open %s: %w", path, err)
	}
	s := &Store{dir: dir, db: db, memos: newMemos(), room: &room{}}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the store file.
func (s *Store) Close() error {
	return s.db.Close()
}

// View runs fn in a read-only transaction.
func (s *Store) View(fn func(tx *Tx) error) error {
	return s.db.View(func(btx *bolt.Tx) error { return fn(&Tx{tx: btx, memos: s.memos}) })
}

// ViewBulk is View for reading many records once each (an export of a whole search):
// documents are decoded without the memo, which keeps the documents pages show again
// and again and which such a read would only churn.
func (s *Store) ViewBulk(fn func(tx *Tx) error) error {
	return s.db.View(func(btx *bolt.Tx) error { return fn(&Tx{tx: btx, memos: s.memos, bulk: true}) })
}

// Update runs fn in one read-write transaction: everything fn writes is committed
// together, or nothing is when fn returns an error.
func (s *Store) Update(fn func(tx *Tx) error) error {
	return s.db.Update(func(btx *bolt.Tx) error { return fn(&Tx{tx: btx, memos: s.memos}) })
}

// Tx is a transaction on the store. Values read through it are copies and stay valid
// after the transaction ends.
type Tx struct {
	tx    *bolt.Tx
	memos *memos
	// open keeps the buckets this transaction has looked up: bbolt finds a top-level
	// bucket by a search of the root on every call in a read transaction, which a page
	// that reads fifty users would do a hundred times.
	open map[string]*bolt.Bucket
	bulk bool // see ViewBulk
}

// OnCommit runs fn after the transaction has been committed, never when it rolls back
// (e.g. to wake a worker for a record this transaction wrote).
func (tx *Tx) OnCommit(fn func()) { tx.tx.OnCommit(fn) }
