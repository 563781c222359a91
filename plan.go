package fristad

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Intervention statuses.
const (
	InterventionPlanned   = "planned"
	InterventionStarted   = "started"
	InterventionDone      = "done"
	InterventionCancelled = "cancelled"
)

// InterventionStatuses lists the statuses of an intervention, in order.
var InterventionStatuses = []string{InterventionPlanned, InterventionStarted, InterventionDone, InterventionCancelled}

// GoalAttainments grade how far a goal has come at a review (SP-12).
var GoalAttainments = []string{"not_started", "in_progress", "partly", "achieved", "changed"}

// Outcomes are the structured education and employment outcomes,
// recorded at every review and at exit, so the programme can be
// evaluated (SP-12, RE-04).
var Outcomes = []string{"language_tuition", "language_level_completed", "education", "vocational_training",
	"internship", "employed_supported", "employed", "own_income"}

// ExitReasons are why a plan ends (SP-12). A criminal case closing is
// not one: support does not end with it (SP-14).
var ExitReasons = []string{"goals_met", "own_choice", "moved", "returned", "transferred", "lost_contact", "other"}

// PhaseWarnDays is how many days before a phase's limit the plan warns.
const PhaseWarnDays = 7

// Goal is one of her goals, in her own words and language.
type Goal struct {
	ID       string
	Text     string
	Language string // BCP 47, the language she said it in
}

// Intervention is one piece of support in a plan: what, from whom, paid
// by whom, in which phase, when, how it went. Costs are whole kronor:
// committed while planned or started, spent once started or done.
type Intervention struct {
	ID            string
	Type          string
	Domain        string // from the type; see InterventionDomain
	ProviderID    string // an organisation in the provider registry, or ""
	FundingSource string
	Phase         string // a phase code of the version, or PhaseOneOff
	PlannedStart  string
	PlannedEnd    string
	ActualStart   string
	ActualEnd     string
	Status        string
	CancelReason  string // sealed; required when cancelled
	Outcome       string // sealed
	Responsible   string // sealed: who does what, in words she understands
	CostCommitted int64
	CostSpent     int64
	ProviderFlag  bool // on read: the provider's certification does not hold
	// UpdatedAt is when it last changed. On a change it is the time the
	// editor read it: a change made since is ECONFLICT, never a silent
	// overwrite. Zero skips the check.
	UpdatedAt time.Time
}

// PhaseEvent is a step of a plan's phases: enrolment in the first,
// renewal of the current (with a reason), or advancing to the next.
type PhaseEvent struct {
	Kind      string // "enrol", "renew", "advance" or "end"
	Phase     string
	On        string // YYYY-MM-DD
	Reason    string // sealed
	CreatedBy string
	CreatedAt time.Time
}

// Review is a review meeting of a plan: how far each goal has come, the
// education and employment outcomes, what was said, and when to meet
// again. The next date feeds the deadline list.
type Review struct {
	ID           string
	HeldOn       string
	Attainment   map[string]string // goal id → a GoalAttainment
	Outcomes     []string
	Notes        string // sealed
	NextReviewOn string
	CreatedBy    string
	CreatedAt    time.Time
}

// Plan is a person's individual support plan (SP-01) under one
// programme version: her goals, the interventions, where she is in the
// phases, the reviews. Every change makes a new plan version; the old
// ones are kept.
type Plan struct {
	ID             string
	CaseID         string
	VersionID      string // the programme version it was made under
	Programme      *ProgrammeVersion
	EnrolledOn     string
	Status         string // "active" or "ended"
	Phase          string
	PhaseStartedOn string
	Renewals       int // renewals of the current phase
	NextReviewOn   string
	EndedOn        string
	ExitReason     string
	ExitOutcomes   []string
	Version        int
	Goals          []Goal
	Contact        string // sealed: how she reaches her case worker
	Interventions  []*Intervention
	Events         []*PhaseEvent // oldest first
	Reviews        []*Review     // newest first
	UpdatedAt      time.Time
}

