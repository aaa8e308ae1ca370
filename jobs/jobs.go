// Package jobs runs Inkan's scheduled work (SPEC section 8) on robfig/cron. Every job is
// idempotent: running one twice, or after a crash half-way, does no harm.
package jobs

import (
	"context"
	"log/slog"

	"github.com/robfig/cron/v3"
)

// Scheduler runs named jobs on cron specs.
type Scheduler struct {
	cron *cron.Cron
	log  *slog.Logger
}

// New makes a scheduler. A job still running when its next turn comes is skipped, not
// doubled.
func New(log *slog.Logger) *Scheduler {
	return &Scheduler{
		cron: cron.New(cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger))),
		log:  log,
	}
}

// Add schedules fn under a name on a cron spec ("@every 5m", "0 3 * * *").
func (s *Scheduler) Add(spec, name string, fn func(context.Context) error) error {
	_, err := s.cron.AddFunc(spec, func() {
		if err := fn(context.Background()); err != nil {
			s.log.Error("job failed", "job", name, "err", err)
		}
	})
	return err
}

// Start runs the schedule in the background.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop ends the schedule and waits for running jobs.
func (s *Scheduler) Stop() { <-s.cron.Stop().Done() }
