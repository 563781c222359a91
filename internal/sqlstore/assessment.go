package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"fristad"
	"fristad/internal/auth"
	"fristad/internal/seal"
)

// AssessmentService keeps a case's needs and risk assessments and its safety plan.
type AssessmentService struct{ db *DB }

var (
	_ fristad.AssessmentService = (*AssessmentService)(nil)
)

// NewAssessmentService returns the assessment service over db.
func NewAssessmentService(db *DB) *AssessmentService { return &AssessmentService{db: db} }

// AddNeedsAssessment records a needs assessment.
func (s *AssessmentService) AddNeedsAssessment(ctx context.Context, caseID string, a *fristad.NeedsAssessment) (err error) {
	defer wrapErr(&err, "AssessmentService.AddNeedsAssessment")
	return s.db.onCase(ctx, caseID, fristad.ActionCaseUpdate, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		if err := a.Validate(); err != nil {
			return err
		}
		a.ID, a.AssessedBy, a.CreatedAt = auth.NewID(), fristad.ActorFromContext(ctx).UserID, tx.now
		ct, err := sealJSON(dk, struct {
			Needs            map[string]string
			Comment, HerView string
		}{a.Needs, a.Comment, a.HerView}, "assessments", a.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO assessments (id, case_id, kind, assessed_on, data_ct, assessed_by, created_at)
			VALUES ($1, $2, 'needs', $3, $4, $5, $6)`, a.ID, c.ID, a.AssessedOn, ct, a.AssessedBy, tx.now)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "assessment.needs.create", ObjectType: "case", ObjectID: c.ID, Purpose: a.ID})
	})
}

// riskData is the sealed part of a risk assessment.
type riskData struct {
	Reason                string
	Factors, SpecialNeeds []string
	HerView, Comment      string
}

// AddRiskAssessment records a risk assessment and keeps the case's
// current level.
func (s *AssessmentService) AddRiskAssessment(ctx context.Context, caseID string, a *fristad.RiskAssessment) (_ []string, err error) {
	defer wrapErr(&err, "AssessmentService.AddRiskAssessment")
	var prompts []string
	err = s.db.onCase(ctx, caseID, fristad.ActionCaseUpdate, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		if err := a.Validate(); err != nil {
			return err
		}
		var previous string
		if err := tx.QueryRowContext(ctx, `SELECT risk_level FROM cases WHERE id = $1`, c.ID).Scan(&previous); err != nil {
			return err
		}
		a.ID, a.AssessedBy, a.CreatedAt = auth.NewID(), fristad.ActorFromContext(ctx).UserID, tx.now
		ct, err := sealJSON(dk, riskData{a.Reason, a.Factors, a.SpecialNeeds, a.HerView, a.Comment}, "assessments", a.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO assessments (id, case_id, kind, assessed_on, level, reassess_on, data_ct, assessed_by, created_at)
			VALUES ($1, $2, 'risk', $3, $4, $5, $6, $7, $8)`, a.ID, c.ID, a.AssessedOn, a.Level, a.ReassessOn, ct, a.AssessedBy, tx.now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET risk_level = $1, version = version + 1, updated_at = $2 WHERE id = $3`, a.Level, tx.now, c.ID); err != nil {
			return err
		}
		// The assessment does what an open re-assessment task asked for,
		// and sets the date of the next (AS-02, AS-05).
		if err := closeRuleTasks(ctx, tx, c.ID, fristad.RuleTasksClosed(fristad.RuleRiskAssessed), a.AssessedBy); err != nil {
			return err
		}
		change := fristad.RuleChange{Event: fristad.RuleRiskAssessed, Organisation: c.LeadOrganisation, NextOn: a.ReassessOn}
		if err := addRuleTasks(ctx, tx, c.ID, fristad.RuleTasks(change, tx.now)); err != nil {
			return err
		}
		// A risk rising to high or above prompts protective action (AS-03).
		if high := fristad.RiskRank("high"); fristad.RiskRank(a.Level) >= high && fristad.RiskRank(previous) < fristad.RiskRank(a.Level) {
			prompts = fristad.ProtectiveActions
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "assessment.risk.create", ObjectType: "case", ObjectID: c.ID, Purpose: a.Level})
	})
	return prompts, err
}

// Assessments returns a case's assessments, newest first.
func (s *AssessmentService) Assessments(ctx context.Context, caseID string) (_ *fristad.CaseAssessments, err error) {
	defer wrapErr(&err, "AssessmentService.Assessments")
	out := &fristad.CaseAssessments{}
	err = s.db.readCase(ctx, caseID, fristad.ActionCaseRead, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT id, kind, assessed_on, level, reassess_on, data_ct, assessed_by, created_at
			FROM assessments WHERE case_id = $1 ORDER BY assessed_on DESC, created_at DESC, id`, c.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, kind, on, level, reassess, by string
			var ct []byte
			var at sql.NullTime
			if err := rows.Scan(&id, &kind, &on, &level, &reassess, &ct, &by, &at); err != nil {
				return err
			}
			if kind == "needs" {
				a := &fristad.NeedsAssessment{ID: id, AssessedOn: on, AssessedBy: by, CreatedAt: at.Time}
				var d struct {
					Needs            map[string]string
					Comment, HerView string
				}
				if err := openJSON(dk, ct, "assessments", id, &d); err != nil {
					return err
				}
				a.Needs, a.Comment, a.HerView = d.Needs, d.Comment, d.HerView
				out.Needs = append(out.Needs, a)
				continue
			}
			a := &fristad.RiskAssessment{ID: id, AssessedOn: on, Level: level, ReassessOn: reassess, AssessedBy: by, CreatedAt: at.Time}
			var d riskData
			if err := openJSON(dk, ct, "assessments", id, &d); err != nil {
				return err
			}
			a.Reason, a.Factors, a.SpecialNeeds, a.HerView, a.Comment = d.Reason, d.Factors, d.SpecialNeeds, d.HerView, d.Comment
			out.Risk = append(out.Risk, a)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "assessment.read", ObjectType: "case", ObjectID: c.ID})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SafetyPlan returns a case's current safety plan.
func (s *AssessmentService) SafetyPlan(ctx context.Context, caseID string) (_ *fristad.SafetyPlan, err error) {
	defer wrapErr(&err, "AssessmentService.SafetyPlan")
	var plan *fristad.SafetyPlan
	err = s.db.readCase(ctx, caseID, fristad.ActionCaseRead, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		var p fristad.SafetyPlan
		var ct []byte
		err := tx.QueryRowContext(ctx, `
			SELECT version, data_ct, updated_by, created_at FROM safety_plans
			WHERE case_id = $1 ORDER BY version DESC LIMIT 1`, c.ID).Scan(&p.Version, &ct, &p.UpdatedBy, &p.CreatedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return s.db.audit(ctx, tx, auditEvent{Action: "safety_plan.read", ObjectType: "case", ObjectID: c.ID})
		}
		if err != nil {
			return err
		}
		if err := openJSON(dk, ct, "safety_plans", c.ID+"/"+itoa(p.Version), &p); err != nil {
			return err
		}
		plan = &p
		return s.db.audit(ctx, tx, auditEvent{Action: "safety_plan.read", ObjectType: "case", ObjectID: c.ID, Purpose: itoa(p.Version)})
	})
	if err != nil {
		return nil, err
	}
	return plan, nil
}

