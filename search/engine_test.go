package search

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"inkan/data"
)

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// installation is a store with two companies and an engine over it.
func installation(t *testing.T, dir string) (*data.Store, *Engine) {
	t.Helper()
	store, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	store.Update(func(tx *data.Tx) error {
		for len(mustCompanies(tx)) < 2 {
			if err := tx.CreateCompany(&data.Company{Name: "建設"}); err != nil {
				return err
			}
		}
		return nil
	})
	e, err := Open(store, filepath.Join(dir, "search"), quietLog(), nil)
	if err != nil {
		store.Close()
		t.Fatal(err)
	}
	return store, e
}

func mustCompanies(tx *data.Tx) []data.Company {
	cs, _ := tx.Companies()
	return cs
}

func ids(t *testing.T, e *Engine, company string, q Query) []string {
	t.Helper()
	res, err := e.Search(context.Background(), company, q)
	if err != nil {
		t.Fatal(err)
	}
	return res.IDs
}

func TestChangesAreSearchableAfterUpdate(t *testing.T) {
	dir := t.TempDir()
	store, e := installation(t, dir)
	defer store.Close()
	defer e.Close()
	if e.NeedsRebuild() {
		if err := e.Rebuild(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	d := data.Document{Title: "ＡＢＣビル新築工事", Receiver: data.Party{CompanyID: "C000002"}}
	if err := e.Update(func(tx *data.Tx) error { return tx.Tenant("C000001").CreateDocument(&d) }); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, e, "C000001", Query{Title: "abcびる"}); !slices.Equal(got, []string{d.ID}) {
		t.Errorf("sender finds %v", got)
	}
	if got := ids(t, e, "C000002", Query{}); len(got) != 0 {
		t.Errorf("receiver finds %v before it was sent", got)
	}
	now := time.Now()
	d.SentAt, d.StorageStart = &now, now
	if err := e.Update(func(tx *data.Tx) error { _, err := tx.Tenant("C000001").PutDocument(d); return err }); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"C000001", "C000002"} {
		if got := ids(t, e, c, Query{Storage: LongTerm}); !slices.Equal(got, []string{d.ID}) {
			t.Errorf("%s: long-term storage lists %v", c, got)
		}
		if got := ids(t, e, c, Query{Storage: Active}); len(got) != 0 {
			t.Errorf("%s: active documents list %v after the move", c, got)
		}
	}
	if _, err := e.Search(context.Background(), "", Query{}); err == nil {
		t.Error("a search without a company ran")
	}
}

// TestCrashBetweenCommitAndIndexLosesNothing kills a process right after it committed
// documents to the store and before it touched the index; the next start repairs.
func TestCrashBetweenCommitAndIndexLosesNothing(t *testing.T) {
	if dir := os.Getenv("INKAN_CRASH_DIR"); dir != "" {
		crashAfterCommit(dir)
		return
	}
	dir := t.TempDir()
	store, e := installation(t, dir)
	e.Rebuild(context.Background())
	e.Close()
	store.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashBetweenCommitAndIndexLosesNothing$")
	cmd.Env = append(os.Environ(), "INKAN_CRASH_DIR="+dir)
	err := cmd.Run()
	if status, ok := err.(*exec.ExitError); !ok || status.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the child was to die by SIGKILL: %v", err)
	}

	store, e = installation(t, dir)
	defer store.Close()
	defer e.Close()
	if got := ids(t, e, "C000001", Query{Title: "クラッシュ"}); !slices.Equal(got, []string{"0000000003", "0000000002", "0000000001"}) {
		t.Errorf("after the crash the index holds %v", got)
	}
	store.View(func(tx *data.Tx) error {
		if marks, _ := tx.IndexMarks(10); len(marks) != 0 {
			t.Errorf("marks left after the repair: %v", marks)
		}
		return nil
	})
}

func crashAfterCommit(dir string) {
	store, err := data.Open(dir)
	if err != nil {
		panic(err)
	}
	err = store.Update(func(tx *data.Tx) error {
		for range 3 {
			if err := tx.Tenant("C000001").CreateDocument(&data.Document{Title: "クラッシュ試験"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

// TestNewMappingVersionRebuildsWhileTheOldIndexServes opens an index made for another
// mapping version: it keeps answering until the rebuild in the background replaces it.
func TestNewMappingVersionRebuildsWhileTheOldIndexServes(t *testing.T) {
	dir := t.TempDir()
	store, e := installation(t, dir)
	e.Rebuild(context.Background())
	for range 3 {
		e.Update(func(tx *data.Tx) error { return tx.Tenant("C000001").CreateDocument(&data.Document{Title: "旧版"}) })
	}
	e.Close()
	// Make the current index look as an older program left it.
	name, _ := os.ReadFile(filepath.Join(dir, "search", currentFile))
	oldDir := filepath.Join(dir, "search", string(name))
	writeFileSync(filepath.Join(oldDir, layoutFile), []byte(`{"mapping_version":0,"groups":8}`))
	// A change the old index never saw, made while no engine ran.
	store.Update(func(tx *data.Tx) error { return tx.Tenant("C000001").CreateDocument(&data.Document{Title: "新版"}) })

	e, err := Open(store, filepath.Join(dir, "search"), quietLog(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	defer e.Close()
	if !e.NeedsRebuild() {
		t.Fatal("an index of another mapping version was taken as current")
	}
	res, err := e.Search(context.Background(), "C000001", Query{Title: "旧版"})
	if err != nil || len(res.IDs) != 3 || !res.Partial {
		t.Errorf("the old index serves %v (partial %v, %v) during the rebuild", res.IDs, res.Partial, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	for deadline := time.Now().Add(10 * time.Second); e.NeedsRebuild(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no rebuild")
		}
	}
	cancel()
	<-done
	res, err = e.Search(context.Background(), "C000001", Query{})
	if want := []string{"0000000004", "0000000003", "0000000002", "0000000001"}; err != nil || !slices.Equal(res.IDs, want) || res.Partial {
		t.Errorf("after the rebuild: %v (partial %v, %v)", res.IDs, res.Partial, err)
	}
	if _, err := os.Stat(oldDir); !os.IsNotExist(err) {
		t.Errorf("the old index is still there: %v", err)
	}
}
