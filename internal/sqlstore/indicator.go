package sqlstore

import (
	"context"

	"fristad"
	"fristad/internal/auth"
	"fristad/internal/seal"
)

// IndicatorService keeps a case's checklist of indicators of trafficking.
type IndicatorService struct{ db *DB }

var (
	_ fristad.IndicatorService = (*IndicatorService)(nil)
)

// NewIndicatorService returns the indicator service over db.
func NewIndicatorService(db *DB) *IndicatorService { return &IndicatorService{db: db} }

// indicatorData is what a record seals.
type indicatorData struct {
	Indicators, Control, Recruitment []string
	Account                          string
}

// FindIndicators returns a case's indicator records, newest first.
func (s *IndicatorService) FindIndicators(ctx context.Context, caseID string) (_ []*fristad.Indicators, err error) {
	defer wrapErr(&err, "IndicatorService.FindIndicators")
	var out []*fristad.Indicators
	err = s.db.readCase(ctx, caseID, fristad.ActionCaseRead, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT id, data_ct, recorded_by, created_at FROM case_indicators
			WHERE case_id = $1 ORDER BY created_at DESC, id DESC`, c.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			in := &fristad.Indicators{CaseID: c.ID}
			var ct []byte
			if err := rows.Scan(&in.ID, &ct, &in.RecordedBy, &in.CreatedAt); err != nil {
				return err
			}
			var d indicatorData
			if err := openJSON(dk, ct, "case_indicators", in.ID, &d); err != nil {
				return err
			}
			in.Indicators, in.Control, in.Recruitment, in.Account = d.Indicators, d.Control, d.Recruitment, d.Account
			out = append(out, in)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "indicators.list", ObjectType: "case", ObjectID: c.ID, Purpose: c.Access})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SaveIndicators records a new filling-in of a case's checklist.
func (s *IndicatorService) SaveIndicators(ctx context.Context, caseID string, in *fristad.Indicators) (err error) {
	defer wrapErr(&err, "IndicatorService.SaveIndicators")
	if err := in.Validate(); err != nil {
		return err
	}
	return s.db.onCase(ctx, caseID, fristad.ActionCaseUpdate, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		in.ID, in.CaseID, in.RecordedBy, in.CreatedAt = auth.NewID(), c.ID, fristad.ActorFromContext(ctx).UserID, tx.now
		ct, err := sealJSON(dk, indicatorData{in.Indicators, in.Control, in.Recruitment, in.Account}, "case_indicators", in.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO case_indicators (id, case_id, data_ct, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
			in.ID, c.ID, ct, in.RecordedBy, tx.now)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "indicators.save", ObjectType: "case", ObjectID: c.ID, Purpose: in.ID})
	})
}
