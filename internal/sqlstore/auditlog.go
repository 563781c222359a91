package sqlstore

// Writing the audit log. Every event is appended under the log's single
// writer lock (on SQLite the database's write lock, on PostgreSQL an
// advisory lock), which is what keeps the sequence and the Merkle tree
// gap-free. A change's events are appended in the change's own
// transaction, just before it commits; the events of reads, which run in
// read transactions, go to the committer, which appends everything that
// arrived while its previous batch was being written in one transaction
// and one flush, and tells each reader when its event is durable.

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"fristad"
	"fristad/internal/audit"

	"golang.org/x/mod/sumdb/tlog"
)

// auditLockKey is the PostgreSQL advisory lock that serialises appenders.
const auditLockKey = 7368732

// maxAuditBatch bounds how many reads' events one committer transaction
// appends; more wait for the next.
const maxAuditBatch = 1000

// appendEvents appends events to the log in tx, in their order, numbering
// them from the log's size. On PostgreSQL it takes the advisory lock that
// serialises appenders, held until tx ends: callers append last, just
// before committing, so the lock is held for the appending and the commit
// only.
func appendEvents(ctx context.Context, tx *Tx, events []*audit.Event) error {
	if tx.db.dialect.name == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(`+itoa(auditLockKey)+`)`); err != nil {
			return err
		}
	}
	var size int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_log`).Scan(&size); err != nil {
		return err
	}
	// Every hash an append needs from before this batch is the root of one
	// of the complete subtrees the log is made of now; read those at once,
	// and keep the hashes of the batch itself as they are made.
	known := map[int64]tlog.Hash{}
	edge := frontier(size)
	hs, err := readHashSet(ctx, tx, edge)
	if err != nil {
		return err
	}
	for i, x := range edge {
		known[x] = hs[i]
	}
	r := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			h, ok := known[x]
			if !ok {
				return nil, fmt.Errorf("stored hash %d is not on the frontier of %d events", x, size)
			}
			out[i] = h
		}
		return out, nil
	})
	var hashRows []any
	for i, ev := range events {
		ev.Seq = size + int64(i)
		hashes, err := audit.Append(ev.Seq, ev.Leaf(), r)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		first := tlog.StoredHashIndex(0, ev.Seq)
		for j, h := range hashes {
			known[first+int64(j)] = h
			hashRows = append(hashRows, first+int64(j), h[:])
		}
	}
	var eventRows []any
	for _, ev := range events {
		eventRows = append(eventRows, ev.Seq, ev.Time, ev.ActorID, ev.ActorOrg, ev.ActorRole, ev.Action, ev.ObjectType, ev.ObjectID,
			ev.Purpose, ev.Result, ev.RequestID, ev.IPHMAC, ev.Detail)
	}
	if err := insertRows(ctx, tx, `INSERT INTO audit_log (seq, at, actor_id, actor_org, actor_role, action, object_type, object_id, purpose, result, request_id, ip_hmac, detail) VALUES `, 13, eventRows); err != nil {
		return err
	}
	return insertRows(ctx, tx, `INSERT INTO audit_hashes (idx, hash) VALUES `, 2, hashRows)
}

// frontier returns the stored-hash indexes of the complete subtrees a log
// of size leaves is made of, largest (and first) first: all that
// appending after them needs from the tree.
func frontier(size int64) []int64 {
	var out []int64
	var covered int64
	for level := 62; level >= 0; level-- {
		if size&(1<<level) != 0 {
			out = append(out, tlog.StoredHashIndex(level, covered>>level))
			covered += 1 << level
		}
	}
	return out
}