// PlanVersionInfo describes one kept version of a plan.
type PlanVersionInfo struct {
	Version   int
	CreatedBy string
	CreatedAt time.Time
	Change    string // what made it: "enrol", "goals", "intervention", "phase", "review", "end"
}

// PhaseClock is where a plan stands in its current phase on a day.
type PhaseClock struct {
	Phase        string
	Day          int // days since the phase started, the start being day 1
	Limit        int // the phase's days including renewals taken
	DaysLeft     int // negative once over the limit
	Warning      bool
	Overrun      bool
	CanRenew     bool
	RenewalsLeft int
}

// PhaseStatus computes the clock of phase p started on started, with
// renewals taken, on day today. An unknown or malformed date gives a
// zero clock.
func PhaseStatus(p Phase, started string, renewals int, today string) PhaseClock {
	s, err1 := time.Parse(time.DateOnly, started)
	t, err2 := time.Parse(time.DateOnly, today)
	if err1 != nil || err2 != nil {
		return PhaseClock{Phase: p.Code}
	}
	c := PhaseClock{Phase: p.Code, Limit: p.MaxDays * (1 + renewals), RenewalsLeft: max(p.Renewals-renewals, 0)}
	c.Day = int(t.Sub(s).Hours()/24) + 1
	c.DaysLeft = c.Limit - c.Day
	c.Overrun = c.DaysLeft < 0
	c.Warning = !c.Overrun && c.DaysLeft < PhaseWarnDays
	c.CanRenew = c.RenewalsLeft > 0
	return c
}

// Clock returns the plan's phase clock on today.
func (p *Plan) Clock(today string) PhaseClock {
	if p.Programme == nil || p.Status != "active" {
		return PhaseClock{Phase: p.Phase}
	}
	ph, ok := p.Programme.Phase(p.Phase)
	if !ok {
		return PhaseClock{Phase: p.Phase}
	}
	return PhaseStatus(ph, p.PhaseStartedOn, p.Renewals, today)
}

// Limits on a plan's text.
const (
	MaxGoals    = 20
	MaxPlanText = 4000
)

// ValidateGoals checks her goals and the contact text, giving each new
// goal an id with newID.
func ValidateGoals(goals []Goal, contact *string, newID func() string) ([]Goal, error) {
	var out []Goal
	for _, g := range goals {
		g.Text = strings.TrimSpace(g.Text)
		if g.Text == "" {
			continue
		}
		if utf8.RuneCountInString(g.Text) > MaxPlanText || !IsCleanText(g.Text) {
			return nil, invalid("goals", "plan.goal.invalid", "a goal is too long or holds control characters")
		}
		lang, err := codes([]string{g.Language}, "goal_language", 12, false)
		if err != nil {
			return nil, invalid("goals", "plan.goal.language", "the language of a goal must be a language code such as ro or ar")
		}
		g.Language = ""
		if len(lang) == 1 {
			g.Language = lang[0]
		}
		if g.ID == "" {
			g.ID = newID()
		}
		out = append(out, g)
	}
	if len(out) > MaxGoals {
		return nil, invalid("goals", "plan.goals.many", "at most twenty goals")
	}
	if err := checkText("contact", "plan.text.invalid", contact, MaxPlanText); err != nil {
		return nil, err
	}
	return out, nil
}

