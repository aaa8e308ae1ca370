package certificate_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"inkan/app/domain/certificate"
	"inkan/app/testkit/tooltest"
	"inkan/data"
)

// A user's signature shows its seal on the last page: the company, the signer's title
// and name, the date in Japan time. The receiver's seal joins the sender's, both
// signatures hold; the console's signature shows none.
func TestSignatureSeal(t *testing.T) {
	f := newFixture(t)
	// 16:30 UTC is already the next day in Japan.
	f.now = time.Date(2026, 4, 1, 16, 30, 0, 0, time.UTC)
	sender := f.signer(t, "C000001", "U000001", "購買部長")
	receiver := f.signer(t, "C000002", "U000002", "")

	signed, err := f.sign(sender, f.pdf)
	if err != nil {
		t.Fatal(err)
	}
	signed, err = f.sign(receiver, signed)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := f.svc.VerifyPDF("契約書.pdf", signed)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Signatures) != 2 || !rep.Signatures[0].Valid() || !rep.Signatures[1].Valid() {
		t.Errorf("the two signatures: %+v", rep.Signatures)
	}
	last := pageText(t, signed, 2)
	for _, want := range []string{"A建設\n購買部長 A建設 社員\n2026/04/02", "B工務店\nB工務店 社員\n2026/04/02"} {
		if !strings.Contains(last, want) {
			t.Errorf("the last page lacks the seal %q:\n%s", want, last)
		}
	}
	if first := pageText(t, signed, 1); strings.Contains(first, "A建設") {
		t.Errorf("a seal on the first page:\n%s", first)
	}

	console, err := f.sign(certificate.SignRequest{Number: sender.Number, Console: true, Document: "契約書.pdf"}, f.pdf)
	if err != nil {
		t.Fatal(err)
	}
	if text := pageText(t, console, 2); strings.Contains(text, "A建設") {
		t.Errorf("the console's signature shows a seal:\n%s", text)
	}
}

// signer issues a certificate to the user, who passes its PIN check, with title as
// the user's 役職.
func (f *fixture) signer(t *testing.T, companyID, userID, title string) certificate.SignRequest {
	t.Helper()
	rec, pin := f.issue(t, companyID, userID)
	err := f.store.Update(func(tx *data.Tx) error {
		ten := tx.Tenant(companyID)
		u, err := ten.User(userID)
		if err != nil {
			return err
		}
		u.Title = title
		if err := ten.PutUser(u); err != nil {
			return err
		}
		refusal, err := f.svc.CheckValidity(tx, companyID, rec.Number, userID, pin, userPassword)
		if err != nil {
			return err
		}
		return refusal
	})
	if err != nil {
		t.Fatal(err)
	}
	return certificate.SignRequest{Number: rec.Number, CompanyID: companyID, UserID: userID, Document: "契約書.pdf"}
}

// pageText is the text of page n of doc, as pdftotext reads it.
func pageText(t *testing.T, doc []byte, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	p := strconv.Itoa(n)
	out, err := exec.Command(tooltest.Need(t, "pdftotext"), "-f", p, "-l", p, path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}
