// Package config reads Inkan's settings from command-line flags and INKAN_* environment
// variables. A flag wins over its variable, the variable over the built-in default;
// secrets can also come from a file named by the variable with a _FILE suffix.
package config

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"inkan/app/domain/delivery"
	"inkan/app/trust/tsa"
)

// Config is everything the server is built from.
type Config struct {
	Addr        string
	DataDir     string
	BaseURL     string
	ServiceName string
	SessionIdle time.Duration
	SessionMax  time.Duration
	ProxyHeader string
	// TrustedProxies is how many reverse proxies in front append to ProxyHeader: the
	// client address is the entry that many places from the right.
	TrustedProxies int
	MasterKey      string
	CAName         string
	// TSAPolicy is the dotted policy OID the TSA writes into its tokens; empty keeps
	// tsa.DefaultPolicy.
	TSAPolicy string
	SMTP      delivery.SMTP
	// InviteValidity is how long an invitation URL (利用申請URL) can be used.
	InviteValidity time.Duration
	// ContractPDFMax is the largest contract PDF 契約文書登録 takes, in bytes.
	ContractPDFMax int
	// GCPercent and MemoryLimit are the garbage collector's policy for the server
	// (runtime/debug.SetGCPercent and SetMemoryLimit, see server.ApplyGCPolicy).
	GCPercent   int
	MemoryLimit int64 // bytes
}

// MaxContractPDFMB is the most contract-pdf-max-mb may be: an upload is held in memory
// while it is read and checked, and a document is signed whole.
const MaxContractPDFMB = 100

// Setting describes one setting, for flags and for the README's table.
type Setting struct {
	Flag, Env, Default, Usage string
	Secret                    bool
}

// Settings lists every setting in the order the README shows them.
var Settings = []Setting{
	{Flag: "addr", Env: "INKAN_ADDR", Default: ":8080", Usage: "listen address"},
	{Flag: "data", Env: "INKAN_DATA", Default: "./inkan-data", Usage: "data directory (store, keys)"},
	{Flag: "base-url", Env: "INKAN_BASE_URL", Default: "http://localhost:8080", Usage: "public base URL used in mails and cookies (https makes cookies Secure)"},
	{Flag: "service-name", Env: "INKAN_SERVICE_NAME", Default: "Inkan電子契約サービス", Usage: "service name in the header and mail subjects"},
	{Flag: "session-idle", Env: "INKAN_SESSION_IDLE", Default: "30m", Usage: "log out after this long without a request"},
	{Flag: "session-max", Env: "INKAN_SESSION_MAX", Default: "12h", Usage: "log out this long after login, whatever happens"},
	{Flag: "proxy-header", Env: "INKAN_PROXY_HEADER", Default: "", Usage: "header with the client address set by a reverse proxy in front (e.g. X-Forwarded-For); empty when clients connect directly"},
	{Flag: "trusted-proxies", Env: "INKAN_TRUSTED_PROXIES", Default: "1", Usage: "how many reverse proxies in front append to the proxy header; the client address is the entry this many places from the right"},
	{Flag: "master-key", Env: "INKAN_MASTER_KEY", Default: "", Usage: "master key sealing the CA and certificate keys (hex or base64, or INKAN_MASTER_KEY_FILE); empty uses DATA/master.key, made on first start", Secret: true},
	{Flag: "ca-organization", Env: "INKAN_CA_ORGANIZATION", Default: "Inkan", Usage: "organization (O) in the CA certificates made on first start; ASCII letters, digits, spaces and .-"},
	{Flag: "tsa-policy", Env: "INKAN_TSA_POLICY", Default: "", Usage: "policy OID of the timestamps (dotted, every arc at most 2147483647), for an installation with an arc of its own; empty uses Inkan's"},
	{Flag: "smtp-host", Env: "INKAN_SMTP_HOST", Default: "", Usage: "SMTP server; empty keeps mail in the outbox only"},
	{Flag: "smtp-port", Env: "INKAN_SMTP_PORT", Default: "587", Usage: "SMTP port"},
	{Flag: "smtp-user", Env: "INKAN_SMTP_USER", Default: "", Usage: "SMTP user name (SASL)"},
	{Flag: "smtp-password", Env: "INKAN_SMTP_PASSWORD", Default: "", Usage: "SMTP password (or INKAN_SMTP_PASSWORD_FILE)", Secret: true},
	{Flag: "smtp-from", Env: "INKAN_SMTP_FROM", Default: "inkan@localhost", Usage: "sender address of every mail"},
	{Flag: "smtp-tls", Env: "INKAN_SMTP_TLS", Default: "starttls", Usage: "starttls, tls or none"},
	{Flag: "invite-validity", Env: "INKAN_INVITE_VALIDITY", Default: "720h", Usage: "how long an invitation URL (利用申請URL) can be used"},
	{Flag: "contract-pdf-max-mb", Env: "INKAN_CONTRACT_PDF_MAX_MB", Default: "20", Usage: "largest contract PDF 契約文書登録 takes, in MB (1 to 100)"},
	{Flag: "gc-percent", Env: "INKAN_GC_PERCENT", Default: "400", Usage: "garbage collection target percentage of the server (as GOGC; 25 to 1000)"},
	{Flag: "memory-limit-mb", Env: "INKAN_MEMORY_LIMIT_MB", Default: "1024", Usage: "soft memory limit of the server in MB (as GOMEMLIMIT): the collector works harder near it (64 or more)"},
}

