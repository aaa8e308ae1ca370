package server

import (
	"os"
	"runtime/debug"

	"inkan/app/run/config"
)

// ApplyGCPolicy sets the garbage collector's policy of the process for a server: a
// request allocates a few hundred kilobytes (a page of fifty documents, its HTML),
// which at the runtime's default target of 100% means a collection every few hundred
// requests on a small heap, each taking a share of the two cores the screens also
// need; a higher target collects less often, and the soft memory limit keeps the heap
// within the machine's means all the same (the collector works harder near it).
// GOGC and GOMEMLIMIT in the environment win, as the runtime documents them. It
// returns a function that restores the previous policy.
func ApplyGCPolicy(cfg config.Config) (restore func()) {
	var undo []func()
	if os.Getenv("GOGC") == "" {
		prev := debug.SetGCPercent(cfg.GCPercent)
		undo = append(undo, func() { debug.SetGCPercent(prev) })
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		prev := debug.SetMemoryLimit(cfg.MemoryLimit)
		undo = append(undo, func() { debug.SetMemoryLimit(prev) })
	}
	return func() {
		for _, f := range undo {
			f()
		}
	}
}
