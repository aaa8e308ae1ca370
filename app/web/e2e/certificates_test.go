package e2e

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

// mailedPIN reads the PIN of a certificate from the newest PIN mail naming it, opened
// as it is sent, and checks that it went to the address.
func mailedPIN(t *testing.T, s *site, number, to string) string {
	t.Helper()
	var pin string
	s.env.Server.Store.View(func(tx *data.Tx) error {
		mails, err := tx.RecentMails(100)
		for _, m := range mails {
			if !strings.HasSuffix(m.Subject, "PINのお知らせ") || !strings.Contains(m.Text, number) {
				continue
			}
			if strings.Join(m.To, ",") != to {
				t.Errorf("PIN mail to %v, want %s", m.To, to)
			}
			text, err := s.env.Server.Mail.Open(m)
			if err != nil {
				return err
			}
			pin = regexp.MustCompile(`\d{4}-\d{4}-\d{4}`).FindString(text)
			break
		}
		return err
	})
	if pin == "" {
		t.Fatalf("no PIN mail for %s", number)
	}
	return pin
}

// dump logs where a browser is and what it shows, after a step timed out.
func dump(t *testing.T, ctx context.Context) {
	t.Helper()
	short, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(short, chromedp.Location())
	body, _ := chromedp.Run(short, chromedp.Text("main"))
	t.Logf("at %s:\n%s", loc, body)
}

// pick chooses one user with 利用者選択 of the form field: 参照, a search by name, the
// radio, 選択.
func pick(field, name, id string) chromedp.Action[chromedp.Void] {
	picker := "#" + field + "-picker"
	return chromedp.Steps(
		click(picker+" summary"),
		chromedp.SendKeys(picker+` input[name="pick_name"]`, name),
		click(picker+` details button`),
		chromedp.WaitVisible(`#pick-`+field+`-`+id),
		settled(),
		click(`#pick-`+field+`-`+id),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`document.getElementById("pick-`+field+`-`+id+`").checked`, chromedp.WithPollingTimeout(5*time.Second))(ctx, t)
			if err != nil {
				return fmt.Errorf("radio %s not checked after its click: %w", id, err)
			}
			return nil
		}),
		click(`#`+field+`-pick-results button`),
		chromedp.WaitVisible(`//div[@id="`+field+`-name" and normalize-space()="`+name+`"]`),
	)
}

// checkValidity is 証明書有効性確認 of the logged-in user for the certificate.
func checkValidity(number, pin, pw string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		click(link("証明書管理 ▼")),
		heading("証明書管理"),
		click(`//main//a[normalize-space()="証明書有効性確認"]`),
		heading("証明書有効性確認"),
		chromedp.SetValue(`select[name="cert"]`, number),
		chromedp.SendKeys(field("証明書PIN"), pin),
		chromedp.SendKeys(field("ログインパスワード"), pw),
		click(button("確認")),
		chromedp.WaitVisible(`//div[@role="status" and contains(., "署名できます")]`),
	)
}

