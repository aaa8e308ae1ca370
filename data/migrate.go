package data

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// migration is one step of the schema. The list is append-only: a released step is never
// edited, a change is a new step.
type migration struct {
	name string
	run  func(tx *bolt.Tx) error
}

var migrations = []migration{
	{"create the foundation buckets", func(tx *bolt.Tx) error {
		return createBuckets(tx,
			bucketMeta, bucketSequences, bucketCompanies, bucketUsers, bucketUsersByCompany,
			bucketSessions, bucketSessionsBySubj, bucketOutbox, bucketOutboxByState,
			bucketAudit, bucketNotices, bucketOperators, bucketDrafts)
	}},
	{"create the trust buckets: CA state and certificates", func(tx *bolt.Tx) error {
		return createBuckets(tx, bucketTrust, bucketCertificates, bucketCertificatesByCompany)
	}},
	{"create the document buckets: documents, by company, to index", func(tx *bolt.Tx) error {
		return createBuckets(tx, bucketDocuments, bucketDocumentsByCompany, bucketDocumentsToIndex)
	}},
	{"create the passkey buckets: credentials, by owner", func(tx *bolt.Tx) error {
		return createBuckets(tx, bucketPasskeys, bucketPasskeysByOwner)
	}},
	{"create the invitation buckets: invitations, by company, by token, by state", func(tx *bolt.Tx) error {
		return createBuckets(tx, bucketInvitations, bucketInvitationsByCompany, bucketInvitationsByToken, bucketInvitationsByState)
	}},
	{"create the certificate application buckets", func(tx *bolt.Tx) error {
		return createBuckets(tx, bucketApplications, bucketApplicationsByCompany)
	}},
	{"create the usage buckets: billable documents by company and month, by document", func(tx *bolt.Tx) error {
		return createBuckets(tx, bucketUsage, bucketUsageByDocument)
	}},
	{"create the signing password bucket", func(tx *bolt.Tx) error {
		return createBuckets(tx, bucketSigningPasswords)
	}},
	{"record the partners of every company from its documents", func(tx *bolt.Tx) error {
		if err := createBuckets(tx, bucketPartners); err != nil {
			return err
		}
		return (&Tx{tx: tx}).recordPartners()
	}},
	{"nest the company indexes: one bucket per company, keyed by ID alone", func(tx *bolt.Tx) error {
		if err := nestCompanyIndex(tx, bucketDocumentsByCompany); err != nil {
			return err
		}
		return nestCompanyIndex(tx, bucketPartners)
	}},
}

var keySchemaVersion = []byte("schema_version")

func createBuckets(tx *bolt.Tx, names ...[]byte) error {
	for _, n := range names {
		if _, err := tx.CreateBucketIfNotExists(n); err != nil {
			return fmt.Errorf("create bucket %s: %w", n, err)
		}
	}
	return nil
}

// migrate runs every step newer than the file's schema version, each in its own
// transaction, so a failure leaves the file at the last completed version.
func (s *Store) migrate() error {
	current, err := s.schemaVersion()
	if err != nil {
		return err
	}
	if current > len(migrations) {
		return fmt.Errorf("data: store schema version %d is newer than this program (%d): upgrade inkan", current, len(migrations))
	}
	for i := current; i < len(migrations); i++ {
		m := migrations[i]
		err := s.db.Update(func(tx *bolt.Tx) error {
			if err := m.run(tx); err != nil {
				return err
			}
			meta, err := tx.CreateBucketIfNotExists(bucketMeta)
			if err != nil {
				return err
			}
			return meta.Put(keySchemaVersion, u64(uint64(i+1)))
		})
		if err != nil {
			return fmt.Errorf("data: migration %d (%s): %w", i+1, m.name, err)
		}
	}
	return nil
}

func (s *Store) schemaVersion() (int, error) {
	var v int
	err := s.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return nil
		}
		if raw := meta.Get(keySchemaVersion); len(raw) == 8 {
			v = int(binary.BigEndian.Uint64(raw))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("data: read schema version: %w", err)
	}
	return v, nil
}

func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}
