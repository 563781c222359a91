// Package sqlstoretest opens real, migrated, throwaway databases for tests:
// a SQLite file in a temporary folder always, and a fresh database on the
// PostgreSQL server named by FRISTAD_TEST_POSTGRES_URL when it is set.
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fristad"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fristad/internal/auth"
	"fristad/internal/seal"
	"fristad/internal/sqlstore"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create databases
)

// PostgresURLEnv names the variable holding the URL of a PostgreSQL server
// tests may create databases on.
const PostgresURLEnv = "FRISTAD_TEST_POSTGRES_URL"

// Engines returns the engines the tests run on: SQLite always, PostgreSQL
// when PostgresURLEnv is set. Under CI (the CI variable is set) PostgreSQL
// is required and a missing URL fails the test.
func Engines(tb testing.TB) []string {
	tb.Helper()
	if os.Getenv(PostgresURLEnv) != "" {
		return []string{sqlstore.SQLite, sqlstore.Postgres}
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("sqlstoretest: CI is set but %s is not: PostgreSQL tests must run in CI", PostgresURLEnv)
	}
	return []string{sqlstore.SQLite}
}

// Store is a database with every domain service over it, for tests that
// arrange data across services and then check one: st.CreateCase,
// st.AddRiskAssessment and st.Migrate all read as one store. Production
// code holds each service on its own (sqlstore.NewServices).
type Store struct {
	*sqlstore.DB
	*sqlstore.AssessmentService
	*sqlstore.AuditService
	*sqlstore.AuthService
	*sqlstore.CallbackService
	*sqlstore.CaseService
	*sqlstore.ConsentService
	*sqlstore.ContentStore
	*sqlstore.DirectoryService
	*sqlstore.DocumentService
	*sqlstore.IndicatorService
	*sqlstore.NoteService
	*sqlstore.NoticeMailService
	*sqlstore.OrganisationService
	*sqlstore.PasskeyService
	*sqlstore.PlanService
	*sqlstore.ProgrammeService
	*sqlstore.ResidenceService
	*sqlstore.TaskService
	*sqlstore.TokenService
	*sqlstore.UserService
}

// NewStore returns db with every service over it.
func NewStore(db *sqlstore.DB) *Store {
	return &Store{
		DB:                  db,
		AssessmentService:   sqlstore.NewAssessmentService(db),
		AuditService:        sqlstore.NewAuditService(db),
		AuthService:         sqlstore.NewAuthService(db),
		CallbackService:     sqlstore.NewCallbackService(db),
		CaseService:         sqlstore.NewCaseService(db),
		ConsentService:      sqlstore.NewConsentService(db),
		ContentStore:        sqlstore.NewContentStore(db),
		DirectoryService:    sqlstore.NewDirectoryService(db),
		DocumentService:     sqlstore.NewDocumentService(db),
		IndicatorService:    sqlstore.NewIndicatorService(db),
		NoteService:         sqlstore.NewNoteService(db),
		NoticeMailService:   sqlstore.NewNoticeMailService(db),
		OrganisationService: sqlstore.NewOrganisationService(db),
		PasskeyService:      sqlstore.NewPasskeyService(db),
		PlanService:         sqlstore.NewPlanService(db),
		ProgrammeService:    sqlstore.NewProgrammeService(db),
		ResidenceService:    sqlstore.NewResidenceService(db),
		TaskService:         sqlstore.NewTaskService(db),
		TokenService:        sqlstore.NewTokenService(db),
		UserService:         sqlstore.NewUserService(db),
	}
}

// Run runs fn as a subtest on each of Engines, each with a fresh migrated
// database.
func Run(t *testing.T, fn func(t *testing.T, db *Store)) {
	t.Helper()
	for _, engine := range Engines(t) {
		t.Run(engine, func(t *testing.T) {
			fn(t, MustOpen(t, engine))
		})
	}
}

// MustOpen opens a fresh, migrated database on engine with a new master
// keyring, and closes and removes it when the test ends. Password hashing
// is made cheap, so tests that log in many times stay fast; the hashes
// are real Argon2id all the same.
func MustOpen(tb testing.TB, engine string) *Store {
	tb.Helper()
	db := MustOpenEmpty(tb, engine)
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate %s: %v", engine, err)
	}
	kr, err := seal.GenerateKeyring()
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.InitKeys(ctx, kr); err != nil {
		tb.Fatalf("keys %s: %v", engine, err)
	}
	db.Auth.Argon2 = auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1}
	return db
}

// MustOpenEmpty is MustOpen without the migrations.
func MustOpenEmpty(tb testing.TB, engine string) *Store {
	tb.Helper()
	dsn := NewDSN(tb, engine)
	db, err := sqlstore.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("open %s: %v", engine, err)
	}
	tb.Cleanup(func() { db.Close() })
	return NewStore(db)
}

// NewDSN returns the location of a new, empty database on engine that is
// removed when the test ends. On PostgreSQL it skips the test unless
// PostgresURLEnv is set (and fails it under CI).
func NewDSN(tb testing.TB, engine string) string {
	tb.Helper()
	switch engine {
	case sqlstore.SQLite:
		return filepath.Join(tb.TempDir(), "fristad.db")
	case sqlstore.Postgres:
		return newPostgresDatabase(tb)
	}
	tb.Fatalf("sqlstoretest: unknown engine %q", engine)
	return ""
}

func newPostgresDatabase(tb testing.TB) string {
	tb.Helper()
	server := os.Getenv(PostgresURLEnv)
	if server == "" {
		if os.Getenv("CI") != "" {
			tb.Fatalf("sqlstoretest: CI is set but %s is not", PostgresURLEnv)
		}
		tb.Skipf("PostgreSQL tests skipped: set %s to a server URL to run them", PostgresURLEnv)
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		tb.Fatalf("sqlstoretest: %v", err)
	}
	defer admin.Close()
	name := "fristad_test_" + strings.ToLower(rand.Text()[:16])
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		tb.Fatalf("sqlstoretest: create database: %v", err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			tb.Errorf("sqlstoretest: %v", err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			tb.Errorf("sqlstoretest: drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		tb.Fatalf("sqlstoretest: %s is not a URL: %v", PostgresURLEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// DumpSQLite returns the raw bytes of a SQLite database's files — the
// database, its key store and their write-ahead logs — as one string,
// for tests that look for data that must never be stored in clear.
func DumpSQLite(tb testing.TB, db *sqlstore.DB) string {
	tb.Helper()
	if db.Engine() != sqlstore.SQLite {
		tb.Fatalf("DumpSQLite on %s", db.Engine())
	}
	var all []byte
	for _, base := range []string{db.Source(), sqlstore.KeyStorePath(db.Source())} {
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(base + suffix)
			if err != nil && !os.IsNotExist(err) {
				tb.Fatal(err)
			}
			all = append(all, b...)
		}
	}
	return string(all)
}

// SameRefusal reports whether two errors tell their caller exactly the
// same: the same *fristad.Error (code, message, key, arguments and field),
// which is all a page or the API shows of a failure. Tests use it where a
// record the actor may not see must answer like one that does not exist
// (SR-21); the service method's name that each error carries for the log
// may differ.
func SameRefusal(a, b error) bool {
	ea, okA := errors.AsType[*fristad.Error](a)
	eb, okB := errors.AsType[*fristad.Error](b)
	return okA && okB && reflect.DeepEqual(ea, eb)
}
