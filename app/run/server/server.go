// Package server is Inkan's composition root: it builds every part from a Config in a
// fixed order (store, mail, delivery, accounts, web, jobs) and stops them in reverse. Tests build
// the very same thing.
package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/domain/company"
	"inkan/app/domain/contract"
	"inkan/app/domain/delivery"
	"inkan/app/domain/invitation"
	"inkan/app/domain/mail"
	"inkan/app/domain/passkey"
	"inkan/app/locale/i18n"
	"inkan/app/run/config"
	"inkan/app/trust/pki"
	"inkan/app/web"
	"inkan/data"
	"inkan/jobs"
	"inkan/search"
	"inkan/views"
)

// SocketName is the control socket in the data directory, through which `inkan backup`
// asks a running server for a hot copy.
const SocketName = "inkan.sock"

// BackupErrorTrailer is the HTTP trailer in which the control socket reports a backup
// that failed after its stream began.
const BackupErrorTrailer = "Inkan-Backup-Error"

// MasterKeyName is the master key file in the data directory, used when the operator
// does not give the key in the settings.
const MasterKeyName = "master.key"

// Server is one running installation.
type Server struct {
	Config    config.Config
	Store     *data.Store
	Mail      *mail.Composer
	Accounts  *account.Service
	Onboarder company.Onboarder
	Certs     *certificate.Service
	Passkeys  *passkey.Service
	Invites   *invitation.Service
	Contracts *contract.Service
	Delivery  *delivery.Worker // nil when no SMTP server is configured
	Search    *search.Engine
	Web       *fiber.App
	Jobs      *jobs.Scheduler
	Log       *slog.Logger
}

