package cli_test

import (
	"context"
	"encoding/json"
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
	if code != 0 || !strings.Contains(out, "added 3000 documents among 20 companies") {
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

// On a store that has companies (a first start made the demo company), those take
// part first: the demo company is the largest, and its own users are on its documents,
// so that logging in shows the volume.
func TestGenerateDocsIncludesTheStoresCompanies(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "init", "--data", dir)
	if code != 0 {
		t.Fatalf("init: %d %s", code, errOut)
	}
	var admin string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "admin:" {
			admin = f[1]
		}
	}
	if code, out, errOut := run(t, "generate-docs", "--data", dir, "--companies", "20", "2000"); code != 0 {
		t.Fatalf("generate-docs: %d %q %s", code, out, errOut)
	}
	store, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	err = store.View(func(tx *data.Tx) error {
		companies, err := tx.Companies()
		if err != nil {
			return err
		}
		demo := companies[0].ID
		counts, err := tx.DocumentCountsByCompany()
		if err != nil {
			return err
		}
		if len(companies) != 20 || counts[demo] < 150 {
			t.Errorf("%d companies, the demo company %s in %d documents", len(companies), demo, counts[demo])
		}
		named := 0
		for _, id := range tx.Tenant(demo).DocumentIDs() {
			d, err := tx.Tenant(demo).Document(id)
			if err != nil {
				return err
			}
			if d.TakesPart(demo, admin) {
				named++
			}
		}
		if named == 0 {
			t.Errorf("no document of %s names its admin %s", demo, admin)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestShowRecordPrintsAStoredRecordAsJSON(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := run(t, "generate-docs", "--data", dir, "--companies", "3", "10"); code != 0 {
		t.Fatalf("generate-docs: %d %q %s", code, out, errOut)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"a document, inflated", []string{"documents", "0000000001"}, 0, `"id": "0000000001"`},
		{"a company", []string{"companies", "C000002"}, 0, `"id": "C000002"`},
		{"a company's bucket of an index", []string{"documents_by_company", "C000001"}, 0, `"0000000`},
		{"a missing record", []string{"documents", "0000000099"}, 1, ""},
		{"a missing bucket", []string{"nothing", "1"}, 1, ""},
		{"no key", []string{"documents"}, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, append([]string{"show-record", "--data", dir}, tt.args...)...)
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Fatalf("code %d, stdout %q, stderr %s", code, out, errOut)
			}
			if code == 0 && !json.Valid([]byte(out)) {
				t.Errorf("not JSON: %s", out)
			}
		})
	}
	if code, _, _ := run(t, "show-record", "--data", t.TempDir(), "documents", "0000000001"); code == 0 {
		t.Error("show-record of an empty directory succeeded")
	}
}
