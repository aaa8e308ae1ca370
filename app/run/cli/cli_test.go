package cli_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"inkan/app/run/cli"
	"inkan/app/run/config"
	"inkan/app/run/server"
	"inkan/data"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(cli.Env{Args: args, Getenv: func(string) string { return "" }, Stdout: &out, Stderr: &errOut})
	return code, out.String(), errOut.String()
}

var credentialLines = regexp.MustCompile(`^operator: operator \S{12}\nadmin: U000001 \S{12}\n$`)

func TestInitPrintsCredentialsOnce(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "init", "--data", dir)
	if code != 0 || !credentialLines.MatchString(out) {
		t.Fatalf("init: code %d\nstdout %q\nstderr %s", code, out, errOut)
	}
	code, out, _ = run(t, "init", "--data", dir)
	if code != 0 || out != "" {
		t.Errorf("second init: code %d, printed %q", code, out)
	}
}

func TestVersionAndUnknownCommand(t *testing.T) {
	if code, out, _ := run(t, "version"); code != 0 || !strings.HasPrefix(out, "inkan ") {
		t.Errorf("version: %d %q", code, out)
	}
	if code, _, errOut := run(t, "frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: %d %q", code, errOut)
	}
	if code, _, errOut := run(t, "serve", "--smtp-tls", "ssl"); code != 1 || !strings.Contains(errOut, "smtp-tls") {
		t.Errorf("bad setting: %d %q", code, errOut)
	}
}

func waitFor(t *testing.T, path string) {
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s did not appear", path)
}

// TestBuiltBinaryRunsAloneInAnEmptyDirectory builds inkan, copies nothing else beside it,
// starts it with no flags but the address, and loads the login page, its CSS and htmx.
func TestBuiltBinaryRunsAloneInAnEmptyDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "inkan")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join("..", "..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "--addr", addr)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	lines := bufio.NewScanner(stdout)
	var printed []string
	for len(printed) < 2 && lines.Scan() {
		printed = append(printed, lines.Text())
	}
	if len(printed) != 2 || !strings.HasPrefix(printed[0], "operator: ") || !strings.HasPrefix(printed[1], "admin: U000001 ") {
		t.Fatalf("first start printed %q; stderr %s", printed, stderr.String())
	}
	base := "http://" + addr
	page := getWithRetry(t, base+"/login")
	if !strings.Contains(page, "利用者ID") {
		t.Fatalf("login page:\n%s", page)
	}
	for _, re := range []string{`href="(/static/[^"]+/app\.css)"`, `src="(/static/[^"]+/htmx-[0-9.]+\.min\.js)"`} {
		m := regexp.MustCompile(re).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("login page does not link %s", re)
		}
		if body := getWithRetry(t, base+m[1]); len(body) < 1000 {
			t.Errorf("%s: %d bytes", m[1], len(body))
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "inkan-data", data.FileName)); err != nil {
		t.Errorf("default data directory not created: %v", err)
	}
}

func getWithRetry(t *testing.T, url string) string {
	t.Helper()
	var lastErr error
	for i := 0; i < 100; i++ {
		resp, err := http.Get(url)
		if err == nil {
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %s", url, resp.Status)
			}
			return string(b)
		}
		lastErr = err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal(fmt.Errorf("GET %s: %w", url, lastErr))
	return ""
}

func TestOperatorUnlockAndResetPassword(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := run(t, "init", "--data", dir); code != 0 {
		t.Fatalf("init: %s", errOut)
	}
	open := func() *server.Server {
		cfg, _, _ := config.Parse("serve", []string{"--data", dir}, func(string) string { return "" })
		s, err := server.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	for i := 0; i < 5; i++ {
		s.Accounts.OperatorLogin("operator", "wrong-pass1!", "192.0.2.1")
	}
	s.Close()

	if code, out, errOut := run(t, "operator", "unlock", "--data", dir); code != 0 || !strings.Contains(out, "unlocked") {
		t.Fatalf("unlock: %d %q %s", code, out, errOut)
	}
	s = open()
	if _, _, err := s.Accounts.OperatorLogin("operator", "wrong-pass1!", "192.0.2.1"); err == nil || strings.Contains(err.Error(), "locked") {
		t.Errorf("after unlock: %v", err)
	}
	s.Close()

	code, out, errOut := run(t, "operator", "reset-password", "--data", dir)
	m := regexp.MustCompile(`^operator: operator (\S{12})\n$`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("reset-password: %d %q %s", code, out, errOut)
	}
	s = open()
	defer s.Close()
	if _, _, err := s.Accounts.OperatorLogin("operator", m[1], "192.0.2.1"); err != nil {
		t.Errorf("login with the printed password: %v", err)
	}
	err := s.Store.View(func(tx *data.Tx) error {
		o, err := tx.Operator("operator")
		if err == nil && !o.MustChangePassword {
			t.Error("printed password need not be changed")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if code, _, _ := run(t, "operator", "frobnicate", "--data", dir); code != 1 {
		t.Errorf("unknown subcommand: %d", code)
	}
}