// TestCertificateLifecycleInTheBrowser: an admin applies for a certificate with a
// 印鑑証明書 PDF, the operator issues it, the PIN mail is in the outbox, the linked user
// does 証明書有効性確認 with it, and 紐付け更新 links a second user, who must check too.
func TestCertificateLifecycleInTheBrowser(t *testing.T) {
	site := startSite(t)
	signerID, signerPW := site.env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "中村 五郎")
	secondID, secondPW := site.env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "小林 七海")
	seal, err := filepath.Abs(filepath.Join("..", "..", "..", "testdata", "pdf", "qpdf-objstm.pdf"))
	if err != nil {
		t.Fatal(err)
	}

	admin := newBrowser(t)
	if err := chromedp.Do(admin, chromedp.Navigate(site.base+"/login")); err != nil {
		t.Fatal(err)
	}
	step, cancel := context.WithTimeout(admin, 30*time.Second)
	defer cancel()
	err = chromedp.Do(step,
		login(site.base, site.env.Creds.AdminID, site.env.Creds.AdminPassword),
		changePassword(site.env.Creds.AdminPassword, "Kensetsu-2026"),
		click(link("管理者業務 ▼")),
		heading("管理者業務"),
		click(`//main//a[normalize-space()="電子証明書追加発行申請"]`),
		heading("電子証明書追加発行申請"),
		chromedp.SendKeys(field("企業名（アルファベット）"), "Demo Kensetsu"),
		chromedp.SendKeys(field("部署名（日本語）"), "東京支店"),
		chromedp.SendKeys(field("部署名（アルファベット）"), "Tokyo branch"),
		chromedp.SendKeys(field("役職名（日本語）"), "支店長"),
		chromedp.SendKeys(field("役職名（アルファベット）"), "Branch manager"),
		chromedp.SetUploadFiles(`input[name="seal"]`, []string{seal}),
		pick("user_id", "中村 五郎", signerID),
		chromedp.SendKeys(field("電話番号"), "03-1111-2222"),
		click(button("確認")),
		heading("電子証明書追加発行申請確認"),
	)
	if err != nil {
		dump(t, admin)
		t.Fatal(err)
	}
	if shown := text(t, admin, "#confirm"); !strings.Contains(shown, "qpdf-objstm.pdf") || !strings.Contains(shown, "中村 五郎") || !strings.Contains(shown, "Tokyo branch") {
		t.Errorf("confirm screen: %s", shown)
	}
	// 戻る keeps everything, the file included.
	err = chromedp.Do(admin,
		click(button("戻る")),
		heading("電子証明書追加発行申請"),
		chromedp.WaitVisible(`#seal-kept`),
		click(button("確認")),
		heading("電子証明書追加発行申請確認"),
		click(button("確定")),
		heading("電子証明書追加発行申請完了"),
	)
	if err != nil {
		dump(t, admin)
		t.Fatal(err)
	}

	operator := newBrowser(t)
	err = chromedp.Do(operator,
		operatorFirstLogin(site),
		click(link("電子証明書申請一覧")),
		heading("電子証明書申請一覧"),
		click(`#applications tbody a`),
		heading("電子証明書申請詳細"),
		chromedp.WaitVisible(`iframe#seal`),
		click(button("発行")),
		chromedp.WaitVisible(`//td[@id="application-state" and normalize-space()="発行済"]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	number := strings.TrimSpace(text(t, operator, `#application-detail a`))
	if number != "DJC-00002" {
		t.Fatalf("issued %q", number)
	}
	pin := mailedPIN(t, site, number, "admin@demo-kensetsu.example")

	signer := newBrowser(t)
	err = chromedp.Do(signer,
		login(site.base, signerID, signerPW),
		changePassword(signerPW, "Genba-0401"),
		checkValidity(number, pin, "Genba-0401"),
	)
	if err != nil {
		t.Fatal(err)
	}
	may := func(user string) error {
		return site.env.Server.Store.View(func(tx *data.Tx) error {
			return site.env.Server.Certs.MaySignNow(tx, webtest.DemoCompanyID, user, number)
		})
	}
	if err := may(signerID); err != nil {
		t.Errorf("the signer after the check: %v", err)
	}

	err = chromedp.Do(admin,
		click(link("管理者業務 ▼")),
		heading("管理者業務"),
		click(`//main//a[normalize-space()="自社電子証明書照会"]`),
		heading("自社電子証明書照会"),
		click(link(number)),
		chromedp.WaitVisible(`#cert-users`),
		click(link("紐付け更新")),
		heading("自社電子証明書紐付け更新"),
		pick("add", "小林 七海", secondID),
		click(button("確認")),
		heading("自社電子証明書紐付け更新確認"),
		click(button("確定")),
		heading("電子証明書紐付け更新完了"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if users := text(t, admin, "#cert-users"); !strings.Contains(users, "中村 五郎") || !strings.Contains(users, "小林 七海") {
		t.Errorf("linked users: %s", users)
	}
	if err := may(secondID); !errors.Is(err, certificate.ErrPINNotChecked) {
		t.Errorf("the newly linked user before the check: %v", err)
	}
	second := newBrowser(t)
	err = chromedp.Do(second,
		login(site.base, secondID, secondPW),
		changePassword(secondPW, "Genba-0402"),
		chromedp.Navigate(site.base+"/certificates/list"),
		chromedp.WaitVisible(`//table[@id="my-certificates"]//td[contains(., "未確認")]`),
		checkValidity(number, pin, "Genba-0402"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := may(secondID); err != nil {
		t.Errorf("the second user after the check: %v", err)
	}
}
