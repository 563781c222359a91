package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"fristad/internal/audit"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// VerifyAudit checks the whole audit trail against its stored hashes, its
// signed checkpoints, and checkpoints kept by witnesses outside the
// system, and reports the first problem.
func (db *DB) VerifyAudit(ctx context.Context, verifiers note.Verifiers, witnessed []audit.Checkpoint) (*audit.Report, error) {
	var report *audit.Report
	err := db.ReadAuditLog(ctx, func(l audit.Log) error {
		var err error
		report, err = audit.Verify(ctx, l, verifiers, witnessed)
		return err
	})
	return report, err
}

// ReadAuditLog calls fn with the audit trail as audit.Verify reads it: the
// events in one read transaction and the stored hashes in a second, so
// that both are read at once on two connections. The hashes' snapshot is
// taken after the events' one; the trail only ever grows, so it holds the
// stored hashes of every event the first one sees, and a row changed
// between the two is itself tampering, found like any other.
func (db *DB) ReadAuditLog(ctx context.Context, fn func(audit.Log) error) error {
	return db.read(ctx, func(tx *Tx) error {
		events := auditLog{tx}
		if _, err := events.Size(ctx); err != nil {
			return err
		}
		htx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return err
		}
		defer htx.Rollback()
		if _, err := (auditLog{htx}).Size(ctx); err != nil {
			return err
		}
		return fn(splitAuditLog{events, htx})
	})
}

// splitAuditLog reads events, their count and the checkpoints in one
// transaction and stored hashes in another.
type splitAuditLog struct {
	auditLog
	hashes *Tx
}

func (l splitAuditLog) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, l.hashes, indexes)
}

