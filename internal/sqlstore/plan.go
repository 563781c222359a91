package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"fristad"
	"fristad/internal/auth"
	"fristad/internal/seal"
)

// PlanService keeps individual support plans and their versions.
type PlanService struct{ db *DB }

var (
	_ fristad.PlanService = (*PlanService)(nil)
)

// NewPlanService returns the plan service over db.
func NewPlanService(db *DB) *PlanService { return &PlanService{db: db} }

// planData is the sealed part of a plan.
type planData struct {
	Goals   []fristad.Goal
	Contact string
}

// interventionData is the sealed part of an intervention.
type interventionData struct {
	CancelReason, Outcome, Responsible string
}

// reviewData is the sealed part of a review.
type reviewData struct {
	Attainment map[string]string
	Notes      string
}

func errNoPlan() error {
	return fristad.Localized(fristad.ENOTFOUND, "plan.none", nil, "the case has no active support plan")
}

// CheckEligibility explains whether the case may be enrolled.
func (s *PlanService) CheckEligibility(ctx context.Context, caseID, versionID, day string) (_ *fristad.EligibilityResult, err error) {
	defer wrapErr(&err, "PlanService.CheckEligibility")
	var res *fristad.EligibilityResult
	err = s.db.readCase(ctx, caseID, fristad.ActionCaseRead, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		if err := checkDay("enrolled_on", day); err != nil {
			return err
		}
		v, err := findProgramme(ctx, tx, versionID)
		if err != nil {
			return err
		}
		res = v.CheckEligibility(c, day)
		return s.db.audit(ctx, tx, auditEvent{Action: "plan.eligibility", ObjectType: "case", ObjectID: c.ID, Purpose: v.ID})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func checkDay(field, day string) error {
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return &fristad.Error{Code: fristad.EINVALID, Field: field, Key: "plan.date.invalid", Message: field + " must be a date, YYYY-MM-DD"}
	}
	return nil
}

// Enrol enrols a case in a programme version.
func (s *PlanService) Enrol(ctx context.Context, caseID string, e *fristad.Enrolment) (_ *fristad.EligibilityResult, err error) {
	defer wrapErr(&err, "PlanService.Enrol")
	var res *fristad.EligibilityResult
	err = s.db.onCase(ctx, caseID, fristad.ActionCaseUpdate, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		if err := checkDay("enrolled_on", e.EnrolledOn); err != nil {
			return err
		}
		goals, err := fristad.ValidateGoals(e.Goals, &e.Contact, auth.NewID)
		if err != nil {
			return err
		}
		v, err := findProgramme(ctx, tx, e.VersionID)
		if err != nil {
			if fristad.ErrorCode(err) == fristad.ENOTFOUND {
				return &fristad.Error{Code: fristad.EINVALID, Field: "version_id", Key: "plan.programme.invalid", Message: "choose a published programme version"}
			}
			return err
		}
		res = v.CheckEligibility(c, e.EnrolledOn)
		if !res.Eligible {
			return fristad.Localized(fristad.EINVALID, "plan.ineligible", nil, "the person is not eligible for the programme version; see the reasons")
		}
		var active int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM plans WHERE case_id = $1 AND status = 'active'`, c.ID).Scan(&active); err != nil {
			return err
		}
		if active > 0 {
			return fristad.Localized(fristad.ECONFLICT, "plan.exists", nil, "the case has an active plan already; end it first")
		}
		id, by := auth.NewID(), fristad.ActorFromContext(ctx).UserID
		ct, err := sealJSON(dk, planData{goals, e.Contact}, "plans", id)
		if err != nil {
			return err
		}
		first := v.Phases[0].Code
		_, err = tx.ExecContext(ctx, `
			INSERT INTO plans (id, case_id, version_id, enrolled_on, status, phase, phase_started_on, plan_version, data_ct, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 'active', $5, $4, 0, $6, $7, $8, $8)`, id, c.ID, v.ID, e.EnrolledOn, first, ct, by, tx.now)
		if err != nil {
			return err
		}
		if err := insertPlanEvent(ctx, tx, dk, id, &fristad.PhaseEvent{Kind: "enrol", Phase: first, On: e.EnrolledOn}, by); err != nil {
			return err
		}
		if err := s.db.keepPlanVersion(ctx, tx, dk, c.ID, "enrol"); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "plan.enrol", ObjectType: "case", ObjectID: c.ID, Purpose: v.ID})
	})
	return res, err
}

func insertPlanEvent(ctx context.Context, tx *Tx, dk *seal.DataKey, planID string, e *fristad.PhaseEvent, by string) error {
	id := auth.NewID()
	var reason []byte
	if e.Reason != "" {
		var err error
		if reason, err = dk.Seal([]byte(e.Reason), "plan_events", "reason_ct", id); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO plan_events (id, plan_id, kind, phase, on_date, reason_ct, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, planID, e.Kind, e.Phase, e.On, reason, by, tx.now)
	return err
}

// keepPlanVersion stores the plan as it now stands as its next version.
func (db *DB) keepPlanVersion(ctx context.Context, tx *Tx, dk *seal.DataKey, caseID, change string) error {
	p, err := loadPlan(ctx, tx, dk, caseID)
	if err != nil {
		return err
	}
	p.Version++
	p.Programme = nil // the version id says it; the rules never change
	ct, err := sealJSON(dk, p, "plan_versions", p.ID+"/"+itoa(p.Version))
	if err != nil {
		return err
	}
	by := fristad.ActorFromContext(ctx).UserID
	if _, err := tx.ExecContext(ctx, `UPDATE plans SET plan_version = $1, updated_at = $2 WHERE id = $3`, p.Version, tx.now, p.ID); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO plan_versions (plan_id, version, change, data_ct, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		p.ID, p.Version, change, ct, by, tx.now)
	return err
}

// loadPlan reads the case's current plan — the active one, or else the
// latest — with everything in it, or errNoPlan.
func loadPlan(ctx context.Context, tx *Tx, dk *seal.DataKey, caseID string) (*fristad.Plan, error) {
	p := &fristad.Plan{CaseID: caseID}
	var ct []byte
	var outcomes string
	err := tx.QueryRowContext(ctx, `
		SELECT id, version_id, enrolled_on, status, phase, phase_started_on, renewals, next_review_on, ended_on, exit_reason,
			exit_outcomes, plan_version, data_ct, updated_at
		FROM plans WHERE case_id = $1
		ORDER BY CASE WHEN status = 'active' THEN 0 ELSE 1 END, created_at DESC LIMIT 1`, caseID).Scan(
		&p.ID, &p.VersionID, &p.EnrolledOn, &p.Status, &p.Phase, &p.PhaseStartedOn, &p.Renewals, &p.NextReviewOn, &p.EndedOn,
		&p.ExitReason, &outcomes, &p.Version, &ct, &p.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoPlan()
	}
	if err != nil {
		return nil, err
	}
	p.ExitOutcomes = splitList(outcomes)
	var d planData
	if err := openJSON(dk, ct, "plans", p.ID, &d); err != nil {
		return nil, err
	}
	p.Goals, p.Contact = d.Goals, d.Contact
	if p.Programme, err = findProgramme(ctx, tx, p.VersionID); err != nil {
		return nil, err
	}
	if p.Interventions, err = planInterventions(ctx, tx, dk, p.ID); err != nil {
		return nil, err
	}
	if p.Events, err = planEvents(ctx, tx, dk, p.ID); err != nil {
		return nil, err
	}
	p.Reviews, err = planReviews(ctx, tx, dk, p.ID)
	return p, err
}

func planInterventions(ctx context.Context, tx *Tx, dk *seal.DataKey, planID string) ([]*fristad.Intervention, error) {
	today := tx.now.Format(time.DateOnly)
	rows, err := tx.QueryContext(ctx, `
		SELECT i.id, i.type, i.domain, COALESCE(i.provider_id, ''), i.funding_source, i.phase, i.status, i.planned_start, i.planned_end,
			i.actual_start, i.actual_end, i.cost_committed, i.cost_spent, i.data_ct, i.updated_at,
			COALESCE(p.certification, ''), COALESCE(p.certified_until, '')
		FROM plan_interventions i LEFT JOIN providers p ON p.org_id = i.provider_id
		WHERE i.plan_id = $1 ORDER BY i.planned_start, i.created_at, i.id`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*fristad.Intervention
	for rows.Next() {
		in := &fristad.Intervention{}
		var ct []byte
		var cert, until string
		if err := rows.Scan(&in.ID, &in.Type, &in.Domain, &in.ProviderID, &in.FundingSource, &in.Phase, &in.Status, &in.PlannedStart,
			&in.PlannedEnd, &in.ActualStart, &in.ActualEnd, &in.CostCommitted, &in.CostSpent, &ct, &in.UpdatedAt, &cert, &until); err != nil {
			return nil, err
		}
		var d interventionData
		if err := openJSON(dk, ct, "plan_interventions", in.ID, &d); err != nil {
			return nil, err
		}
		in.CancelReason, in.Outcome, in.Responsible = d.CancelReason, d.Outcome, d.Responsible
		in.ProviderFlag = in.ProviderID != "" && !(&fristad.Provider{Certification: cert, CertifiedUntil: until}).CertifiedOn(today)
		out = append(out, in)
	}
	return out, rows.Err()
}

func planEvents(ctx context.Context, tx *Tx, dk *seal.DataKey, planID string) ([]*fristad.PhaseEvent, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, kind, phase, on_date, reason_ct, created_by, created_at FROM plan_events
		WHERE plan_id = $1 ORDER BY created_at, on_date, id`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*fristad.PhaseEvent
	for rows.Next() {
		e := &fristad.PhaseEvent{}
		var id string
		var ct []byte
		if err := rows.Scan(&id, &e.Kind, &e.Phase, &e.On, &ct, &e.CreatedBy, &e.CreatedAt); err != nil {
			return nil, err
		}
		if ct != nil {
			buf, err := dk.Open(ct, "plan_events", "reason_ct", id)
			if err != nil {
				return nil, err
			}
			e.Reason = string(buf)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func planReviews(ctx context.Context, tx *Tx, dk *seal.DataKey, planID string) ([]*fristad.Review, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, held_on, outcomes, next_review_on, data_ct, created_by, created_at FROM plan_reviews
		WHERE plan_id = $1 ORDER BY held_on DESC, created_at DESC, id`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*fristad.Review
	for rows.Next() {
		r := &fristad.Review{}
		var outcomes string
		var ct []byte
		if err := rows.Scan(&r.ID, &r.HeldOn, &outcomes, &r.NextReviewOn, &ct, &r.CreatedBy, &r.CreatedAt); err != nil {
			return nil, err
		}
		r.Outcomes = splitList(outcomes)
		var d reviewData
		if err := openJSON(dk, ct, "plan_reviews", r.ID, &d); err != nil {
			return nil, err
		}
		r.Attainment, r.Notes = d.Attainment, d.Notes
		out = append(out, r)
	}
	return out, rows.Err()
}

// Plan returns the case's current plan, or nil.
func (s *PlanService) Plan(ctx context.Context, caseID string) (_ *fristad.Plan, err error) {
	defer wrapErr(&err, "PlanService.Plan")
	var plan *fristad.Plan
	err = s.db.readCase(ctx, caseID, fristad.ActionCaseRead, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		p, err := loadPlan(ctx, tx, dk, c.ID)
		if isNoPlan(err) {
			return s.db.audit(ctx, tx, auditEvent{Action: "plan.read", ObjectType: "case", ObjectID: c.ID})
		}
		if err != nil {
			return err
		}
		plan = p
		return s.db.audit(ctx, tx, auditEvent{Action: "plan.read", ObjectType: "case", ObjectID: c.ID, Purpose: p.ID})
	})
	if err != nil {
		return nil, err
	}
	return plan, nil
}

// isNoPlan reports whether err is errNoPlan's answer, so a missing
// programme version is never mistaken for a missing plan.
func isNoPlan(err error) bool {
	e, ok := errors.AsType[*fristad.Error](err)
	return ok && e.Key == "plan.none"
}

// PlanVersions lists the kept versions of the case's current plan.
func (s *PlanService) PlanVersions(ctx context.Context, caseID string) (_ []*fristad.PlanVersionInfo, err error) {
	defer wrapErr(&err, "PlanService.PlanVersions")
	var out []*fristad.PlanVersionInfo
	err = s.db.readCase(ctx, caseID, fristad.ActionCaseRead, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT v.version, v.change, v.created_by, v.created_at FROM plan_versions v
			WHERE v.plan_id = (SELECT id FROM plans WHERE case_id = $1
			                   ORDER BY CASE WHEN status = 'active' THEN 0 ELSE 1 END, created_at DESC LIMIT 1)
			ORDER BY v.version DESC`, c.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v fristad.PlanVersionInfo
			if err := rows.Scan(&v.Version, &v.Change, &v.CreatedBy, &v.CreatedAt); err != nil {
				return err
			}
			out = append(out, &v)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "plan.versions", ObjectType: "case", ObjectID: c.ID})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PlanVersion returns the case's current plan as it stood in version,
// opened from its sealed copy, with the rules of its programme version.
func (s *PlanService) PlanVersion(ctx context.Context, caseID string, version int) (_ *fristad.Plan, _ *fristad.PlanVersionInfo, err error) {
	defer wrapErr(&err, "PlanService.PlanVersion")
	var plan *fristad.Plan
	var info *fristad.PlanVersionInfo
	err = s.db.readCase(ctx, caseID, fristad.ActionCaseRead, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		var planID string
		var ct []byte
		v := fristad.PlanVersionInfo{Version: version}
		err := tx.QueryRowContext(ctx, `
			SELECT v.plan_id, v.change, v.data_ct, v.created_by, v.created_at FROM plan_versions v
			WHERE v.plan_id = (SELECT id FROM plans WHERE case_id = $1
			                   ORDER BY CASE WHEN status = 'active' THEN 0 ELSE 1 END, created_at DESC LIMIT 1)
			  AND v.version = $2`, c.ID, version).Scan(&planID, &v.Change, &ct, &v.CreatedBy, &v.CreatedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return fristad.Errorf(fristad.ENOTFOUND, "no such plan version")
		}
		if err != nil {
			return err
		}
		var p fristad.Plan
		if err := openJSON(dk, ct, "plan_versions", planID+"/"+itoa(version), &p); err != nil {
			return err
		}
		if p.Programme, err = findProgramme(ctx, tx, p.VersionID); err != nil {
			return err
		}
		plan, info = &p, &v
		return s.db.audit(ctx, tx, auditEvent{Action: "plan.version.read", ObjectType: "case", ObjectID: c.ID, Purpose: planID + "/" + itoa(version)})
	})
	if err != nil {
		return nil, nil, err
	}
	return plan, info, nil
}

// onPlan runs fn on the case's active plan in a write transaction, and
// keeps the plan's new version after it.
func (db *DB) onPlan(ctx context.Context, caseID, change string, fn func(tx *Tx, c *fristad.Case, dk *seal.DataKey, p *fristad.Plan) error) error {
	return db.onCase(ctx, caseID, fristad.ActionCaseUpdate, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		// One change of a plan at a time: on PostgreSQL a second change
		// waits here, then reads the plan as the first left it, so the
		// version it was made from is checked against the plan as it is.
		var locked string
		if err := tx.QueryRowContext(ctx, `SELECT id FROM cases WHERE id = $1`+db.forUpdate(), c.ID).Scan(&locked); err != nil {
			return err
		}
		p, err := loadPlan(ctx, tx, dk, c.ID)
		if err != nil {
			return err
		}
		if p.Status != "active" {
			return errNoPlan()
		}
		if err := fn(tx, c, dk, p); err != nil {
			return err
		}
		if err := db.keepPlanVersion(ctx, tx, dk, c.ID, change); err != nil {
			return err
		}
		return db.audit(ctx, tx, auditEvent{Action: "plan." + change, ObjectType: "case", ObjectID: c.ID, Purpose: p.ID})
	})
}

// SaveGoals replaces her goals and the contact text.
func (s *PlanService) SaveGoals(ctx context.Context, caseID string, goals []fristad.Goal, contact string, version int) (err error) {
	defer wrapErr(&err, "PlanService.SaveGoals")
	goals, err = fristad.ValidateGoals(goals, &contact, auth.NewID)
	if err != nil {
		return err
	}
	return s.db.onPlan(ctx, caseID, "goals", func(tx *Tx, c *fristad.Case, dk *seal.DataKey, p *fristad.Plan) error {
		if p.Version != version {
			return fristad.Localized(fristad.ECONFLICT, "plan.conflict", map[string]any{"Version": p.Version},
				"someone changed the plan while you were editing it; compare with the new version")
		}
		// Goals keep their ids, so reviews keep pointing at them.
		for i, g := range goals {
			if !slices.ContainsFunc(p.Goals, func(old fristad.Goal) bool { return old.ID == g.ID }) {
				goals[i].ID = auth.NewID()
			}
		}
		ct, err := sealJSON(dk, planData{goals, contact}, "plans", p.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE plans SET data_ct = $1 WHERE id = $2`, ct, p.ID)
		return err
	})
}

// SaveIntervention adds or changes an intervention.
func (s *PlanService) SaveIntervention(ctx context.Context, caseID string, in *fristad.Intervention) (err error) {
	defer wrapErr(&err, "PlanService.SaveIntervention")
	return s.db.onPlan(ctx, caseID, "intervention", func(tx *Tx, c *fristad.Case, dk *seal.DataKey, p *fristad.Plan) error {
		if err := in.Validate(p.Programme); err != nil {
			return err
		}
		var provider any
		if in.ProviderID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM providers WHERE org_id = $1`, in.ProviderID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return &fristad.Error{Code: fristad.EINVALID, Field: "provider_id", Key: "plan.intervention.provider", Message: "the provider is not in the registry"}
			}
			provider = in.ProviderID
		}
		by := fristad.ActorFromContext(ctx).UserID
		if in.ID == "" {
			in.ID = auth.NewID()
			ct, err := sealJSON(dk, interventionData{in.CancelReason, in.Outcome, in.Responsible}, "plan_interventions", in.ID)
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `
				INSERT INTO plan_interventions (id, plan_id, version_id, type, domain, provider_id, funding_source, phase, status,
					planned_start, planned_end, actual_start, actual_end, cost_committed, cost_spent, data_ct, created_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)`,
				in.ID, p.ID, p.VersionID, in.Type, in.Domain, provider, in.FundingSource, in.Phase, in.Status, in.PlannedStart, in.PlannedEnd,
				in.ActualStart, in.ActualEnd, in.CostCommitted, in.CostSpent, ct, by, tx.now)
			return err
		}
		i := slices.IndexFunc(p.Interventions, func(old *fristad.Intervention) bool { return old.ID == in.ID })
		if i < 0 {
			return fristad.Errorf(fristad.ENOTFOUND, "no such intervention in the plan")
		}
		if !in.UpdatedAt.IsZero() && !in.UpdatedAt.Equal(p.Interventions[i].UpdatedAt) {
			return fristad.Localized(fristad.ECONFLICT, "plan.intervention.conflict", nil,
				"someone changed the intervention while you were editing it; compare with the new version")
		}
		ct, err := sealJSON(dk, interventionData{in.CancelReason, in.Outcome, in.Responsible}, "plan_interventions", in.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE plan_interventions SET type = $1, domain = $2, provider_id = $3, funding_source = $4, phase = $5, status = $6,
				planned_start = $7, planned_end = $8, actual_start = $9, actual_end = $10, cost_committed = $11, cost_spent = $12,
				data_ct = $13, updated_at = $14
			WHERE id = $15 AND plan_id = $16`,
			in.Type, in.Domain, provider, in.FundingSource, in.Phase, in.Status, in.PlannedStart, in.PlannedEnd, in.ActualStart, in.ActualEnd,
			in.CostCommitted, in.CostSpent, ct, tx.now, in.ID, p.ID)
		return err
	})
}

// ChangePhase renews the current phase or advances to the next, by the
// rules of the plan's programme version. A phase that ran over its
// limit is never left silently: advancing from it needs a reason.
func (s *PlanService) ChangePhase(ctx context.Context, caseID string, ch *fristad.PhaseChange) (err error) {
	defer wrapErr(&err, "PlanService.ChangePhase")
	return s.db.onPlan(ctx, caseID, "phase", func(tx *Tx, c *fristad.Case, dk *seal.DataKey, p *fristad.Plan) error {
		if err := checkDay("on", ch.On); err != nil {
			return err
		}
		ch.Reason = strings.TrimSpace(ch.Reason)
		if len([]rune(ch.Reason)) > fristad.MaxPlanText || !fristad.IsCleanText(ch.Reason) {
			return &fristad.Error{Code: fristad.EINVALID, Field: "reason", Key: "plan.text.invalid", Message: "the reason is too long or holds control characters"}
		}
		next, err := p.CheckPhaseChange(ch)
		if err != nil {
			return err
		}
		by := fristad.ActorFromContext(ctx).UserID
		if ch.Kind == "renew" {
			if _, err := tx.ExecContext(ctx, `UPDATE plans SET renewals = renewals + 1 WHERE id = $1`, p.ID); err != nil {
				return err
			}
			return insertPlanEvent(ctx, tx, dk, p.ID, &fristad.PhaseEvent{Kind: "renew", Phase: p.Phase, On: ch.On, Reason: ch.Reason}, by)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET phase = $1, phase_started_on = $2, renewals = 0 WHERE id = $3`, next.Code, ch.On, p.ID); err != nil {
			return err
		}
		return insertPlanEvent(ctx, tx, dk, p.ID, &fristad.PhaseEvent{Kind: "advance", Phase: next.Code, On: ch.On, Reason: ch.Reason}, by)
	})
}

