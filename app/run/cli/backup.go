package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"inkan/app/run/config"
	"inkan/app/run/server"
	"inkan/data"
)

// backup writes a backup (one tar: the store, a manifest, the files the store's records
// name; see data.Store.Backup). It asks a running server for it over the control socket;
// with no server running it opens the store itself. The stream is checked as it is
// written (the store's hash, every file against its SHA-256, nothing missing), into a
// file beside FILE that is renamed into place only then, so FILE is never a half-written
// or failed backup.
func backup(env Env, args []string) error {
	cfg, rest, err := config.Parse("backup", flagsFirst(args), env.Getenv)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: inkan backup [--data DIR] FILE")
	}
	dest := rest[0]
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".inkan-backup-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	m, err := writeChecked(tmp, func(w io.Writer) error { return streamBackup(cfg.DataDir, w) })
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dest)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(env.Stdout, "backup written to %s: the store (%d bytes) and %d files; the master key is not in it\n", dest, m.StoreSize, len(m.Files))
	return nil
}

// writeChecked writes what produce streams to w and, in the same pass, reads it back
// as a backup (data.VerifyBackup), so a stream cut short or holding a corrupt file fails.
func writeChecked(w io.Writer, produce func(io.Writer) error) (data.BackupManifest, error) {
	pr, pw := io.Pipe()
	type result struct {
		m   data.BackupManifest
		err error
	}
	checked := make(chan result, 1)
	go func() {
		m, err := data.VerifyBackup(pr)
		io.Copy(io.Discard, pr) // let the writer finish after a failed check
		checked <- result{m, err}
	}()
	err := produce(io.MultiWriter(w, pw))
	pw.CloseWithError(err)
	r := <-checked
	if err != nil {
		return r.m, err
	}
	if r.err != nil {
		return r.m, fmt.Errorf("the backup does not check: %w", r.err)
	}
	return r.m, nil
}

// streamBackup writes the backup of the installation in dir to w: from the running
// server when one answers on the control socket, else from the store opened here.
func streamBackup(dir string, w io.Writer) error {
	sock := filepath.Join(dir, server.SocketName)
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		},
	}}
	resp, err := client.Get("http://inkan/backup")
	if err == nil {
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("server answered %s", resp.Status)
		}
		if _, err := io.Copy(w, resp.Body); err != nil {
			return fmt.Errorf("copy from server: %w", err)
		}
		// The trailer is read once the body has been read to its end.
		if msg := resp.Trailer.Get(server.BackupErrorTrailer); msg != "" {
			return fmt.Errorf("the server failed: %s", msg)
		}
		return nil
	}
	// No server answering: the store file is free to open.
	if _, statErr := os.Stat(filepath.Join(dir, data.FileName)); statErr != nil {
		return fmt.Errorf("no store in %s: %w", dir, statErr)
	}
	store, err := data.Open(dir)
	if err != nil {
		return err
	}
	defer store.Close()
	_, err = store.Backup(w)
	return err
}

// restore writes a backup into a new or empty data directory (data.Restore checks every
// file and that the restored store opens with all its files).
func restore(env Env, args []string) error {
	cfg, rest, err := config.Parse("restore", flagsFirst(args), env.Getenv)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: inkan restore [--data DIR] BACKUP")
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	m, err := data.Restore(bufio.NewReaderSize(f, 1<<20), cfg.DataDir)
	if err != nil {
		return fmt.Errorf("restore %s: %w", rest[0], err)
	}
	fmt.Fprintf(env.Stdout, "restored the store of %s and %d files into %s, every file checked\n", m.CreatedAt.Format("2006-01-02 15:04:05 UTC"), len(m.Files), cfg.DataDir)
	if cfg.MasterKey != "" {
		fmt.Fprintln(env.Stdout, "the master key comes from the settings: it must be the backed-up installation's key")
	} else {
		fmt.Fprintf(env.Stdout, "before starting, put the master key kept apart from the backups at %s (mode 0600), or give it in INKAN_MASTER_KEY: it is not in a backup\n",
			filepath.Join(cfg.DataDir, server.MasterKeyName))
	}
	return nil
}

// flagsFirst lets the one argument come before the flags ("inkan restore BACKUP --data
// DIR"), as the flag package stops at the first argument that is not a flag.
func flagsFirst(args []string) []string {
	if len(args) > 1 && len(args[0]) > 0 && args[0][0] != '-' {
		return append(append([]string{}, args[1:]...), args[0])
	}
	return args
}
