package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestVisibleSignature(t *testing.T) {
	app := &Appearance{Rect: [4]float64{350, 40, 560, 110}, Lines: []string{"Signed by Inkan", "山田 太郎 (Yamada)", "2026-11-24 15:30 JST"}}
	cases := []struct {
		name    string
		fixture string
		app     *Appearance
		wantErr bool
	}{
		{"classic", "gs-classic-1.4.pdf", app, false},
		{"object streams", "qpdf-objstm.pdf", app, false},
		{"fixed font size", "hybrid.pdf", &Appearance{Rect: [4]float64{10, 10, 200, 40}, Lines: []string{"Inkan"}, FontSize: 9}, false},
		{"empty box", "gs-classic-1.4.pdf", &Appearance{Rect: [4]float64{10, 10, 10, 40}}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Open(readFixture(t, tc.fixture))
			if err != nil {
				t.Fatal(err)
			}
			p, err := f.PrepareSignature(SignatureOptions{Appearance: tc.app})
			if tc.wantErr {
				if err == nil {
					t.Fatal("empty appearance box accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out := seal(t, p)
			g, err := Open(out)
			if err != nil {
				t.Fatal(err)
			}
			changes, err := g.ChangesAfter(0)
			if err != nil || len(changes.Disallowed()) > 0 {
				t.Errorf("changes %+v, %v", changes, err)
			}
			var sawAppearance bool
			for _, c := range changes {
				sawAppearance = sawAppearance || c.Kind == ChangeAppearance
			}
			if !sawAppearance {
				t.Errorf("appearance objects not classified: %+v", changes)
			}
			path := filepath.Join(t.TempDir(), "visible.pdf")
			if err := os.WriteFile(path, out, 0o600); err != nil {
				t.Fatal(err)
			}
			externalChecks(t, out, 1, 0)
			t.Run("pdftotext", func(t *testing.T) {
				b, err := exec.Command(need(t, "pdftotext"), "-f", "1", "-l", "1", path, "-").CombinedOutput()
				if err != nil {
					t.Fatalf("pdftotext: %v\n%s", err, b)
				}
				for _, line := range tc.app.Lines {
					if ascii(line) || dirExists("/usr/share/poppler/cMap/Adobe-Japan1") {
						if !bytes.Contains(b, []byte(line)) {
							t.Errorf("page text lacks %q:\n%s", line, b)
						}
					}
				}
			})
			t.Run("mutool draw", func(t *testing.T) {
				var stderr bytes.Buffer
				cmd := exec.Command(need(t, "mutool"), "draw", "-q", "-r", "30", "-o", filepath.Join(t.TempDir(), "p.png"), path, "1")
				cmd.Stderr = &stderr
				if err := cmd.Run(); err != nil || strings.Contains(strings.ToLower(stderr.String()), "error") {
					t.Errorf("mutool draw: %v\n%s", err, stderr.String())
				}
			})
		})
	}
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func TestScriptRuns(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Inkan", []string{"Inkan"}},
		{"山田 太郎 (Yamada)", []string{"山田", " ", "太郎", " (Yamada)"}},
		{"契約", []string{"契約"}},
	}
	for _, tc := range cases {
		if got := scriptRuns(tc.in); strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("scriptRuns(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
