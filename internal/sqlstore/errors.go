package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"fristad"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// translate turns driver errors into fristad errors, in this one place, so
// no other code ever looks at a driver's error type. Errors that are
// already *fristad.Error pass through; unexpected ones are wrapped and end
// up as EINTERNAL. Messages name the constraint, never the values.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*fristad.Error](err); ok {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fristad.Errorf(fristad.ENOTFOUND, "not found")
	}
	if e, ok := errors.AsType[*sqlite.Error](err); ok {
		switch e.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fristad.Errorf(fristad.ECONFLICT, "already exists")
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fristad.Errorf(fristad.ECONFLICT, "refers to a record that does not exist or is still referred to")
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return fristad.Errorf(fristad.EINVALID, "breaks a database constraint")
		}
		switch e.Code() & 0xff { // primary result code
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fristad.Errorf(fristad.EUNAVAILABLE, "the database is busy")
		case sqlite3.SQLITE_FULL:
			return fristad.Errorf(fristad.EUNAVAILABLE, "the disk is full")
		case sqlite3.SQLITE_READONLY:
			return fristad.Errorf(fristad.EUNAVAILABLE, "the database is read-only")
		}
		return err
	}
	if e, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch e.Code {
		case "23505":
			return fristad.Errorf(fristad.ECONFLICT, "already exists")
		case "23503":
			return fristad.Errorf(fristad.ECONFLICT, "refers to a record that does not exist or is still referred to")
		case "23514", "23502":
			return fristad.Errorf(fristad.EINVALID, "breaks a database constraint")
		case "40001", "40P01", "55P03":
			return fristad.Errorf(fristad.ECONFLICT, "a concurrent change got in the way; try again")
		case "53100":
			return fristad.Errorf(fristad.EUNAVAILABLE, "the disk is full")
		case "57P01", "57P02", "57P03", "53300":
			return fristad.Errorf(fristad.EUNAVAILABLE, "the database is not available")
		}
		return err
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return fristad.Errorf(fristad.EUNAVAILABLE, "cannot reach the database")
	}
	return err
}

// driverMessage returns a one-line description of a connection failure,
// without the password a connection string may carry.
func driverMessage(err error) string {
	if e, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		err = e.Unwrap()
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg
}
