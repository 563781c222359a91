// Package sqlstore is the only package that speaks SQL. It stores Fristad's
// data in an embedded SQLite file or in PostgreSQL through one database/sql
// code path: the statements use $n placeholders, RETURNING and ON CONFLICT,
// which both engines understand, and the few differences live in dialect.
package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fristad"
	"fristad/internal/audit"
	"fristad/internal/seal"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"modernc.org/sqlite" // also registers the "sqlite" driver
)

// Engine names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// dialect holds what differs between the engines.
type dialect struct {
	name   string
	driver string
	// tableExists counts the tables named $1 in the current schema.
	tableExists string
}

var (
	sqliteDialect = dialect{
		name:        SQLite,
		driver:      "sqlite",
		tableExists: `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1`,
	}
	postgresDialect = dialect{
		name:        Postgres,
		driver:      "pgx",
		tableExists: `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`,
	}
)

// DB is a handle on the database. Its Now function is the clock every
// transaction reads once, so timestamps within one change agree and tests
// can move time.
type DB struct {
	db      *sql.DB
	dialect dialect
	source  string // the location, without credentials, for messages

	// Now returns the current time. It defaults to time.Now.
	Now func() time.Time

	// Auth configures logging in.
	Auth AuthConfig

	// Keyring holds the master keys that wrap the data keys in the key
	// store; set by InitKeys.
	Keyring *seal.Keyring
	// KeyringFile is the master key file the keyring came from, if any,
	// read again when a data key needs a master key added since.
	KeyringFile string
	keyMu       sync.Mutex
	indexer     atomic.Pointer[seal.Indexer]

	// log appends the audit events of reads in batches (auditlog.go).
	log *committer

	// onVerify, when set, is told of every password hash a login
	// verifies; tests use it to check that every kind of failure does
	// the same slow work (SR-04).
	onVerify func(hash string)
	// documentQuota, when set, stands for fristad.MaxCaseDocuments, so
	// that tests reach it without uploading 250 MiB.
	documentQuota int64
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to the database named by dsn: a postgres:// URL, or the
// path of a SQLite file (optionally prefixed "sqlite:"), which is created
// with owner-only permissions if it does not exist. Open checks that the
// database answers, but not its schema; see CheckSchema and Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	var (
		d      dialect
		source string
		conn   string
	)
	if IsPostgres(dsn) {
		d, source, conn = postgresDialect, RedactURL(dsn), dsn
	} else {
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, fristad.Errorf(fristad.EINVALID, "no database given")
		}
		if err := createPrivateFile(path); err != nil {
			return nil, fristad.Errorf(fristad.EUNAVAILABLE, "cannot create the database file %s: %v", path, errors.Unwrap(err))
		}
		keys := KeyStorePath(path)
		if err := createPrivateFile(keys); err != nil {
			return nil, fristad.Errorf(fristad.EUNAVAILABLE, "cannot create the key store %s: %v", keys, errors.Unwrap(err))
		}
		d, source, conn = sqliteDialect, path, sqliteDSN(path)
		keyStores.Store(conn, keys)
	}
	sdb, err := sql.Open(d.driver, conn)
	if err != nil {
		return nil, fristad.Errorf(fristad.EINVALID, "cannot use database %s: %v", source, err)
	}
	if d.name == SQLite {
		// WAL lets readers run beside the one writer; a few connections
		// are enough and keep memory small.
		sdb.SetMaxOpenConns(8)
		sdb.SetMaxIdleConns(8)
	} else {
		sdb.SetMaxOpenConns(20)
		sdb.SetMaxIdleConns(10)
		sdb.SetConnMaxLifetime(30 * time.Minute)
		sdb.SetConnMaxIdleTime(5 * time.Minute)
	}
	db := &DB{db: sdb, dialect: d, source: source, Now: time.Now}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sdb.PingContext(pingCtx); err != nil {
		sdb.Close()
		return nil, fristad.Errorf(fristad.EUNAVAILABLE, "cannot reach database %s: %s", source, driverMessage(err))
	}
	db.log = newCommitter(db)
	return db, nil
}

