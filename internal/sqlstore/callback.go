package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"fristad"
	"fristad/internal/audit"
	"fristad/internal/auth"
)

// CallbackService takes the portal's call-back requests in and keeps the coordinators' inbox of them.
type CallbackService struct{ db *DB }

var (
	_ fristad.CallbackService = (*CallbackService)(nil)
	_ fristad.CallbackInbox   = (*CallbackService)(nil)
)

// NewCallbackService returns the callback service over db.
func NewCallbackService(db *DB) *CallbackService { return &CallbackService{db: db} }

// callbackContact is what a call-back request seals: the ways to reach
// her and when.
type callbackContact struct {
	Channel      string
	Phone        string
	Times        []string
	TimeNote     string
	LeaveMessage bool
	SayWhoCalls  bool
}

// callbackSubject is the key-store subject of a request: each request
// has a data key of its own, so handling one destroys its contact details
// and nothing else (crypto-shredding, as for an erased person).
func callbackSubject(id string) string { return "callback:" + id }

// SubmitCallback stores a request handed in on the portal. No actor is
// needed: the visitor is anonymous, and the audit trail says so. Nothing
// about her device or address is kept.
func (s *CallbackService) SubmitCallback(ctx context.Context, c *fristad.CallbackRequest) (err error) {
	defer wrapErr(&err, "CallbackService.SubmitCallback")
	if err := c.Validate(); err != nil {
		return err
	}
	expired := 0
	err = s.db.write(ctx, func(tx *Tx) error {
		var err error
		if expired, err = s.db.expireCallbacks(ctx, tx); err != nil {
			return err
		}
		c.ID, c.ReceivedAt = auth.NewID(), tx.now
		c.HandledAt, c.HandledBy, c.Outcome, c.Erased = nil, "", "", false
		dk, err := s.db.dataKey(ctx, tx, callbackSubject(c.ID), true)
		if err != nil {
			return err
		}
		defer dk.Destroy()
		buf, err := json.Marshal(callbackContact{c.Channel, c.Phone, c.Times, c.TimeNote, c.LeaveMessage, c.SayWhoCalls})
		if err != nil {
			return err
		}
		ct, err := dk.Seal(buf, "callback_requests", "contact_ct", c.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO callback_requests (id, region, language, interpreter, contact_ct, received_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, c.Region, c.Language, c.Interpreter, ct, tx.now)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "callback.received", ObjectType: "callback", ObjectID: c.ID, ActorID: "portal"})
	})
	if err != nil {
		return err
	}
	return s.db.checkpointKeys(ctx, expired)
}

// expireCallbacks erases the contact details of every request open
// longer than fristad.CallbackRetention, as if handled with the outcome
// fristad.CallbackExpired by the system, and returns how many it erased.
// It runs whenever requests come in or are listed, so no number outlives
// the retention by long while the inbox is in use.
func (db *DB) expireCallbacks(ctx context.Context, tx *Tx) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM callback_requests WHERE handled_at IS NULL AND received_at < $1`, tx.now.Add(-fristad.CallbackRetention))
	if err != nil {
		return 0, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := db.eraseCallback(ctx, tx, id, "system:retention", fristad.CallbackExpired); err != nil {
			return 0, err
		}
		if err := db.audit(ctx, tx, auditEvent{Action: "callback.expired", ObjectType: "callback", ObjectID: id, ActorID: "system:retention"}); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// eraseCallback marks an open request handled and erases its contact
// details: the sealed column is emptied and its data key destroyed.
func (db *DB) eraseCallback(ctx context.Context, tx *Tx, id, by, outcome string) error {
	res, err := tx.ExecContext(ctx, `
		UPDATE callback_requests SET handled_at = $1, handled_by = $2, outcome = $3, contact_ct = NULL
		WHERE id = $4 AND handled_at IS NULL`, tx.now, by, outcome, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fristad.Localized(fristad.ECONFLICT, "callback.handled.already", nil, "the request was handled already")
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM keystore.subject_keys WHERE subject_id = $1`, callbackSubject(id))
	return err
}

