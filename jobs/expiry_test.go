package jobs_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/domain/mail"
	"inkan/app/trust/pki"
	"inkan/data"
	"inkan/jobs"
	"inkan/views"
)

// TestExpiryNoticesAt90And30And7Days runs the table's expiry job on a fixed clock moved
// across the notice days, each day twice: one 電子証明書有効期間満了のお知らせ per notice
// day and certificate, to the company's active admins and the linked users, never
// twice, and nothing for an expired or revoked certificate.
func TestExpiryNoticesAt90And30And7Days(t *testing.T) {
	store, err := data.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	master, _ := pki.NewMasterKey()
	box, _ := pki.NewSecretBox(master, "mail secret")
	composer, _ := mail.New(views.FS, "mail", "Inkan", "https://keiyaku.example.jp", box)
	clock := now
	tick := func() time.Time { return clock }
	accounts := account.New(store, composer, account.Options{IdleTimeout: time.Hour, MaxAge: time.Hour, Now: tick})
	certs, err := certificate.Open(store, master, composer, "Inkan Test", "https://keiyaku.example.jp", tick)
	if err != nil {
		t.Fatal(err)
	}
	var job jobs.Job
	for _, j := range jobs.Table(jobs.Deps{Store: store, Accounts: accounts, Certs: certs, Now: tick}) {
		if j.Name == "certificate expiry notices" {
			job = j
		}
	}
	if job.Run == nil {
		t.Fatal("no expiry job in the table")
	}
	var first, second data.Certificate
	err = store.Update(func(tx *data.Tx) error {
		co := data.Company{Name: "A建設"}
		if err := tx.CreateCompany(&co); err != nil {
			return err
		}
		tn := tx.Tenant(co.ID)
		for _, u := range []data.User{
			{Role: account.RoleAdmin, Email: "admin@example.jp", Status: account.StatusActive},
			{Role: account.RoleAdmin, Email: "away@example.jp", Status: account.StatusSuspended},
			{Role: account.RoleGeneral, Email: "signer@example.jp", Status: account.StatusActive},
			{Role: account.RoleGeneral, Email: "other@example.jp", Status: account.StatusActive},
		} {
			if err := tn.CreateUser(&u); err != nil {
				return err
			}
		}
		in := certificate.ApplicationInput{OrgJa: "A建設", OrgEn: "A Kensetsu", UserID: "U000003"}
		if first, err = certs.IssueNow(tx, co.ID, in, "", "test"); err != nil {
			return err
		}
		second, err = certs.IssueNow(tx, co.ID, in, "", "test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The second certificate is revoked: it gets no notice.
	if err := store.Update(func(tx *data.Tx) error { return certs.Revoke(tx, second.Number, pki.ReasonSuperseded, "test") }); err != nil {
		t.Fatal(err)
	}
	notices := func() []string {
		var out []string
		store.View(func(tx *data.Tx) error {
			m, _ := tx.RecentMails(100)
			for _, x := range m {
				if strings.HasSuffix(x.Subject, "電子証明書有効期間満了のお知らせ") {
					out = append(out, strings.Join(x.To, ","))
				}
			}
			return nil
		})
		return out
	}
	day := func(d int) time.Time { return first.NotAfter.AddDate(0, 0, -d) }
	steps := []struct {
		at   time.Time
		sent int // notices in the outbox after the two runs of this step
	}{
		{day(120), 0}, {day(91), 0}, {day(90), 1}, {day(89), 1}, {day(30).Add(-time.Minute), 1}, {day(30), 2},
		{day(8), 2}, {day(7), 3}, {day(0).Add(-time.Minute), 3}, {day(-1), 3}, {day(-400), 3},
	}
	for _, s := range steps {
		clock = s.at
		for run := 0; run < 2; run++ {
			if err := job.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if got := len(notices()); got != s.sent {
			t.Errorf("at %s: %d notices, want %d", s.at.Format(time.DateOnly), got, s.sent)
		}
	}
	if got := notices(); !slices.Equal(got[:1], []string{"admin@example.jp,signer@example.jp"}) {
		t.Errorf("recipients %v", got)
	}
	store.View(func(tx *data.Tx) error {
		c, _ := tx.CertificateByNumber(first.Number)
		if !slices.Equal(c.ExpiryNotices, []int{90, 30, 7}) {
			t.Errorf("recorded notices %v", c.ExpiryNotices)
		}
		return nil
	})
}
