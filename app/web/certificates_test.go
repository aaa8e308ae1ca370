package web_test

import (
	"bytes"
	"crypto/x509"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"inkan/app/domain/certificate"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

// sealPDF is a real PDF to upload as a 印鑑証明書.
func sealPDF(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pdf", "qpdf-objstm.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// applicationInput is a valid application of the demo company for its admin.
func applicationInput(userID string) certificate.ApplicationInput {
	return certificate.ApplicationInput{
		OrgJa: "デモ建設", OrgEn: "Demo Kensetsu", DeptJa: "東京支店", DeptEn: "Tokyo branch", TitleJa: "支店長", TitleEn: "Branch manager",
		UserID: userID, PINName: "管理 太郎", PINEmail: "pin@demo-kensetsu.example",
		Applicant: data.Applicant{Name: "管理 太郎", Kana: "カンリ タロウ", Tel: "03-1111-2222", Email: "applicant@demo-kensetsu.example"},
	}
}

// seedApplication files an application through the domain, with a 印鑑証明書 kept in
// the store's files.
func seedApplication(t *testing.T, env *webtest.Env, companyID, actorID string, in certificate.ApplicationInput) data.CertApplication {
	t.Helper()
	pdf := sealPDF(t)
	sum, err := env.Server.Store.Files().Put(pdf)
	if err != nil {
		t.Fatal(err)
	}
	in.Seal = data.FileRef{SHA256: sum, Name: "印鑑証明書.pdf", Size: int64(len(pdf))}
	var a data.CertApplication
	err = env.Server.Store.Update(func(tx *data.Tx) (err error) {
		a, err = env.Server.Certs.Apply(tx, companyID, actorID, in)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// outbox lists the outbox as "subject → recipients", oldest first.
func outbox(t *testing.T, env *webtest.Env) []string {
	t.Helper()
	var out []string
	env.Server.Store.View(func(tx *data.Tx) error {
		m, _ := tx.RecentMails(200)
		for i := len(m) - 1; i >= 0; i-- {
			out = append(out, strings.TrimPrefix(m[i].Subject, "【Inkan電子契約サービス】")+" → "+strings.Join(m[i].To, ","))
		}
		return nil
	})
	return out
}

// lastMails are the last n entries of outbox.
func lastMails(t *testing.T, env *webtest.Env, n int) []string {
	all := outbox(t, env)
	return all[max(len(all)-n, 0):]
}

func TestOperatorIssuesAndRejectsApplications(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	a := seedApplication(t, env, webtest.DemoCompanyID, env.Creds.AdminID, applicationInput(env.Creds.AdminID))
	b := seedApplication(t, env, webtest.DemoCompanyID, env.Creds.AdminID, applicationInput(env.Creds.AdminID))

	// The console is the operator's alone.
	admin := adminClient(t, env)
	for _, path := range []string{"/operator/applications", "/operator/applications/" + a.ID, "/operator/applications/" + a.ID + "/seal", "/operator/certificates/DJC-00001"} {
		if r := admin.Get(path); r.Status != http.StatusSeeOther {
			t.Errorf("a company admin at %s: %d", path, r.Status)
		}
	}

	op := env.Client(t)
	op.OperatorLogin()
	queue := op.Get("/operator/applications")
	if n := queue.Doc.Find("#applications tbody tr a").Length(); n != 2 {
		t.Errorf("受付 lists %d applications", n)
	}
	detail := op.Get("/operator/applications/" + a.ID)
	shown := detail.Doc.Find("main").Text()
	for _, want := range []string{"受付", "デモ建設", "Demo Kensetsu", "Tokyo branch", "Branch manager", "印鑑証明書.pdf", env.Creds.AdminID, "管理 太郎", "pin@demo-kensetsu.example", "03-1111-2222", "applicant@demo-kensetsu.example"} {
		if !strings.Contains(shown, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
	if src := detail.Doc.Find("iframe#seal").AttrOr("src", ""); src != "/operator/applications/"+a.ID+"/seal" {
		t.Errorf("the 印鑑証明書 is not inline: %q", src)
	}
	if got := detail.Doc.Find(`input[name="display_name"]`).AttrOr("value", ""); got != "東京支店 支店長" {
		t.Errorf("表示名 proposed %q, want 部署名 役職名", got)
	}
	seal := op.Get("/operator/applications/" + a.ID + "/seal")
	if seal.Status != http.StatusOK || seal.Header.Get("Content-Type") != "application/pdf" || !bytes.Equal([]byte(seal.Body), sealPDF(t)) ||
		seal.Header.Get("X-Frame-Options") != "SAMEORIGIN" {
		t.Errorf("seal: %d %q %q", seal.Status, seal.Header.Get("Content-Type"), seal.Header.Get("X-Frame-Options"))
	}

	issued := op.Post("/operator/applications/"+a.ID+"/issue", url.Values{"display_name": {""}})
	if issued.Status != http.StatusOK || issued.Text("#application-state") != "発行済" || !issued.Has(`a[href="/operator/certificates/DJC-00002"]`) {
		t.Fatalf("発行: %d %s\n%s", issued.Status, issued.Text("#application-state"), issued.Text("main"))
	}
	if got, want := lastMails(t, env, 2), []string{"PINのお知らせ → pin@demo-kensetsu.example", "電子証明書発行のお知らせ → applicant@demo-kensetsu.example"}; !slices.Equal(got, want) {
		t.Errorf("mails of 発行: %v", got)
	}
	var cert data.Certificate
	env.Server.Store.View(func(tx *data.Tx) (err error) { cert, err = tx.CertificateByNumber("DJC-00002"); return })
	if cert.DisplayName != "東京支店 支店長" || cert.CompanyID != webtest.DemoCompanyID || len(cert.Links) != 1 || cert.Links[0].UserID != env.Creds.AdminID {
		t.Errorf("issued %+v", cert)
	}
	parsed, _ := x509.ParseCertificate(cert.DER)
	if s := parsed.Subject.String(); !strings.Contains(s, "Tokyo branch") || !strings.Contains(s, "Demo Kensetsu") {
		t.Errorf("subject %s", s)
	}
	if again := op.Post("/operator/applications/"+a.ID+"/issue", url.Values{}); again.Status != http.StatusUnprocessableEntity || !strings.Contains(again.Text(".alert"), "既に") {
		t.Errorf("second 発行: %d", again.Status)
	}

	if r := op.Post("/operator/applications/"+b.ID+"/reject", url.Values{"reason": {" "}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("却下 without a reason: %d", r.Status)
	}
	rejected := op.Post("/operator/applications/"+b.ID+"/reject", url.Values{"reason": {"印鑑証明書が不鮮明です"}})
	if rejected.Text("#application-state") != "却下" {
		t.Errorf("却下: %s", rejected.Text("main"))
	}
	env.Server.Store.View(func(tx *data.Tx) error {
		m, _ := tx.RecentMails(1)
		if !strings.Contains(m[0].Subject, "却下") || m[0].To[0] != "applicant@demo-kensetsu.example" || !strings.Contains(m[0].Text, "印鑑証明書が不鮮明です") {
			t.Errorf("rejection mail %+v", m[0])
		}
		return nil
	})
	for state, n := range map[string]int{"issued": 1, "rejected": 1, "received": 0} {
		if got := op.Get("/operator/applications?state=" + state).Doc.Find("#applications tbody tr a").Length(); got != n {
			t.Errorf("%s lists %d", state, got)
		}
	}
}

func TestOperatorRevokesAndIssuesANewPIN(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	// Lock the admin's check of DJC-00001 with five wrong PINs.
	for i := 0; i < certificate.MaxCheckFailures; i++ {
		env.Server.Store.Update(func(tx *data.Tx) error {
			_, err := env.Server.Certs.CheckValidity(tx, webtest.DemoCompanyID, "DJC-00001", env.Creds.AdminID, "0000-0000-0000", env.Creds.AdminPassword)
			return err
		})
	}
	op := env.Client(t)
	op.OperatorLogin()
	show := op.Get("/operator/certificates/DJC-00001")
	if show.Text("#certificate-status") != "有効" || !strings.Contains(show.Text("#certificate-detail"), "1") {
		t.Errorf("certificate: %s", show.Text("#certificate-detail"))
	}
	pin := op.Post("/operator/certificates/DJC-00001/pin", nil)
	if pin.Status != http.StatusOK || !strings.Contains(pin.Text(`[role="status"]`), "新しい証明書PIN") {
		t.Fatalf("new PIN: %d %s", pin.Status, pin.Text("main"))
	}
	env.Server.Store.View(func(tx *data.Tx) error {
		c, _ := tx.CertificateByNumber("DJC-00001")
		if c.Links[0].LockedAt != nil || c.Links[0].Failures != 0 {
			t.Errorf("the lock stayed: %+v", c.Links[0])
		}
		m, _ := tx.RecentMails(1)
		if !strings.HasSuffix(m[0].Subject, "PINのお知らせ") || m[0].To[0] != "admin@demo-kensetsu.example" {
			t.Errorf("new PIN mail %+v", m[0])
		}
		return nil
	})

	if r := op.Post("/operator/certificates/DJC-00001/revoke", url.Values{"reason": {"1"}, "note": {""}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("revoke without a reason in words: %d", r.Status)
	}
	revoked := op.Post("/operator/certificates/DJC-00001/revoke", url.Values{"reason": {"1"}, "note": {"鍵の漏えいの疑い"}})
	if revoked.Text("#certificate-status") != "失効" || !strings.Contains(revoked.Text("main"), "鍵の漏えいの疑い") {
		t.Fatalf("revoke: %s", revoked.Text("main"))
	}
	crl := op.Get("/pki/crl/issuing.crl")
	list, err := x509.ParseRevocationList([]byte(crl.Body))
	if err != nil {
		t.Fatal(err)
	}
	var cert data.Certificate
	env.Server.Store.View(func(tx *data.Tx) (err error) { cert, err = tx.CertificateByNumber("DJC-00001"); return })
	serial, _ := new(big.Int).SetString(cert.Serial, 16)
	if len(list.RevokedCertificateEntries) != 1 || list.RevokedCertificateEntries[0].SerialNumber.Cmp(serial) != 0 {
		t.Errorf("the CRL does not name the certificate: %+v", list.RevokedCertificateEntries)
	}
	err = env.Server.Store.View(func(tx *data.Tx) error {
		return env.Server.Certs.MaySignNow(tx, webtest.DemoCompanyID, env.Creds.AdminID, "DJC-00001")
	})
	if err != certificate.ErrRevoked {
		t.Errorf("may sign after revocation: %v", err)
	}
}

// pinOf reads the PIN of a certificate from the newest PIN mail that names it, opened
// as delivery would.
func pinOf(t *testing.T, env *webtest.Env, number string) string {
	t.Helper()
	var pin string
	env.Server.Store.View(func(tx *data.Tx) error {
		mails, _ := tx.RecentMails(200)
		for _, m := range mails {
			if !strings.HasSuffix(m.Subject, "PINのお知らせ") || !strings.Contains(m.Text, number) {
				continue
			}
			text, err := env.Server.Mail.Open(m)
			if err != nil {
				t.Fatal(err)
			}
			pin = regexp.MustCompile(`\d{4}-\d{4}-\d{4}`).FindString(text)
			return nil
		}
		return nil
	})
	if pin == "" {
		t.Fatalf("no PIN mail for %s", number)
	}
	return pin
}

func TestValidityCheckNeedsThePINAndThePassword(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	list := c.Get("/certificates/list")
	row := list.Text("#my-certificates tbody tr")
	for _, want := range []string{"DJC-00001", "未確認", "証明書有効性確認が済んでいません"} {
		if !strings.Contains(row, want) {
			t.Errorf("電子証明書照会 lacks %q: %s", want, row)
		}
	}
	pin := pinOf(t, env, "DJC-00001")
	form := func(p, pw string) url.Values { return url.Values{"cert": {"DJC-00001"}, "pin": {p}, "password": {pw}} }
	c.Get("/certificates/check")
	for name, f := range map[string]url.Values{
		"wrong PIN":      form("1234-5678-9012", newPassword),
		"wrong password": form(pin, "Wrong-pass-1"),
		"no PIN":         form("", newPassword),
	} {
		r := c.Post("/certificates/check", f)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Text(".alert"), "正しくありません") {
			t.Errorf("%s: %d %q", name, r.Status, r.Text(".alert"))
		}
	}
	// Full-width digits without hyphens are the same PIN.
	wide := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r - '0' + '０'
		}
		return -1
	}, pin)
	ok := c.Post("/certificates/check", form(wide, newPassword))
	if ok.Status != http.StatusOK || !strings.Contains(ok.Text(`[role="status"]`), "署名できます") {
		t.Fatalf("the right PIN: %d %s", ok.Status, ok.Text("main"))
	}
	if loc := ok.Header.Get("HX-Replace-Url"); loc != "/certificates/check?cert=DJC-00001" {
		t.Errorf("address after the check: %q", loc)
	}
	row = c.Get("/certificates/list").Text("#my-certificates tbody tr")
	if !strings.Contains(row, "確認済") || !strings.Contains(row, "署名できます") {
		t.Errorf("after the check: %s", row)
	}

	// Another company's user gets 404 for the certificate, and lists none.
	_, otherAdmin, otherPW := env.AddCompany(t, "株式会社受注工務店", "one_side")
	other, _ := loggedIn(t, env, otherAdmin, otherPW)
	other.Get("/certificates/check")
	if r := other.Post("/certificates/check", form(pin, newPassword)); r.Status != http.StatusNotFound {
		t.Errorf("another company checked DJC-00001: %d", r.Status)
	}
	if strings.Contains(other.Get("/certificates/list").Text("main"), "DJC-00001") {
		t.Error("another company lists DJC-00001")
	}
}

func TestFiveWrongPINsLockTheCheck(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	c.Get("/certificates/check")
	var last *webtest.Response
	for i := 0; i < certificate.MaxCheckFailures; i++ {
		last = c.Post("/certificates/check", url.Values{"cert": {"DJC-00001"}, "pin": {"0000-0000-0000"}, "password": {newPassword}})
	}
	if !strings.Contains(last.Text(".alert"), "ロックされています") {
		t.Errorf("fifth wrong PIN: %q", last.Text(".alert"))
	}
	pin := pinOf(t, env, "DJC-00001")
	if r := c.Post("/certificates/check", url.Values{"cert": {"DJC-00001"}, "pin": {pin}, "password": {newPassword}}); !strings.Contains(r.Text(".alert"), "ロックされています") {
		t.Errorf("the right PIN while locked: %q", r.Text(".alert"))
	}
	if row := c.Get("/certificates/list").Text("#my-certificates tbody tr"); !strings.Contains(row, "ロック中") {
		t.Errorf("list: %s", row)
	}
}

func TestOnboardingIssuesTheFirstAdminsCertificate(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	op := env.Client(t)
	op.OperatorLogin()
	op.Get("/operator/companies/new")
	form := with(onboardingForm(), "cert_issue", "1", "cert_org_en", "Gaia Kensetsu", "cert_dept_ja", "本社", "cert_dept_en", "Head office", "cert_title_ja", "社長", "cert_title_en", "President")
	if r := op.Post("/operator/companies/confirm", with(form, "cert_org_en", "Gaia_Kensetsu")); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Doc.Find(`input[name="cert_org_en"]`).Closest(".field").Find(".error").Text(), "半角の英数字") {
		t.Errorf("an underscore in the alphabet: %d", r.Status)
	}
	confirm := op.Post("/operator/companies/confirm", form)
	if !strings.Contains(confirm.Text("#first-cert-confirm"), "Head office") || !strings.Contains(confirm.Text("#first-cert-confirm"), "ガイア建設株式会社") {
		t.Fatalf("confirm lacks the certificate: %s", confirm.Text("main"))
	}
	done := op.Post("/operator/companies/commit", hiddenFields(confirm))
	if done.Text("#first-certificate") != "DJC-00002" {
		t.Fatalf("done: %s", done.Text("main"))
	}
	var cert data.Certificate
	env.Server.Store.View(func(tx *data.Tx) (err error) { cert, err = tx.CertificateByNumber("DJC-00002"); return })
	if cert.CompanyID != "C000002" || len(cert.Links) != 1 || cert.Links[0].UserID != "U000002" || cert.DisplayName != "本社 社長" || cert.PINEmail != "yamada@gaia.example.jp" {
		t.Errorf("first certificate %+v", cert)
	}
	if got := lastMails(t, env, 1); got[0] != "PINのお知らせ → yamada@gaia.example.jp" {
		t.Errorf("mail %v", got)
	}
	// Without the tick no certificate is issued.
	op.Get("/operator/companies/new")
	confirm = op.Post("/operator/companies/confirm", with(onboardingForm(), "name", "第三建設"))
	done = op.Post("/operator/companies/commit", hiddenFields(confirm))
	if done.Has("#first-certificate") {
		t.Error("a certificate was issued without the tick")
	}
}
