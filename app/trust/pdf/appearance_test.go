package pdf

import (
	"bytes"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"inkan/app/testkit/rendertest"
)

// sealLines are the seals of a contract's signers, as the certificate service
// writes them (company; title and name; date), and a third one's with a name
// the font lacks (𠮷, drawn as 〓).
var sealLines = [][]string{
	{"送信商事株式会社", "代表取締役 山田 太郎", "2026/12/02"},
	{"Receiver Kogyo K.K. 髙﨑㈱", "営業部長 佐藤 花子", "2026/12/03"},
	{"𠮷野家", "2026/12/04"},
}

// sealAll signs doc once for each of lines with a seal on the last page.
func sealAll(t *testing.T, doc []byte, lines [][]string) []byte {
	t.Helper()
	for _, l := range lines {
		doc = signVisible(t, doc, &Appearance{Page: LastPage, Lines: l})
	}
	return doc
}

func signVisible(t *testing.T, doc []byte, app *Appearance) []byte {
	t.Helper()
	f, err := Open(doc)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.PrepareSignature(SignatureOptions{Appearance: app})
	if err != nil {
		t.Fatalf("sign with %q: %v", app.Lines, err)
	}
	out := seal(t, p)
	if !bytes.HasPrefix(out, doc) {
		t.Fatal("the signature rewrote earlier bytes")
	}
	return out
}

// sealOnPage is a visible signature found on a page: its widget and, in a
// form with /NeedAppearances, the stamp showing it.
type sealOnPage struct {
	widget, stamp Dict
	rect          [4]float64
}

// sealsOn lists the visible signatures on page, in the order of its /Annots.
func sealsOn(t *testing.T, f *File, page Dict) []sealOnPage {
	t.Helper()
	annots, err := f.resolveArray(page["Annots"])
	if err != nil {
		t.Fatal(err)
	}
	var out []sealOnPage
	widgets := map[Object]int{} // index in out of each widget's reference
	var stamps []Dict
	for _, a := range annots {
		o, err := f.Resolve(a)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := o.(Dict)
		r, _ := f.rectangle(d["Rect"])
		switch {
		case d.Name("FT") == "Sig" && r[2] > r[0]:
			widgets[a] = len(out)
			out = append(out, sealOnPage{widget: d, rect: r})
		case d.Name("Subtype") == "Stamp":
			stamps = append(stamps, d)
		}
	}
	for _, s := range stamps {
		i, ok := widgets[s["IRT"]]
		if !ok {
			t.Fatalf("stamp %v is grouped with no signature widget of the page", s)
		}
		out[i].stamp = s
	}
	return out
}

func TestVisibleSignature(t *testing.T) {
	cases := []struct {
		name     string
		fixture  string
		seals    [][]string // each a signature with a placed seal on the last page
		given    *Appearance
		wantPage int // page number of the seals
		wantErr  bool
	}{
		{name: "classic, three signers", fixture: "gs-classic-1.4.pdf", seals: sealLines, wantPage: 2},
		{name: "object streams", fixture: "qpdf-objstm.pdf", seals: sealLines[:2], wantPage: 2},
		{name: "form in object streams", fixture: "form-objstm.pdf", seals: sealLines[:2], wantPage: 1},
		{name: "form with NeedAppearances", fixture: "form-needappearances.pdf", seals: sealLines, wantPage: 2},
		{name: "last page turned and cropped", fixture: "rotated.pdf", seals: sealLines, wantPage: 3},
		{name: "given box on the first page", fixture: "hybrid.pdf", given: &Appearance{Rect: [4]float64{350, 40, 560, 110}, Lines: sealLines[0], FontSize: 9}, wantPage: 1},
		{name: "given box fitted", fixture: "gs-classic-1.4.pdf", given: &Appearance{Page: LastPage, Rect: [4]float64{10, 10, 200, 40}, Lines: []string{"Inkan"}}, wantPage: 2},
		{name: "empty box", fixture: "gs-classic-1.4.pdf", given: &Appearance{Rect: [4]float64{10, 10, 10, 40}}, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := readFixture(t, tc.fixture)
			if tc.given != nil {
				f, err := Open(doc)
				if err != nil {
					t.Fatal(err)
				}
				_, err = f.PrepareSignature(SignatureOptions{Appearance: tc.given})
				if tc.wantErr != (err != nil) {
					t.Fatalf("PrepareSignature: %v, want error %v", err, tc.wantErr)
				}
				if err != nil {
					return
				}
			}
			var lines [][]string
			for _, l := range tc.seals {
				doc = signVisible(t, doc, &Appearance{Page: LastPage, Lines: l})
				lines = append(lines, l)
				checkSeals(t, doc, tc.wantPage, len(lines))
			}
			if tc.given != nil {
				doc = signVisible(t, doc, tc.given)
				lines = append(lines, tc.given.Lines)
				checkSeals(t, doc, tc.wantPage, 1)
			}
			externalChecks(t, doc, len(lines), 0)
			t.Run("pdftotext", func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "sealed.pdf")
				if err := os.WriteFile(path, doc, 0o600); err != nil {
					t.Fatal(err)
				}
				n := strconv.Itoa(tc.wantPage)
				b, err := exec.Command(need(t, "pdftotext"), "-f", n, "-l", n, path, "-").CombinedOutput()
				if err != nil {
					t.Fatalf("pdftotext: %v\n%s", err, b)
				}
				for _, l := range lines {
					for _, line := range l {
						if !bytes.Contains(b, []byte(line)) {
							t.Errorf("the page's text lacks %q:\n%s", line, b)
						}
					}
				}
			})
		})
	}
}

