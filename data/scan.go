package data

import bolt "go.etcd.io/bbolt"

// Scan is View for transactions that read a large share of the store, such as a
// search index rebuild. The store file is memory-mapped read-only and shared: every page
// a transaction reads stays mapped into the process and counts in its resident memory,
// so reading the whole store once would make the process as large as the file. Before
// the transaction ends (which keeps bbolt from remapping the file meanwhile), Scan tells
// the kernel the process no longer needs the mapped pages. Pages of a shared file
// mapping stay in the page cache and fault back in on the next read, here or in any
// concurrent transaction; only the process's hold on them goes.
func (s *Store) Scan(fn func(tx *Tx) error) error {
	return s.db.View(func(btx *bolt.Tx) error {
		tx := &Tx{tx: btx, memos: s.memos}
		if err := tx.readAhead(true); err != nil {
			return err
		}
		err := fn(tx)
		if rerr := tx.readAhead(false); rerr != nil && err == nil {
			err = rerr
		}
		if rerr := tx.releasePages(); rerr != nil && err == nil {
			err = rerr
		}
		return err
	})
}

// readAhead turns the kernel's read-ahead on the store's mapping on for a scan, and
// back off after. bbolt turns it off (its reads jump about the file), which makes a
// scan of a store that is not in the page cache read it one page per fault; a scan
// mostly walks leaf pages in file order, where read-ahead pays.
func (tx *Tx) readAhead(on bool) error {
	return adviseReadAhead(tx.tx.DB().Info().Data, tx.tx.Size(), on)
}

// releasePages drops the store's mapped pages from the process (see Scan). It is called
// inside a transaction, which keeps the mapping in place; it is safe in any kind: bbolt
// never writes through the mapping.
func (tx *Tx) releasePages() error {
	return releaseMapped(tx.tx.DB().Info().Data, tx.tx.Size())
}

// releaseEvery is how many keys a full scan of a bucket reads between releasePages.
const releaseEvery = 100_000