// AddReview records a review meeting and the date of the next.
func (s *PlanService) AddReview(ctx context.Context, caseID string, r *fristad.Review) (err error) {
	defer wrapErr(&err, "PlanService.AddReview")
	return s.db.onPlan(ctx, caseID, "review", func(tx *Tx, c *fristad.Case, dk *seal.DataKey, p *fristad.Plan) error {
		if err := r.Validate(p.Goals); err != nil {
			return err
		}
		r.ID, r.CreatedBy, r.CreatedAt = auth.NewID(), fristad.ActorFromContext(ctx).UserID, tx.now
		ct, err := sealJSON(dk, reviewData{r.Attainment, r.Notes}, "plan_reviews", r.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO plan_reviews (id, plan_id, held_on, outcomes, next_review_on, data_ct, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, r.ID, p.ID, r.HeldOn, strings.Join(r.Outcomes, ","), r.NextReviewOn, ct, r.CreatedBy, tx.now)
		if err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, `UPDATE plans SET next_review_on = $1 WHERE id = $2`, r.NextReviewOn, p.ID); err != nil {
			return err
		}
		// The review does what an open review task asked for, and sets
		// the date of the next.
		if err := closeRuleTasks(ctx, tx, c.ID, fristad.RuleTasksClosed(fristad.RulePlanReviewed), r.CreatedBy); err != nil {
			return err
		}
		change := fristad.RuleChange{Event: fristad.RulePlanReviewed, Organisation: c.LeadOrganisation, NextOn: r.NextReviewOn}
		return addRuleTasks(ctx, tx, c.ID, fristad.RuleTasks(change, tx.now))
	})
}