// checkSeals checks the newest revision of doc: every signature so far leaves
// only allowed changes after it, the newest brought its appearance, and the
// want seals lie on page number page, inside the page as shown, apart from
// each other, each shown by its widget or, in a form with /NeedAppearances,
// by the stamp grouped with it.
func checkSeals(t *testing.T, doc []byte, page, want int) {
	t.Helper()
	f, err := Open(doc)
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := f.Signatures()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sigs {
		changes, err := f.ChangesAfter(s.Revision)
		if err != nil || len(changes.Disallowed()) > 0 {
			t.Errorf("changes after %s: %+v, %v", s.Field, changes.Disallowed(), err)
		}
	}
	changes, err := f.ChangesAfter(len(f.Revisions()) - 2)
	if err != nil {
		t.Fatal(err)
	}
	var sawAppearance bool
	for _, c := range changes {
		sawAppearance = sawAppearance || c.Kind == ChangeAppearance
	}
	if !sawAppearance {
		t.Errorf("appearance objects not classified: %+v", changes)
	}
	ref, pd := pageNumber(t, f, page)
	view, err := f.view(pd)
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := f.Catalog()
	af, _, _ := f.acroForm(cat)
	seals := sealsOn(t, f, pd)
	if len(seals) != want {
		t.Fatalf("%d seals on page %d, want %d", len(seals), page, want)
	}
	for i, s := range seals {
		r := s.rect
		if r[0] < view.box[0] || r[1] < view.box[1] || r[2] > view.box[2] || r[3] > view.box[3] {
			t.Errorf("seal %d at %v outside the visible page %v", i, r, view.box)
		}
		if s.widget["P"] != ref {
			t.Errorf("seal %d: widget /P %v, want the page %v", i, s.widget["P"], ref)
		}
		for _, o := range seals[:i] {
			if r[0] < o.rect[2] && o.rect[0] < r[2] && r[1] < o.rect[3] && o.rect[1] < r[3] {
				t.Errorf("seal %d at %v overlaps the one at %v", i, r, o.rect)
			}
		}
		if needs := f.needAppearances(af); needs != (s.stamp != nil) {
			t.Errorf("seal %d: NeedAppearances %v, stamp %v", i, needs, s.stamp)
		} else if needs {
			if got, _ := f.rectangle(s.stamp["Rect"]); got != r {
				t.Errorf("seal %d: stamp at %v, widget at %v", i, got, r)
			}
		}
	}
}

// pageNumber returns page n (from 1), walking the page tree in order.
func pageNumber(t *testing.T, f *File, n int) (Ref, Dict) {
	t.Helper()
	cat, err := f.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	var pages []Ref
	var walk func(o Object)
	walk = func(o Object) {
		r, _ := o.(Ref)
		d, err := f.Resolve(o)
		if err != nil {
			t.Fatal(err)
		}
		node, _ := d.(Dict)
		if node.Name("Type") == "Page" {
			pages = append(pages, r)
			return
		}
		kids, _ := f.Resolve(node["Kids"])
		arr, _ := kids.(Array)
		for _, k := range arr {
			walk(k)
		}
	}
	walk(cat["Pages"])
	if n < 1 || n > len(pages) {
		t.Fatalf("page %d of %d", n, len(pages))
	}
	o, _ := f.Resolve(pages[n-1])
	return pages[n-1], o.(Dict)
}