// SaveSafetyPlan stores a new version of a safety plan, refusing one
// based on a version that is no longer the latest.
func (s *AssessmentService) SaveSafetyPlan(ctx context.Context, caseID string, p *fristad.SafetyPlan, version int) (err error) {
	defer wrapErr(&err, "AssessmentService.SaveSafetyPlan")
	return s.db.onCase(ctx, caseID, fristad.ActionCaseUpdate, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		if err := p.Validate(); err != nil {
			return err
		}
		var latest int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM safety_plans WHERE case_id = $1`, c.ID).Scan(&latest); err != nil {
			return err
		}
		if latest != version {
			return fristad.Localized(fristad.ECONFLICT, "safety.conflict", map[string]any{"Version": latest},
				"someone saved the safety plan while you were editing it; your changes are kept in the form, compare them with the new version")
		}
		p.Version, p.UpdatedBy, p.CreatedAt = latest+1, fristad.ActorFromContext(ctx).UserID, tx.now
		ct, err := sealJSON(dk, p, "safety_plans", c.ID+"/"+itoa(p.Version))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO safety_plans (case_id, version, data_ct, updated_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
			c.ID, p.Version, ct, p.UpdatedBy, tx.now)
		if fristad.ErrorCode(translate(err)) == fristad.ECONFLICT {
			return fristad.Localized(fristad.ECONFLICT, "safety.conflict", map[string]any{"Version": latest + 1}, "someone saved the safety plan at the same moment")
		}
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "safety_plan.save", ObjectType: "case", ObjectID: c.ID, Purpose: itoa(p.Version)})
	})
}