// sqliteDSN returns the connection string for a SQLite file: write-ahead
// log, enforced foreign keys, a busy timeout instead of instant "database
// is locked" errors, FULL sync so no acknowledged write is lost on power
// failure, secure_delete so deleted (shredded) data is overwritten, and
// write transactions that take the write lock at BEGIN, which avoids
// deadlocks between two readers that both want to write.
func sqliteDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)",
		"foreign_keys(1)",
		"busy_timeout(10000)",
		"synchronous(FULL)",
		"secure_delete(1)",
	} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	return "file:" + path + "?" + q.Encode()
}

// KeyStorePath returns where the key store of a SQLite database lives:
// keys.db in the same folder.
func KeyStorePath(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "keys.db")
}

// keyStores maps a SQLite connection string to its key store file, for
// the connection hook that attaches it.
var keyStores sync.Map

func init() {
	// Every SQLite connection Open makes gets its key store attached as
	// schema "keystore", with the same durability settings, so the SQL
	// naming keystore.* is the same on both engines.
	sqlite.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, dsn string) error {
		keys, ok := keyStores.Load(dsn)
		if !ok {
			return nil
		}
		ctx := context.Background()
		if _, err := conn.ExecContext(ctx, `ATTACH DATABASE $1 AS keystore`, []driver.NamedValue{{Ordinal: 1, Value: keys.(string)}}); err != nil {
			return err
		}
		for _, p := range []string{"journal_mode = WAL", "synchronous = FULL", "secure_delete = 1"} {
			if _, err := conn.ExecContext(ctx, `PRAGMA keystore.`+p, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// createPrivateFile creates path, and its folder, readable by the owner
// only, unless it exists.
func createPrivateFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}

// RedactURL returns a database URL with its password replaced, for logs
// and for printing the configuration. Strings that are not URLs with
// credentials are returned as they are.
func RedactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return dsn
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "REDACTED")
		}
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "REDACTED")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Engine returns SQLite or Postgres.
func (db *DB) Engine() string { return db.dialect.name }

// Source returns where the database is, without credentials.
func (db *DB) Source() string { return db.source }

// Close closes the database, once the audit events of reads already
// made are in the log: none that a read was answered for is lost.
func (db *DB) Close() error {
	if db == nil || db.db == nil {
		return nil
	}
	if db.log != nil {
		db.log.close()
	}
	return db.db.Close()
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.db.PingContext(ctx); err != nil {
		return fristad.Errorf(fristad.EUNAVAILABLE, "database %s does not answer: %s", db.source, driverMessage(err))
	}
	return nil
}

// Stats returns the connection pool's statistics, for metrics.
func (db *DB) Stats() sql.DBStats { return db.db.Stats() }

// Tx is a transaction with the time it started. All changes written in one
// Tx carry the same timestamp.
type Tx struct {
	*sql.Tx
	db   *DB
	now  time.Time
	conn *sql.Conn // held for a read-only SQLite transaction

	// events are the audit events of the transaction, appended when it
	// ends (see DB.audit).
	events []*audit.Event
}

// BeginTx starts a transaction. A read-only transaction (opts.ReadOnly)
// runs beside writers and fails if it tries to write, on both engines; a
// write transaction takes the write lock at once on SQLite.
func (db *DB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	t := &Tx{db: db, now: db.Now().UTC().Truncate(time.Microsecond)}
	var err error
	if opts != nil && opts.ReadOnly && db.dialect.name == SQLite {
		// SQLite has no read-only transactions; query_only makes the
		// connection refuse writes until the transaction ends.
		if t.conn, err = db.db.Conn(ctx); err != nil {
			return nil, translate(err)
		}
		if _, err = t.conn.ExecContext(ctx, `PRAGMA query_only = 1`); err == nil {
			t.Tx, err = t.conn.BeginTx(ctx, opts)
		}
		if err != nil {
			t.release()
			return nil, translate(err)
		}
		return t, nil
	}
	if t.Tx, err = db.db.BeginTx(ctx, opts); err != nil {
		return nil, translate(err)
	}
	return t, nil
}

