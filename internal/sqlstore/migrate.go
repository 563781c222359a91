package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"fristad"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrationTable records which migrations have been applied.
const migrationTable = "schema_migrations"

//go:embed migrations
var migrations embed.FS

// provider returns the goose migration provider for the database's engine.
func (db *DB) provider() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations/"+db.dialect.name)
	if err != nil {
		return nil, err
	}
	gd := goose.DialectSQLite3
	opts := []goose.ProviderOption{
		goose.WithTableName(migrationTable),
		goose.WithDisableGlobalRegistry(true),
	}
	if db.dialect.name == Postgres {
		gd = goose.DialectPostgres
		// Several instances may start at once against one database:
		// only one of them migrates.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(gd, db.db, fsys, opts...)
}

// SchemaVersion returns the version the database's schema is at (0 for an
// empty database) and the version this build expects.
func (db *DB) SchemaVersion(ctx context.Context) (current, want int64, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, err
	}
	sources := p.ListSources()
	want = sources[len(sources)-1].Version

	var n int
	if err := db.db.QueryRowContext(ctx, db.dialect.tableExists, migrationTable).Scan(&n); err != nil {
		return 0, want, translate(err)
	}
	if n == 0 {
		return 0, want, nil
	}
	err = db.db.QueryRowContext(ctx,
		`SELECT COALESCE(MAX(version_id), 0) FROM `+migrationTable+` WHERE is_applied`).Scan(&current)
	return current, want, translate(err)
}

// CheckSchema returns an EUNAVAILABLE error, saying what to do, unless the
// schema is exactly at the version this build expects. A server must not
// run against a schema it does not know: one that is behind lacks tables,
// one that is ahead may have moved data this build would misread.
func (db *DB) CheckSchema(ctx context.Context) error {
	current, want, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch {
	case current < want:
		return fristad.Errorf(fristad.EUNAVAILABLE,
			"the database schema is at version %d but this build needs %d: run 'fristad migrate' with the same --data-dir/--db", current, want)
	case current > want:
		return fristad.Errorf(fristad.EUNAVAILABLE,
			"the database schema is at version %d, newer than this build knows (%d): run a newer fristad", current, want)
	}
	return nil
}

// Migrate brings the schema up to date, in one transaction per migration,
// and returns the versions it applied. It refuses a schema that is ahead.
func (db *DB) Migrate(ctx context.Context) ([]int64, error) {
	current, want, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if current > want {
		return nil, db.CheckSchema(ctx)
	}
	p, err := db.provider()
	if err != nil {
		return nil, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", translate(err))
	}
	var applied []int64
	for _, r := range results {
		applied = append(applied, r.Source.Version)
		slog.DebugContext(ctx, "migration applied", "engine", db.dialect.name, "version", r.Source.Version, "duration", r.Duration)
	}
	return applied, nil
}