// Validate checks an intervention against the programme version it is
// planned under, and normalises it in place.
func (in *Intervention) Validate(v *ProgrammeVersion) error {
	if !slices.Contains(InterventionTypes, in.Type) {
		return invalid("type", "plan.intervention.type", "choose an intervention type")
	}
	in.Domain = InterventionDomain(in.Type)
	if !slices.Contains(FundingSources, in.FundingSource) {
		return invalid("funding_source", "plan.intervention.funding", "choose who pays")
	}
	// The programme pays only for what it funds; other sources pay for
	// anything she needs (SP-05).
	if in.FundingSource == "programme" && !slices.Contains(v.Types, in.Type) {
		return invalid("funding_source", "plan.intervention.notfunded", "the programme version does not fund this type of intervention")
	}
	if _, ok := v.Phase(in.Phase); !ok && in.Phase != PhaseOneOff {
		return invalid("phase", "plan.intervention.phase", "choose a phase of the programme, or one-off")
	}
	if in.Status == "" {
		in.Status = InterventionPlanned
	}
	if !slices.Contains(InterventionStatuses, in.Status) {
		return invalid("status", "plan.intervention.status", "unknown status")
	}
	for _, d := range []struct{ field, v string }{{"planned_start", in.PlannedStart}, {"planned_end", in.PlannedEnd}, {"actual_start", in.ActualStart}, {"actual_end", in.ActualEnd}} {
		if err := checkDate(d.field, "plan.date.invalid", d.v, d.field == "planned_start"); err != nil {
			return err
		}
	}
	switch {
	case in.PlannedEnd != "" && in.PlannedEnd < in.PlannedStart, in.ActualEnd != "" && in.ActualStart != "" && in.ActualEnd < in.ActualStart:
		return invalid("planned_end", "plan.date.order", "an intervention ends after it starts")
	case in.CostCommitted < 0 || in.CostSpent < 0 || in.CostCommitted > 1e10 || in.CostSpent > 1e10:
		return invalid("cost_committed", "plan.cost.invalid", "a cost is a whole number of kronor, not negative")
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"cancel_reason", &in.CancelReason}, {"outcome", &in.Outcome}, {"responsible", &in.Responsible}} {
		if err := checkText(f.name, "plan.text.invalid", f.v, MaxPlanText); err != nil {
			return err
		}
	}
	if in.Status == InterventionCancelled && in.CancelReason == "" {
		return invalid("cancel_reason", "plan.intervention.reason", "say why the intervention was cancelled")
	}
	return nil
}

// Validate checks a review against the plan's goals.
func (r *Review) Validate(goals []Goal) error {
	if err := checkDate("held_on", "plan.date.invalid", r.HeldOn, true); err != nil {
		return err
	}
	if err := checkDate("next_review_on", "plan.date.invalid", r.NextReviewOn, false); err != nil {
		return err
	}
	if r.NextReviewOn != "" && r.NextReviewOn <= r.HeldOn {
		return invalid("next_review_on", "plan.review.next", "the next review comes after this one")
	}
	for id, a := range r.Attainment {
		if !slices.ContainsFunc(goals, func(g Goal) bool { return g.ID == id }) || !slices.Contains(GoalAttainments, a) {
			return invalid("attainment", "plan.review.attainment", "unknown goal or grade")
		}
	}
	var err error
	if r.Outcomes, err = checkCodes("outcomes", "plan.outcomes.invalid", r.Outcomes, Outcomes); err != nil {
		return err
	}
	return checkText("notes", "plan.text.invalid", &r.Notes, MaxPlanText)
}

// PhaseChange is a request to renew the current phase or advance to the
// next one.
type PhaseChange struct {
	Kind   string // "renew" or "advance"
	On     string // YYYY-MM-DD
	Reason string
}

