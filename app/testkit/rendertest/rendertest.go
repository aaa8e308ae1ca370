// Package rendertest shows PDF pages the way people see them — with poppler
// (pdftoppm), MuPDF (mutool draw) and Chromium's PDF viewer (PDFium, as in
// Chrome) — so that tests judge what a document shows, not only what it
// holds. A missing tool skips the test, or fails it when CI=true (tooltest).
package rendertest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"inkan/app/testkit/tooltest"
)

// Poppler renders page (counted from 1) of doc at dpi with pdftoppm, its crop
// box as viewers show it (pdftoppm's default is the media box).
func Poppler(t testing.TB, doc []byte, page, dpi int) image.Image {
	t.Helper()
	out := filepath.Join(t.TempDir(), "page")
	p, r := strconv.Itoa(page), strconv.Itoa(dpi)
	run(t, exec.Command(tooltest.Need(t, "pdftoppm"), "-f", p, "-l", p, "-r", r, "-cropbox", "-png", "-singlefile", write(t, doc), out))
	return decode(t, out+".png")
}

// MuPDF renders page (counted from 1) of doc at dpi with mutool draw.
func MuPDF(t testing.TB, doc []byte, page, dpi int) image.Image {
	t.Helper()
	out := filepath.Join(t.TempDir(), "page.png")
	run(t, exec.Command(tooltest.Need(t, "mutool"), "draw", "-q", "-r", strconv.Itoa(dpi), "-o", out, write(t, doc), strconv.Itoa(page)))
	return decode(t, out)
}

func write(t testing.TB, doc []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t testing.TB, cmd *exec.Cmd) {
	t.Helper()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", filepath.Base(cmd.Path), err, out)
	}
}

func decode(t testing.TB, path string) image.Image {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return img
}

// Chromium is a headless Chromium, its PDF viewer showing the documents.
type Chromium struct {
	ctx context.Context
}

// NewChromium starts the browser, which stops when the test ends.
func NewChromium(t testing.TB) *Chromium {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(tooltest.Need(t, "chromium", "chromium-browser", "google-chrome")),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(900, 1200),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &Chromium{ctx: ctx}
}

// Page shows page (counted from 1) of doc in the viewer, fitted to the window
// and without its toolbar, and returns a screenshot once the viewer has drawn
// it: three screenshots in a row alike, showing a white page with dark marks
// (the page's own text) on it. The viewer draws out of process, with no event
// to wait for.
func (c *Chromium) Page(t testing.TB, doc []byte, page int) image.Image {
	t.Helper()
	url := fmt.Sprintf("file://%s#page=%d&toolbar=0&view=Fit", write(t, doc), page)
	if _, err := chromedp.Run(c.ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	var last []byte
	for same := 0; ; {
		shot, err := chromedp.Run(c.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot of %s (never drawn?): %v", url, err)
		}
		if bytes.Equal(shot, last) {
			same++
		} else {
			same = 0
		}
		last = shot
		if same >= 2 {
			if img, err := png.Decode(bytes.NewReader(shot)); err == nil && drawn(img) {
				return img
			}
		}
	}
}

// drawn reports a screenshot showing a page: a good part of it white, with
// some dark pixels.
func drawn(img image.Image) bool {
	white := Count(img, img.Bounds(), func(c color.RGBA) bool { return c.R > 250 && c.G > 250 && c.B > 250 })
	dark := Count(img, img.Bounds(), func(c color.RGBA) bool { return c.R < 80 && c.G < 80 && c.B < 80 })
	area := img.Bounds().Dx() * img.Bounds().Dy()
	return white > area/4 && dark > 0
}

// Count counts the pixels of img within r for which f holds.
func Count(img image.Image, r image.Rectangle, f func(color.RGBA) bool) int {
	n := 0
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if f(rgba(img.At(x, y))) {
				n++
			}
		}
	}
	return n
}

// Changed returns the number and the bounds of the pixels that differ between
// two renderings of the same size.
func Changed(a, b image.Image) (int, image.Rectangle) {
	n := 0
	var box image.Rectangle
	r := a.Bounds().Intersect(b.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if rgba(a.At(x, y)) != rgba(b.At(x, y)) {
				n++
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return n, box
}

// DarkRed reports the colour of a seal's ink: a strong red, little green and
// blue (anti-aliased edges, paler, do not count).
func DarkRed(c color.RGBA) bool {
	return c.R >= 110 && c.G <= 90 && c.B <= 90 && int(c.R)-int(c.G) >= 60
}

func rgba(c color.Color) color.RGBA {
	r, g, b, a := c.RGBA()
	return color.RGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: uint8(a >> 8)}
}
