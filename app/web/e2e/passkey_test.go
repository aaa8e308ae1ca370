package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"inkan/app/testkit/webtest"
	"inkan/data"
)

// withAuthenticator gives the browser a software passkey authenticator (Chromium's
// virtual one, through the DevTools protocol) that verifies the user at once.
func withAuthenticator(t *testing.T, b context.Context) {
	t.Helper()
	if _, err := chromedp.Call(b, webauthn.Enable, webauthn.EnableParams{}); err != nil {
		t.Fatalf("enable WebAuthn: %v", err)
	}
	_, err := chromedp.Call(b, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
		Options: &webauthn.VirtualAuthenticatorOptions{
			Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21,
			Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true,
			HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
		},
	})
	if err != nil {
		t.Fatalf("add virtual authenticator: %v", err)
	}
}

func registerPasskey(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.SendKeys(field("パスキーの名前"), name),
		click(button("パスキーを登録")),
		chromedp.WaitVisible(`//div[@role="status"][normalize-space()="パスキーを登録しました。"]`),
		chromedp.WaitVisible(`//table[@id="passkeys"]//td[normalize-space()=`+"'"+name+"'"+`]`),
	)
}

// passkeyRefused waits for the login screen's passkey message.
func passkeyRefused(t *testing.T, b context.Context) string {
	t.Helper()
	if err := chromedp.Do(b, click(button("パスキーでログイン")), chromedp.WaitVisible(`[data-passkey-message]`)); err != nil {
		t.Fatal(err)
	}
	return text(t, b, `[data-passkey-message]`)
}

// TestPasskeyLogin: a user registers a passkey under 個人設定 and logs in with it
// instead of ID and password; a removed passkey logs nobody in; a locked account stays
// locked for its passkey; a forced password change comes first; パスワード初期化 removes
// the passkeys.
func TestPasskeyLogin(t *testing.T) {
	site := startSiteAt(t, "localhost")
	b := newBrowser(t)
	withAuthenticator(t, b)
	admin, pw := site.env.Creds.AdminID, "Kensetsu-2026"
	err := chromedp.Do(b,
		login(site.base, admin, site.env.Creds.AdminPassword),
		changePassword(site.env.Creds.AdminPassword, pw),
		chromedp.Navigate(site.base+"/settings"),
		heading("個人設定"),
		registerPasskey("会社のPC"),
		click(button("ログアウト")),
		heading("ログイン"),
		click(button("パスキーでログイン")),
		chromedp.WaitVisible(`#mylist`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if who := text(t, b, `header .who`); !strings.Contains(who, "管理 太郎") {
		t.Errorf("logged in with the passkey as %q", who)
	}
	if err := chromedp.Do(b, chromedp.Navigate(site.base+"/settings"), heading("個人設定")); err != nil {
		t.Fatal(err)
	}
	if used := text(t, b, `#passkeys tbody tr td:nth-child(3)`); used == "未使用" {
		t.Errorf("last use not recorded: %q", used)
	}

	// Removed, the passkey logs nobody in (the authenticator still offers it).
	err = chromedp.Do(b,
		click(`//table[@id="passkeys"]`+button("削除")),
		chromedp.WaitVisible(`//div[@role="status"][normalize-space()="パスキーを削除しました。"]`),
		click(button("ログアウト")),
		heading("ログイン"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if msg := passkeyRefused(t, b); !strings.Contains(msg, "このパスキーではログインできません") {
		t.Errorf("removed passkey's login says %q", msg)
	}

	// A second one; then five wrong passwords lock the ID, and its passkey does not get
	// past the lock.
	err = chromedp.Do(b,
		login(site.base, admin, pw),
		chromedp.WaitVisible(`#mylist`),
		chromedp.Navigate(site.base+"/settings"),
		registerPasskey("ノートPC"),
		click(button("ログアウト")),
		heading("ログイン"),
	)
	if err != nil {
		t.Fatal(err)
	}
	c := site.env.Client(t)
	for range 5 {
		c.Login(admin, "wrong-password-1")
	}
	if msg := passkeyRefused(t, b); !strings.Contains(msg, "ロック") {
		t.Errorf("locked account's passkey login says %q", msg)
	}

	// Unlocked, with a password change due, the passkey login leads to the change first.
	err = site.env.Server.Store.Update(func(tx *data.Tx) error {
		if err := site.env.Server.Accounts.Unlock(tx, webtest.DemoCompanyID, admin, "operator:operator"); err != nil {
			return err
		}
		u, err := tx.Tenant(webtest.DemoCompanyID).User(admin)
		if err != nil {
			return err
		}
		u.MustChangePassword = true
		return tx.Tenant(webtest.DemoCompanyID).PutUser(u)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(b,
		chromedp.Navigate(site.base+"/login"),
		click(button("パスキーでログイン")),
		changePassword(pw, "Kensetsu-2027"),
		click(button("ログアウト")),
		heading("ログイン"),
	)
	if err != nil {
		t.Fatalf("passkey login with a password change due: %v", err)
	}

	// パスワード初期化 takes the account back: its passkeys go with the old password.
	err = site.env.Server.Store.Update(func(tx *data.Tx) error {
		return site.env.Server.Accounts.ResetAdminPassword(tx, webtest.DemoCompanyID, admin, "operator:operator")
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg := passkeyRefused(t, b); !strings.Contains(msg, "このパスキーではログインできません") {
		t.Errorf("passkey login after パスワード初期化 says %q", msg)
	}
}

// TestOperatorPasskey: the operator registers a passkey on the console's パスキー
// screen and logs in with it; the users' login screen does not take it.
func TestOperatorPasskey(t *testing.T) {
	site := startSiteAt(t, "localhost")
	b := newBrowser(t)
	withAuthenticator(t, b)
	err := chromedp.Do(b,
		operatorFirstLogin(site),
		click(link("パスキー")),
		heading("パスキー"),
		registerPasskey("運営PC"),
		click(button("ログアウト")),
		heading("ログイン"),
		click(button("パスキーでログイン")),
		heading("企業一覧"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b, chromedp.Navigate(site.base+"/login"), heading("ログイン")); err != nil {
		t.Fatal(err)
	}
	if msg := passkeyRefused(t, b); !strings.Contains(msg, "このパスキーではログインできません") {
		t.Errorf("the operator's passkey on the users' login says %q", msg)
	}
}