// CheckPhaseChange judges a change of the plan's phase by the phase
// limits of its programme version (SP-04, SP-15): the change comes on or
// after the day the phase started; a renewal needs a reason and a
// renewal left; advancing needs a next phase, and a reason when the
// phase ran over its limit, which is never left silently. It returns the
// phase the plan is in after the change: the same one renewed, or the
// next.
func (p *Plan) CheckPhaseChange(ch *PhaseChange) (Phase, error) {
	if ch.On < p.PhaseStartedOn {
		return Phase{}, invalid("on", "plan.phase.date", "the change cannot come before the phase started")
	}
	clock := p.Clock(ch.On)
	switch ch.Kind {
	case "renew":
		if !clock.CanRenew {
			return Phase{}, invalid("kind", "plan.phase.norenew", "the phase cannot be renewed again")
		}
		if ch.Reason == "" {
			return Phase{}, invalid("reason", "plan.phase.reason.required", "a renewal needs a reason")
		}
		ph, _ := p.Programme.Phase(p.Phase) // found, as the clock says it may be renewed
		return ph, nil
	case "advance":
		var next Phase
		ok := false
		if p.Programme != nil {
			next, ok = p.Programme.NextPhase(p.Phase)
		}
		if !ok {
			return Phase{}, invalid("kind", "plan.phase.last", "this is the last phase; end the plan instead")
		}
		if clock.Overrun && ch.Reason == "" {
			return Phase{}, Localized(EINVALID, "plan.phase.overrun", map[string]any{"Days": -clock.DaysLeft},
				"the phase ran over its limit: say why before moving on")
		}
		return next, nil
	}
	return Phase{}, invalid("kind", "plan.phase.kind", "renew or advance")
}

// PlanEnd ends a plan: when, why, and her outcomes at exit (SP-12).
type PlanEnd struct {
	On       string
	Reason   string
	Outcomes []string
	Notes    string
}

// Validate checks a plan's end.
func (e *PlanEnd) Validate() error {
	if err := checkDate("ended_on", "plan.date.invalid", e.On, true); err != nil {
		return err
	}
	if !slices.Contains(ExitReasons, e.Reason) {
		return invalid("exit_reason", "plan.exit.reason", "choose why the plan ends")
	}
	var err error
	if e.Outcomes, err = checkCodes("outcomes", "plan.outcomes.invalid", e.Outcomes, Outcomes); err != nil {
		return err
	}
	return checkText("notes", "plan.text.invalid", &e.Notes, MaxPlanText)
}

// Enrolment is a request to enrol a case in a programme version.
type Enrolment struct {
	VersionID  string
	EnrolledOn string
	Goals      []Goal
	Contact    string
}

// PlanService keeps individual support plans. It answers with the
// case's policy: the case team reads, case workers write. Every change
// keeps the previous plan version.
type PlanService interface {
	// CheckEligibility explains whether the case may be enrolled in the
	// programme version on day.
	CheckEligibility(ctx context.Context, caseID, versionID, day string) (*EligibilityResult, error)
	// Enrol enrols the case and starts its plan in the version's first
	// phase. An ineligible case is EINVALID, with the result saying why.
	Enrol(ctx context.Context, caseID string, e *Enrolment) (*EligibilityResult, error)
	// Plan returns the case's current plan, or nil if it has none.
	Plan(ctx context.Context, caseID string) (*Plan, error)
	// PlanVersions lists the kept versions of the case's plan, newest
	// first.
	PlanVersions(ctx context.Context, caseID string) ([]*PlanVersionInfo, error)
	// PlanVersion returns the case's plan as it stood in one kept
	// version, read-only; an unknown version is ENOTFOUND.
	PlanVersion(ctx context.Context, caseID string, version int) (*Plan, *PlanVersionInfo, error)
	// SaveGoals replaces her goals and the contact text. version is the
	// plan version the editor started from; another in between is
	// ECONFLICT.
	SaveGoals(ctx context.Context, caseID string, goals []Goal, contact string, version int) error
	// SaveIntervention adds an intervention (empty ID) or changes one.
	SaveIntervention(ctx context.Context, caseID string, in *Intervention) error
	// ChangePhase renews the current phase (with a reason, within the
	// version's renewals) or advances to the next.
	ChangePhase(ctx context.Context, caseID string, ch *PhaseChange) error
	// AddReview records a review meeting.
	AddReview(ctx context.Context, caseID string, r *Review) error
	// EndPlan ends the plan with its exit outcomes.
	EndPlan(ctx context.Context, caseID string, e *PlanEnd) error
}
