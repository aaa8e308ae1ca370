// Package cli is the inkan command line: serve (the default), init, backup, the pdf and
// ca tools, operator unlock and reset-password, reindex, generate-docs, show-record and
// version.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"inkan/app/domain/certificate"
	"inkan/app/locale/i18n"
	"inkan/app/run/config"
	"inkan/app/run/server"
)

// Version is the program version, set at build time with
// -ldflags "-X inkan/app/cli.Version=…".
var Version = "0.1.0-dev"

// Env is the process environment the commands read.
type Env struct {
	Args   []string
	Getenv func(string) string
	Stdout io.Writer
	Stderr io.Writer
}

const usage = `usage: inkan [command] [flags]

commands:
  serve          run the server (default)
  init           create the data directory, the operator and the demo company, then exit
  backup FILE    write a consistent backup (store and files, one tar) to FILE (works while serving)
  restore BACKUP   restore a backup into a new or empty data directory (--data), checking every file
  pdf sign|timestamp|verify   sign, timestamp or verify a PDF (see "inkan pdf")
  ca export-root|issue|revoke   print the root CA certificate (PEM), issue or revoke a certificate
  operator unlock|reset-password   lift the operator's lock, or print a new password (server stopped)
  reindex        rebuild the search index from the store (server stopped)
  generate-docs N   add N synthetic documents among the store's companies and new ones (1,000 in all), for trying search at scale
  show-record BUCKET KEY   print a stored record as JSON, e.g. show-record documents 0000000001 (server stopped)
  version        print the version

Run "inkan serve -h" for the settings; each flag also reads an INKAN_* variable.
`

// Run executes the command in env.Args and returns the process exit code.
func Run(env Env) int {
	cmd, args := "serve", env.Args
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(env, args)
	case "init":
		err = initStore(env, args)
	case "backup":
		err = backup(env, args)
	case "restore":
		err = restore(env, args)
	case "pdf":
		err = pdfCommand(env, args)
	case "ca":
		err = caCommand(env, args)
	case "operator":
		err = operatorCommand(env, args)
	case "reindex":
		err = reindex(env, args)
	case "generate-docs":
		err = generateDocs(env, args)
	case "show-record":
		err = showRecord(env, args)
	case "version":
		fmt.Fprintln(env.Stdout, "inkan", Version)
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
	default:
		fmt.Fprintf(env.Stderr, "inkan: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, "inkan:", message(err))
		return 1
	}
	return 0
}

// message is err as the command line says it: a PDF the installation cannot sign in
// the words the screens use (the Japanese catalog), then the technical reason.
func message(err error) string {
	var refused *certificate.DocumentError
	if !errors.As(err, &refused) {
		return err.Error()
	}
	catalogs, lerr := i18n.Load()
	if lerr != nil {
		return err.Error()
	}
	return catalogs.For(i18n.Default).T(refused.Key) + "（" + err.Error() + "）"
}

func build(env Env, name string, args []string) (*server.Server, []string, error) {
	return buildWith(env, name, args, nil, nil)
}

// buildWith builds the installation for a command with flags of its own (extra) and a
// check of the data directory before anything is created in it (precheck).
func buildWith(env Env, name string, args []string, extra func(*flag.FlagSet), precheck func(dir string) error) (*server.Server, []string, error) {
	cfg, rest, err := config.ParseWith(name, args, env.Getenv, extra)
	if err != nil {
		return nil, nil, err
	}
	if precheck != nil {
		if err := precheck(cfg.DataDir); err != nil {
			return nil, nil, err
		}
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	s, err := server.New(cfg, log, nil)
	return s, rest, err
}

// printCredentials prints what a first start created, one account per line, so a
// newcomer (or a script) can log in at once.
func printCredentials(s *server.Server, w io.Writer) error {
	creds, created, err := s.Bootstrap()
	if err != nil || !created {
		return err
	}
	fmt.Fprintf(w, "operator: %s %s\n", creds.OperatorLogin, creds.OperatorPassword)
	fmt.Fprintf(w, "admin: %s %s\n", creds.AdminID, creds.AdminPassword)
	return nil
}

func serve(env Env, args []string) error {
	s, _, err := build(env, "serve", args)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := printCredentials(s, env.Stdout); err != nil {
		return err
	}
	defer server.ApplyGCPolicy(s.Config)()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return s.Serve(ctx)
}

func initStore(env Env, args []string) error {
	s, _, err := build(env, "init", args)
	if err != nil {
		return err
	}
	defer s.Close()
	return printCredentials(s, env.Stdout)
}
