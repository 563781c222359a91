package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"fristad"
	"fristad/internal/audit"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// AuditService reads the audit trail for auditors; every reading is itself recorded.
type AuditService struct{ db *DB }

var (
	_ fristad.AuditService = (*AuditService)(nil)
)

// NewAuditService returns the audit service over db.
func NewAuditService(db *DB) *AuditService { return &AuditService{db: db} }

// auditEvent is what a store method says about what it did; the rest of
// the event (sequence, time, actor, request) comes from the transaction
// and the context.
type auditEvent struct {
	Action     string
	ObjectType string
	ObjectID   string
	Result     string // audit.ResultOK unless set
	Purpose    string
	ActorID    string // for events before a login exists, such as a failed login
	IP         string // hashed before it is stored
}

// audit records an event of what tx did (SR-70). In a write transaction
// the event is appended to the log when the transaction commits, in the
// same transaction, so it is committed with the change it records or not
// at all (SR-71). A read transaction writes nothing: its events are handed
// to the log's committer when it has ended, and db.read returns only when
// they are durable, so no read of case data answers without its record.
// Either way the events are appended under the log's single-writer lock
// (auditlog.go).
func (db *DB) audit(ctx context.Context, tx *Tx, e auditEvent) error {
	ev, err := db.newEvent(ctx, tx.now, e)
	if err != nil {
		return err
	}
	tx.events = append(tx.events, ev)
	return nil
}

// record appends an event that no transaction goes with, such as a
// refusal before any data is read, through the committer, and returns
// when it is durable.
func (db *DB) record(ctx context.Context, e auditEvent) error {
	ev, err := db.newEvent(ctx, db.Now().UTC().Truncate(time.Microsecond), e)
	if err != nil {
		return err
	}
	return db.log.append(ctx, []*audit.Event{ev})
}

// newEvent completes what a store method says about what it did at now
// with who did it, from the context, into an event ready to append but
// for its sequence number. An event the log would refuse is refused here,
// so it cannot fail a batch of others' events.
func (db *DB) newEvent(ctx context.Context, now time.Time, e auditEvent) (*audit.Event, error) {
	ev := &audit.Event{
		Time:       now,
		Action:     e.Action,
		ObjectType: e.ObjectType,
		ObjectID:   e.ObjectID,
		Purpose:    e.Purpose,
		Result:     e.Result,
		RequestID:  fristad.RequestIDFromContext(ctx),
	}
	if ev.Result == "" {
		ev.Result = audit.ResultOK
	}
	if a := fristad.ActorFromContext(ctx); a != nil {
		ev.ActorID, ev.ActorOrg = a.AuditName(), a.OrganisationID
		for _, r := range a.Roles {
			if ev.ActorRole != "" {
				ev.ActorRole += ","
			}
			ev.ActorRole += string(r)
		}
	}
	if e.ActorID != "" {
		ev.ActorID = e.ActorID
	}
	if ev.ActorID == "" {
		ev.ActorID = "anonymous"
	}
	if e.IP != "" {
		if ix := db.indexer.Load(); ix != nil {
			ev.IPHMAC = ix.Token("audit.ip", e.IP)
		}
	}
	if err := ev.Validate(); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return ev, nil
}

