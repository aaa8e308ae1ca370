// Package certificate holds the company signing certificates of an installation: the
// CA and TSA that a first start creates and the store keeps (keys sealed under the
// master key), issuing a certificate to a company and linking it to users, revoking,
// and publishing CRLs on schedule.
package certificate

import (
	"crypto"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"inkan/app/domain/account"
	inkanmail "inkan/app/domain/mail"
	"inkan/app/trust/pki"
	"inkan/app/trust/tsa"
	"inkan/data"
)

// crlLifetime is how long a published CRL stays current; the job republishes well
// before, so verifiers never see a stale one while the server runs.
const crlLifetime = 7 * 24 * time.Hour

// Service issues and manages certificates.
type Service struct {
	store *data.Store
	mail  *inkanmail.Composer
	now   func() time.Time
	// ca and tsa are reached only through the methods, so that every signature of the
	// installation takes the same path (SignPDF) and no caller holds the keys.
	ca  *pki.Authority
	tsa *tsa.Authority
}

// Open loads the CA from the store, creating it (and publishing first CRLs) on the
// first start, and builds the TSA on its certificate.
func Open(store *data.Store, master pki.MasterKey, composer *inkanmail.Composer, organization, baseURL string, now func() time.Time) (*Service, error) {
	s := &Service{store: store, mail: composer, now: now}
	err := store.Update(func(tx *data.Tx) error {
		st, err := tx.Trust()
		if errors.Is(err, data.ErrNotFound) {
			return s.create(tx, master, organization, baseURL)
		}
		if err != nil {
			return err
		}
		var state pki.State
		if err := json.Unmarshal(st.Authority, &state); err != nil {
			return fmt.Errorf("read CA state: %w", err)
		}
		s.ca, err = pki.LoadAuthority(master, state, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open certificate authority: %w", err)
	}
	s.tsa, err = tsa.New(tsa.Config{Certificate: s.ca.TSACertificate(), Signer: s.ca.TSASigner(), Chain: []*x509.Certificate{s.ca.Root()}, Clock: now})
	if err != nil {
		return nil, fmt.Errorf("open timestamp authority: %w", err)
	}
	return s, nil
}

func (s *Service) create(tx *data.Tx, master pki.MasterKey, organization, baseURL string) error {
	ca, err := pki.NewAuthority(master, pki.Config{Organization: organization, BaseURL: baseURL, Now: s.now})
	if err != nil {
		return err
	}
	raw, err := json.Marshal(ca.State())
	if err != nil {
		return fmt.Errorf("encode CA state: %w", err)
	}
	s.ca = ca
	if err := tx.PutTrust(data.TrustState{Authority: raw}); err != nil {
		return err
	}
	return s.publishCRLs(tx)
}

// PublishCRLs issues fresh root and issuing CRLs with the next CRL number (a scheduled
// job; running it twice only publishes one more number).
func (s *Service) PublishCRLs() error {
	return s.store.Update(s.publishCRLs)
}

func (s *Service) publishCRLs(tx *data.Tx) error {
	st, err := tx.Trust()
	if err != nil {
		return err
	}
	certs, err := tx.AllCertificates()
	if err != nil {
		return err
	}
	var revoked []pki.Revoked
	for _, c := range certs {
		if c.Status != data.CertificateRevoked {
			continue
		}
		serial, ok := new(big.Int).SetString(c.Serial, 16)
		if !ok {
			return fmt.Errorf("certificate %s: bad serial %q", c.Number, c.Serial)
		}
		revoked = append(revoked, pki.Revoked{SerialNumber: serial, RevokedAt: *c.RevokedAt, Reason: c.Reason})
	}
	now := s.now()
	st.CRLNumber++
	number := new(big.Int).SetUint64(st.CRLNumber)
	// Two keys sign two lists: the root's on another core while the issuing CA's is
	// made here (a 完了 waits for both).
	var rootErr error
	rootDone := make(chan struct{})
	go func() {
		defer close(rootDone)
		st.RootCRL, rootErr = s.ca.RootCRL(nil, number, now, now.Add(crlLifetime))
	}()
	st.IssuingCRL, err = s.ca.CRL(revoked, number, now, now.Add(crlLifetime))
	<-rootDone
	if err != nil {
		return fmt.Errorf("issue CRL: %w", err)
	}
	if rootErr != nil {
		return fmt.Errorf("issue root CRL: %w", rootErr)
	}
	st.CRLAt = now
	return tx.PutTrust(st)
}

// CRLs returns the published issuing and root CRLs (DER).
func (s *Service) CRLs() (issuing, root []byte, err error) {
	err = s.store.View(func(tx *data.Tx) error {
		st, err := tx.Trust()
		issuing, root = st.IssuingCRL, st.RootCRL
		return err
	})
	return issuing, root, err
}

// Application is what a certificate is issued from (電子証明書追加発行申請, once the
// operator has approved it).
type Application struct {
	Subject      pki.Subject
	UserIDs      []string
	PINRecipient string
	PINEmail     string
	// ID is the application record (data.CertApplication) issued from, if any.
	ID string
}

// Issue makes a certificate for a company in tx, links the users, and queues the PIN
// mail to the PIN recipient. It returns the record and the PIN, which exists nowhere
// else afterwards.
func (s *Service) Issue(tx *data.Tx, companyID string, app Application) (data.Certificate, string, error) {
	t := tx.Tenant(companyID)
	now := s.now()
	links := make([]data.CertificateLink, 0, len(app.UserIDs))
	for _, id := range app.UserIDs {
		if _, err := account.LiveUser(t, id); err != nil {
			return data.Certificate{}, "", fmt.Errorf("issue certificate: user %s: %w", id, err)
		}
		links = append(links, data.CertificateLink{UserID: id, LinkedAt: now})
	}
	number, err := tx.NextID(data.SeqCertificate)
	if err != nil {
		return data.Certificate{}, "", err
	}
	issued, pin, err := s.ca.Issue(pki.IssueRequest{Number: number, Subject: app.Subject})
	if err != nil {
		return data.Certificate{}, "", fmt.Errorf("issue certificate %s: %w", number, err)
	}
	cert, err := issued.Parse()
	if err != nil {
		return data.Certificate{}, "", fmt.Errorf("issue certificate %s: %w", number, err)
	}
	subject, _ := json.Marshal(app.Subject)
	key, _ := json.Marshal(issued.Key)
	rec := data.Certificate{
		Number: number, DisplayName: app.Subject.DisplayName, Subject: subject, DER: issued.Certificate,
		Key: key, PINHash: issued.PINHash, Serial: cert.SerialNumber.Text(16),
		NotBefore: cert.NotBefore, NotAfter: cert.NotAfter, Status: data.CertificateValid,
		Links: links, CreatedAt: now,
		Application: app.ID, PINName: app.PINRecipient, PINEmail: app.PINEmail,
	}
	if err := t.CreateCertificate(&rec); err != nil {
		return data.Certificate{}, "", err
	}
	if app.PINEmail != "" {
		msg := inkanmail.Message{Template: "pin", To: []string{app.PINEmail}, CompanyID: companyID, Data: map[string]any{
			"Recipient": app.PINRecipient, "Number": number, "DisplayName": rec.DisplayName, "PIN": inkanmail.Secret(pin),
		}}
		if err := s.mail.Queue(tx, msg, now); err != nil {
			return data.Certificate{}, "", fmt.Errorf("issue certificate %s: %w", number, err)
		}
	}
	err = tx.Audit(data.Event{Time: now, CompanyID: companyID, Actor: "system", Action: "certificate.issue", Target: number})
	return rec, pin, err
}

// Revoke marks a certificate revoked and republishes the CRL in the same transaction.
func (s *Service) Revoke(tx *data.Tx, number string, reason int, actor string) error {
	c, err := tx.CertificateByNumber(number)
	if err != nil {
		return err
	}
	if c.Status == data.CertificateRevoked {
		return nil
	}
	now := s.now()
	c.Status, c.RevokedAt, c.Reason = data.CertificateRevoked, &now, reason
	if err := tx.Tenant(c.CompanyID).PutCertificate(c); err != nil {
		return err
	}
	if err := s.publishCRLs(tx); err != nil {
		return err
	}
	return tx.Audit(data.Event{Time: now, CompanyID: c.CompanyID, Actor: actor, Action: "certificate.revoke", Target: number})
}

// key is a certificate opened for signing: its private key, the certificate and the
// chain up to the root. It never leaves the package: SignPDF is the one way to sign.
type key struct {
	Signer      crypto.Signer
	Certificate *x509.Certificate
	Chain       []*x509.Certificate
}

// openKey unseals a certificate's private key. The caller has already decided the
// signature is allowed (the user is linked and has checked the PIN).
func (s *Service) openKey(c data.Certificate) (key, error) {
	if c.Status != data.CertificateValid {
		return key{}, fmt.Errorf("certificate %s is %s", c.Number, c.Status)
	}
	var sealed pki.SealedKey
	if err := json.Unmarshal(c.Key, &sealed); err != nil {
		return key{}, fmt.Errorf("certificate %s: read sealed key: %w", c.Number, err)
	}
	signer, cert, err := s.ca.OpenKey(pki.IssuedCertificate{Number: c.Number, Certificate: c.DER, Key: sealed, PINHash: c.PINHash})
	if err != nil {
		return key{}, fmt.Errorf("certificate %s: %w", c.Number, err)
	}
	return key{Signer: signer, Certificate: cert, Chain: s.ca.Chain()}, nil
}
