// Package smtptest runs a real SMTP server (go-smtp) on a loopback port for tests: TLS
// from a throwaway certificate (STARTTLS or implicit), AUTH PLAIN and LOGIN, and the
// failures delivery must survive (refused recipients, connections cut mid-message).
package smtptest

import (
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"inkan/app/testkit/certtest"
)

// Server is a running test server that keeps what it receives.
type Server struct {
	Host string
	Port int
	// ClientTLS trusts the server's certificate.
	ClientTLS *tls.Config

	opts Options
	mu   sync.Mutex
	got  []Message
	data int // DATA commands seen, dropped ones included
}

// Options shape the server.
type Options struct {
	TLS            string   // starttls, tls or none
	User, Password string   // AUTH is required when User is set
	Mechanisms     []string // offered SASL mechanisms; PLAIN and LOGIN when nil
	DropFirst      int      // cut the connection during this many first DATA commands
	Refuse         string   // a recipient answered 550
}

// Message is one accepted message with its envelope and how it came.
type Message struct {
	From, Helo string
	To         []string
	TLS        bool
	User       string
	Raw        []byte
}

// Start runs a server until the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	cert, roots := serverCert(t)
	ms := &Server{opts: o, Host: "127.0.0.1", ClientTLS: &tls.Config{RootCAs: roots}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ms.Port = ln.Addr().(*net.TCPAddr).Port
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: ms, conn: c}, nil
	}))
	s.Domain = "mx.test"
	s.ErrorLog = log.New(io.Discard, "", 0)
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{cert}}
	switch o.TLS {
	case "starttls":
		s.TLSConfig = tlsConfig
	case "tls":
		ln = tls.NewListener(ln, tlsConfig)
	case "none":
		s.AllowInsecureAuth = true
	}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return ms
}

// RefusedPort is a loopback port with nothing listening: a server that is down.
func RefusedPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

func serverCert(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key := certtest.ECKey(t, elliptic.P256())
	leaf := certtest.Cert(t, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "mx.test"},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, nil, key, key)
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: key, Leaf: leaf}, roots
}

// Received is a copy of the accepted messages.
func (ms *Server) Received() []Message {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return slices.Clone(ms.got)
}

// SetRefused changes the recipient the server answers 550.
func (ms *Server) SetRefused(to string) {
	ms.mu.Lock()
	ms.opts.Refuse = to
	ms.mu.Unlock()
}

type session struct {
	srv  *Server
	conn *smtp.Conn
	user string
	from string
	to   []string
}

func (s *session) AuthMechanisms() []string {
	if s.srv.opts.Mechanisms != nil {
		return s.srv.opts.Mechanisms
	}
	return []string{sasl.Plain, sasl.Login}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return s.check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: s.check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *session) check(user, pass string) error {
	if user != s.srv.opts.User || pass != s.srv.opts.Password {
		return smtp.ErrAuthFailed
	}
	s.user = user
	return nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.opts.User != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.srv.mu.Lock()
	refuse := s.srv.opts.Refuse
	s.srv.mu.Unlock()
	if to == refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user here"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	s.srv.mu.Lock()
	s.srv.data++
	drop := s.srv.data <= s.srv.opts.DropFirst
	s.srv.mu.Unlock()
	if drop {
		// Part of the message has arrived when the connection goes.
		io.ReadFull(r, make([]byte, 64))
		s.conn.Conn().Close()
		return errors.New("connection dropped by the test")
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	s.srv.got = append(s.srv.got, Message{From: s.from, To: s.to, Helo: s.conn.Hostname(), TLS: isTLS, User: s.user, Raw: raw})
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// loginServer is the server side of SASL LOGIN, which go-sasl has only as a client:
// the user name (as the initial response or after "Username:"), then the password.
type loginServer struct {
	check     func(user, pass string) error
	askedUser bool
	haveUser  bool
	user      string
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	if !l.haveUser {
		if response == nil && !l.askedUser {
			l.askedUser = true
			return []byte("Username:"), false, nil
		}
		l.user, l.haveUser = string(response), true
		return []byte("Password:"), false, nil
	}
	return nil, true, l.check(l.user, string(response))
}

// Eventually polls cond for up to ten seconds, failing the test when it never holds:
// delivery runs in its own goroutine, so its effects arrive a little later.
func Eventually(t testing.TB, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("timed out")
}
