package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"inkan/app/run/config"
	"inkan/data"
)

// showRecord prints one stored record as indented JSON. Document records are stored
// deflated (see data/record.go), so a generic bbolt viewer shows bytes; this is how
// to read one by hand. It opens the store itself, so the server must be stopped.
func showRecord(env Env, args []string) error {
	cfg, rest, err := config.Parse("show-record", args, env.Getenv)
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return errors.New("usage: inkan show-record [--data DIR] BUCKET KEY (e.g. documents 0000000001)")
	}
	store, err := openStore(cfg.DataDir)
	if err != nil {
		return err
	}
	defer store.Close()
	var js []byte
	err = store.View(func(tx *data.Tx) error {
		var err error
		js, err = tx.RecordJSON(rest[0], rest[1])
		return err
	})
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, js, "", "  "); err != nil {
		return fmt.Errorf("show-record: %w", err)
	}
	out.WriteByte('\n')
	_, err = env.Stdout.Write(out.Bytes())
	return err
}