// checkpointKeys makes sure, after n data keys were destroyed, that none
// lingers in SQLite's key-store write-ahead log, as for an erased person.
func (db *DB) checkpointKeys(ctx context.Context, n int) error {
	if n == 0 || db.dialect.name != SQLite {
		return nil
	}
	if _, err := db.db.ExecContext(ctx, `PRAGMA keystore.wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("callback: checkpoint the key store: %w", err)
	}
	return nil
}

// callbackScope is what the policy needs to know about the actor's place
// among the coordinators: their organisation's type and county, and the
// counties that have a regional coordinator.
type callbackScope struct {
	orgType, orgCounty string
	covered            map[string]bool
}

func (db *DB) callbackScope(ctx context.Context, tx *Tx, actor *fristad.Actor) (*callbackScope, error) {
	s := &callbackScope{covered: map[string]bool{}}
	var region string
	err := tx.QueryRowContext(ctx, `SELECT type, region FROM organisations WHERE id = $1`, actor.OrganisationID).Scan(&s.orgType, &region)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	s.orgCounty = fristad.CountyOf(region)
	rows, err := tx.QueryContext(ctx, `SELECT region FROM organisations WHERE type = 'regional_coordinator'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(&region); err != nil {
			return nil, err
		}
		if county := fristad.CountyOf(region); county != "" {
			s.covered[county] = true
		}
	}
	return s, rows.Err()
}

func (s *callbackScope) access(region string) *fristad.CallbackAccess {
	return &fristad.CallbackAccess{Region: region, Covered: s.covered[region], OrgType: s.orgType, OrgCounty: s.orgCounty}
}

// FindCallbacks returns the open requests the actor may take, oldest
// first, without their contact details. Open requests are few (they are
// handled within days), so the policy judges each row rather than the SQL
// repeating its rule.
func (s *CallbackService) FindCallbacks(ctx context.Context) (_ []*fristad.CallbackRequest, err error) {
	defer wrapErr(&err, "CallbackService.FindCallbacks")
	actor := fristad.ActorFromContext(ctx)
	if err := fristad.Authorize(actor, fristad.ActionCallbackRead, nil, fristad.ENOTFOUND); err != nil {
		return nil, err
	}
	var out []*fristad.CallbackRequest
	expired := 0
	err = s.db.write(ctx, func(tx *Tx) error {
		var err error
		if expired, err = s.db.expireCallbacks(ctx, tx); err != nil {
			return err
		}
		scope, err := s.db.callbackScope(ctx, tx, actor)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `
			SELECT id, region, language, interpreter, received_at FROM callback_requests
			WHERE handled_at IS NULL ORDER BY received_at, id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c := &fristad.CallbackRequest{}
			if err := rows.Scan(&c.ID, &c.Region, &c.Language, &c.Interpreter, &c.ReceivedAt); err != nil {
				return err
			}
			if fristad.Can(actor, fristad.ActionCallbackRead, scope.access(c.Region)) {
				out = append(out, c)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "callback.list", ObjectType: "callback", Purpose: fmt.Sprint(len(out))})
	})
	if err != nil {
		return nil, err
	}
	return out, s.db.checkpointKeys(ctx, expired)
}

// CountCallbacks counts the open requests the actor may take, in a read
// transaction: requests past their time count no more, though they are
// erased only when the inbox is next opened.
func (s *CallbackService) CountCallbacks(ctx context.Context) (_ int, err error) {
	defer wrapErr(&err, "CallbackService.CountCallbacks")
	actor := fristad.ActorFromContext(ctx)
	if err := fristad.Authorize(actor, fristad.ActionCallbackRead, nil, fristad.ENOTFOUND); err != nil {
		return 0, err
	}
	n := 0
	err = s.db.read(ctx, func(tx *Tx) error {
		scope, err := s.db.callbackScope(ctx, tx, actor)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT region FROM callback_requests WHERE handled_at IS NULL AND received_at >= $1`,
			tx.now.Add(-fristad.CallbackRetention))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var region string
			if err := rows.Scan(&region); err != nil {
				return err
			}
			if fristad.Can(actor, fristad.ActionCallbackRead, scope.access(region)) {
				n++
			}
		}
		return rows.Err()
	})
	return n, err
}

