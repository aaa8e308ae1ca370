package draft_test

import (
	"errors"
	"testing"
	"time"

	"inkan/app/domain/draft"
	"inkan/app/domain/form"
	"inkan/data"
)

type entry struct{ Name string }

// refused is the set of names the test's rules refuse; a test adds one after 確認 to
// stand for a rule that changed between 確認 and 確定.
var refused = map[string]bool{}

var kind = draft.Kind[entry]{Name: "test_entry", Validate: func(e entry) form.Errors {
	errs := form.Errors{}
	if e.Name == "" || refused[e.Name] {
		errs.Add("name", "error.required")
	}
	return errs
}}

var start = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

func open(t *testing.T) *data.Store {
	t.Helper()
	s, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func keep(t *testing.T, s *data.Store, owner string, e entry) string {
	t.Helper()
	var token string
	if err := s.Update(func(tx *data.Tx) (err error) { token, err = kind.Keep(tx, owner, e, start); return }); err != nil {
		t.Fatal(err)
	}
	return token
}

// commit is a flow's 確定: take the draft and write a company of that name in one
// transaction.
func commit(s *data.Store, k draft.Kind[entry], token, owner string, now time.Time) error {
	return s.Update(func(tx *data.Tx) error {
		e, err := k.Take(tx, token, owner, now)
		if err != nil {
			return err
		}
		return tx.CreateCompany(&data.Company{Name: e.Name})
	})
}

func companies(t *testing.T, s *data.Store) []string {
	t.Helper()
	var names []string
	s.View(func(tx *data.Tx) error {
		cs, err := tx.Companies()
		for _, c := range cs {
			names = append(names, c.Name)
		}
		return err
	})
	return names
}

func TestTake(t *testing.T) {
	other := draft.Kind[entry]{Name: "other_entry"}
	tests := []struct {
		name    string
		kind    draft.Kind[entry]
		token   func(kept string) string
		owner   string
		age     time.Duration
		refuse  bool
		wantErr error
	}{
		{name: "the owner within a day", owner: "user:U1", age: time.Hour},
		{name: "at exactly the maximum age", owner: "user:U1", age: draft.MaxAge},
		{name: "another owner", owner: "user:U2", wantErr: draft.ErrGone},
		{name: "another flow's kind", kind: other, owner: "user:U1", wantErr: draft.ErrGone},
		{name: "no token", token: func(string) string { return "" }, owner: "user:U1", wantErr: draft.ErrGone},
		{name: "unknown token", token: func(string) string { return "forged" }, owner: "user:U1", wantErr: draft.ErrGone},
		{name: "older than a day, not yet purged", owner: "user:U1", age: draft.MaxAge + time.Second, wantErr: draft.ErrGone},
		{name: "a rule refuses it now", owner: "user:U1", refuse: true, wantErr: form.Errors{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			token := keep(t, s, "user:U1", entry{Name: "A建設"})
			if tt.token != nil {
				token = tt.token(token)
			}
			k := kind
			if tt.kind.Name != "" {
				k = tt.kind
			}
			refused["A建設"] = tt.refuse
			t.Cleanup(func() { delete(refused, "A建設") })

			err := commit(s, k, token, tt.owner, start.Add(tt.age))
			var fe form.Errors
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("commit: %v", err)
			case errors.Is(tt.wantErr, draft.ErrGone) && !errors.Is(err, draft.ErrGone):
				t.Fatalf("commit: %v, want ErrGone", err)
			case errors.As(tt.wantErr, &fe) && (!errors.As(err, &fe) || fe["name"] != "error.required"):
				t.Fatalf("commit: %v, want the field message", err)
			}
			got := companies(t, s)
			if tt.wantErr != nil && len(got) != 0 {
				t.Errorf("refused commit wrote %q", got)
			}
			if tt.wantErr == nil && (len(got) != 1 || got[0] != "A建設") {
				t.Errorf("commit wrote %q, want [A建設]", got)
			}
		})
	}
}

func TestTakeIsSingleUse(t *testing.T) {
	s := open(t)
	token := keep(t, s, "user:U1", entry{Name: "A建設"})
	if err := commit(s, kind, token, "user:U1", start); err != nil {
		t.Fatal(err)
	}
	if err := commit(s, kind, token, "user:U1", start); !errors.Is(err, draft.ErrGone) {
		t.Errorf("second 確定: %v, want ErrGone", err)
	}
	if got := companies(t, s); len(got) != 1 {
		t.Errorf("%d companies after two 確定, want 1", len(got))
	}
}

// A 確定 that fails after taking the draft (here the rules refuse the values) rolls the
// take back with everything else: once the cause is gone, the same draft commits once.
func TestRefusedCommitKeepsTheDraft(t *testing.T) {
	s := open(t)
	token := keep(t, s, "user:U1", entry{Name: "B建設"})
	refused["B建設"] = true
	defer delete(refused, "B建設")
	if err := commit(s, kind, token, "user:U1", start); err == nil {
		t.Fatal("refused values committed")
	}
	delete(refused, "B建設")
	if err := commit(s, kind, token, "user:U1", start); err != nil {
		t.Fatalf("commit after the refusal: %v", err)
	}
	if got := companies(t, s); len(got) != 1 || got[0] != "B建設" {
		t.Errorf("companies %q, want [B建設]", got)
	}
}

func TestTokensDiffer(t *testing.T) {
	s := open(t)
	a, b := keep(t, s, "user:U1", entry{Name: "A"}), keep(t, s, "user:U1", entry{Name: "A"})
	if a == b || len(a) < 40 {
		t.Errorf("tokens %q and %q", a, b)
	}
}
