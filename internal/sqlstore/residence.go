package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"fristad"
	"fristad/internal/auth"
	"fristad/internal/seal"
)

// ResidenceService keeps where she lives, with addresses sealed.
type ResidenceService struct{ db *DB }

var (
	_ fristad.ResidenceService = (*ResidenceService)(nil)
)

// NewResidenceService returns the residence service over db.
func NewResidenceService(db *DB) *ResidenceService { return &ResidenceService{db: db} }

const residenceColumns = `id, kind, since, protected, address_ct, recorded_by, recorded_at`

// Residences returns a case's residences, newest first. A protected
// address stays sealed: the caller learns only that there is one.
func (s *ResidenceService) Residences(ctx context.Context, caseID string) (_ []*fristad.Residence, err error) {
	defer wrapErr(&err, "ResidenceService.Residences")
	var out []*fristad.Residence
	err = s.db.readCase(ctx, caseID, fristad.ActionCaseRead, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT `+residenceColumns+` FROM case_residences
			WHERE case_id = $1 ORDER BY since DESC, recorded_at DESC, id DESC`, c.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, ct, err := scanResidence(rows)
			if err != nil {
				return err
			}
			if ct != nil && !r.Protected {
				if err := openResidence(dk, r, ct); err != nil {
					return err
				}
			}
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "residence.list", ObjectType: "case", ObjectID: c.ID, Purpose: c.Access})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func scanResidence(row interface{ Scan(...any) error }) (*fristad.Residence, []byte, error) {
	r := &fristad.Residence{}
	var ct []byte
	err := row.Scan(&r.ID, &r.Kind, &r.Since, &r.Protected, &ct, &r.RecordedBy, &r.RecordedAt)
	r.HasAddress = len(ct) > 0
	return r, ct, err
}

func openResidence(dk *seal.DataKey, r *fristad.Residence, ct []byte) error {
	b, err := dk.Open(ct, "case_residences", "address_ct", r.ID)
	if err != nil {
		return err
	}
	r.Address = string(b)
	return nil
}

// RecordResidence records where she lives from a day on.
func (s *ResidenceService) RecordResidence(ctx context.Context, caseID string, r *fristad.Residence) (err error) {
	defer wrapErr(&err, "ResidenceService.RecordResidence")
	return s.db.onCase(ctx, caseID, fristad.ActionCaseUpdate, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		if err := r.Validate(); err != nil {
			return err
		}
		r.ProtectFor(c.Person)
		r.ID, r.RecordedBy, r.RecordedAt = auth.NewID(), fristad.ActorFromContext(ctx).UserID, tx.now
		var ct []byte
		if r.Address != "" {
			var err error
			if ct, err = dk.Seal([]byte(r.Address), "case_residences", "address_ct", r.ID); err != nil {
				return err
			}
		}
		r.HasAddress = ct != nil
		_, err := tx.ExecContext(ctx, `
			INSERT INTO case_residences (id, case_id, kind, since, protected, address_ct, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, r.ID, c.ID, r.Kind, r.Since, r.Protected, ct, r.RecordedBy, tx.now)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "residence.record", ObjectType: "case", ObjectID: c.ID, Purpose: r.ID})
	})
}

// RevealResidence shows one residence's address, protected or not, after
// a fresh second factor.
func (s *ResidenceService) RevealResidence(ctx context.Context, caseID, id string) (_ *fristad.Residence, err error) {
	defer wrapErr(&err, "ResidenceService.RevealResidence")
	var out *fristad.Residence
	err = s.db.readCase(ctx, caseID, fristad.ActionResidenceReveal, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		if !fristad.ActorFromContext(ctx).FreshStepUp(tx.now) {
			return fristad.ErrStepUpRequired()
		}
		r, ct, err := scanResidence(tx.QueryRowContext(ctx, `
			SELECT `+residenceColumns+` FROM case_residences
			WHERE id = $1 AND case_id = $2`, id, c.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return fristad.Errorf(fristad.ENOTFOUND, "no such residence")
		}
		if err != nil {
			return err
		}
		if ct != nil {
			if err := openResidence(dk, r, ct); err != nil {
				return err
			}
		}
		out = r
		return s.db.audit(ctx, tx, auditEvent{Action: "residence.reveal", ObjectType: "case", ObjectID: c.ID, Purpose: r.ID})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
