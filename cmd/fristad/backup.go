package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"fristad/internal/sqlstore"
)

func runBackup(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var to string
	fs := flagSet("backup", "Copies the embedded database while it runs: the case data and the key store\ninto two files of their own, to keep for different times (the key store's\ncopies for less long, so an erased person stays erased). On PostgreSQL it\nsays how to use pg_dump instead.", stdout)
	dataFlags(fs, &cfg)
	fs.StringVar(&to, "to", "", "the `folder` to write the two files in (created if missing)")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	if to == "" {
		return usageError{"--to is required (see 'fristad backup --help')"}
	}
	setupLogging(&cfg)
	db, err := sqlstore.Open(ctx, cfg.DSN())
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	if err := os.MkdirAll(to, 0o700); err != nil {
		return err
	}
	stamp := time.Now().UTC().Format("20060102T150405Z")
	data, keys := filepath.Join(to, "fristad-"+stamp+".db"), filepath.Join(to, "keys-"+stamp+".db")
	if err := db.Backup(ctx, data, keys); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "case data: %s\nkey store: %s\n", data, keys)
	return nil
}
