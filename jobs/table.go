package jobs

import (
	"context"
	"time"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/domain/draft"
	"inkan/app/domain/invitation"
	"inkan/data"
)

// Deps are the services whose scheduled work the table runs.
type Deps struct {
	Store    *data.Store
	Accounts *account.Service
	Certs    *certificate.Service
	Invites  *invitation.Service
	// Now is the clock of the jobs that read one themselves; nil for the wall clock.
	Now func() time.Time
}

// Table is every scheduled job of the installation.
func Table(d Deps) []Job {
	if d.Now == nil {
		d.Now = time.Now
	}
	return []Job{
		{Name: "purge sessions", Schedule: "@every 5m", Run: unlessCancelled(func() error {
			_, err := d.Accounts.PurgeExpired()
			return err
		})},
		{Name: "purge drafts", Schedule: "@every 1h", Run: unlessCancelled(func() error {
			_, err := draft.Purge(d.Store, d.Now())
			return err
		})},
		// Files no record names, a day past the oldest draft that could still name one.
		{Name: "sweep files", Schedule: "30 3 * * *", Run: unlessCancelled(func() error {
			_, err := d.Store.SweepFiles(d.Now().Add(-2 * draft.MaxAge))
			return err
		})},
		{Name: "publish CRLs", Schedule: "@every 24h", Run: unlessCancelled(d.Certs.PublishCRLs)},
		{Name: "expire invitations", Schedule: "@every 10m", Run: unlessCancelled(func() error {
			_, err := d.Invites.Expire(d.Store)
			return err
		})},
		// 電子証明書有効期間満了のお知らせ, 90, 30 and 7 days before 有効期限, once each.
		{Name: "certificate expiry notices", Schedule: "0 9 * * *", Run: unlessCancelled(func() error {
			_, err := d.Certs.SendExpiryNotices(d.Now())
			return err
		})},
	}
}

// unlessCancelled runs body unless ctx has ended. Each body is one short store
// transaction, which bbolt cannot interrupt: a shutdown waits for a running one and
// keeps the next from starting.
func unlessCancelled(body func() error) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return body()
	}
}