// findCallback reads one request inside tx and decides action on it. A
// request the actor may not take is audited as refused and answered as
// one that does not exist (SR-21).
func (db *DB) findCallback(ctx context.Context, tx *Tx, id string, action fristad.Action) (*fristad.CallbackRequest, []byte, error) {
	actor := fristad.ActorFromContext(ctx)
	scope, err := db.callbackScope(ctx, tx, actor)
	if err != nil {
		return nil, nil, err
	}
	c := &fristad.CallbackRequest{}
	var ct []byte
	var handledAt anyTime
	var handledBy, outcome sql.NullString
	err = tx.QueryRowContext(ctx, `
		SELECT id, region, language, interpreter, contact_ct, received_at, handled_at, handled_by, outcome
		FROM callback_requests WHERE id = $1`, id).Scan(&c.ID, &c.Region, &c.Language, &c.Interpreter, &ct, &c.ReceivedAt, &handledAt, &handledBy, &outcome)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errDenied
	}
	if err != nil {
		return nil, nil, err
	}
	if !fristad.Can(actor, action, scope.access(c.Region)) {
		if err := db.audit(ctx, tx, auditEvent{Action: string(action), ObjectType: "callback", ObjectID: id, Result: audit.ResultDenied}); err != nil {
			return nil, nil, err
		}
		return nil, nil, errDenied
	}
	if handledAt.Valid {
		at := handledAt.Time
		c.HandledAt, c.HandledBy, c.Outcome = &at, handledBy.String, outcome.String
	}
	c.Erased = ct == nil
	return c, ct, nil
}

// FindCallbackByID returns one open request with its contact details,
// opened under its key; the reading is audited. A handled request has no
// contact details any more.
func (s *CallbackService) FindCallbackByID(ctx context.Context, id string) (_ *fristad.CallbackRequest, err error) {
	defer wrapErr(&err, "CallbackService.FindCallbackByID")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionCallbackRead, nil, fristad.ENOTFOUND); err != nil {
		return nil, err
	}
	var c *fristad.CallbackRequest
	denied := false
	err = s.db.read(ctx, func(tx *Tx) error {
		var ct []byte
		var err error
		c, ct, err = s.db.findCallback(ctx, tx, id, fristad.ActionCallbackRead)
		if errors.Is(err, errDenied) {
			denied = true
			return nil
		}
		if err != nil {
			return err
		}
		if ct != nil {
			dk, err := s.db.dataKey(ctx, tx, callbackSubject(c.ID), false)
			if err != nil {
				return err
			}
			defer dk.Destroy()
			buf, err := dk.Open(ct, "callback_requests", "contact_ct", c.ID)
			if err != nil {
				return err
			}
			var d callbackContact
			if err := json.Unmarshal(buf, &d); err != nil {
				return err
			}
			c.Channel, c.Phone, c.Times, c.TimeNote, c.LeaveMessage, c.SayWhoCalls = d.Channel, d.Phone, d.Times, d.TimeNote, d.LeaveMessage, d.SayWhoCalls
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "callback.read", ObjectType: "callback", ObjectID: c.ID})
	})
	if err != nil {
		return nil, err
	}
	if denied {
		return nil, fristad.Errorf(fristad.ENOTFOUND, "not found")
	}
	return c, nil
}

// HandleCallback marks an open request as handled, by whom, when and
// with what outcome, and erases its contact details in the same
// transaction: the sealed column is emptied and the request's data key
// destroyed, so no copy of the database, backups included, can open them
// again (DP-12: kept no longer than needed; the call has been made). The
// region, language, times and outcome stay, for statistics.
func (s *CallbackService) HandleCallback(ctx context.Context, id, outcome string) (err error) {
	defer wrapErr(&err, "CallbackService.HandleCallback")
	actor := fristad.ActorFromContext(ctx)
	if err := fristad.Authorize(actor, fristad.ActionCallbackHandle, nil, fristad.ENOTFOUND); err != nil {
		return err
	}
	if err := fristad.ValidateOutcome(outcome); err != nil {
		return err
	}
	denied := false
	err = s.db.write(ctx, func(tx *Tx) error {
		c, _, err := s.db.findCallback(ctx, tx, id, fristad.ActionCallbackHandle)
		if errors.Is(err, errDenied) {
			denied = true
			return nil
		}
		if err != nil {
			return err
		}
		if c.HandledAt != nil {
			return fristad.Localized(fristad.ECONFLICT, "callback.handled.already", nil, "the request was handled already")
		}
		if err := s.db.eraseCallback(ctx, tx, c.ID, actor.UserID, outcome); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "callback.handled", ObjectType: "callback", ObjectID: c.ID, Purpose: outcome})
	})
	if err != nil {
		return err
	}
	if denied {
		return fristad.Errorf(fristad.ENOTFOUND, "not found")
	}
	return s.db.checkpointKeys(ctx, 1)
}
