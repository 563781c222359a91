package sqlstore

// The envelope every service's work on a case passes through: the actor
// is checked before anything else, the case is reached within the
// actor's scope (a refusal audited, and answered as a case that does not
// exist, SR-21), notes and documents are scoped by their sensitivity, and
// what is kept of her is sealed under her own data key. A change runs in
// a write transaction with its audit events (onCase); a read in a read
// transaction, answering only once its event is durable (readCase; see
// DB.audit and auditlog.go).

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"fristad"
	"fristad/internal/audit"
	"fristad/internal/seal"
)

// caseActor returns the actor if they hold a role that works with cases;
// to anyone else no case exists, and their attempt on case id (if any)
// is audited as denied.
func (db *DB) caseActor(ctx context.Context, id string, action fristad.Action) (*fristad.Actor, error) {
	actor := fristad.ActorFromContext(ctx)
	err := fristad.Authorize(actor, fristad.ActionCaseRead, nil, fristad.ENOTFOUND)
	if err == nil || actor == nil || id == "" {
		return actor, err
	}
	if aerr := db.record(ctx, auditEvent{Action: string(action), ObjectType: "case", ObjectID: id, Result: audit.ResultDenied}); aerr != nil {
		return nil, aerr
	}
	return nil, err
}

// onCase runs fn in a write transaction on a case the actor may take
// action on, with the data key its content is sealed under; refusals are audited and
// answered as findCase answers them.
func (db *DB) onCase(ctx context.Context, caseID string, action fristad.Action, fn func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error) error {
	return db.inCase(ctx, db.write, caseID, action, fn)
}

// readCase is onCase for a read: fn runs in a read transaction, and the
// events it and the refusals record are durable before readCase returns
// (SR-71); when it fails, what fn read must not be answered.
func (db *DB) readCase(ctx context.Context, caseID string, action fristad.Action, fn func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error) error {
	return db.inCase(ctx, db.read, caseID, action, fn)
}

// inCase reaches the case for onCase and readCase, in the transaction
// transact runs.
func (db *DB) inCase(ctx context.Context, transact func(context.Context, func(*Tx) error) error, caseID string, action fristad.Action, fn func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error) error {
	actor, err := db.caseActor(ctx, caseID, action)
	if err != nil {
		return err
	}
	denied, forbidden := false, false
	err = transact(ctx, func(tx *Tx) error {
		c, sp, err := db.findCase(ctx, tx, actor, caseID, action)
		switch {
		case errors.Is(err, errForbidden):
			forbidden = true
			return nil
		case errors.Is(err, errDenied):
			denied = true
			return nil
		case err != nil:
			return err
		}
		dk, err := db.dataKey(ctx, tx, sp.subject, false)
		if err != nil {
			return err
		}
		return fn(tx, c, dk)
	})
	switch {
	case err != nil:
		return err
	case forbidden:
		return fristad.Errorf(fristad.EFORBIDDEN, "your role may not change this case")
	case denied:
		return errCaseNotFound()
	}
	return nil
}

// mayOnCase reports, as onCase would refuse it, whether the actor may take
// action on a case, for a change that first does slow work outside any
// transaction; the change itself, in onCase, checks again.
func (db *DB) mayOnCase(ctx context.Context, caseID string, action fristad.Action) error {
	return db.readCase(ctx, caseID, action, func(*Tx, *fristad.Case, *seal.DataKey) error { return nil })
}

// sealJSON seals v as JSON for a row.
func sealJSON(dk *seal.DataKey, v any, table, rowID string) ([]byte, error) {
	buf, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return dk.Seal(buf, table, "data_ct", rowID)
}

func openJSON(dk *seal.DataKey, ct []byte, table, rowID string, v any) error {
	buf, err := dk.Open(ct, table, "data_ct", rowID)
	if err != nil {
		return err
	}
	return json.Unmarshal(buf, v)
}

// sensitivityScope returns the SQL condition that admits the journal
// notes or documents of case c the actor may read, decided by the policy:
// those for the team, and those kept to the actor's own organisation when
// the policy lets the actor read those at all (never a police liaison,
// SR-30). sensitivity and org name the row's columns (n.sensitivity and
// n.author_org for notes, d.sensitivity and d.uploaded_org for
// documents). It appends its argument to args. An actor who may read
// none gets a condition that is never true.
func sensitivityScope(actor *fristad.Actor, c *fristad.Case, sensitivity, org string, args *[]any) string {
	access := c.Reach()
	var or []string
	if fristad.Can(actor, fristad.ActionNoteRead, &fristad.NoteAccess{Case: access, Sensitivity: fristad.SensitivityTeam}) {
		or = append(or, sensitivity+` = 'team'`)
	}
	if fristad.Can(actor, fristad.ActionNoteRead, &fristad.NoteAccess{Case: access, Sensitivity: fristad.SensitivityOrganisation, AuthorOrganisation: actor.OrganisationID}) {
		*args = append(*args, actor.OrganisationID)
		or = append(or, `(`+sensitivity+` = 'organisation' AND `+org+` = $`+itoa(len(*args))+`)`)
	}
	if len(or) == 0 {
		return `1 = 0`
	}
	return "(" + strings.Join(or, " OR ") + ")"
}
