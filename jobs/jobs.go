// Package jobs runs Inkan's scheduled work (SPEC section 8) on robfig/cron. The job table
// (table.go) names every job; each body belongs to the domain package whose rule it
// applies. Every job is idempotent: running one twice, or after a crash half-way, does
// no harm.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"inkan/app/locale/jst"
)

// Job is one line of the table: a name for the logs, a cron spec read in Japan time
// ("@every 5m", "0 3 * * *" is 03:00 JST), and the body.
type Job struct {
	Name     string
	Schedule string
	Run      func(context.Context) error
}

// Scheduler runs a job table on cron in Japan time.
type Scheduler struct {
	cron   *cron.Cron
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
}

// New schedules the table. A job still running when its next turn comes is skipped, not
// doubled. Every run gets a context that Stop cancels.
func New(log *slog.Logger, table []Job) (*Scheduler, error) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Scheduler{cron: cron.New(cron.WithLocation(jst.Zone)), log: log, ctx: ctx, cancel: cancel}
	for _, j := range table {
		skip := cron.SkipIfStillRunning(cronLogger{log.With("job", j.Name)})
		if _, err := s.cron.AddJob(j.Schedule, skip(cron.FuncJob(s.runner(j)))); err != nil {
			cancel()
			return nil, fmt.Errorf("schedule job %q on %q: %w", j.Name, j.Schedule, err)
		}
	}
	return s, nil
}

// runner is what cron calls for j: one run under the scheduler's context, logged with
// its start, end, duration and error.
func (s *Scheduler) runner(j Job) func() {
	return func() {
		log := s.log.With("job", j.Name)
		log.Info("job started")
		start := time.Now()
		err := j.Run(s.ctx)
		took := time.Since(start)
		if err != nil {
			log.Error("job failed", "duration", took, "err", err)
			return
		}
		log.Info("job finished", "duration", took)
	}
}

// Start runs the schedule in the background.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop ends the schedule, cancels the context of running jobs and waits for them.
func (s *Scheduler) Stop() {
	done := s.cron.Stop()
	s.cancel()
	<-done.Done()
}

// cronLogger tells the log when cron skips a run because the previous one still runs.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		msg = "job skipped: the previous run has not ended"
	}
	l.log.Info(msg, kv...)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error(msg, append(kv, "err", err)...)
}
