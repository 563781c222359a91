package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

func TestMigrate(t *testing.T) {
	for _, engine := range sqlstoretest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := t.Context()
			db := sqlstoretest.MustOpenEmpty(t, engine)

			current, want, err := db.SchemaVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if current != 0 || want < 1 {
				t.Fatalf("SchemaVersion of an empty database = %d, %d; want 0, >=1", current, want)
			}
			err = db.CheckSchema(ctx)
			if fristad.ErrorCode(err) != fristad.EUNAVAILABLE || !strings.Contains(fristad.ErrorMessage(err), "fristad migrate") {
				t.Fatalf("CheckSchema on an empty database = %v; want EUNAVAILABLE telling to run fristad migrate", err)
			}

			applied, err := db.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(applied) == 0 || applied[len(applied)-1] != want {
				t.Errorf("Migrate applied %v; want up to version %d", applied, want)
			}
			if err := db.CheckSchema(ctx); err != nil {
				t.Fatalf("CheckSchema after Migrate: %v", err)
			}
			again, err := db.Migrate(ctx)
			if err != nil || len(again) != 0 {
				t.Fatalf("second Migrate = %v, %v; want nothing applied", again, err)
			}
		})
	}
}

func TestCheckSchemaAhead(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		ctx := t.Context()
		err := db.Write(ctx, func(tx *sqlstore.Tx) error {
			_, err := tx.ExecContext(ctx,
				`INSERT INTO schema_migrations (version_id, is_applied) VALUES (999999, TRUE)`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.CheckSchema(ctx)
		if fristad.ErrorCode(err) != fristad.EUNAVAILABLE || !strings.Contains(fristad.ErrorMessage(err), "newer fristad") {
			t.Fatalf("CheckSchema on a newer schema = %v; want EUNAVAILABLE asking for a newer fristad", err)
		}
		if _, err := db.Migrate(ctx); fristad.ErrorCode(err) != fristad.EUNAVAILABLE {
			t.Fatalf("Migrate on a newer schema = %v; want EUNAVAILABLE", err)
		}
	})
}

func TestInstance(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		ctx := t.Context()
		if demo, err := db.IsDemo(ctx); err != nil || demo {
			t.Fatalf("IsDemo of a new database = %v, %v; want false", demo, err)
		}
		if err := db.InitInstance(ctx, true); err != nil {
			t.Fatal(err)
		}
		if err := db.InitInstance(ctx, true); err != nil {
			t.Fatalf("InitInstance twice: %v", err)
		}
		if demo, err := db.IsDemo(ctx); err != nil || !demo {
			t.Fatalf("IsDemo = %v, %v; want true", demo, err)
		}
		if err := db.InitInstance(ctx, false); fristad.ErrorCode(err) != fristad.ECONFLICT {
			t.Fatalf("InitInstance(false) on a demo database = %v; want ECONFLICT", err)
		}
	})
}

func TestTranslateErrors(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		ctx := t.Context()
		if err := db.InitInstance(ctx, false); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name  string
			query string
			code  string
		}{
			{"unique", `INSERT INTO instance (id, demo, created_at) VALUES (1, FALSE, $1)`, fristad.ECONFLICT},
			{"check", `INSERT INTO instance (id, demo, created_at) VALUES (2, FALSE, $1)`, fristad.EINVALID},
			{"not null", `INSERT INTO instance (id, demo, created_at) VALUES (1, NULL, $1)`, fristad.EINVALID},
		} {
			t.Run(tt.name, func(t *testing.T) {
				err := db.Write(ctx, func(tx *sqlstore.Tx) error {
					_, err := tx.ExecContext(ctx, tt.query, tx.Now())
					return err
				})
				if got := fristad.ErrorCode(err); got != tt.code {
					t.Fatalf("error code = %q (%v); want %q", got, err, tt.code)
				}
			})
		}
		err := db.Read(ctx, func(tx *sqlstore.Tx) error {
			var id int
			return tx.QueryRowContext(ctx, `SELECT id FROM instance WHERE id = 7`).Scan(&id)
		})
		if fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Fatalf("no rows = %v; want ENOTFOUND", err)
		}
	})
}

