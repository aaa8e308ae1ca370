package cli_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"inkan/app/domain/contract"
	"inkan/data"
	"inkan/search"
)

func TestReindexWorksOnAGeneratedDataDirectory(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "generate-docs", "--data", dir, "--companies", "20", "3000")
	if code != 0 || !strings.Contains(out, "added 20 companies and 3000 documents") {
		t.Fatalf("generate-docs: %d %q %s", code, out, errOut)
	}
	code, out, errOut = run(t, "reindex", "--data", dir)
	if code != 0 || !strings.Contains(out, "reindexed 3000 documents") {
		t.Fatalf("reindex: %d %q %s", code, out, errOut)
	}
	store, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	engine, err := search.Open(store, filepath.Join(dir, search.DirName), slog.New(slog.DiscardHandler), contract.TurnUser)
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close()
	if engine.NeedsRebuild() {
		t.Error("the index made by reindex is not current")
	}
	var want int
	store.View(func(tx *data.Tx) error { want = len(tx.Tenant("C000001").DocumentIDs()); return nil })
	res, err := engine.Search(context.Background(), "C000001", search.Query{})
	if err != nil || res.Total != want || want == 0 {
		t.Errorf("the largest company: %d documents found, %d in the store (%v)", res.Total, want, err)
	}
	store.View(func(tx *data.Tx) error {
		if marks, _ := tx.IndexMarks(1); len(marks) != 0 {
			t.Errorf("marks left after reindex")
		}
		return nil
	})
	if code, _, _ := run(t, "reindex", "--data", t.TempDir()); code == 0 {
		t.Error("reindex of an empty directory succeeded")
	}
}