// Commit commits the transaction. Its audit events must have been
// appended (or taken to the committer) first, by transact: a transaction
// that would drop them is rolled back instead (SR-71).
func (tx *Tx) Commit() error {
	defer tx.release()
	if len(tx.events) > 0 {
		tx.Tx.Rollback()
		return errors.New("sqlstore: a transaction with audit events not appended")
	}
	return tx.Tx.Commit()
}

// Rollback aborts the transaction. It is safe to call after Commit.
func (tx *Tx) Rollback() error {
	defer tx.release()
	return tx.Tx.Rollback()
}

// release hands a held connection back to the pool, writable again.
func (tx *Tx) release() {
	if tx.conn == nil {
		return
	}
	if _, err := tx.conn.ExecContext(context.Background(), `PRAGMA query_only = 0`); err != nil {
		// Never pool a connection stuck in query_only.
		tx.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	tx.conn.Close()
	tx.conn = nil
}

// Now returns the time the transaction started, in UTC, to the microsecond
// (PostgreSQL's precision), so that a value reads back as it was written.
func (tx *Tx) Now() time.Time { return tx.now }

// read runs fn in a read-only transaction, which never holds the write
// lock. The audit events fn records (reads of case data, refusals) are
// appended by the log's committer once the transaction has ended, and
// read returns when they are durable; if they cannot be appended, read
// fails, and the caller must answer nothing of what fn read (SR-71).
func (db *DB) read(ctx context.Context, fn func(*Tx) error) error {
	return db.transact(ctx, &sql.TxOptions{ReadOnly: true}, fn)
}

// write runs fn in a write transaction and commits it if fn succeeds,
// with the audit events fn recorded appended just before the commit.
func (db *DB) write(ctx context.Context, fn func(*Tx) error) error {
	return db.transact(ctx, nil, fn)
}

func (db *DB) transact(ctx context.Context, opts *sql.TxOptions, fn func(*Tx) error) error {
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return translate(err)
	}
	events := tx.events
	tx.events = nil
	readOnly := opts != nil && opts.ReadOnly
	if !readOnly && len(events) > 0 {
		// Last, so that on PostgreSQL the appenders' lock is held for
		// the appending and the commit only.
		if err := appendEvents(ctx, tx, events); err != nil {
			return translate(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return translate(err)
	}
	if readOnly && len(events) > 0 {
		// The connection is back in the pool; the reader now waits for
		// its record only, beside every other reader.
		if err := db.log.append(ctx, events); err != nil {
			return translate(err)
		}
	}
	return nil
}

// String describes the database for messages.
func (db *DB) String() string {
	return fmt.Sprintf("%s database %s", db.dialect.name, db.source)
}

// Collector returns Prometheus metrics of the connection pool.
func (db *DB) Collector() prometheus.Collector {
	return collectors.NewDBStatsCollector(db.db, db.dialect.name)
}

func itoa(i int) string { return strconv.Itoa(i) }

// anyTime scans a time that may arrive as text: SQLite gives the result of
// an expression (MAX, a subquery) without the column's declared type.
type anyTime struct {
	Time  time.Time
	Valid bool
}

// Scan implements sql.Scanner.
func (t *anyTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		t.Valid = false
		return nil
	case time.Time:
		t.Time, t.Valid = v, true
		return nil
	case string:
		for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999"} {
			if p, err := time.Parse(layout, v); err == nil {
				t.Time, t.Valid = p.UTC(), true
				return nil
			}
		}
	}
	return fmt.Errorf("sqlstore: cannot read %T %v as a time", v, v)
}