// readHashSet reads scattered stored hashes in one query.
func readHashSet(ctx context.Context, tx *Tx, indexes []int64) ([]tlog.Hash, error) {
	if len(indexes) == 0 {
		return nil, nil
	}
	args := make([]any, len(indexes))
	marks := make([]string, len(indexes))
	for i, x := range indexes {
		args[i], marks[i] = x, "$"+itoa(i+1)
	}
	rows, err := tx.QueryContext(ctx, `SELECT idx, hash FROM audit_hashes WHERE idx IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	got := map[int64]tlog.Hash{}
	for rows.Next() {
		var idx int64
		var h []byte
		if err := rows.Scan(&idx, &h); err != nil {
			return nil, err
		}
		if len(h) != tlog.HashSize {
			return nil, fmt.Errorf("stored hash %d: %w", idx, audit.ErrNotFound)
		}
		got[idx] = tlog.Hash(h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		h, ok := got[x]
		if !ok {
			return nil, fmt.Errorf("stored hash %d: %w", x, audit.ErrNotFound)
		}
		out[i] = h
	}
	return out, nil
}

// insertRows inserts rows of width columns, flattened in values, with as
// few statements as the engines' limits on bound arguments allow.
func insertRows(ctx context.Context, tx *Tx, insert string, width int, values []any) error {
	const maxArgs = 30000 // below SQLite's 32766 and PostgreSQL's 65535
	per := maxArgs / width * width
	for len(values) > 0 {
		n := min(len(values), per)
		var b strings.Builder
		b.WriteString(insert)
		for i := 0; i < n; i += width {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range width {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString("$" + itoa(i+j+1))
			}
			b.WriteByte(')')
		}
		if _, err := tx.ExecContext(ctx, b.String(), values[:n]...); err != nil {
			return err
		}
		values = values[n:]
	}
	return nil
}

// committer appends the audit events of reads to the log, one batch at a
// time: all that arrived while the previous batch was being written go
// into the next, in one write transaction and one flush (group commit).
// Reads wait until their own event is durable before they answer (SR-71:
// no read without its record), but no longer wait for one another's
// flushes, and never hold the write lock while they query.
//
// A change's own events are not the committer's: they are appended in
// the change's transaction (appendEvents), under the same lock.
type committer struct {
	db      *DB
	wake    chan struct{} // a pending batch or closing; capacity 1
	done    chan struct{} // closed when run has returned
	mu      sync.Mutex
	queue   []*pendingEvents
	closing bool
}

// pendingEvents are the events of one read, waiting to be appended.
type pendingEvents struct {
	events []*audit.Event
	done   chan error // capacity 1: the committer never waits on a reader
}

func newCommitter(db *DB) *committer {
	c := &committer{db: db, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go c.run()
	return c
}

// append hands events to the committer and waits until they are durable
// in the log, or the append has failed, or ctx is done; in either of the
// last two cases the read must answer nothing.
func (c *committer) append(ctx context.Context, events []*audit.Event) error {
	p := &pendingEvents{events: events, done: make(chan error, 1)}
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return fristad.Errorf(fristad.EUNAVAILABLE, "the database is closed")
	}
	c.queue = append(c.queue, p)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default: // already woken
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		// The event may yet be written: an answer never given is then
		// on record, never the other way round.
		return ctx.Err()
	}
}

// run appends batches until the committer is closed and nothing is left.
func (c *committer) run() {
	defer close(c.done)
	for {
		c.mu.Lock()
		for len(c.queue) == 0 && !c.closing {
			c.mu.Unlock()
			<-c.wake
			c.mu.Lock()
		}
		batch, n := c.queue, 0
		for i, p := range batch {
			if i > 0 && n+len(p.events) > maxAuditBatch {
				batch = batch[:i]
				break
			}
			n += len(p.events)
		}
		c.queue = c.queue[len(batch):]
		if len(c.queue) == 0 {
			c.queue = nil
		}
		c.mu.Unlock()
		if len(batch) == 0 {
			return // closing, and drained
		}
		err := c.write(batch)
		for _, p := range batch {
			p.done <- err
		}
	}
}

// write appends a batch in one transaction. The batch belongs to many
// requests, so no request's context may cancel it.
func (c *committer) write(batch []*pendingEvents) error {
	var events []*audit.Event
	for _, p := range batch {
		events = append(events, p.events...)
	}
	ctx := context.Background()
	err := c.db.transact(ctx, nil, func(tx *Tx) error {
		return appendEvents(ctx, tx, events)
	})
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// close stops taking events, appends those pending and returns when the
// last batch is durable (or failed, and its readers told).
func (c *committer) close() {
	c.mu.Lock()
	c.closing = true
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	<-c.done
}