// Parse reads the settings for a subcommand from args and the environment, and returns
// the arguments left after the flags.
func Parse(name string, args []string, getenv func(string) string) (Config, []string, error) {
	return ParseWith(name, args, getenv, nil)
}

// ParseWith is Parse for a subcommand with flags of its own, which extra registers.
func ParseWith(name string, args []string, getenv func(string) string, extra func(*flag.FlagSet)) (Config, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	if extra != nil {
		extra(fs)
	}
	values := map[string]*string{}
	for _, s := range Settings {
		def := s.Default
		if v := getenv(s.Env); v != "" {
			def = v
		}
		values[s.Flag] = fs.String(s.Flag, def, s.Usage+" ($"+s.Env+")")
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, nil, err
	}
	for _, s := range Settings {
		if !s.Secret || *values[s.Flag] != "" {
			continue
		}
		if file := getenv(s.Env + "_FILE"); file != "" {
			raw, err := os.ReadFile(file)
			if err != nil {
				return Config{}, nil, fmt.Errorf("config: read %s_FILE: %w", s.Env, err)
			}
			*values[s.Flag] = strings.TrimRight(string(raw), "\r\n")
		}
	}
	c, err := build(func(f string) string { return *values[f] })
	return c, fs.Args(), err
}

func build(v func(string) string) (Config, error) {
	c := Config{
		Addr:        v("addr"),
		DataDir:     v("data"),
		BaseURL:     strings.TrimRight(v("base-url"), "/"),
		ServiceName: v("service-name"),
		ProxyHeader: v("proxy-header"),
		MasterKey:   v("master-key"),
		CAName:      v("ca-organization"),
		TSAPolicy:   v("tsa-policy"),
		SMTP: delivery.SMTP{
			Host: v("smtp-host"), User: v("smtp-user"), Password: v("smtp-password"),
			From: v("smtp-from"), TLS: v("smtp-tls"),
		},
	}
	var err error
	if c.SessionIdle, err = time.ParseDuration(v("session-idle")); err != nil {
		return c, fmt.Errorf("config: session-idle: %w", err)
	}
	if c.SessionMax, err = time.ParseDuration(v("session-max")); err != nil {
		return c, fmt.Errorf("config: session-max: %w", err)
	}
	if c.TrustedProxies, err = strconv.Atoi(v("trusted-proxies")); err != nil || c.TrustedProxies < 1 {
		return c, fmt.Errorf("config: trusted-proxies %q must be a whole number of at least 1", v("trusted-proxies"))
	}
	if c.SMTP.Port, err = strconv.Atoi(v("smtp-port")); err != nil {
		return c, fmt.Errorf("config: smtp-port: %w", err)
	}
	if c.InviteValidity, err = time.ParseDuration(v("invite-validity")); err != nil || c.InviteValidity < time.Hour {
		return c, fmt.Errorf("config: invite-validity %q must be a duration of at least 1h (e.g. 720h for 30 days)", v("invite-validity"))
	}
	mb, err := strconv.Atoi(v("contract-pdf-max-mb"))
	if err != nil || mb < 1 || mb > MaxContractPDFMB {
		return c, fmt.Errorf("config: contract-pdf-max-mb %q must be a whole number of MB from 1 to %d", v("contract-pdf-max-mb"), MaxContractPDFMB)
	}
	c.ContractPDFMax = mb << 20
	if c.GCPercent, err = strconv.Atoi(v("gc-percent")); err != nil || c.GCPercent < 25 || c.GCPercent > 1000 {
		return c, fmt.Errorf("config: gc-percent %q must be a whole number from 25 to 1000", v("gc-percent"))
	}
	limit, err := strconv.ParseInt(v("memory-limit-mb"), 10, 64)
	if err != nil || limit < 64 || limit > 1<<30 {
		return c, fmt.Errorf("config: memory-limit-mb %q must be a whole number of MB, 64 or more", v("memory-limit-mb"))
	}
	c.MemoryLimit = limit << 20
	return c, c.validate()
}

func (c Config) validate() error {
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("config: base-url %q must be an absolute http(s) URL", c.BaseURL)
	}
	switch c.SMTP.TLS {
	case "starttls", "tls", "none":
	default:
		return fmt.Errorf("config: smtp-tls %q must be starttls, tls or none", c.SMTP.TLS)
	}
	if c.TSAPolicy != "" {
		if _, err := tsa.ParsePolicy(c.TSAPolicy); err != nil {
			return fmt.Errorf("config: tsa-policy: %w", err)
		}
	}
	if c.ServiceName == "" {
		return fmt.Errorf("config: service-name must not be empty")
	}
	if c.SessionIdle <= 0 || c.SessionMax < c.SessionIdle {
		return fmt.Errorf("config: need 0 < session-idle <= session-max")
	}
	return nil
}

// SecureCookies reports whether cookies must carry the Secure attribute.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }
