package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"inkan/app/domain/account"
	"inkan/app/domain/contract"
	"inkan/app/run/config"
	"inkan/data"
	"inkan/search"
	"inkan/search/synthetic"
)

// reindex rebuilds the search index from the store. It opens the store itself, so the
// server must be stopped; a running server rebuilds on its own when the mapping changes.
func reindex(env Env, args []string) error {
	cfg, rest, err := config.Parse("reindex", args, env.Getenv)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return errors.New("usage: inkan reindex [--data DIR]")
	}
	store, err := openStore(cfg.DataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	engine, err := search.Open(store, filepath.Join(cfg.DataDir, search.DirName), log, contract.TurnUser)
	if err != nil {
		return err
	}
	defer engine.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	last := time.Now()
	st, err := engine.RebuildStats(ctx, func(n int) {
		if time.Since(last) > 5*time.Second {
			fmt.Fprintf(env.Stderr, "reindex: %d entries\n", n)
			last = time.Now()
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "reindexed %d documents (%d entries) in %s: %.0f documents/s; %d companies with indexes of their own\n",
		st.Documents, st.Entries, st.Elapsed.Round(time.Millisecond), float64(st.Documents)/st.Elapsed.Seconds(), len(st.Layout.Dedicated))
	return nil
}

// generateDocs adds synthetic companies and documents to a data directory, for trying
// the search screens and the index at scale (then run `inkan reindex`, or start the
// server, which applies the documents' marks).
func generateDocs(env Env, args []string) error {
	var companies int
	var seed uint64
	cfg, rest, err := config.ParseWith("generate-docs", args, env.Getenv, func(fs *flag.FlagSet) {
		fs.IntVar(&companies, "companies", 1000, "number of companies to add")
		fs.Uint64Var(&seed, "seed", 1, "random seed")
	})
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: inkan generate-docs [--data DIR] [--companies 1000] [--seed 1] N")
	}
	n, err := strconv.Atoi(rest[0])
	if err != nil || n < 0 {
		return fmt.Errorf("generate-docs: %q is not a number of documents", rest[0])
	}
	store, err := data.Open(cfg.DataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	err = synthetic.Fill(store, n, synthetic.Options{Companies: companies, Seed: seed, Live: account.IsLive}, func(done int) {
		if done%100000 == 0 {
			fmt.Fprintf(env.Stderr, "generate-docs: %d documents\n", done)
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "added %d documents among %d companies (the store's first, then new ones) in %s\n", n, companies, time.Since(start).Round(time.Millisecond))
	return nil
}
