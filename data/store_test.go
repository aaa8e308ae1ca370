package data

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSequencesAreFormattedAndNeverReused(t *testing.T) {
	s := openTemp(t)
	tests := []struct {
		seq  Sequence
		want []string
	}{
		{SeqCompany, []string{"C000001", "C000002"}},
		{SeqUser, []string{"U000001", "U000002"}},
		{SeqDocument, []string{"0000000001", "0000000002"}},
		{SeqCertificate, []string{"DJC-00001", "DJC-00002"}},
	}
	for _, tt := range tests {
		for _, want := range tt.want {
			var got string
			if err := s.Update(func(tx *Tx) (err error) { got, err = tx.NextID(tt.seq); return }); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s: got %s, want %s", tt.seq, got, want)
			}
		}
	}
	// A rolled-back transaction does not consume a number, and a committed one is never
	// handed out again even after the record is gone.
	_ = s.Update(func(tx *Tx) error { tx.NextID(SeqUser); return errors.New("abort") })
	var got string
	s.Update(func(tx *Tx) (err error) { got, err = tx.NextID(SeqUser); return })
	if got != "U000003" {
		t.Errorf("after rollback got %s, want U000003", got)
	}
}

func TestTenantHidesOtherCompaniesRecords(t *testing.T) {
	s := openTemp(t)
	var a, b Company
	var ua User
	err := s.Update(func(tx *Tx) error {
		a, b = Company{Name: "A"}, Company{Name: "B"}
		if err := tx.CreateCompany(&a); err != nil {
			return err
		}
		if err := tx.CreateCompany(&b); err != nil {
			return err
		}
		ua = User{Name: "a-user", Email: "a@example.com"}
		return tx.Tenant(a.ID).CreateUser(&ua)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.View(func(tx *Tx) error {
		if _, err := tx.Tenant(b.ID).User(ua.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("company B reading A's user: err = %v, want ErrNotFound", err)
		}
		if got, err := tx.Tenant(a.ID).User(ua.ID); err != nil || got.Name != "a-user" {
			t.Errorf("company A reading its user: %+v, %v", got, err)
		}
		users, _ := tx.Tenant(b.ID).Users()
		if len(users) != 0 {
			t.Errorf("company B lists %d users, want 0", len(users))
		}
		return nil
	})
	err = s.Update(func(tx *Tx) error {
		ua.Name = "hijacked"
		return tx.Tenant(b.ID).PutUser(ua)
	})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("company B writing A's user: err = %v, want ErrNotFound", err)
	}
	if err := s.Update(func(tx *Tx) error { return tx.Tenant("C999999").CreateUser(&User{}) }); err == nil {
		t.Error("creating a user in a missing company succeeded")
	}
}

func TestDraftIsSingleUse(t *testing.T) {
	s := openTemp(t)
	s.Update(func(tx *Tx) error {
		return tx.PutDraft(Draft{Token: "t1", Owner: "U000001", Kind: "user_register", CreatedAt: time.Now()})
	})
	take := func(owner string) error {
		return s.Update(func(tx *Tx) error { _, err := tx.TakeDraft("t1", owner, "user_register"); return err })
	}
	if err := take("U000002"); !errors.Is(err, ErrNotFound) {
		t.Errorf("another owner took the draft: %v", err)
	}
	if err := take("U000001"); err != nil {
		t.Errorf("first take: %v", err)
	}
	if err := take("U000001"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second take: %v, want ErrNotFound", err)
	}
}

func TestSessionsOfASubjectAreRevokedTogether(t *testing.T) {
	s := openTemp(t)
	s.Update(func(tx *Tx) error {
		for _, id := range []string{"s1", "s2"} {
			tx.PutSession(Session{ID: id, Kind: SessionUser, Subject: "U000001"})
		}
		return tx.PutSession(Session{ID: "s3", Kind: SessionUser, Subject: "U000002"})
	})
	var n int
	s.Update(func(tx *Tx) (err error) { n, err = tx.DeleteSessionsOf(SessionUser, "U000001", ""); return })
	if n != 2 {
		t.Errorf("revoked %d sessions, want 2", n)
	}
	s.View(func(tx *Tx) error {
		if _, err := tx.Session("s1"); !errors.Is(err, ErrNotFound) {
			t.Error("s1 survived")
		}
		if _, err := tx.Session("s3"); err != nil {
			t.Error("another user's session was revoked")
		}
		return nil
	})
}

func TestOutboxStateIndexFollowsTheMail(t *testing.T) {
	s := openTemp(t)
	m := Mail{To: []string{"a@example.com"}, Subject: "s"}
	s.Update(func(tx *Tx) error { return tx.QueueMail(&m) })
	s.Update(func(tx *Tx) error {
		m.State = MailSent
		return tx.PutMail(m)
	})
	s.View(func(tx *Tx) error {
		queued, _ := tx.MailsInState(MailQueued)
		sent, _ := tx.MailsInState(MailSent)
		if len(queued) != 0 || len(sent) != 1 || sent[0].ID != m.ID {
			t.Errorf("queued=%d sent=%v", len(queued), sent)
		}
		return nil
	})
}

func TestOnCommitRunsOnlyAfterACommit(t *testing.T) {
	s := openTemp(t)
	var ran []string
	s.Update(func(tx *Tx) error {
		tx.OnCommit(func() { ran = append(ran, "rolled back") })
		return ErrConflict
	})
	s.Update(func(tx *Tx) error {
		tx.OnCommit(func() { ran = append(ran, "committed") })
		return nil
	})
	if len(ran) != 1 || ran[0] != "committed" {
		t.Errorf("ran %v", ran)
	}
}

func TestMigrationsUpgradeAnOldFile(t *testing.T) {
	// A file as written before any migration ran: only its schema version is missing.
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.schemaVersion(); v != len(migrations) {
		t.Errorf("schema version %d, want %d", v, len(migrations))
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchemaVersion, u64(99)) })
	s.Close()
	if _, err := Open(dir); err == nil {
		t.Error("opened a store with a newer schema")
	}
}

