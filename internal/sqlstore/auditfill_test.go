package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"fristad/internal/audit"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"

	"golang.org/x/mod/sumdb/tlog"
)

// TestAuditFill fills the database named by FRISTAD_AUDIT_FILL_DB with
// FRISTAD_AUDIT_FILL_N audit events, for bench/audit-verify.sh; without
// those variables it is skipped. The rows are what the store's own append
// writes (the leaves and stored hashes come from audit.Append), inserted
// many to a statement and many thousand to a transaction.
func TestAuditFill(t *testing.T) {
	dsn := os.Getenv("FRISTAD_AUDIT_FILL_DB")
	if dsn == "" {
		t.Skip("FRISTAD_AUDIT_FILL_DB not set")
	}
	n, err := strconv.ParseInt(os.Getenv("FRISTAD_AUDIT_FILL_N"), 10, 64)
	if err != nil || n < 0 {
		t.Fatalf("FRISTAD_AUDIT_FILL_N: want a number of events, got %q", os.Getenv("FRISTAD_AUDIT_FILL_N"))
	}
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = fillAudit(ctx, db, n, func(done int64) {
		fmt.Fprintf(os.Stderr, "audit fill: %d of %d events, %.0f/s\n", done, n, float64(done)/time.Since(start).Seconds())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAuditFillVerifies checks that what fillAudit writes is a log that
// verifies, so the benchmark measures the real thing.
func TestAuditFillVerifies(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		ctx := t.Context()
		if err := fillAudit(ctx, db.DB, 3000, nil); err != nil {
			t.Fatal(err)
		}
		rep, err := db.VerifyAudit(ctx, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Size < 3000 {
			t.Errorf("verified %d events; want at least 3000", rep.Size)
		}
	})
}

// fillAudit appends n plausible events (case workers reading and changing
// cases, some logins) after those in db, calling progress after each
// transaction.
func fillAudit(ctx context.Context, db *sqlstore.DB, n int64, progress func(done int64)) (err error) {
	const (
		perTx     = 50_000
		perInsert = 500 // rows of audit_log per statement (13 parameters each)
	)
	rng := rand.New(rand.NewPCG(1, 2))
	id := func(prefix string, i int) string { return fmt.Sprintf("%s%0*d", prefix, 26-len(prefix), i) }
	var orgs, users, cases []string
	for i := range 20 {
		orgs = append(orgs, id("ORG", i))
	}
	for i := range 600 {
		users = append(users, id("USR", i))
	}
	for i := range 100_000 {
		cases = append(cases, id("CASE", i))
	}
	actions := []struct {
		action, object string
		weight         int
	}{
		{"case.read", "case", 55}, {"case.list", "case", 15}, {"note.create", "note", 8}, {"plan.update", "case", 6},
		{"task.complete", "task", 6}, {"document.read", "document", 5}, {"authn.login", "user", 5},
	}
	var seq int64
	fr := map[int]struct {
		k int64
		h tlog.Hash
	}{}
	hr := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			level, k := tlog.SplitStoredHashIndex(x)
			if e, ok := fr[level]; ok && e.k == k {
				out[i] = e.h
				continue
			}
			return nil, fmt.Errorf("fill: stored hash %d not on the right edge", x)
		}
		return out, nil
	})
	err = db.Read(ctx, func(tx *sqlstore.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_log`).Scan(&seq)
	})
	if err != nil {
		return err
	}
	if seq > 0 {
		// Rebuild the right edge of the existing tree.
		err := db.Read(ctx, func(tx *sqlstore.Tx) error {
			for level := 0; seq>>level > 0; level++ {
				k := seq>>level - 1
				var h []byte
				if err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_hashes WHERE idx = $1`, tlog.StoredHashIndex(level, k)).Scan(&h); err != nil {
					return err
				}
				fr[level] = struct {
					k int64
					h tlog.Hash
				}{k, tlog.Hash(h)}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if db.Engine() == sqlstore.SQLite && n >= 100_000 {
		// Filling the indexes of audit_log row by row in random order
		// thrashes SQLite's page cache; building them afterwards sorts once.
		indexes, err := dropIndexes(ctx, db, "audit_log")
		if err != nil {
			return err
		}
		defer func() {
			if err == nil {
				err = db.Write(ctx, func(tx *sqlstore.Tx) error {
					for _, q := range indexes {
						if _, err := tx.ExecContext(ctx, q); err != nil {
							return err
						}
					}
					return nil
				})
			}
		}()
	}
	// SQLite looks up "$n" parameters one by one in a list; "?" costs
	// nothing, and PostgreSQL knows only "$n".
	mark := "?"
	if db.Engine() == sqlstore.Postgres {
		mark = "$"
	}
	logInsert := func(rows int) string {
		return `INSERT INTO audit_log (seq, at, actor_id, actor_org, actor_role, action, object_type, object_id, purpose, result, request_id, ip_hmac, detail) VALUES ` + placeholders(mark, rows, 13)
	}
	hashInsert := func(rows int) string {
		return `INSERT INTO audit_hashes (idx, hash) VALUES ` + placeholders(mark, rows, 2)
	}
	fullLog, fullHashes := logInsert(perInsert), hashInsert(2*perInsert)
	at := time.Date(2025, 1, 2, 7, 30, 0, 0, time.UTC)
	end := seq + n
	for seq < end {
		txEnd := min(seq+perTx, end)
		err := db.Write(ctx, func(tx *sqlstore.Tx) error {
			var logArgs, hashArgs []any
			flush := func() error {
				if len(logArgs) > 0 {
					q := fullLog
					if len(logArgs) < 13*perInsert {
						q = logInsert(len(logArgs) / 13)
					}
					if _, err := tx.ExecContext(ctx, q, logArgs...); err != nil {
						return err
					}
				}
				for len(hashArgs) > 0 {
					m := min(len(hashArgs), 2*2*perInsert)
					q := fullHashes
					if m < 2*2*perInsert {
						q = hashInsert(m / 2)
					}
					if _, err := tx.ExecContext(ctx, q, hashArgs[:m]...); err != nil {
						return err
					}
					hashArgs = hashArgs[m:]
				}
				logArgs = logArgs[:0]
				return nil
			}
			for ; seq < txEnd; seq++ {
				at = at.Add(time.Duration(rng.IntN(6000)) * time.Millisecond).Truncate(time.Microsecond)
				w := rng.IntN(100)
				a := actions[0]
				for _, x := range actions {
					if w < x.weight {
						a = x
						break
					}
					w -= x.weight
				}
				u := rng.IntN(len(users))
				ev := &audit.Event{
					Seq: seq, Time: at, ActorID: users[u], ActorOrg: orgs[u%len(orgs)], ActorRole: "case_worker",
					Action: a.action, ObjectType: a.object, ObjectID: cases[rng.IntN(len(cases))], Result: audit.ResultOK,
					RequestID: fmt.Sprintf("%016x", rng.Uint64()),
				}
				if a.action == "authn.login" {
					ev.ObjectID = ev.ActorID
					ev.IPHMAC = fmt.Appendf(nil, "%016x", rng.Uint64())[:16]
				}
				hs, err := audit.Append(seq, ev.Leaf(), hr)
				if err != nil {
					return err
				}
				first := tlog.StoredHashIndex(0, seq)
				for i, h := range hs {
					fr[i] = struct {
						k int64
						h tlog.Hash
					}{seq >> i, h}
					hashArgs = append(hashArgs, first+int64(i), h[:])
				}
				logArgs = append(logArgs, ev.Seq, ev.Time, ev.ActorID, ev.ActorOrg, ev.ActorRole, ev.Action, ev.ObjectType,
					ev.ObjectID, ev.Purpose, ev.Result, ev.RequestID, ev.IPHMAC, ev.Detail)
				if len(logArgs) == 13*perInsert {
					if err := flush(); err != nil {
						return err
					}
				}
			}
			return flush()
		})
		if err != nil {
			return err
		}
		if progress != nil {
			progress(seq - (end - n))
		}
	}
	return nil
}

// dropIndexes drops the indexes of a SQLite table that a statement made,
// and returns the statements that make them again.
func dropIndexes(ctx context.Context, db *sqlstore.DB, table string) ([]string, error) {
	var names, made []string
	err := db.Write(ctx, func(tx *sqlstore.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL`, table)
		if err != nil {
			return err
		}
		for rows.Next() {
			var name, q string
			if err := rows.Scan(&name, &q); err != nil {
				rows.Close()
				return err
			}
			names, made = append(names, name), append(made, q)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, name := range names {
			if _, err := tx.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
				return err
			}
		}
		return nil
	})
	return made, err
}

// placeholders returns "(?, ?), (?, ?), …" for rows of cols values, or
// with mark "$", "($1, $2), ($3, $4), …".
func placeholders(mark string, rows, cols int) string {
	var b strings.Builder
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteString(mark)
			if mark == "$" {
				b.WriteString(strconv.Itoa(r*cols + c + 1))
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}
