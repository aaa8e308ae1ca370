package e2e

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"inkan/app/testkit/tooltest"
	"inkan/app/testkit/webtest"
)

// chromium finds the browser, skipping the test on a developer machine without one; in
// CI (CI=true) a missing browser is a failure, never a skip.
func chromium(t *testing.T) string {
	return tooltest.Need(t, "chromium", "chromium-browser", "google-chrome")
}

// site is a running installation and a browser pointed at it.
type site struct {
	env  *webtest.Env
	base string
}

func startSite(t *testing.T) *site {
	t.Helper()
	return startSiteAt(t, "")
}

// startSiteAt is startSite with the base URL on host (with the port the server got),
// for the screens whose browser API needs a name, not an address: WebAuthn takes
// localhost, never 127.0.0.1, as the relying party. An empty host keeps the default.
func startSiteAt(t *testing.T, host string) *site {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := webtest.Config(t)
	if host != "" {
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		base = "http://" + net.JoinHostPort(host, port)
		cfg.BaseURL = base
	}
	env := webtest.New(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- env.Server.ServeListener(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	return &site{env: env, base: base}
}

// newBrowser starts a fresh headless Chromium with the flags this workplace needs (no
// background networking: the machine has no outside network).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowserFor(t, 90*time.Second)
}

// newBrowserFor is newBrowser for a test that needs longer than most: everything it
// does in the browser must end within d.
func newBrowserFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// The screens are tested by their Japanese labels: a Japanese browser.
		chromedp.Flag("lang", "ja-JP"),
		chromedp.Flag("accept-lang", "ja-JP,ja"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, d)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// field is the input inside the label whose caption is the visible text.
func field(label string) string {
	return fmt.Sprintf(`//label[span[normalize-space(text())=%q]]//input`, label)
}

// button is the button whose visible text is the label.
func button(label string) string {
	return fmt.Sprintf(`//button[normalize-space()=%q]`, label)
}

// text reads the visible text of the element sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// link is the link whose visible text is the label.
func link(label string) string {
	return fmt.Sprintf(`//a[normalize-space()=%q]`, label)
}

// heading waits until the page's h1 says text and the page has settled.
func heading(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.WaitVisible(fmt.Sprintf(`//h1[normalize-space()=%q]`, text)), settled())
}

// click clicks the element sel once the page has settled. htmx drops a request from
// an element inside a form while the form's previous request is still in flight, and
// that lasts until its swap has settled: a click right after a swap (a test is that
// fast, a person is not) would be lost.
func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(settled(), chromedp.Click(sel))
}

// settled waits until the page has loaded and htmx has no request, swap or settle in
// flight. A click before that can land on a page about to be replaced, or on a boosted
// link while htmx still runs the request that brought the page, which drops the click.
func settled() chromedp.Action[chromedp.Void] {
	const idle = `document.readyState === "complete" && typeof window.htmx === "object" &&
		!document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")`
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[bool](idle, chromedp.WithPollingInterval(10*time.Millisecond))(ctx, t)
		return chromedp.Void{}, err
	}
}
