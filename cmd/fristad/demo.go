package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"fristad"
	"fristad/internal/sqlstore"
)

// demoDataDir is the demo's own data folder, apart from ./fristad-data, so
// a demo can never touch an installation's real data.
const demoDataDir = "./fristad-demo"

func runDemo(ctx context.Context, args []string, stdout io.Writer) error {
	c := ServeCommand{Config: DefaultConfig()}
	c.Config.DataDir = demoDataDir
	fs := flagSet("demo", "Creates a demo installation with fictional data (or reuses one), and runs\nboth sites on it with a DEMO banner on every page.", stdout)
	dataFlags(fs, &c.Config)
	serverFlags(fs, &c.Config)
	fs.BoolVar(&c.Config.Reset, "reset", false, "delete the demo data and start over")
	if err := parse(fs, &c.Config, args); err != nil {
		return err
	}
	c.Config.Demo = true
	setupLogging(&c.Config)

	if c.Config.Reset {
		if err := resetDemo(ctx, &c.Config, stdout); err != nil {
			return err
		}
	}
	db, err := prepareDemo(ctx, c.Config.DSN())
	if err != nil {
		return err
	}
	c.DB = db
	if err := c.Open(ctx); err != nil {
		return err
	}
	where := c.Config.DataDir
	if c.Config.DB != "" {
		where = c.DB.Source()
	}
	fmt.Fprintf(stdout, `Fristad demo is running. All its data is fictional.

  Staff workspace:  %s/
  Public portal:    %s/

  Logging in:       not in this version yet; the staff workspace shows its start page.
  Demo data:        %s (start over with --reset)

Press Ctrl+C to stop.
`, c.Server.StaffURL(), c.Server.PublicURL(), where)
	return c.Wait(ctx)
}

// prepareDemo opens the demo database, brings its schema up to date and
// marks it as a demo, refusing one that holds real data.
func prepareDemo(ctx context.Context, dsn string) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.InitInstance(ctx, true); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// resetDemo deletes the embedded demo database, after checking that it
// holds demo data or nothing at all.
func resetDemo(ctx context.Context, cfg *Config, stdout io.Writer) error {
	path := cfg.DSN()
	if sqlstore.IsPostgres(path) {
		return usageError{"--reset works on the embedded database only; drop and re-create the PostgreSQL database instead"}
	}
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return nil
	}
	db, err := sqlstore.Open(ctx, path)
	if err != nil {
		return err
	}
	demo, err := isDemoOrEmpty(ctx, db)
	db.Close()
	if err != nil {
		return err
	}
	if !demo {
		return fristad.Errorf(fristad.EINVALID, "%s holds data that is not demo data; --reset deletes demo data only", path)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("reset: %w", err)
		}
	}
	fmt.Fprintf(stdout, "Deleted the demo data in %s.\n", path)
	return nil
}

func isDemoOrEmpty(ctx context.Context, db *sqlstore.DB) (bool, error) {
	current, _, err := db.SchemaVersion(ctx)
	if err != nil || current == 0 {
		return err == nil, err
	}
	return db.IsDemo(ctx)
}