func readHashes(ctx context.Context, tx *Tx, indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	// Verify asks for long ascending runs; read those in one query.
	for i := 0; i < len(indexes); {
		j := i + 1
		for j < len(indexes) && indexes[j] == indexes[j-1]+1 {
			j++
		}
		rows, err := tx.QueryContext(ctx, `SELECT idx, hash FROM audit_hashes WHERE idx >= $1 AND idx <= $2 ORDER BY idx`, indexes[i], indexes[j-1])
		if err != nil {
			return nil, err
		}
		k := i
		for rows.Next() {
			var idx int64
			var h []byte
			if err := rows.Scan(&idx, &h); err != nil {
				rows.Close()
				return nil, err
			}
			if k >= j || idx != indexes[k] || len(h) != tlog.HashSize {
				rows.Close()
				return nil, fmt.Errorf("stored hash %d: %w", indexes[k], audit.ErrNotFound)
			}
			copy(out[k][:], h)
			k++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if k != j {
			return nil, fmt.Errorf("stored hash %d: %w", indexes[k], audit.ErrNotFound)
		}
		i = j
	}
	return out, nil
}

// auditLog is the audit trail read inside one read transaction, for
// verification and proofs.
type auditLog struct{ tx *Tx }

var _ audit.Log = auditLog{}

func (l auditLog) ReadHashes(ctx context.Context, indexes []int64) ([]tlog.Hash, error) {
	return readHashes(ctx, l.tx, indexes)
}

func (l auditLog) Size(ctx context.Context) (int64, error) {
	var n int64
	err := l.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_log`).Scan(&n)
	return n, err
}

func scanEvent(rows *sql.Rows) (*audit.Event, error) {
	var e audit.Event
	err := rows.Scan(&e.Seq, &e.Time, &e.ActorID, &e.ActorOrg, &e.ActorRole, &e.Action, &e.ObjectType, &e.ObjectID, &e.Purpose, &e.Result, &e.RequestID, &e.IPHMAC, &e.Detail)
	e.Time = e.Time.UTC()
	return &e, err
}

func (l auditLog) Checkpoints(ctx context.Context) ([]audit.SignedCheckpoint, error) {
	rows, err := l.tx.QueryContext(ctx, `SELECT size, root, note FROM audit_checkpoints ORDER BY size`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.SignedCheckpoint
	for rows.Next() {
		var c audit.SignedCheckpoint
		var root []byte
		var n string
		if err := rows.Scan(&c.Size, &root, &n); err != nil {
			return nil, err
		}
		copy(c.Root[:], root)
		c.Note = []byte(n)
		out = append(out, c)
	}
	return out, rows.Err()
}

// AuditOrigin names this log in its checkpoints.
const AuditOrigin = "fristad audit log"

// CheckpointAudit signs the current head of the audit trail, stores the
// checkpoint and returns the signed note, for keeping outside the system.
// A signer refuses to sign a log smaller than one it signed before.
func (db *DB) CheckpointAudit(ctx context.Context, signer note.Signer) ([]byte, error) {
	var signed []byte
	err := db.write(ctx, func(tx *Tx) error {
		l := auditLog{tx}
		size, err := l.Size(ctx)
		if err != nil {
			return err
		}
		if size == 0 {
			return fristad.Errorf(fristad.EINVALID, "the audit trail is empty")
		}
		var last *audit.Checkpoint
		var lastSize int64
		var lastRoot []byte
		err = tx.QueryRowContext(ctx, `SELECT size, root FROM audit_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&lastSize, &lastRoot)
		switch {
		case err == nil:
			c := audit.Checkpoint{Origin: AuditOrigin, Size: lastSize}
			copy(c.Root[:], lastRoot)
			last = &c
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		head, err := audit.TreeHead(ctx, l, AuditOrigin, size)
		if err != nil {
			return err
		}
		if last != nil && last.Size == size {
			return fristad.Errorf(fristad.ECONFLICT, "the audit trail has not grown since the last checkpoint (size %d)", size)
		}
		signed, err = audit.NewSigner(signer, last, nil).Sign(head)
		if err != nil {
			return fristad.Errorf(fristad.ECONFLICT, "refused to sign: %v", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4)`,
			head.Size, head.Root[:], string(signed), tx.now)
		return err
	})
	return signed, err
}

// FindAuditEvents returns audit events for auditors, newest first; the
// search is itself audited.
func (s *AuditService) FindAuditEvents(ctx context.Context, filter fristad.AuditFilter) (_ []*fristad.AuditEvent, err error) {
	defer wrapErr(&err, "AuditService.FindAuditEvents")
	return s.db.findAuditEvents(ctx, filter, "audit.read")
}

// ExportAuditEvents returns audit events to be taken out of the system.
func (s *AuditService) ExportAuditEvents(ctx context.Context, filter fristad.AuditFilter) (_ []*fristad.AuditEvent, err error) {
	defer wrapErr(&err, "AuditService.ExportAuditEvents")
	actor := fristad.ActorFromContext(ctx)
	if err := fristad.Authorize(actor, fristad.ActionAuditRead, nil, fristad.ENOTFOUND); err != nil {
		return nil, err
	}
	if actor.System == "" && !actor.FreshStepUp(s.db.Now()) {
		return nil, fristad.ErrStepUpRequired()
	}
	return s.db.findAuditEvents(ctx, filter, "audit.export")
}

func (db *DB) findAuditEvents(ctx context.Context, filter fristad.AuditFilter, action string) ([]*fristad.AuditEvent, error) {
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionAuditRead, nil, fristad.ENOTFOUND); err != nil {
		return nil, err
	}
	limit := filter.Limit
	if limit <= 0 || limit > fristad.MaxAuditEvents {
		limit = fristad.MaxAuditEvents
	}
	var events []*fristad.AuditEvent
	err := db.read(ctx, func(tx *Tx) error {
		var where []string
		var args []any
		arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
		if filter.ObjectType != nil {
			where = append(where, "object_type = "+arg(*filter.ObjectType))
		}
		if filter.ObjectID != nil {
			where = append(where, "object_id = "+arg(*filter.ObjectID))
		}
		if filter.ActorID != nil {
			where = append(where, "actor_id = "+arg(*filter.ActorID))
		}
		rows, err := tx.QueryContext(ctx, `
			SELECT seq, at, actor_id, actor_org, actor_role, action, object_type, object_id, purpose, result, request_id, ip_hmac, detail
			FROM audit_log`+whereClause(where)+`
			ORDER BY seq DESC LIMIT `+arg(limit), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			e, err := scanEvent(rows)
			if err != nil {
				rows.Close()
				return err
			}
			events = append(events, &fristad.AuditEvent{
				Seq: e.Seq, Time: e.Time, ActorID: e.ActorID, ActorOrg: e.ActorOrg, ActorRole: e.ActorRole,
				Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID, Purpose: e.Purpose,
				Result: e.Result, RequestID: e.RequestID,
			})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		object := ""
		if filter.ObjectID != nil {
			object = *filter.ObjectID
		}
		return db.audit(ctx, tx, auditEvent{Action: action, ObjectType: "audit", ObjectID: object})
	})
	if err != nil {
		return nil, err
	}
	return events, nil
}
