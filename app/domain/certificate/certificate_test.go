package certificate_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/domain/mail"
	"inkan/app/domain/password"
	"inkan/app/trust/pki"
	"inkan/data"
	"inkan/views"
)

type fixture struct {
	store  *data.Store
	master pki.MasterKey
	// composer is the mail composer of the last open, which can open the PIN mail.
	composer *mail.Composer
	svc      *certificate.Service
	now      time.Time
	pdf      []byte // an unsigned document to sign
}

// sign is doc with the signature SignPDF makes for it appended.
func (f *fixture) sign(req certificate.SignRequest, doc []byte) ([]byte, error) {
	inc, err := f.svc.SignPDF(context.Background(), req, doc)
	if err != nil {
		return nil, err
	}
	return slices.Concat(doc, inc), nil
}

// timestamp is doc with the increments TimestampPDF makes for it appended.
func (f *fixture) timestamp(name string, doc []byte) ([]byte, error) {
	inc, err := f.svc.TimestampPDF(context.Background(), name, doc, nil)
	if err != nil {
		return nil, err
	}
	return slices.Concat(doc, inc), nil
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	store, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := &fixture{store: store, now: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
	f.master, _ = pki.NewMasterKey()
	if f.pdf, err = os.ReadFile(filepath.Join("..", "..", "..", "testdata", "pdf", "qpdf-objstm.pdf")); err != nil {
		t.Fatal(err)
	}
	f.svc = f.open(t, f.master)
	store.Update(func(tx *data.Tx) error {
		for _, name := range []string{"A建設", "B工務店"} {
			c := data.Company{Name: name}
			if err := tx.CreateCompany(&c); err != nil {
				return err
			}
			if err := tx.Tenant(c.ID).CreateUser(&data.User{Name: name + " 社員", Email: "staff@example.jp", Status: account.StatusActive, PasswordHash: userPasswordHash}); err != nil {
				return err
			}
		}
		return nil
	})
	return f
}

func (f *fixture) open(t *testing.T, master pki.MasterKey) *certificate.Service {
	t.Helper()
	box, _ := pki.NewSecretBox(master, "mail secret")
	composer, err := mail.New(views.FS, "mail", "Inkan", "https://keiyaku.example.jp", box)
	if err != nil {
		t.Fatal(err)
	}
	f.composer = composer
	svc, err := certificate.Open(f.store, master, composer, "Inkan Test", "https://keiyaku.example.jp", func() time.Time { return f.now })
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func (f *fixture) issue(t *testing.T, companyID, userID string) (data.Certificate, string) {
	t.Helper()
	var rec data.Certificate
	var pin string
	err := f.store.Update(func(tx *data.Tx) (err error) {
		rec, pin, err = f.svc.Issue(tx, companyID, certificate.Application{
			Subject: pki.Subject{DisplayName: "A建設 社員", Company: "A Kensetsu", CompanyJa: "A建設"},
			UserIDs: []string{userID}, PINRecipient: "社員", PINEmail: "pin@example.jp",
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rec, pin
}

func TestIssueSignRevoke(t *testing.T) {
	f := newFixture(t)
	rec, pin := f.issue(t, "C000001", "U000001")
	if rec.Number != "DJC-00001" || rec.Status != data.CertificateValid {
		t.Fatalf("issued %+v", rec)
	}
	cert, err := x509.ParseCertificate(rec.DER)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(f.svc.Root())
	inter := x509.NewCertPool()
	inter.AddCert(f.svc.Issuing())
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: f.now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		t.Errorf("chain: %v", err)
	}

	// The PIN mail is queued with the certificate, the PIN sealed: the store holds it
	// only as a hash and in the sealed secret of the mail.
	f.store.View(func(tx *data.Tx) error {
		m, _ := tx.RecentMails(1)
		if len(m) != 1 || bytes.Contains([]byte(m[0].Text), []byte(pin)) || m[0].Secret == nil || m[0].Subject != "【Inkan】PINのお知らせ" {
			t.Errorf("PIN mail %+v", m)
		}
		if text, err := f.composer.Open(m[0]); err != nil || !strings.Contains(text, "証明書PIN　　　　 ："+pin) {
			t.Errorf("opened PIN mail %v:\n%s", err, text)
		}
		return nil
	})
	if raw := rawStore(t, f.store); bytes.Contains(raw, []byte(pin)) || bytes.Contains(raw, []byte(strings.ReplaceAll(pin, "-", ""))) {
		t.Error("the store holds the PIN in plain text")
	}
	user := certificate.SignRequest{Number: rec.Number, CompanyID: "C000001", UserID: "U000001", Document: "契約書.pdf"}
	if _, err := f.sign(user, f.pdf); !errors.Is(err, certificate.ErrPINNotChecked) {
		t.Errorf("signing before the PIN check: %v", err)
	}
	check := func(company, user, p string) (bool, error) {
		var refusal error
		err := f.store.Update(func(tx *data.Tx) (err error) {
			refusal, err = f.svc.CheckValidity(tx, company, rec.Number, user, p, userPassword)
			return err
		})
		if err == nil {
			err = refusal
		}
		return err == nil, err
	}
	if ok, _ := check("C000001", "U000001", "0000-0000-0000"); ok {
		t.Error("a wrong PIN passed")
	}
	if ok, err := check("C000001", "U000001", pin); !ok || err != nil {
		t.Errorf("the right PIN failed: %v", err)
	}
	if _, err := check("C000002", "U000002", pin); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("another company checked the PIN: %v", err)
	}
	// A colleague who is not linked learns nothing of the PIN: the right one and a
	// wrong one get the same answer.
	colleague := data.User{Status: account.StatusActive, PasswordHash: userPasswordHash}
	if err := f.store.Update(func(tx *data.Tx) error { return tx.Tenant("C000001").CreateUser(&colleague) }); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{pin, "0000-0000-0000"} {
		if ok, err := check("C000001", colleague.ID, p); ok || !errors.Is(err, certificate.ErrNotLinked) {
			t.Errorf("an unlinked user checked PIN %s: %v %v", p, ok, err)
		}
	}

	// Once the PIN is checked the user signs, and the signature verifies with the
	// certificate; nobody else signs with it.
	signed, err := f.sign(user, f.pdf)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := f.svc.VerifyPDF("契約書.pdf", signed)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Signatures) != 1 || !rep.Signatures[0].Valid() || !rep.Signatures[0].Chain[0].Equal(cert) {
		t.Errorf("verify the user's signature: %+v", rep)
	}
	refused := []struct {
		name string
		req  certificate.SignRequest
		want error
	}{
		{"another company's user", certificate.SignRequest{Number: rec.Number, CompanyID: "C000001", UserID: "U000002"}, certificate.ErrNotLinked},
		{"unlinked colleague", certificate.SignRequest{Number: rec.Number, CompanyID: "C000001", UserID: colleague.ID}, certificate.ErrNotLinked},
		{"another company", certificate.SignRequest{Number: rec.Number, CompanyID: "C000002", UserID: "U000002"}, data.ErrNotFound},
		{"nobody", certificate.SignRequest{Number: rec.Number}, nil},
	}
	for _, r := range refused {
		_, err := f.sign(r.req, f.pdf)
		if err == nil || (r.want != nil && !errors.Is(err, r.want)) {
			t.Errorf("%s signed: %v", r.name, err)
		}
	}

	f.now = f.now.Add(time.Hour)
	if err := f.store.Update(func(tx *data.Tx) error { return f.svc.Revoke(tx, rec.Number, pki.ReasonKeyCompromise, "operator") }); err != nil {
		t.Fatal(err)
	}
	issuingCRL, _, _ := f.svc.CRLs()
	if err := pki.CheckRevocation(cert, f.svc.Issuing(), issuingCRL, f.now); !errors.Is(err, pki.ErrRevoked) {
		t.Errorf("published CRL after revocation: %v", err)
	}
	console := certificate.SignRequest{Number: rec.Number, Console: true}
	if _, err := f.sign(console, f.pdf); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Errorf("signing with a revoked certificate: %v", err)
	}
}

func TestIssueRefusesUsersItCannotLink(t *testing.T) {
	f := newFixture(t)
	err := f.store.Update(func(tx *data.Tx) error {
		u, err := tx.Tenant("C000001").User("U000001")
		if err != nil {
			return err
		}
		u.ID, u.Status = "", account.StatusDeleted
		return tx.Tenant("C000001").CreateUser(&u)
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, user := range map[string]string{"another company's user": "U000002", "a deleted user": "U000003"} {
		err := f.store.Update(func(tx *data.Tx) error {
			_, _, err := f.svc.Issue(tx, "C000001", certificate.Application{Subject: pki.Subject{DisplayName: "x", Company: "A"}, UserIDs: []string{user}})
			return err
		})
		if !errors.Is(err, data.ErrNotFound) {
			t.Errorf("linking %s: %v", name, err)
		}
	}
}

func TestTheCAIsKeptAcrossRestartsAndNeedsItsMasterKey(t *testing.T) {
	f := newFixture(t)
	again := f.open(t, f.master)
	if !again.Root().Equal(f.svc.Root()) {
		t.Error("a restart made a new root")
	}
	other, _ := pki.NewMasterKey()
	box, _ := pki.NewSecretBox(other, "mail secret")
	composer, _ := mail.New(views.FS, "mail", "Inkan", "https://keiyaku.example.jp", box)
	if _, err := certificate.Open(f.store, other, composer, "Inkan Test", "https://keiyaku.example.jp", time.Now); err == nil {
		t.Error("the CA opened with another master key")
	}
}

func TestPublishCRLsGrowsTheNumber(t *testing.T) {
	f := newFixture(t)
	first, _, _ := f.svc.CRLs()
	if err := f.svc.PublishCRLs(); err != nil {
		t.Fatal(err)
	}
	second, _, _ := f.svc.CRLs()
	a, _ := x509.ParseRevocationList(first)
	b, _ := x509.ParseRevocationList(second)
	if b.Number.Cmp(a.Number) <= 0 {
		t.Errorf("CRL number %v after %v", b.Number, a.Number)
	}
}

// userPassword is the login password of the fixture's users.
const userPassword = "Genba-2026!"

var userPasswordHash = password.Hash(userPassword)

// rawStore is every byte of the store file, to look for what must not rest there.
func rawStore(t *testing.T, store *data.Store) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := store.Backup(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