// TestEveryMigrationUpgradesTheStoreBeforeIt builds a store as each earlier schema
// version left it, with a record in it, and opens it with this program.
func TestEveryMigrationUpgradesTheStoreBeforeIt(t *testing.T) {
	for version := 1; version < len(migrations); version++ {
		dir := t.TempDir()
		db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(func(tx *bolt.Tx) error {
			for _, m := range migrations[:version] {
				if err := m.run(tx); err != nil {
					return err
				}
			}
			if err := tx.Bucket(bucketMeta).Put(keySchemaVersion, u64(uint64(version))); err != nil {
				return err
			}
			return tx.Bucket(bucketCompanies).Put([]byte("C000001"), []byte(`{"v":1,"id":"C000001","name":"旧建設"}`))
		})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		s, err := Open(dir)
		if err != nil {
			t.Fatalf("open a version %d store: %v", version, err)
		}
		if v, _ := s.schemaVersion(); v != len(migrations) {
			t.Errorf("from version %d: now %d, want %d", version, v, len(migrations))
		}
		s.View(func(tx *Tx) error {
			if c, err := tx.Company("C000001"); err != nil || c.Name != "旧建設" {
				t.Errorf("from version %d: record lost: %+v %v", version, c, err)
			}
			if _, err := tx.Trust(); err != ErrNotFound {
				t.Errorf("from version %d: trust bucket: %v", version, err)
			}
			if counts, err := tx.DocumentCountsByCompany(); err != nil || len(counts) != 0 {
				t.Errorf("from version %d: documents in a new bucket: %v %v", version, counts, err)
			}
			return nil
		})
		// Migration 3: documents can be stored, and each write leaves a "to index" mark.
		err = s.Update(func(tx *Tx) error { return tx.Tenant("C000001").CreateDocument(&Document{Title: "旧契約"}) })
		if err != nil {
			t.Errorf("from version %d: create a document: %v", version, err)
		}
		s.View(func(tx *Tx) error {
			if marks, err := tx.IndexMarks(10); err != nil || len(marks) != 1 {
				t.Errorf("from version %d: marks %v %v", version, marks, err)
			}
			return nil
		})
		s.Close()
	}
}