// Leaves reads rows in seq order and re-encodes each from its columns
// (audit.Log asks for that: a change to any column must change the leaf),
// one after another into one buffer.
//
// On SQLite, where the driver's cost is by the column, the time and the
// nine text columns come joined by NUL bytes in one column, and the time
// in the one form the driver writes it; a row that this does not express
// exactly — a NUL inside a value, a NULL, a time in any other form — is
// read again column by column, as on PostgreSQL.
func (l auditLog) Leaves(ctx context.Context, start int64, limit int) ([]audit.Row, error) {
	rb := newRowBuffer(limit)
	if l.tx.db.dialect.name != SQLite {
		if err := l.scanEvents(ctx, rb.add, `seq >= $1 ORDER BY seq LIMIT $2`, start, limit); err != nil {
			return nil, err
		}
		return rb.rows(), nil
	}
	rows, err := l.tx.QueryContext(ctx, `
		SELECT seq, at || char(0) || actor_id || char(0) || actor_org || char(0) || actor_role || char(0) || action || char(0) ||
			object_type || char(0) || object_id || char(0) || purpose || char(0) || result || char(0) || request_id,
			ip_hmac, detail
		FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2`, start, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		e      audit.Event
		joined sql.NullString
		again  []int // rows to read column by column
	)
	for rows.Next() {
		if err := rows.Scan(&e.Seq, &joined, (*sql.RawBytes)(&e.IPHMAC), (*sql.RawBytes)(&e.Detail)); err != nil {
			return nil, err
		}
		if !joined.Valid || !splitJoined(joined.String, &e) {
			again = append(again, len(rb.ends))
		}
		rb.add(&e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	out := rb.rows()
	for _, i := range again {
		var leaf []byte
		err := l.scanEvents(ctx, func(e *audit.Event) { leaf = e.Leaf() }, `seq = $1`, out[i].Seq)
		if err != nil {
			return nil, err
		}
		out[i].Leaf = leaf
	}
	return out, nil
}

// scanEvents calls fn with each audit_log row that where selects, read
// column by column; e and its byte slices are reused for the next row.
func (l auditLog) scanEvents(ctx context.Context, fn func(e *audit.Event), where string, args ...any) error {
	rows, err := l.tx.QueryContext(ctx, `
		SELECT seq, at, actor_id, actor_org, actor_role, action, object_type, object_id, purpose, result, request_id, ip_hmac, detail
		FROM audit_log WHERE `+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var e audit.Event
	for rows.Next() {
		if err := rows.Scan(&e.Seq, &e.Time, &e.ActorID, &e.ActorOrg, &e.ActorRole, &e.Action, &e.ObjectType, &e.ObjectID,
			&e.Purpose, &e.Result, &e.RequestID, (*sql.RawBytes)(&e.IPHMAC), (*sql.RawBytes)(&e.Detail)); err != nil {
			return err
		}
		fn(&e)
	}
	return rows.Err()
}

// rowBuffer collects the leaves of many rows in one buffer.
type rowBuffer struct {
	out  []audit.Row
	buf  []byte
	ends []int
}

func newRowBuffer(limit int) *rowBuffer {
	const leafSize = 192 // about the leaf of a case worker's read
	n := min(limit, 1<<14)
	return &rowBuffer{out: make([]audit.Row, 0, n), buf: make([]byte, 0, n*leafSize), ends: make([]int, 0, n)}
}

func (b *rowBuffer) add(e *audit.Event) {
	b.buf = e.AppendLeaf(b.buf)
	b.ends = append(b.ends, len(b.buf))
	b.out = append(b.out, audit.Row{Seq: e.Seq})
}

// rows returns the rows, their leaves slices of the one buffer.
func (b *rowBuffer) rows() []audit.Row {
	from := 0
	for i, end := range b.ends {
		b.out[i].Leaf = b.buf[from:end:end]
		from = end
	}
	return b.out
}

// splitJoined sets e's time and text fields from the NUL-joined column of
// Leaves, and reports whether that column expresses them exactly: ten
// parts and a time in the form the driver writes. Since no value of an
// appended event holds a NUL (audit.Event.Validate), the parts are the
// values whenever there are ten; a value with a NUL in it makes more
// parts and is read again column by column.
func splitJoined(s string, e *audit.Event) bool {
	var parts [10]string
	for i := range parts[:9] {
		j := strings.IndexByte(s, 0)
		if j < 0 {
			return false
		}
		parts[i], s = s[:j], s[j+1:]
	}
	if strings.IndexByte(s, 0) >= 0 {
		return false
	}
	parts[9] = s
	t, ok := parseDriverTime(parts[0])
	if !ok {
		return false
	}
	e.Time = t
	e.ActorID, e.ActorOrg, e.ActorRole, e.Action, e.ObjectType = parts[1], parts[2], parts[3], parts[4], parts[5]
	e.ObjectID, e.Purpose, e.Result, e.RequestID = parts[6], parts[7], parts[8], parts[9]
	return true
}

// parseDriverTime parses a time as the SQLite driver writes it
// ("2006-01-02 15:04:05.999999999-07:00", the _time_format "sqlite" of
// sqliteDSN) and as its reading would: the same instant that time.Parse
// with that layout gives. It accepts that form only, with fields in range,
// and reports false for anything else, which the caller then leaves to the
// driver.
func parseDriverTime(s string) (time.Time, bool) {
	// 2006-01-02 15:04:05[.fffffffff]±07:00
	if len(s) < 25 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return -1
			}
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	year, month, day := num(s[0:4]), num(s[5:7]), num(s[8:10])
	hour, minute, sec := num(s[11:13]), num(s[14:16]), num(s[17:19])
	rest := s[19:]
	nsec := 0
	if rest[0] == '.' {
		digits := 1
		for digits < len(rest) && rest[digits] >= '0' && rest[digits] <= '9' {
			digits++
		}
		digits-- // after the dot
		if digits < 1 || digits > 9 {
			return time.Time{}, false
		}
		nsec = num(rest[1 : 1+digits])
		for range 9 - digits {
			nsec *= 10
		}
		rest = rest[1+digits:]
	}
	if len(rest) != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' {
		return time.Time{}, false
	}
	oh, om := num(rest[1:3]), num(rest[4:6])
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
		sec < 0 || sec > 59 || oh < 0 || oh > 23 || om < 0 || om > 59 {
		return time.Time{}, false
	}
	if day > time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return time.Time{}, false
	}
	offset := (oh*60 + om) * 60
	if rest[0] == '-' {
		offset = -offset
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.FixedZone("", offset)), true
}