func TestPlace(t *testing.T) {
	seal := [4]float64{459, 36, 559, 76} // where the first 100×40 box of an A4 page goes
	cases := []struct {
		name  string
		taken [][4]float64
		want  [4]float64
		ok    bool
	}{
		{"empty page", nil, seal, true},
		{"beside the first", [][4]float64{seal}, [4]float64{353, 36, 453, 76}, true},
		{"past a narrow one", [][4]float64{{500, 50, 520, 60}}, [4]float64{394, 36, 494, 76}, true},
		{"row full: above the lowest", [][4]float64{{36, 36, 559, 70}}, [4]float64{459, 76, 559, 116}, true},
		{"page full", [][4]float64{{0, 0, 595, 842}}, [4]float64{}, false},
	}
	for _, tc := range cases {
		got, ok := place(595, 842, 100, 40, 36, tc.taken)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: place = %v %v, want %v %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPageView(t *testing.T) {
	box := [4]float64{30, 40, 565, 800}
	shown := [4]float64{10, 20, 110, 60} // 100 wide, 40 high as shown
	for _, rot := range []int{0, 90, 180, 270} {
		v := pageView{box: box, rotate: rot}
		u := v.toUser(shown)
		if got := v.toDisplay(u); got != shown {
			t.Errorf("rotate %d: %v → %v → %v", rot, shown, u, got)
		}
		w, h := u[2]-u[0], u[3]-u[1]
		if (rot%180 == 0) != (w == 100 && h == 40) {
			t.Errorf("rotate %d: user box %v is %v×%v", rot, u, w, h)
		}
		if u[0] < box[0] || u[1] < box[1] || u[2] > box[2] || u[3] > box[3] {
			t.Errorf("rotate %d: user box %v outside %v", rot, u, box)
		}
	}
}

// sealDPI renders pages at two pixels a point.
const sealDPI = 144

// TestSealRendering renders the last page with poppler and MuPDF before and
// after three signatures and requires each seal's box, and only it, to have
// changed, with the seal's dark red ink in it: for a plain file, a form with
// /NeedAppearances (poppler then ignores signature widgets' appearances; the
// stamps show the seals) and a turned, cropped page.
func TestSealRendering(t *testing.T) {
	renderers := []struct {
		name   string
		render func(testing.TB, []byte, int, int) image.Image
	}{
		{"pdftoppm", rendertest.Poppler},
		{"mutool", rendertest.MuPDF},
	}
	for _, fx := range []struct {
		file string
		page int
	}{{"gs-classic-1.4.pdf", 2}, {"form-needappearances.pdf", 2}, {"rotated.pdf", 3}} {
		orig := readFixture(t, fx.file)
		sealed := sealAll(t, orig, sealLines)
		f, err := Open(sealed)
		if err != nil {
			t.Fatal(err)
		}
		_, pd := pageNumber(t, f, fx.page)
		view, err := f.view(pd)
		if err != nil {
			t.Fatal(err)
		}
		_, ph := view.size()
		var boxes []image.Rectangle
		for _, s := range sealsOn(t, f, pd) {
			d := view.toDisplay(s.rect)
			px := func(v float64) int { return int(v * sealDPI / 72) }
			boxes = append(boxes, image.Rect(px(d[0]), px(ph-d[3]), px(d[2]), px(ph-d[1])))
		}
		for _, r := range renderers {
			t.Run(fx.file+"/"+r.name, func(t *testing.T) {
				before, after := r.render(t, orig, fx.page, sealDPI), r.render(t, sealed, fx.page, sealDPI)
				if before.Bounds() != after.Bounds() {
					t.Fatalf("page size changed: %v, %v", before.Bounds(), after.Bounds())
				}
				for i, b := range boxes {
					ink := rendertest.Count(after, b, rendertest.DarkRed)
					if area := b.Dx() * b.Dy(); ink < area/50 || rendertest.Count(before, b, rendertest.DarkRed) > 0 {
						t.Errorf("seal %d at %v: %d pixels of ink in %d", i, b, ink, area)
					}
				}
				outside := 0
				bounds := after.Bounds()
				for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
					for x := bounds.Min.X; x < bounds.Max.X; x++ {
						if inAny(image.Pt(x, y), boxes, 3) {
							continue
						}
						if before.At(x, y) != after.At(x, y) {
							outside++
						}
					}
				}
				if outside > 0 {
					t.Errorf("%d pixels changed outside the seals' boxes %v", outside, boxes)
				}
			})
		}
	}
}

func inAny(p image.Point, boxes []image.Rectangle, slack int) bool {
	for _, b := range boxes {
		if p.In(b.Inset(-slack)) {
			return true
		}
	}
	return false
}

// TestSealInChromium shows the last page in Chromium's PDF viewer before and
// after two signatures: what changed is dark red ink low on the right, where
// the seals go, in a plain file and in a form with /NeedAppearances.
func TestSealInChromium(t *testing.T) {
	browser := rendertest.NewChromium(t)
	for _, fx := range []string{"gs-classic-1.4.pdf", "form-needappearances.pdf"} {
		t.Run(fx, func(t *testing.T) {
			orig := readFixture(t, fx)
			before := browser.Page(t, orig, 2)
			after := browser.Page(t, sealAll(t, orig, sealLines[:2]), 2)
			n, box := rendertest.Changed(before, after)
			ink := 0
			for y := box.Min.Y; y < box.Max.Y; y++ {
				for x := box.Min.X; x < box.Max.X; x++ {
					c := color.RGBAModel.Convert(after.At(x, y)).(color.RGBA)
					if rendertest.DarkRed(c) && before.At(x, y) != after.At(x, y) {
						ink++
					}
				}
			}
			b := after.Bounds()
			if n == 0 || ink < 100 || box.Min.X < b.Dx()/2 || box.Min.Y < b.Dy()/2 {
				t.Errorf("%d pixels changed within %v of %v, %d of them dark red", n, box, b, ink)
			}
		})
	}
}
