package delivery

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
)

// transport speaks to the configured SMTP server, one session per mail. It uses the
// standard library's client, which (unlike go-smtp's) lets the EHLO name be set before
// STARTTLS, and go-sasl for the PLAIN and LOGIN mechanisms.
type transport struct {
	cfg       SMTP
	tls       *tls.Config
	localName string
	timeout   time.Duration
}

// refusal is a 5xx answer about the mail itself (a recipient or the content), or a
// mail that cannot be written at all: sending the same mail again gets the same answer,
// so it fails at once instead of after every retry.
type refusal struct{ err error }

func (r refusal) Error() string { return r.err.Error() }
func (r refusal) Unwrap() error { return r.err }

// refused marks err, an answer to RCPT or DATA, as a refusal when it is a permanent
// (5xx) one about the mail. Answers about us rather than the mail are retried like
// temporary ones, since they concern every mail and the operator may fix the setup
// while the retries run: 530 (authentication required) and the 5.7.x security and
// policy codes (relaying denied, sender not allowed). So are all answers to AUTH and
// MAIL FROM, which never call refused.
func refused(err error) error {
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code/100 != 5 || te.Code == 530 || strings.HasPrefix(te.Msg, "5.7.") {
		return err
	}
	return refusal{err}
}

// isRefusal reports whether retrying err is pointless.
func isRefusal(err error) bool {
	var r refusal
	return errors.As(err, &r)
}

// send delivers one message. It returns nil only once the server has accepted the
// message at the final dot.
func (t *transport) send(ctx context.Context, from string, to []string, msg []byte) error {
	addr := net.JoinHostPort(t.cfg.Host, strconv.Itoa(t.cfg.Port))
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	conn, err := t.dial(ctx, addr)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", addr, err)
	}
	// The whole session fits the timeout, and a stop of the server cuts it off.
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		conn.Close()
		return fmt.Errorf("set deadline on %s: %w", addr, err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	c, err := smtp.NewClient(conn, t.cfg.Host)
	if err != nil {
		return fmt.Errorf("greeting from %s: %w", addr, err)
	}
	defer c.Close()
	if err := t.open(c); err != nil {
		return err
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("MAIL FROM:<%s>: %w", from, err)
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt); err != nil {
			return refused(fmt.Errorf("RCPT TO:<%s>: %w", rcpt, err))
		}
	}
	w, err := c.Data()
	if err != nil {
		return refused(fmt.Errorf("DATA: %w", err))
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return refused(fmt.Errorf("end of message: %w", err))
	}
	// The server took the mail at the final dot; how QUIT goes changes nothing.
	_ = c.Quit()
	return nil
}

func (t *transport) dial(ctx context.Context, addr string) (net.Conn, error) {
	d := &net.Dialer{}
	if t.cfg.TLS == "tls" {
		return (&tls.Dialer{NetDialer: d, Config: t.tlsConfig()}).DialContext(ctx, "tcp", addr)
	}
	return d.DialContext(ctx, "tcp", addr)
}

// open greets the server, starts TLS when configured and authenticates when a user is
// configured.
func (t *transport) open(c *smtp.Client) error {
	if err := c.Hello(t.localName); err != nil {
		return fmt.Errorf("EHLO %s: %w", t.localName, err)
	}
	if t.cfg.TLS == "starttls" {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("the server does not offer STARTTLS (set the SMTP TLS setting to tls or none to match it)")
		}
		if err := c.StartTLS(t.tlsConfig()); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if t.cfg.User == "" {
		return nil
	}
	if _, encrypted := c.TLSConnectionState(); !encrypted && !isLoopback(t.cfg.Host) {
		return fmt.Errorf("refusing to send the SMTP password unencrypted to %s", t.cfg.Host)
	}
	_, offered := c.Extension("AUTH")
	client, err := saslClient(strings.Fields(strings.ToUpper(offered)), t.cfg.User, t.cfg.Password)
	if err != nil {
		return err
	}
	if err := c.Auth(client); err != nil {
		return fmt.Errorf("AUTH %s as %s: %w", client.mech, t.cfg.User, err)
	}
	return nil
}

// tlsConfig is the injected configuration (tests bring their own roots) or the system's
// roots, checked against the configured host name.
func (t *transport) tlsConfig() *tls.Config {
	cfg := &tls.Config{}
	if t.tls != nil {
		cfg = t.tls.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = t.cfg.Host
	}
	if cfg.MinVersion == 0 {
		cfg.MinVersion = tls.VersionTLS12
	}
	return cfg
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// saslAuth lets a go-sasl client drive net/smtp's AUTH exchange.
type saslAuth struct {
	sasl.Client
	mech string
}

func (a saslAuth) Start(*smtp.ServerInfo) (string, []byte, error) { return a.Client.Start() }

func (a saslAuth) Next(challenge []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	return a.Client.Next(challenge)
}

// saslClient picks PLAIN, or LOGIN for servers that offer only that older mechanism.
func saslClient(offered []string, user, password string) (saslAuth, error) {
	switch {
	case slices.Contains(offered, sasl.Plain):
		return saslAuth{sasl.NewPlainClient("", user, password), sasl.Plain}, nil
	case slices.Contains(offered, sasl.Login):
		return saslAuth{sasl.NewLoginClient(user, password), sasl.Login}, nil
	}
	return saslAuth{}, fmt.Errorf("the server offers neither PLAIN nor LOGIN authentication (it offers %q)", strings.Join(offered, " "))
}