// New builds the installation. now may be nil for the wall clock.
func New(cfg config.Config, log *slog.Logger, now func() time.Time) (*Server, error) {
	if now == nil {
		now = time.Now
	}
	store, err := data.Open(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	// Opening the index applies the documents marked before a crash.
	engine, err := search.Open(store, filepath.Join(cfg.DataDir, search.DirName), log, contract.TurnUser)
	if err != nil {
		store.Close()
		return nil, err
	}
	s, err := build(cfg, log, now, store, engine)
	if err != nil {
		engine.Close()
		store.Close()
		return nil, err
	}
	return s, nil
}

// build wires everything on top of the open store, in dependency order.
func build(cfg config.Config, log *slog.Logger, now func() time.Time, store *data.Store, engine *search.Engine) (*Server, error) {
	s := &Server{Config: cfg, Log: log, Store: store, Search: engine}
	var err error
	master, err := masterKey(cfg, log, store)
	if err != nil {
		return nil, err
	}
	// The secrets of mails (passwords, PINs) are sealed under the master key too.
	box, err := pki.NewSecretBox(master, "mail secret")
	if err != nil {
		return nil, err
	}
	if s.Mail, err = mail.New(views.FS, "mail", cfg.ServiceName, cfg.BaseURL, box); err != nil {
		return nil, err
	}
	s.Delivery = newDelivery(cfg, log, now, store, s.Mail)
	s.Mail.OnQueued(s.Delivery.Wake)
	s.Accounts = account.New(s.Store, s.Mail, account.Options{IdleTimeout: cfg.SessionIdle, MaxAge: cfg.SessionMax, Now: now, Involvement: contract.Involvement{}})
	if s.Certs, err = certificate.Open(s.Store, master, s.Mail, cfg.CAName, cfg.BaseURL, now); err != nil {
		return nil, err
	}
	s.Onboarder = company.Onboarder{Accounts: s.Accounts, Now: now, Certs: s.Certs}
	if cfg.TSAPolicy != "" {
		if err := s.Certs.UseTSAPolicy(cfg.TSAPolicy); err != nil {
			return nil, err
		}
	}
	if s.Passkeys, err = passkey.New(s.Store, s.Accounts, cfg.BaseURL, cfg.ServiceName, now); err != nil {
		return nil, err
	}
	s.Invites = &invitation.Service{Mail: s.Mail, Onboarder: s.Onboarder, Certs: s.Certs, BaseURL: cfg.BaseURL, Validity: cfg.InviteValidity, Now: now}
	s.Contracts = contract.NewService(s.Store, s.Certs, s.Mail, now)
	catalogs, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	// Fixed labels are checked when the templates load; a key built from data (a role,
	// a status) that a catalog lacks shows as the key itself, and is logged once.
	var missing sync.Map
	catalogs.OnMissing(func(lang, key string) {
		if _, seen := missing.LoadOrStore(lang+"/"+key, true); !seen {
			log.Warn("catalog key missing", "lang", lang, "key", key)
		}
	})
	s.Web, err = web.New(web.Deps{Config: cfg, Store: s.Store, Accounts: s.Accounts, Onboarder: s.Onboarder, Certs: s.Certs, Passkeys: s.Passkeys, Invites: s.Invites, Contracts: s.Contracts, Search: s.Search, Delivery: s.Delivery, Mail: s.Mail, Catalogs: catalogs, Log: log})
	if err != nil {
		return nil, err
	}
	if s.Jobs, err = jobs.New(log, jobs.Table(jobs.Deps{Store: s.Store, Accounts: s.Accounts, Certs: s.Certs, Invites: s.Invites, Now: now})); err != nil {
		return nil, err
	}
	return s, nil
}

// newDelivery makes the outbox worker, or nil when no SMTP server is configured and
// mail stays in the outbox.
func newDelivery(cfg config.Config, log *slog.Logger, now func() time.Time, store *data.Store, composer *mail.Composer) *delivery.Worker {
	if cfg.SMTP.Host == "" {
		return nil
	}
	// The EHLO name is the installation's public host name (the base URL is validated).
	u, _ := url.Parse(cfg.BaseURL)
	return delivery.New(store, delivery.Options{
		SMTP: cfg.SMTP, Mail: composer, Sender: cfg.ServiceName, LocalName: u.Hostname(), Now: now, Log: log,
	})
}

// masterKey is the operator's key when configured, else the key file in the data
// directory, made on the first start.
func masterKey(cfg config.Config, log *slog.Logger, store *data.Store) (pki.MasterKey, error) {
	if cfg.MasterKey != "" {
		k, err := pki.ParseMasterKey(cfg.MasterKey)
		if err != nil {
			return pki.MasterKey{}, fmt.Errorf("master key from settings: %w", err)
		}
		return k, nil
	}
	path := filepath.Join(cfg.DataDir, MasterKeyName)
	// A new key is made only for a store that has none sealed under it yet: on a store
	// whose CA exists (a restore, a key file deleted by mistake) a new key would seal
	// nothing it could open, and would hide the real one's absence behind a second file.
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		sealed, err := sealedAlready(store)
		if err != nil {
			return pki.MasterKey{}, err
		}
		if sealed {
			return pki.MasterKey{}, fmt.Errorf("master key %s is missing, but the store was initialised with one: put the kept master.key back (or give it with INKAN_MASTER_KEY / INKAN_MASTER_KEY_FILE)", path)
		}
	}
	k, created, err := pki.LoadOrCreateMasterKey(path)
	if err != nil {
		return pki.MasterKey{}, err
	}
	if created {
		log.Warn("created a new master key: back it up apart from the store backups", "path", path, "key_id", k.ID())
	}
	return k, nil
}

// sealedAlready reports whether the store holds a CA, whose keys are sealed under the
// master key of its first start.
func sealedAlready(store *data.Store) (bool, error) {
	found := false
	err := store.View(func(tx *data.Tx) error {
		_, err := tx.Trust()
		if errors.Is(err, data.ErrNotFound) {
			return nil
		}
		found = err == nil
		return err
	})
	return found, err
}

// Bootstrap initialises an empty store on the first start, in one transaction: an
// operator account, the demo company with its 管理用ID, and the demo company's
// certificate DJC-00001 linked to that admin, so a newcomer can log in and sign at
// once. On a store that has an operator it does nothing and returns ok == false.
func (s *Server) Bootstrap() (creds company.Credentials, ok bool, err error) {
	err = s.Store.Update(func(tx *data.Tx) error {
		if tx.HasOperators() {
			return nil
		}
		pw, err := s.Accounts.CreateOperator(tx, "operator", "運営者")
		if err != nil {
			return err
		}
		demo, admin, adminPW, err := s.Onboarder.Onboard(tx, company.DemoApplication, "system")
		if err != nil {
			return err
		}
		_, _, err = s.Certs.Issue(tx, demo.ID, certificate.Application{
			Subject:      company.DemoCertificateSubject,
			UserIDs:      []string{admin.ID},
			PINRecipient: admin.Name, PINEmail: admin.Email,
		})
		if err != nil {
			return err
		}
		creds, ok = company.Credentials{OperatorLogin: "operator", OperatorPassword: pw, AdminID: admin.ID, AdminPassword: adminPW}, true
		return nil
	})
	if err != nil {
		return company.Credentials{}, false, fmt.Errorf("bootstrap: %w", err)
	}
	return creds, ok, nil
}

// Serve listens on the configured address and the control socket until ctx ends, then
// shuts down gracefully.
func (s *Server) Serve(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.Config.Addr, err)
	}
	return s.ServeListener(ctx, ln)
}

// ServeListener is Serve on a listener the caller opened (tests use 127.0.0.1:0).
func (s *Server) ServeListener(ctx context.Context, ln net.Listener) error {
	control, err := s.listenControl()
	if err != nil {
		ln.Close()
		return err
	}
	defer control.Close()
	s.Jobs.Start()
	defer s.Jobs.Stop()
	defer s.startDelivery()()
	// The index follows the store in the background: a rebuild first when its mapping
	// version changed (the old index serves meanwhile), then marked documents.
	indexCtx, stopIndex := context.WithCancel(ctx)
	indexDone := make(chan struct{})
	go func() { s.Search.Run(indexCtx); close(indexDone) }()
	defer func() { stopIndex(); <-indexDone }()
	errc := make(chan error, 1)
	go func() { errc <- s.Web.Listener(ln) }()
	s.Log.Info("serving", "addr", ln.Addr().String(), "base_url", s.Config.BaseURL, "data", s.Config.DataDir)
	if baseURLLeftDefault(s.Config.BaseURL, ln.Addr()) {
		s.Log.Warn("the base URL is the default, but the server does not listen on localhost:8080: "+
			"certificates (CRL and CA addresses) and mails will point to a place that is not this server; "+
			"set --base-url (INKAN_BASE_URL) to the address users reach, before the first start",
			"base_url", s.Config.BaseURL, "addr", ln.Addr().String())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	if err := s.Web.ShutdownWithTimeout(20 * time.Second); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// baseURLLeftDefault reports whether the base URL is the built-in one while the server
// listens somewhere that URL does not reach: the operator changed the address and forgot
// the base URL, which certificates embed for good.
func baseURLLeftDefault(baseURL string, addr net.Addr) bool {
	for _, st := range config.Settings {
		if st.Flag == "base-url" && baseURL != strings.TrimRight(st.Default, "/") {
			return false
		}
	}
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return true
	}
	return tcp.Port != 8080 || !(tcp.IP.IsLoopback() || tcp.IP.IsUnspecified())
}

// startDelivery runs the outbox worker in the background and returns the function that
// stops it and waits for it, so that no delivery outlives the store.
func (s *Server) startDelivery() (stop func()) {
	if s.Delivery == nil {
		s.Log.Info("no SMTP server configured: mail stays in the outbox")
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.Delivery.Run(ctx); err != nil {
			s.Log.Error("mail delivery stopped", "err", err)
		}
	}()
	s.Log.Info("delivering mail", "smtp", net.JoinHostPort(s.Config.SMTP.Host, strconv.Itoa(s.Config.SMTP.Port)), "tls", s.Config.SMTP.TLS)
	return func() { cancel(); <-done }
}

// listenControl serves GET /backup (the tar stream of data.Store.Backup) on a Unix socket only the data directory's owner can
// reach: bbolt holds the store file locked, so a hot copy must come from this process.
func (s *Server) listenControl() (*http.Server, error) {
	path := filepath.Join(s.Config.DataDir, SocketName)
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("remove stale control socket: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("listen on control socket %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("restrict control socket: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		// The answer is streamed, so a failure (a file the records name is missing or
		// changed) can only come after the status: it goes in the trailer, and the
		// stream lacks the rest of the backup, which the client's check sees too.
		w.Header().Set("Content-Type", "application/x-tar")
		w.Header().Set("Trailer", BackupErrorTrailer)
		if _, err := s.Store.Backup(w); err != nil {
			s.Log.Error("backup over control socket", "err", err)
			w.Header().Set(BackupErrorTrailer, strings.ReplaceAll(err.Error(), "\n", " "))
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return srv, nil
}

// Close releases the search index and the store.
func (s *Server) Close() error {
	return errors.Join(s.Search.Close(), s.Store.Close())
}