// TestReadOnly checks that a read transaction cannot write, on both engines,
// so a handler that only reads cannot change data by mistake (SR-51).
func TestReadOnly(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		ctx := t.Context()
		err := db.Read(ctx, func(tx *sqlstore.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO instance (id, demo, created_at) VALUES (1, FALSE, $1)`, tx.Now())
			return err
		})
		if err == nil {
			t.Fatal("a write in a read-only transaction succeeded")
		}
	})
}

func TestClock(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		ctx := t.Context()
		fixed := time.Date(2026, 3, 8, 9, 30, 0, 123456789, time.FixedZone("CET", 3600))
		db.Now = func() time.Time { return fixed }
		if err := db.InitInstance(ctx, false); err != nil {
			t.Fatal(err)
		}
		var got time.Time
		err := db.Read(ctx, func(tx *sqlstore.Tx) error {
			if !tx.Now().Equal(fixed.Truncate(time.Microsecond)) || tx.Now().Location() != time.UTC {
				t.Errorf("tx.Now() = %v; want %v in UTC", tx.Now(), fixed)
			}
			return tx.QueryRowContext(ctx, `SELECT created_at FROM instance WHERE id = 1`).Scan(&got)
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := fixed.Truncate(time.Microsecond); !got.Equal(want) {
			t.Fatalf("created_at = %v; want %v", got, want)
		}
	})
}

func TestSQLiteSettings(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "data", "fristad.db")
	db, err := sqlstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("database file mode = %v; want 0600", mode)
	}
	for pragma, want := range map[string]string{
		"journal_mode":  "wal",
		"foreign_keys":  "1",
		"synchronous":   "2", // FULL
		"secure_delete": "1",
		"busy_timeout":  "10000",
	} {
		var got string
		err := db.Read(ctx, func(tx *sqlstore.Tx) error {
			return tx.QueryRowContext(ctx, `PRAGMA `+pragma).Scan(&got)
		})
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %q; want %q", pragma, got, want)
		}
	}
}

func TestOpenUnreachablePostgres(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	_, err := sqlstore.Open(ctx, "postgres://fristad:s3cret@127.0.0.1:1/fristad?connect_timeout=2")
	if fristad.ErrorCode(err) != fristad.EUNAVAILABLE {
		t.Fatalf("Open of an unreachable server = %v; want EUNAVAILABLE", err)
	}
	msg := fristad.ErrorMessage(err)
	if strings.Contains(msg, "s3cret") || strings.Contains(msg, "\n") {
		t.Fatalf("message %q shows the password or spans lines", msg)
	}
	if !strings.Contains(msg, "127.0.0.1:1") {
		t.Errorf("message %q does not say which database", msg)
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:pw@h:5432/db?sslmode=disable": "postgres://u:REDACTED@h:5432/db?sslmode=disable",
		"postgres://u@h/db":                         "postgres://u@h/db",
		"postgres://h/db?password=pw":               "postgres://h/db?password=REDACTED",
		"/var/lib/fristad/fristad.db":               "/var/lib/fristad/fristad.db",
	} {
		if got := sqlstore.RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestMigrationParity checks that both engines have the same migrations,
// by number and name: the schemas differ in types, never in steps.
func TestMigrationParity(t *testing.T) {
	names := func(dir string) []string {
		entries, err := os.ReadDir(filepath.Join("migrations", dir))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	sqlite, postgres := names("sqlite"), names("postgres")
	if strings.Join(sqlite, " ") != strings.Join(postgres, " ") {
		t.Errorf("migrations differ:\n sqlite   %v\n postgres %v", sqlite, postgres)
	}
}
