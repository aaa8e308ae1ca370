package contract_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/domain/company"
	"inkan/app/domain/contract"
	"inkan/app/domain/mail"
	"inkan/app/domain/password"
	"inkan/app/locale/jst"
	"inkan/app/testkit/pdftest"
	"inkan/app/trust/pki"
	"inkan/data"
	"inkan/views"
)

const userPassword = "Passw0rd!"

var userPasswordHash = password.Hash(userPassword)

// world is an installation with two companies, C000001 (片方課金, the sender) and
// C000002 (取引先専用), each with users 1–4 (担当者, approver, signer, other: S1… and
// R1… in the tests' words), the signers holding checked certificates.
type world struct {
	store *data.Store
	certs *certificate.Service
	svc   *contract.Service
	mail  *mail.Composer
	clock *clock
	users map[contract.Actor]contract.Actor // the table test's names → the stored IDs
	pdf   []byte
}

// clock is the installation's clock, which tests move; safe for the signing goroutines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newWorld(t testing.TB, doc []byte) *world {
	t.Helper()
	return newWorldIn(t, t.TempDir(), doc)
}

// newWorldIn is newWorld with its store in dir.
func newWorldIn(t testing.TB, dir string, doc []byte) *world {
	t.Helper()
	store, err := data.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	w := &world{store: store, clock: &clock{t: time.Date(2026, 4, 1, 10, 0, 0, 0, jst.Zone)}, users: map[contract.Actor]contract.Actor{}, pdf: doc}
	master, _ := pki.NewMasterKey()
	box, _ := pki.NewSecretBox(master, "mail secret")
	composer, err := mail.New(views.FS, "mail", "Inkan", "https://keiyaku.example.jp", box)
	if err != nil {
		t.Fatal(err)
	}
	if w.certs, err = certificate.Open(store, master, composer, "Inkan Test", "https://keiyaku.example.jp", w.clock.now); err != nil {
		t.Fatal(err)
	}
	w.mail = composer
	w.svc = contract.NewService(store, w.certs, composer, w.clock.now)
	cast := [][]contract.Actor{{sRegistrant, sApprover, sSigner, sOther}, {rRecipient, rApprover, rSigner, rOther}, {third}}
	plans := []company.Plan{company.PlanOneSide, company.PlanPartnerOnly, company.PlanOneSide}
	err = store.Update(func(tx *data.Tx) error {
		for i, people := range cast {
			c := data.Company{Name: fmt.Sprintf("企業%d", i+1), Plan: string(plans[i])}
			if err := tx.CreateCompany(&c); err != nil {
				return err
			}
			for _, p := range people {
				u := data.User{Name: p.UserID, Email: p.UserID + "@example.jp", Status: account.StatusActive, PasswordHash: userPasswordHash}
				if err := tx.Tenant(c.ID).CreateUser(&u); err != nil {
					return err
				}
				w.users[p] = contract.Actor{CompanyID: c.ID, UserID: u.ID}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, signer := range []contract.Actor{sSigner, rSigner} {
		w.giveCertificate(t, signer)
	}
	return w
}

func (w *world) giveCertificate(t testing.TB, who contract.Actor) {
	t.Helper()
	u := w.users[who]
	err := w.store.Update(func(tx *data.Tx) error {
		rec, pin, err := w.certs.Issue(tx, u.CompanyID, certificate.Application{
			Subject: pki.Subject{DisplayName: "Signer " + u.UserID, Company: "Company " + u.CompanyID, CompanyJa: "企業"},
			UserIDs: []string{u.UserID}, PINRecipient: "担当", PINEmail: "pin@example.jp",
		})
		if err != nil {
			return err
		}
		refusal, err := w.certs.CheckValidity(tx, u.CompanyID, rec.Number, u.UserID, pin, userPassword)
		return errors.Join(refusal, err)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (w *world) as(a contract.Actor) contract.Actor { return w.users[a] }

func (w *world) input() contract.Input {
	amount := int64(1_100_000)
	return contract.Input{
		Title: "工事請負契約書", Amount: &amount, ContractDate: time.Date(2026, 4, 1, 0, 0, 0, 0, jst.Zone),
		OrderSide: data.OrderSideBuyer, PartnerID: w.as(rRecipient).CompanyID, PartnerDept: "工務部",
		RecipientID: w.as(rRecipient).UserID, Approvers: []string{w.as(sApprover).UserID}, Signer: w.as(sSigner).UserID,
	}
}

// register puts the PDF and registers and applies a document: it waits for the sender's
// approver.
func (w *world) register(t testing.TB) data.Document {
	t.Helper()
	ref, err := w.svc.PutPDF("契約書.pdf", w.pdf)
	if err != nil {
		t.Fatal(err)
	}
	var d data.Document
	err = w.store.Update(func(tx *data.Tx) (err error) {
		if d, err = w.svc.Register(tx, w.as(sRegistrant), w.input(), ref); err != nil {
			return err
		}
		d, err = w.svc.Submit(tx, w.as(sRegistrant), d.ID, d.Version)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (w *world) update(t testing.TB, fn func(tx *data.Tx) (data.Document, error)) data.Document {
	t.Helper()
	var d data.Document
	if err := w.store.Update(func(tx *data.Tx) (err error) { d, err = fn(tx); return err }); err != nil {
		t.Fatal(err)
	}
	return d
}

// live takes a registered document through the whole flow to 完了.
func (w *world) live(t testing.TB, d data.Document) data.Document {
	t.Helper()
	ctx := context.Background()
	d = w.update(t, func(tx *data.Tx) (data.Document, error) {
		return w.svc.Approve(tx, w.as(sApprover), d.ID, d.Version, "確認しました")
	})
	d, err := w.svc.Sign(ctx, w.as(sSigner), d.ID, d.Version, w.password(t, sSigner))
	if err != nil {
		t.Fatal(err)
	}
	d = w.update(t, func(tx *data.Tx) (data.Document, error) {
		return w.svc.Receive(tx, w.as(rRecipient), d.ID, d.Version, contract.Receipt{Approvers: []string{w.as(rApprover).UserID}, Signer: w.as(rSigner).UserID, GroupTag: " 工事部 "})
	})
	d = w.update(t, func(tx *data.Tx) (data.Document, error) {
		return w.svc.ApproveReceipt(tx, w.as(rApprover), d.ID, d.Version, "")
	})
	if d, err = w.svc.Sign(ctx, w.as(rSigner), d.ID, d.Version, w.password(t, rSigner)); err != nil {
		t.Fatal(err)
	}
	w.clock.add(time.Minute)
	if d, err = w.svc.Complete(ctx, w.as(sRegistrant), d.ID, d.Version); err != nil {
		t.Fatal(err)
	}
	return d
}

func testPDF(t testing.TB) []byte {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "pdf", "qpdf-objstm.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTheWholeLife: register → 申請 → 承認 → 署名 (sent) → 受領 → 受領前承認 → 署名 → 完了.
// Every step is in the history; each revision extends the previous; the final PDF has
// two valid signatures and a document timestamp; 保管開始日 is the completion date in
// Japan time and 保管期限 ten years on; the sender (片方課金) pays, the 取引先専用 partner
// not; and from then on the document refuses every action.
func TestTheWholeLife(t *testing.T) {
	w := newWorld(t, testPDF(t))
	// The receiver does not see the document before it is sent.
	d := w.register(t)
	if d.Status != "承認待ち" {
		t.Fatalf("after 申請: %s", d.Status)
	}
	err := w.store.View(func(tx *data.Tx) error { _, err := tx.Tenant(w.as(rRecipient).CompanyID).Document(d.ID); return err })
	if !errors.Is(err, data.ErrNotFound) {
		t.Errorf("the receiver read the document before it was sent: %v", err)
	}
	// 01:00 in Japan is still the previous day in UTC: 保管開始日 is Japan's date.
	w.clock.t = time.Date(2026, 4, 2, 1, 0, 0, 0, jst.Zone)
	d = w.live(t, d)
	if d.Status != "完了" || d.StorageStart != time.Date(2026, 4, 2, 0, 0, 0, 0, jst.Zone) || d.StorageEnd != time.Date(2036, 4, 2, 0, 0, 0, 0, jst.Zone) {
		t.Errorf("completed: %s %v %v", d.Status, d.StorageStart, d.StorageEnd)
	}
	var actions []string
	for _, h := range d.History {
		actions = append(actions, h.Action)
	}
	if fmt.Sprint(actions) != "[register submit approve sign receive approve_receipt sign complete]" {
		t.Errorf("history %v", actions)
	}
	// 受領 set the receiver's own fields: its tag, and the other side of the sender's.
	if d.Receiver.GroupTag != "工事部" || d.Receiver.OrderSide != data.OrderSideSeller || d.Sender.GroupTag != "" {
		t.Errorf("the receiver's own fields: %+v, the sender's %+v", d.Receiver, d.Sender)
	}
	if d.Sender.Route.Approvers[0].Comment != "確認しました" || d.Sender.Route.Approvers[0].DoneAt == nil || d.Receiver.Route.Signer.DoneAt == nil {
		t.Errorf("routes %+v %+v", d.Sender.Route, d.Receiver.Route)
	}
	// The original is the uploaded file and every later revision only the bytes it
	// appended: the files, one after the other, are the signed PDF.
	files := w.store.Files()
	var prev []byte
	for i, r := range d.Revisions {
		b, err := files.Get(r.File.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if r.Increment != (i > 0) || r.File.Size != int64(len(b)) {
			t.Errorf("revision %d (%s): increment %v, %d bytes recorded, %d stored", i, r.Kind, r.Increment, r.File.Size, len(b))
		}
		prev = append(prev, b...)
	}
	joined, err := files.Join(d.Parts())
	if err != nil || !bytes.Equal(joined, prev) {
		t.Errorf("the document's parts do not join to its revisions: %v", err)
	}
	if kinds := fmt.Sprint(kindsOf(d)); kinds != "[original signature signature timestamp]" {
		t.Errorf("revisions %s", kinds)
	}
	rep, err := w.certs.VerifyPDF(d.ID, prev)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Signatures) != 3 {
		t.Errorf("report %+v", rep)
	}
	for i, s := range rep.Signatures {
		if !s.Valid() {
			t.Errorf("signature %d: %+v", i, s)
		}
	}
	w.store.View(func(tx *data.Tx) error {
		a, _ := tx.UsageOf(w.as(sRegistrant).CompanyID, "2026-04")
		b, _ := tx.UsageOf(w.as(rRecipient).CompanyID, "2026-04")
		if len(a) != 1 || a[0].DocumentID != d.ID || len(b) != 0 {
			t.Errorf("usage: sender %+v receiver %+v", a, b)
		}
		return nil
	})
	for _, who := range []contract.Actor{sRegistrant, sSigner, rRecipient} {
		err := w.store.Update(func(tx *data.Tx) error {
			_, err := w.svc.Cancel(tx, w.as(who), d.ID, 0, "")
			return err
		})
		if !errors.Is(err, contract.ErrState) {
			t.Errorf("取消 of a stored document by %s: %v", who.UserID, err)
		}
	}
}

// password is the 署名用パスワード of the newest such mail to who, as delivered.
func (w *world) password(t testing.TB, who contract.Actor) string {
	t.Helper()
	// The signer reading the mail is not the service's work: a benchmark does not time
	// the test opening the sealed mail.
	if b, ok := t.(*testing.B); ok {
		b.StopTimer()
		defer b.StartTimer()
	}
	return w.newestMail(t, who, "doc_sign_password", "署名用パスワード：")
}

// newestMail finds the newest mail of the template to who and returns the rest of the
// line after label (the whole text when label is empty).
func (w *world) newestMail(t testing.TB, who contract.Actor, template, label string) string {
	t.Helper()
	var text string
	w.store.View(func(tx *data.Tx) error {
		mails, err := tx.RecentMails(20) // newest first: the one sought is among the last few
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mails {
			if m.Template == template && slices.Contains(m.To, who.UserID+"@example.jp") {
				if text, err = w.mail.Open(m); err != nil {
					t.Fatal(err)
				}
				return nil
			}
		}
		t.Fatalf("no %s mail to %s", template, who.UserID)
		return nil
	})
	if label == "" {
		return text
	}
	_, rest, ok := strings.Cut(text, label)
	if !ok {
		t.Fatalf("%s mail without %s:\n%s", template, label, text)
	}
	line, _, _ := strings.Cut(rest, "\n")
	return strings.TrimSpace(line)
}

func kindsOf(d data.Document) []string {
	var out []string
	for _, r := range d.Revisions {
		out = append(out, r.Kind)
	}
	return out
}

// TestReturnOnEachSideAndCancel: a 差戻し needs a reason; the sender's approver and the
// receiver's approver each send it back to the sender's 担当者, who fixes it (下書き保存)
// and applies again, the receiver's route dropped; 取消 ends it, and the partner who
// had received it still sees it, 取消.
func TestReturnOnEachSideAndCancel(t *testing.T) {
	w := newWorld(t, testPDF(t))
	ctx := context.Background()
	d := w.register(t)
	err := w.store.Update(func(tx *data.Tx) error {
		_, err := w.svc.Return(tx, w.as(sApprover), d.ID, d.Version, "  ")
		return err
	})
	if !errors.Is(err, contract.ErrReasonRequired) {
		t.Errorf("差戻し without a reason: %v", err)
	}
	d = w.update(t, func(tx *data.Tx) (data.Document, error) {
		return w.svc.Return(tx, w.as(sApprover), d.ID, d.Version, "金額を確認してください")
	})
	if d.Status != "差戻し" || d.History[len(d.History)-1].Comment != "金額を確認してください" {
		t.Errorf("returned: %s %+v", d.Status, d.History)
	}
	in := w.input()
	in.Title, in.Approvers = "工事請負契約書（修正）", nil
	d = w.update(t, func(tx *data.Tx) (data.Document, error) {
		d, err := w.svc.SaveDraft(tx, w.as(sRegistrant), d.ID, d.Version, in, nil)
		if err != nil {
			return d, err
		}
		return w.svc.Submit(tx, w.as(sRegistrant), d.ID, d.Version)
	})
	if d.Status != "署名待ち" || d.Title != "工事請負契約書（修正）" {
		t.Fatalf("applied again: %s %s", d.Status, d.Title)
	}
	d, err = w.svc.Sign(ctx, w.as(sSigner), d.ID, d.Version, w.password(t, sSigner))
	if err != nil {
		t.Fatal(err)
	}
	d = w.update(t, func(tx *data.Tx) (data.Document, error) {
		return w.svc.Receive(tx, w.as(rRecipient), d.ID, d.Version, contract.Receipt{Approvers: []string{w.as(rApprover).UserID}, Signer: w.as(rSigner).UserID})
	})
	d = w.update(t, func(tx *data.Tx) (data.Document, error) {
		return w.svc.Return(tx, w.as(rApprover), d.ID, d.Version, "署名者を変更します")
	})
	if d.Status != "差戻し" || d.Receiver.Route != nil {
		t.Errorf("returned by the receiver: %s %+v", d.Status, d.Receiver.Route)
	}
	// The partner has seen it: the partner stays.
	other := w.input()
	other.PartnerID = w.as(third).CompanyID
	err = w.store.Update(func(tx *data.Tx) error {
		_, err := w.svc.SaveDraft(tx, w.as(sRegistrant), d.ID, d.Version, other, nil)
		return err
	})
	if !errors.Is(err, contract.ErrBadRoute) {
		t.Errorf("changing the partner after sending: %v", err)
	}
	d = w.update(t, func(tx *data.Tx) (data.Document, error) {
		return w.svc.Cancel(tx, w.as(sRegistrant), d.ID, d.Version, "")
	})
	w.store.View(func(tx *data.Tx) error {
		got, err := tx.Tenant(w.as(rRecipient).CompanyID).Document(d.ID)
		if err != nil || got.Status != "取消" {
			t.Errorf("the receiver sees %s (%v)", got.Status, err)
		}
		return nil
	})
	// Sent twice, charged once.
	w.store.View(func(tx *data.Tx) error {
		if u, _ := tx.UsageOf(w.as(sRegistrant).CompanyID, "2026-04"); len(u) != 1 {
			t.Errorf("usage %+v", u)
		}
		return nil
	})
}

// TestSubmitRefusals: the plan matrix (取引先専用 ↔ 取引先専用), a 受取担当者 of another
// company, a signer without a certificate, a replayed form (an old version).
func TestSubmitRefusals(t *testing.T) {
	w := newWorld(t, testPDF(t))
	ref, err := w.svc.PutPDF("契約書.pdf", w.pdf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.PutPDF("x.pdf", []byte("%PDF-1.7 not really")); !errors.Is(err, contract.ErrNotPDF) {
		t.Errorf("a broken PDF: %v", err)
	}
	cases := []struct {
		name string
		by   contract.Actor
		in   func(in *contract.Input)
		want error
	}{
		{"recipient of another company", sRegistrant, func(in *contract.Input) { in.RecipientID = w.as(third).UserID }, contract.ErrBadRoute},
		{"signer without certificate", sRegistrant, func(in *contract.Input) { in.Signer = w.as(sOther).UserID }, contract.ErrSignerCannot},
		{"approver twice", sRegistrant, func(in *contract.Input) { in.Approvers = []string{w.as(sApprover).UserID, w.as(sApprover).UserID} }, contract.ErrBadRoute},
		{"no signer", sRegistrant, func(in *contract.Input) { in.Signer = "" }, contract.ErrIncomplete},
	}
	for _, c := range cases {
		in := w.input()
		c.in(&in)
		err := w.store.Update(func(tx *data.Tx) error {
			d, err := w.svc.Register(tx, w.as(c.by), in, ref)
			if err != nil {
				return err
			}
			_, err = w.svc.Submit(tx, w.as(c.by), d.ID, d.Version)
			return err
		})
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// 取引先専用 → 取引先専用: the receiver company (取引先専用) sends to another one.
	err = w.store.Update(func(tx *data.Tx) error {
		c := data.Company{Name: "別の取引先", Plan: string(company.PlanPartnerOnly)}
		if err := tx.CreateCompany(&c); err != nil {
			return err
		}
		u := data.User{Name: "受取", Status: account.StatusActive}
		if err := tx.Tenant(c.ID).CreateUser(&u); err != nil {
			return err
		}
		in := contract.Input{Title: "覚書", PartnerID: c.ID, RecipientID: u.ID, Signer: w.as(rSigner).UserID}
		d, err := w.svc.Register(tx, w.as(rRecipient), in, ref)
		if err != nil {
			return err
		}
		_, err = w.svc.Submit(tx, w.as(rRecipient), d.ID, d.Version)
		return err
	})
	if !errors.Is(err, contract.ErrPlan) || contract.ReasonKey(err) != "contract.refused.plan" {
		t.Errorf("取引先専用 → 取引先専用: %v", err)
	}
	// A replayed form: the version it was shown is gone.
	d := w.register(t)
	err = w.store.Update(func(tx *data.Tx) error {
		_, err := w.svc.Approve(tx, w.as(sApprover), d.ID, d.Version-1, "")
		return err
	})
	if !errors.Is(err, contract.ErrChanged) {
		t.Errorf("a replayed 承認: %v", err)
	}
	// A third company and the receiver before sending: not found.
	for _, who := range []contract.Actor{third, rRecipient} {
		err := w.store.Update(func(tx *data.Tx) error {
			_, err := w.svc.Approve(tx, w.as(who), d.ID, 0, "")
			return err
		})
		if !errors.Is(err, data.ErrNotFound) {
			t.Errorf("%s: %v", who.UserID, err)
		}
	}
}

// TestTwoSignsAtOnceLeaveOneSignature: the signer's double click — two Sign calls at
// once — commits one signature; the other is refused with a reason (ErrChanged when
// both read the same version, ErrState when the first had committed).
func TestTwoSignsAtOnceLeaveOneSignature(t *testing.T) {
	w := newWorld(t, testPDF(t))
	d := w.register(t)
	d = w.update(t, func(tx *data.Tx) (data.Document, error) {
		return w.svc.Approve(tx, w.as(sApprover), d.ID, d.Version, "")
	})
	errs := make([]error, 2)
	pw := w.password(t, sSigner)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() { _, errs[i] = w.svc.Sign(context.Background(), w.as(sSigner), d.ID, d.Version, pw) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case contract.ReasonKey(err) != "contract.refused.changed" && contract.ReasonKey(err) != "contract.refused.state":
			t.Errorf("refused without a reason: %v", err)
		}
	}
	var got data.Document
	w.store.View(func(tx *data.Tx) (err error) {
		got, err = tx.Tenant(w.as(sRegistrant).CompanyID).Document(d.ID)
		return err
	})
	if ok != 1 || len(got.Revisions) != 2 || got.Status != "受領前承認待ち" {
		t.Errorf("%d signed; revisions %v, status %s", ok, kindsOf(got), got.Status)
	}
}

// TestSigningDoesNotHoldTheStore: between Sign's read and its commit — where the
// signature of a large document is computed — no transaction is open: another user's
// write commits then (were Sign holding the store, the write would wait for it, and
// the hook would report the timeout).
func TestSigningDoesNotHoldTheStore(t *testing.T) {
	w := newWorld(t, pdftest.Big(1<<20))
	d := w.register(t)
	d = w.update(t, func(tx *data.Tx) (data.Document, error) {
		return w.svc.Approve(tx, w.as(sApprover), d.ID, d.Version, "")
	})
	other := w.register(t)
	wrote := false
	contract.OnSigning(w.svc, func() {
		done := make(chan error, 1)
		go func() {
			done <- w.store.Update(func(tx *data.Tx) error {
				_, err := w.svc.Approve(tx, w.as(sApprover), other.ID, other.Version, "")
				return err
			})
		}()
		select {
		case err := <-done:
			wrote = err == nil
			if err != nil {
				t.Errorf("the other write: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("the other write waited for the signature")
		}
	})
	if _, err := w.svc.Sign(context.Background(), w.as(sSigner), d.ID, d.Version, w.password(t, sSigner)); err != nil {
		t.Fatal(err)
	}
	if !wrote {
		t.Error("no write ran while signing")
	}
}

// TestSigningRefusesAChangedOriginal: the PDF's hash is checked while the signature is
// made; when the stored bytes no longer match, the signature is not kept and the
// document stays as it was.
func TestSigningRefusesAChangedOriginal(t *testing.T) {
	dir := t.TempDir()
	w := newWorldIn(t, dir, pdftest.Big(64<<10))
	d := w.register(t)
	d = w.update(t, func(tx *data.Tx) (data.Document, error) {
		return w.svc.Approve(tx, w.as(sApprover), d.ID, d.Version, "")
	})
	sum := d.Revisions[0].File.SHA256
	path := filepath.Join(dir, "files", sum[:2], sum)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1 // the same size, one bit changed
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Sign(context.Background(), w.as(sSigner), d.ID, d.Version, w.password(t, sSigner)); err == nil || !strings.Contains(err.Error(), "changed on disk") {
		t.Fatalf("Sign over a changed file: %v", err)
	}
	w.store.View(func(tx *data.Tx) error {
		cur, err := tx.Tenant(w.as(sSigner).CompanyID).Document(d.ID)
		if err != nil || cur.Version != d.Version || len(cur.Revisions) != 1 {
			t.Errorf("the document changed: %+v %v", cur, err)
		}
		return nil
	})
}

// TestSigningPasswordIsOneTimeExpiresAndLocks: 署名用パスワード発行のお知らせ (the subject
// verbatim after the service name) carries a password kept only sealed and hashed;
// wrong entries are counted and the fifth locks it; a reissued one works; it expires;
// the mails of the other steps reach their people.
func TestSigningPasswordIsOneTimeExpiresAndLocks(t *testing.T) {
	w := newWorld(t, testPDF(t))
	ctx := context.Background()
	d := w.register(t)
	if !strings.Contains(w.newestMail(t, sApprover, "doc_approval", ""), d.ID) {
		t.Error("the approver's mail lacks the document number")
	}
	d = w.update(t, func(tx *data.Tx) (data.Document, error) {
		return w.svc.Approve(tx, w.as(sApprover), d.ID, d.Version, "")
	})
	w.store.View(func(tx *data.Tx) error {
		mails, _ := tx.RecentMails(1)
		if mails[0].Subject != "【Inkan】署名用パスワード発行のお知らせ" || mails[0].Secret == nil || strings.Contains(mails[0].Text, w.password(t, sSigner)) {
			t.Errorf("password mail %q sealed %v", mails[0].Subject, mails[0].Secret != nil)
		}
		return nil
	})
	for i := 1; i <= contract.MaxSigningPasswordFailures; i++ {
		_, err := w.svc.Sign(ctx, w.as(sSigner), d.ID, d.Version, "wrong-password")
		want := contract.ErrWrongPassword
		if i == contract.MaxSigningPasswordFailures {
			want = contract.ErrPasswordLocked
		}
		if !errors.Is(err, want) {
			t.Fatalf("entry %d: %v, want %v", i, err, want)
		}
	}
	if _, err := w.svc.Sign(ctx, w.as(sSigner), d.ID, d.Version, w.password(t, sSigner)); !errors.Is(err, contract.ErrPasswordLocked) {
		t.Errorf("the right password after the lock: %v", err)
	}
	// Only the signer whose turn it is may ask for a new one.
	for who, want := range map[contract.Actor]error{sOther: contract.ErrNotYourTurn, sSigner: nil} {
		err := w.store.Update(func(tx *data.Tx) error { return w.svc.ReissueSigningPassword(tx, w.as(who), d.ID) })
		if !errors.Is(err, want) || (want == nil) != (err == nil) {
			t.Errorf("reissue by %s: %v", who.UserID, err)
		}
	}
	w.clock.add(contract.SigningPasswordValidity)
	if _, err := w.svc.Sign(ctx, w.as(sSigner), d.ID, d.Version, w.password(t, sSigner)); !errors.Is(err, contract.ErrPasswordExpired) {
		t.Errorf("an expired password: %v", err)
	}
	w.store.Update(func(tx *data.Tx) error { return w.svc.ReissueSigningPassword(tx, w.as(sSigner), d.ID) })
	pw := w.password(t, sSigner)
	d, err := w.svc.Sign(ctx, w.as(sSigner), d.ID, d.Version, pw)
	if err != nil {
		t.Fatal(err)
	}
	if text := w.newestMail(t, rRecipient, "doc_received", ""); !strings.Contains(text, "企業1") || !strings.Contains(text, d.ID) {
		t.Errorf("received mail:\n%s", text)
	}
	d = w.update(t, func(tx *data.Tx) (data.Document, error) {
		return w.svc.Receive(tx, w.as(rRecipient), d.ID, d.Version, contract.Receipt{Signer: w.as(rSigner).UserID})
	})
	d = w.update(t, func(tx *data.Tx) (data.Document, error) {
		return w.svc.Return(tx, w.as(rSigner), d.ID, d.Version, "押印欄の誤り")
	})
	if w.newestMail(t, sRegistrant, "doc_returned", "差戻し理由　：") != "押印欄の誤り" {
		t.Error("the returned mail lacks the reason")
	}
	if by := w.newestMail(t, sRegistrant, "doc_returned", "差戻し元　　："); !strings.HasPrefix(by, "企業2 ") {
		t.Errorf("the returned mail names %q as 差戻し元, not the receiver", by)
	}
	// The password used once does not sign again (the document came back for a new round).
	d = w.update(t, func(tx *data.Tx) (data.Document, error) { return w.svc.Submit(tx, w.as(sRegistrant), d.ID, d.Version) })
	d = w.update(t, func(tx *data.Tx) (data.Document, error) {
		return w.svc.Approve(tx, w.as(sApprover), d.ID, d.Version, "")
	})
	if _, err := w.svc.Sign(ctx, w.as(sSigner), d.ID, d.Version, pw); !errors.Is(err, contract.ErrWrongPassword) {
		t.Errorf("a used password: %v", err)
	}
}