// EndPlan ends the plan with her outcomes at exit.
func (s *PlanService) EndPlan(ctx context.Context, caseID string, e *fristad.PlanEnd) (err error) {
	defer wrapErr(&err, "PlanService.EndPlan")
	return s.db.onPlan(ctx, caseID, "end", func(tx *Tx, c *fristad.Case, dk *seal.DataKey, p *fristad.Plan) error {
		if err := e.Validate(); err != nil {
			return err
		}
		if e.On < p.EnrolledOn {
			return &fristad.Error{Code: fristad.EINVALID, Field: "ended_on", Key: "plan.phase.date", Message: "a plan ends after it starts"}
		}
		_, err := tx.ExecContext(ctx, `
			UPDATE plans SET status = 'ended', ended_on = $1, exit_reason = $2, exit_outcomes = $3, next_review_on = '' WHERE id = $4`,
			e.On, e.Reason, strings.Join(e.Outcomes, ","), p.ID)
		if err != nil {
			return err
		}
		// An ended plan is reviewed no more.
		if err := closeRuleTasks(ctx, tx, c.ID, fristad.RuleTasksClosed(fristad.RulePlanEnded), fristad.ActorFromContext(ctx).UserID); err != nil {
			return err
		}
		return insertPlanEvent(ctx, tx, dk, p.ID, &fristad.PhaseEvent{Kind: "end", Phase: p.Phase, On: e.On, Reason: e.Notes}, fristad.ActorFromContext(ctx).UserID)
	})
}
