package jobs_test

import (
	"context"
	"crypto/x509"
	"errors"
	"log/slog"
	"slices"
	"testing"
	"time"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/domain/company"
	"inkan/app/domain/invitation"
	"inkan/app/domain/mail"
	"inkan/app/trust/pki"
	"inkan/data"
	"inkan/jobs"
	"inkan/views"
)

// now is the fixed clock every job of the table reads in these tests.
var now = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

// table builds the job table on the real services over a fresh store.
func table(t *testing.T) (*data.Store, map[string]jobs.Job) {
	t.Helper()
	store, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	master, _ := pki.NewMasterKey()
	box, _ := pki.NewSecretBox(master, "mail secret")
	composer, err := mail.New(views.FS, "mail", "Inkan", "https://keiyaku.example.jp", box)
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	accounts := account.New(store, composer, account.Options{IdleTimeout: 30 * time.Minute, MaxAge: 12 * time.Hour, Now: clock})
	certs, err := certificate.Open(store, master, composer, "Inkan Test", "https://keiyaku.example.jp", clock)
	if err != nil {
		t.Fatal(err)
	}
	invites := &invitation.Service{Mail: composer, Onboarder: company.Onboarder{Accounts: accounts, Now: clock}, BaseURL: "https://keiyaku.example.jp", Now: clock}
	byName := map[string]jobs.Job{}
	for _, j := range jobs.Table(jobs.Deps{Store: store, Accounts: accounts, Certs: certs, Invites: invites, Now: clock}) {
		if _, twice := byName[j.Name]; twice || j.Schedule == "" || j.Run == nil {
			t.Fatalf("table line %+v", j)
		}
		byName[j.Name] = j
	}
	// The table must schedule: New refuses a line cron cannot read.
	s, err := jobs.New(slog.New(slog.DiscardHandler), jobs.Table(jobs.Deps{Store: store, Accounts: accounts, Certs: certs, Invites: invites}))
	if err != nil {
		t.Fatal(err)
	}
	s.Stop()
	return store, byName
}

