package delivery_test

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

	"inkan/app/certtest"
)

// mailServer is a real SMTP server (go-smtp) on a loopback port, with TLS from a
// throwaway certificate and AUTH PLAIN and LOGIN, that keeps what it receives.
type mailServer struct {
	Host string
	Port int
	// Roots trusts the server's certificate.
	Roots *tls.Config

	opts serverOptions
	mu   sync.Mutex
	got  []received
	data int // DATA commands seen, dropped ones included
}

type serverOptions struct {
	tls        string   // starttls, tls or none
	user, pass string   // AUTH required when user is set
	mechs      []string // offered mechanisms; PLAIN and LOGIN when nil
	dropFirst  int      // cut the connection during this many first DATA commands
	refuse     string   // a recipient answered 550
}

// received is one accepted message with its envelope.
type received struct {
	From, Helo string
	To         []string
	TLS        bool
	User       string
	Raw        []byte
}

func startServer(t *testing.T, o serverOptions) *mailServer {
	t.Helper()
	cert, roots := serverCert(t)
	ms := &mailServer{opts: o, Host: "127.0.0.1", Roots: &tls.Config{RootCAs: roots}}
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
	switch o.tls {
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

// refusedPort is a loopback port with nothing listening: a server that is down.
func refusedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

func serverCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
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
func (ms *mailServer) Received() []received {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return slices.Clone(ms.got)
}

// setRefused changes the recipient the server answers 550.
func (ms *mailServer) setRefused(to string) {
	ms.mu.Lock()
	ms.opts.refuse = to
	ms.mu.Unlock()
}

type session struct {
	srv  *mailServer
	conn *smtp.Conn
	user string
	from string
	to   []string
}

func (s *session) AuthMechanisms() []string {
	if s.srv.opts.mechs != nil {
		return s.srv.opts.mechs
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
	if user != s.srv.opts.user || pass != s.srv.opts.pass {
		return smtp.ErrAuthFailed
	}
	s.user = user
	return nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.opts.user != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.srv.mu.Lock()
	refuse := s.srv.opts.refuse
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
	drop := s.srv.data <= s.srv.opts.dropFirst
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
	s.srv.got = append(s.srv.got, received{From: s.from, To: s.to, Helo: s.conn.Hostname(), TLS: isTLS, User: s.user, Raw: raw})
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
