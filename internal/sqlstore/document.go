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

// DocumentService keeps a case's documents, sealed.
type DocumentService struct{ db *DB }

var (
	_ fristad.DocumentService = (*DocumentService)(nil)
)

// NewDocumentService returns the document service over db.
func NewDocumentService(db *DB) *DocumentService { return &DocumentService{db: db} }

const documentColumns = `d.id, d.sensitivity, d.content_type, d.size, d.filename_ct, d.description_ct, d.uploaded_by, d.uploaded_org, d.created_at`

// scanDocument reads a document row and opens its name and description.
// The policy confirms what the query decided: a document the actor may
// not read is nil.
func scanDocument(row interface{ Scan(...any) error }, actor *fristad.Actor, c *fristad.Case, dk *seal.DataKey) (*fristad.Document, error) {
	d := &fristad.Document{CaseID: c.ID}
	var name, description []byte
	if err := row.Scan(&d.ID, &d.Sensitivity, &d.ContentType, &d.Size, &name, &description, &d.UploadedBy, &d.UploadedByOrganisation, &d.CreatedAt); err != nil {
		return nil, err
	}
	if !fristad.Can(actor, fristad.ActionNoteRead, &fristad.NoteAccess{Case: c.Reach(), Sensitivity: d.Sensitivity, AuthorOrganisation: d.UploadedByOrganisation}) {
		return nil, nil
	}
	b, err := dk.Open(name, "case_documents", "filename_ct", d.ID)
	if err != nil {
		return nil, err
	}
	d.Filename = string(b)
	if b, err = dk.Open(description, "case_documents", "description_ct", d.ID); err != nil {
		return nil, err
	}
	d.Description = string(b)
	return d, nil
}

// FindDocuments returns the documents of a case the actor may read,
// newest first, without their content.
func (s *DocumentService) FindDocuments(ctx context.Context, caseID string) (_ []*fristad.Document, err error) {
	defer wrapErr(&err, "DocumentService.FindDocuments")
	var docs []*fristad.Document
	err = s.db.readCase(ctx, caseID, fristad.ActionCaseRead, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		actor := fristad.ActorFromContext(ctx)
		args := []any{c.ID}
		rows, err := tx.QueryContext(ctx, `
			SELECT `+documentColumns+`
			FROM case_documents d
			WHERE d.case_id = $1 AND `+sensitivityScope(actor, c, "d.sensitivity", "d.uploaded_org", &args)+`
			ORDER BY d.created_at DESC, d.id DESC`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDocument(rows, actor, c, dk)
			if err != nil {
				return err
			}
			if d != nil {
				docs = append(docs, d)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "document.list", ObjectType: "case", ObjectID: c.ID, Purpose: c.Access})
	})
	if err != nil {
		return nil, err
	}
	return docs, nil
}

// CreateDocument checks and keeps a document on a case.
func (s *DocumentService) CreateDocument(ctx context.Context, caseID string, d *fristad.Document, content []byte) (err error) {
	defer wrapErr(&err, "DocumentService.CreateDocument")
	// Preparing a file (re-encoding a photo) is slow work done outside
	// any transaction, so the actor is checked first.
	if err := s.db.mayOnCase(ctx, caseID, fristad.ActionCaseUpdate); err != nil {
		return err
	}
	content, err = fristad.PrepareDocument(d, content)
	if err != nil {
		return err
	}
	forbidden := false
	err = s.db.onCase(ctx, caseID, fristad.ActionCaseUpdate, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		actor := fristad.ActorFromContext(ctx)
		// Nobody uploads what they could not read: a police liaison
		// keeps nothing to an organisation.
		if actor.OrganisationID == "" || !fristad.Can(actor, fristad.ActionNoteRead, &fristad.NoteAccess{Case: c.Reach(), Sensitivity: d.Sensitivity, AuthorOrganisation: actor.OrganisationID}) {
			forbidden = true
			return s.db.audit(ctx, tx, auditEvent{Action: "document.create", ObjectType: "case", ObjectID: c.ID, Purpose: d.Sensitivity, Result: audit.ResultDenied})
		}
		var kept int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(size), 0) FROM case_documents WHERE case_id = $1`, c.ID).Scan(&kept); err != nil {
			return err
		}
		quota := int64(fristad.MaxCaseDocuments)
		if s.db.documentQuota > 0 {
			quota = s.db.documentQuota
		}
		if kept+int64(len(content)) > quota {
			return fristad.ErrCaseDocumentsFull()
		}
		d.ID, d.CaseID, d.UploadedBy, d.UploadedByOrganisation, d.CreatedAt = auth.NewID(), c.ID, actor.UserID, actor.OrganisationID, tx.now
		name, err := dk.Seal([]byte(d.Filename), "case_documents", "filename_ct", d.ID)
		if err != nil {
			return err
		}
		description, err := dk.Seal([]byte(d.Description), "case_documents", "description_ct", d.ID)
		if err != nil {
			return err
		}
		sealed, err := dk.Seal(content, "case_documents", "content_ct", d.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO case_documents (id, case_id, sensitivity, content_type, size, filename_ct, description_ct, content_ct, uploaded_by, uploaded_org, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			d.ID, d.CaseID, d.Sensitivity, d.ContentType, d.Size, name, description, sealed, d.UploadedBy, d.UploadedByOrganisation, tx.now)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "document.create", ObjectType: "case", ObjectID: c.ID, Purpose: d.ID})
	})
	if err == nil && forbidden {
		err = fristad.Errorf(fristad.EFORBIDDEN, "your role may not keep a document of this sensitivity")
	}
	return err
}

// OpenDocument returns a document of a case and its content, audited as
// a download. A document the actor may not read is answered as one that
// does not exist, and the refusal audited.
func (s *DocumentService) OpenDocument(ctx context.Context, caseID, docID string) (_ *fristad.Document, _ []byte, err error) {
	defer wrapErr(&err, "DocumentService.OpenDocument")
	var doc *fristad.Document
	var content []byte
	notFound := false
	err = s.db.readCase(ctx, caseID, fristad.ActionCaseRead, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		actor := fristad.ActorFromContext(ctx)
		args := []any{c.ID, docID}
		var sealed []byte
		row := tx.QueryRowContext(ctx, `
			SELECT `+documentColumns+`, d.content_ct
			FROM case_documents d
			WHERE d.case_id = $1 AND d.id = $2 AND `+sensitivityScope(actor, c, "d.sensitivity", "d.uploaded_org", &args), args...)
		d, err := scanDocument(scanAlso{row, &sealed}, actor, c, dk)
		if errors.Is(err, sql.ErrNoRows) || err == nil && d == nil {
			notFound = true
			return s.db.audit(ctx, tx, auditEvent{Action: "document.download", ObjectType: "case", ObjectID: c.ID, Purpose: "no such document", Result: audit.ResultDenied})
		}
		if err != nil {
			return err
		}
		if content, err = dk.Open(sealed, "case_documents", "content_ct", d.ID); err != nil {
			return err
		}
		doc = d
		return s.db.audit(ctx, tx, auditEvent{Action: "document.download", ObjectType: "case", ObjectID: c.ID, Purpose: d.ID})
	})
	if err == nil && notFound {
		err = fristad.Errorf(fristad.ENOTFOUND, "not found")
	}
	if err != nil {
		return nil, nil, err
	}
	return doc, content, nil
}

// scanAlso scans a row into the destinations asked for and then extra
// ones: the columns a scanner reads, and more after them.
type scanAlso struct {
	row   interface{ Scan(...any) error }
	extra any
}

func (s scanAlso) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra)...) }
