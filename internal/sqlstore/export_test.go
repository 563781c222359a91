package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"fristad"
)

// RecordVerifications makes every login report the parameters of the
// password hash it verifies ("v=19$m=…,t=…,p=…"), one entry per
// verification, until reset is called.
func (db *DB) RecordVerifications() (params func() []string, reset func()) {
	var mu sync.Mutex
	var got []string
	db.onVerify = func(hash string) {
		parts := strings.Split(hash, "$")
		mu.Lock()
		defer mu.Unlock()
		if len(parts) == 6 {
			got = append(got, parts[2]+"$"+parts[3])
		} else {
			got = append(got, "malformed")
		}
	}
	return func() []string {
			mu.Lock()
			defer mu.Unlock()
			out := got
			got = nil
			return out
		}, func() {
			db.onVerify = nil
		}
}

// Write exposes write transactions to the external tests.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error { return db.write(ctx, fn) }

// Read exposes read-only transactions to the external tests.
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error { return db.read(ctx, fn) }

// SealForSubject seals plaintext with a subject's data key, creating the
// key, as the case-data code will.
func (db *DB) SealForSubject(ctx context.Context, subject string, plaintext []byte, rowID string) ([]byte, error) {
	var out []byte
	err := db.write(ctx, func(tx *Tx) error {
		dk, err := db.dataKey(ctx, tx, subject, true)
		if err != nil {
			return err
		}
		out, err = dk.Seal(plaintext, "scratch", "secret", rowID)
		return err
	})
	return out, err
}

// OpenForSubject opens what SealForSubject sealed.
func (db *DB) OpenForSubject(ctx context.Context, subject string, ciphertext []byte, rowID string) ([]byte, error) {
	var out []byte
	err := db.read(ctx, func(tx *Tx) error {
		dk, err := db.dataKey(ctx, tx, subject, false)
		if err != nil {
			return err
		}
		out, err = dk.Open(ciphertext, "scratch", "secret", rowID)
		return err
	})
	return out, err
}

// ExecRaw runs a statement outside any transaction, such as VACUUM INTO.
func (db *DB) ExecRaw(ctx context.Context, query string) error {
	_, err := db.db.ExecContext(ctx, query)
	return err
}

// ExplainCaseList returns the query plan of the case list for an actor,
// as the engine would run it.
func (db *DB) ExplainCaseList(ctx context.Context, actor *fristad.Actor, filter fristad.CaseFilter) (string, error) {
	team, glass, args := caseListSQL(actor, filter, 50, db.Now())
	p1, err := db.explain(ctx, team, args...)
	if err != nil {
		return "", err
	}
	p2, err := db.explain(ctx, glass, args...)
	return p1 + "\n" + p2, err
}

// ExplainCaseByID returns the query plan of reading one case.
func (db *DB) ExplainCaseByID(ctx context.Context, actor *fristad.Actor, id string) (string, error) {
	return db.explain(ctx, caseByIDSQL, actor.OrganisationID, actor.UserID, db.Now(), id)
}

// ExplainDuplicates returns the query plan of a blind-index lookup.
func (db *DB) ExplainDuplicates(ctx context.Context) (string, error) {
	return db.explain(ctx, `SELECT person_id FROM person_index WHERE field = $1 AND token = $2`, "identity", []byte{1, 2, 3, 4})
}

func (db *DB) explain(ctx context.Context, q string, args ...any) (string, error) {
	var out []string
	err := db.write(ctx, func(tx *Tx) error {
		prefix := "EXPLAIN QUERY PLAN "
		if db.dialect.name == Postgres {
			// Without sequential scans the planner shows whether an index
			// serves the query at all: a Seq Scan left means none does.
			if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
			prefix = "EXPLAIN "
		}
		rows, err := tx.QueryContext(ctx, prefix+q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			out = append(out, fmt.Sprint(vals[len(vals)-1]))
		}
		return rows.Err()
	})
	return strings.Join(out, "\n"), err
}

// ExplainMyDeadlines returns the query plan of an actor's deadlines.
func (db *DB) ExplainMyDeadlines(ctx context.Context, actor *fristad.Actor) (string, error) {
	return db.explain(ctx, myDeadlinesSQL, actor.OrganisationID, "2026-06-01", actor.UserID, 500)
}

// SetDocumentQuota makes n bytes the most a case keeps in documents.
func (db *DB) SetDocumentQuota(n int64) { db.documentQuota = n }
