package main

import (
	"context"
	"fmt"
	"io"

	"fristad/internal/sqlstore"
)

func runMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := DefaultConfig()
	var status bool
	fs := flagSet("migrate", "Brings the database schema up to the version this build needs, one\ntransaction per step. Safe to run again; refuses a schema newer than this build.", stdout)
	dataFlags(fs, &cfg)
	fs.BoolVar(&status, "status", false, "only report the schema version; exit 1 if it is not current")
	if err := parse(fs, &cfg, args); err != nil {
		return err
	}
	setupLogging(&cfg)
	db, err := sqlstore.Open(ctx, cfg.DSN())
	if err != nil {
		return err
	}
	defer db.Close()
	if status {
		current, want, err := db.SchemaVersion(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: schema version %d, this build needs %d\n", db, current, want)
		return db.CheckSchema(ctx)
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	current, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(stdout, "%s: schema already at version %d\n", db, current)
		return nil
	}
	fmt.Fprintf(stdout, "%s: applied %d migration(s), schema now at version %d\n", db, len(applied), current)
	return nil
}
