package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"fristad"
	"fristad/internal/audit"
	"fristad/internal/auth"
	"fristad/internal/seal"
)

// NoteService keeps a case's journal notes.
type NoteService struct{ db *DB }

var (
	_ fristad.NoteService = (*NoteService)(nil)
)

// NewNoteService returns the note service over db.
func NewNoteService(db *DB) *NoteService { return &NoteService{db: db} }

// FindNotes returns the notes of a case the actor may read, newest first.
func (s *NoteService) FindNotes(ctx context.Context, caseID string) (_ []*fristad.Note, err error) {
	defer wrapErr(&err, "NoteService.FindNotes")
	var notes []*fristad.Note
	err = s.db.readCase(ctx, caseID, fristad.ActionNoteRead, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		actor := fristad.ActorFromContext(ctx)
		args := []any{c.ID}
		rows, err := tx.QueryContext(ctx, `
			SELECT n.id, n.sensitivity, n.body_ct, COALESCE(n.refers_to, ''), n.author_id, n.author_org, n.created_at
			FROM case_notes n
			WHERE n.case_id = $1 AND `+sensitivityScope(actor, c, "n.sensitivity", "n.author_org", &args)+`
			ORDER BY n.created_at DESC, n.id DESC`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		access := c.Reach()
		for rows.Next() {
			n := &fristad.Note{CaseID: c.ID}
			var body []byte
			if err := rows.Scan(&n.ID, &n.Sensitivity, &body, &n.RefersTo, &n.AuthorID, &n.AuthorOrganisation, &n.CreatedAt); err != nil {
				return err
			}
			// The query decided; the policy confirms, note by note.
			if !fristad.Can(actor, fristad.ActionNoteRead, &fristad.NoteAccess{Case: access, Sensitivity: n.Sensitivity, AuthorOrganisation: n.AuthorOrganisation}) {
				continue
			}
			b, err := dk.Open(body, "case_notes", "body_ct", n.ID)
			if err != nil {
				return err
			}
			n.Body = string(b)
			notes = append(notes, n)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		// A reference to a note the reader cannot see is not shown: not
		// even that such a note exists.
		visible := map[string]bool{}
		for _, n := range notes {
			visible[n.ID] = true
		}
		for _, n := range notes {
			if !visible[n.RefersTo] {
				n.RefersTo = ""
			}
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "note.list", ObjectType: "case", ObjectID: c.ID, Purpose: c.Access})
	})
	if err != nil {
		return nil, err
	}
	return notes, nil
}

// CreateNote adds a note to a case.
func (s *NoteService) CreateNote(ctx context.Context, caseID string, n *fristad.Note) (err error) {
	defer wrapErr(&err, "NoteService.CreateNote")
	forbidden := false
	err = s.db.onCase(ctx, caseID, fristad.ActionNoteCreate, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		if err := n.Validate(); err != nil {
			return err
		}
		actor := fristad.ActorFromContext(ctx)
		// Nobody writes a note they could not read: a police liaison
		// keeps nothing to an organisation.
		if actor.OrganisationID == "" || !fristad.Can(actor, fristad.ActionNoteCreate, &fristad.NoteAccess{Case: c.Reach(), Sensitivity: n.Sensitivity, AuthorOrganisation: actor.OrganisationID}) {
			forbidden = true
			return s.db.audit(ctx, tx, auditEvent{Action: string(fristad.ActionNoteCreate), ObjectType: "case", ObjectID: c.ID, Purpose: n.Sensitivity, Result: audit.ResultDenied})
		}
		if n.RefersTo != "" {
			args := []any{c.ID, n.RefersTo}
			var corrected string
			err := tx.QueryRowContext(ctx, `SELECT n.sensitivity FROM case_notes n WHERE n.case_id = $1 AND n.id = $2 AND `+sensitivityScope(actor, c, "n.sensitivity", "n.author_org", &args), args...).Scan(&corrected)
			if errors.Is(err, sql.ErrNoRows) {
				return &fristad.Error{Code: fristad.EINVALID, Field: "refers_to", Key: "note.refers.invalid", Message: "the note it corrects is not a note of this case"}
			}
			if err != nil {
				return err
			}
			// A correction speaks of the note it corrects, so it is read
			// by no more people than that note is.
			if corrected == fristad.SensitivityOrganisation && n.Sensitivity != fristad.SensitivityOrganisation {
				return &fristad.Error{Code: fristad.EINVALID, Field: "sensitivity", Key: "note.correction.wider", Message: "a correction of a note kept to the organisation is kept to it too"}
			}
		}
		n.ID, n.CaseID, n.AuthorID, n.AuthorOrganisation, n.CreatedAt = auth.NewID(), c.ID, actor.UserID, actor.OrganisationID, tx.now
		body, err := dk.Seal([]byte(n.Body), "case_notes", "body_ct", n.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO case_notes (id, case_id, sensitivity, body_ct, refers_to, author_id, author_org, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			n.ID, n.CaseID, n.Sensitivity, body, nullString(n.RefersTo), n.AuthorID, n.AuthorOrganisation, tx.now)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "note.create", ObjectType: "case", ObjectID: c.ID, Purpose: n.ID})
	})
	if err == nil && forbidden {
		err = fristad.Errorf(fristad.EFORBIDDEN, "your role may not write a note of this sensitivity")
	}
	return err
}

// nullString is NULL for "", for optional references.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
