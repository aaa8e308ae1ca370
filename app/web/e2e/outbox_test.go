package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"inkan/data"
)

// TestOperatorResendsAFailedMailAfterConfirming clicks 再送 in a real browser: the
// confirmation dialog (hx-confirm) comes first, the boosted form carries the CSRF token,
// and the address bar ends on the mail, not on the action.
func TestOperatorResendsAFailedMailAfterConfirming(t *testing.T) {
	site := startSite(t)
	err := site.env.Server.Store.Update(func(tx *data.Tx) error {
		m, err := tx.Mail(1)
		if err != nil {
			return err
		}
		m.State, m.Attempts, m.LastError = data.MailFailed, 6, `AUTH PLAIN as inkan: 535 "5.7.8 Authentication failed"`
		return tx.PutMail(m)
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	asked := make(chan string, 1)
	go func() {
		for ev, err := range chromedp.Events(ctx, page.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			asked <- ev.Message
			if _, err := chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true}); err != nil {
				return
			}
		}
	}()

	err = chromedp.Do(ctx,
		operatorFirstLogin(site),
		click(link("送信メール")),
		heading("送信メール"),
		chromedp.WaitVisible(`#outbox-failed`),
		click(`#mail-1 a`),
		chromedp.WaitVisible(`#mail-error`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, `#mail-error`); !strings.Contains(got, "535") {
		t.Errorf("last error shown %q", got)
	}
	if err := chromedp.Do(ctx, click(button("再送")), chromedp.WaitVisible(`#mail-note`)); err != nil {
		t.Fatal(err)
	}
	if q := <-asked; q != "このメールを再送しますか？" {
		t.Errorf("confirmation %q", q)
	}
	if got := text(t, ctx, `#mail-state`); got != "送信待ち" {
		t.Errorf("state on screen %q", got)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/operator/outbox/1") {
		t.Errorf("address bar %q", loc)
	}
	site.env.Server.Store.View(func(tx *data.Tx) error {
		if m, _ := tx.Mail(1); m.State != data.MailQueued || m.Attempts != 0 {
			t.Errorf("stored %s after %d attempts", m.State, m.Attempts)
		}
		return nil
	})
}