func run(t *testing.T, tab map[string]jobs.Job, name string) {
	t.Helper()
	j, ok := tab[name]
	if !ok {
		t.Fatalf("no job %q in the table", name)
	}
	if err := j.Run(context.Background()); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestPurgeSessionsRemovesOnlyExpiredOnes(t *testing.T) {
	store, tab := table(t)
	sessions := []data.Session{
		{ID: "fresh", CreatedAt: now.Add(-time.Hour), LastSeenAt: now.Add(-time.Minute)},
		{ID: "idle", CreatedAt: now.Add(-time.Hour), LastSeenAt: now.Add(-31 * time.Minute)},
		{ID: "old", CreatedAt: now.Add(-13 * time.Hour), LastSeenAt: now.Add(-time.Minute)},
	}
	store.Update(func(tx *data.Tx) error {
		for _, s := range sessions {
			s.Kind, s.Subject, s.CompanyID = data.SessionUser, "U000001", "C000001"
			if err := tx.PutSession(s); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	run(t, tab, "purge sessions")
	store.View(func(tx *data.Tx) error {
		for _, s := range sessions {
			_, err := tx.Session(s.ID)
			if kept := err == nil; kept != (s.ID == "fresh") {
				t.Errorf("session %s: kept %v (%v)", s.ID, kept, err)
			}
		}
		return nil
	})
}

func TestPurgeDraftsRemovesThoseOlderThanADay(t *testing.T) {
	store, tab := table(t)
	store.Update(func(tx *data.Tx) error {
		for token, age := range map[string]time.Duration{"old": 25 * time.Hour, "fresh": 23 * time.Hour} {
			if err := tx.PutDraft(data.Draft{Token: token, Owner: "U000001", Kind: "user.register", CreatedAt: now.Add(-age)}); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	run(t, tab, "purge drafts")
	store.Update(func(tx *data.Tx) error {
		if _, err := tx.TakeDraft("old", "U000001", "user.register"); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("the old draft: %v", err)
		}
		if _, err := tx.TakeDraft("fresh", "U000001", "user.register"); err != nil {
			t.Errorf("the fresh draft: %v", err)
		}
		return nil
	})
}

func TestPublishCRLsIssuesTheNextNumberNow(t *testing.T) {
	store, tab := table(t)
	crl := func() *x509.RevocationList {
		var st data.TrustState
		store.View(func(tx *data.Tx) (err error) { st, err = tx.Trust(); return err })
		l, err := x509.ParseRevocationList(st.IssuingCRL)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	before := crl()
	run(t, tab, "publish CRLs")
	after := crl()
	if after.Number.Cmp(before.Number) <= 0 || !after.ThisUpdate.Equal(now) || !after.NextUpdate.After(now.Add(24*time.Hour)) {
		t.Errorf("CRL after the job: number %v (was %v), this update %v, next %v", after.Number, before.Number, after.ThisUpdate, after.NextUpdate)
	}
}

// TestExpireInvitationsMarksOnlyThosePastTheirValidity runs the job twice on the fixed
// clock: the first run marks the open invitations whose URL has expired, the second
// finds nothing more to do and changes nothing.
func TestExpireInvitationsMarksOnlyThosePastTheirValidity(t *testing.T) {
	store, tab := table(t)
	invs := []data.Invitation{
		{Email: "late@example.jp", Status: invitation.StatusWaiting, ExpiresAt: now.Add(-time.Second)},
		{Email: "edge@example.jp", Status: invitation.StatusInputting, ExpiresAt: now},
		{Email: "fresh@example.jp", Status: invitation.StatusWaiting, ExpiresAt: now.Add(time.Minute)},
		{Email: "sent@example.jp", Status: invitation.StatusProcessing, ExpiresAt: now.Add(-time.Hour)},
	}
	want := []string{invitation.StatusExpired, invitation.StatusExpired, invitation.StatusWaiting, invitation.StatusProcessing}
	err := store.Update(func(tx *data.Tx) error {
		c := data.Company{Name: "発注建設", Plan: string(company.PlanOneSide)}
		if err := tx.CreateCompany(&c); err != nil {
			return err
		}
		for i := range invs {
			invs[i].TokenHash = invs[i].Email
			if err := tx.Tenant(c.ID).CreateInvitation(&invs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	states := func() []string {
		var out []string
		store.View(func(tx *data.Tx) error {
			for _, inv := range invs {
				got, err := tx.InvitationByID(inv.ID)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, got.Status)
			}
			return nil
		})
		return out
	}
	for pass := 1; pass <= 2; pass++ {
		run(t, tab, "expire invitations")
		if got := states(); !slices.Equal(got, want) {
			t.Errorf("after run %d: %v, want %v", pass, got, want)
		}
		var expired int
		store.View(func(tx *data.Tx) error { expired = len(tx.InvitationIDsInState(invitation.StatusExpired)); return nil })
		if expired != 2 {
			t.Errorf("after run %d: %d in the expired index, want 2", pass, expired)
		}
	}
}

func TestNoJobStartsAfterShutdown(t *testing.T) {
	store, tab := table(t)
	// A draft that the purge would remove stays: the job did not run.
	err := store.Update(func(tx *data.Tx) error {
		return tx.PutDraft(data.Draft{Token: "old", Owner: "user:U000001", Kind: "k", CreatedAt: now.Add(-48 * time.Hour)})
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, j := range tab {
		if err := j.Run(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("%s after shutdown: %v", name, err)
		}
	}
	err = store.Update(func(tx *data.Tx) error {
		_, err := tx.TakeDraft("old", "user:U000001", "k")
		return err
	})
	if err != nil {
		t.Errorf("the draft purge ran after shutdown: %v", err)
	}
}
