package api

import (
	"net/http"
	"strconv"
	"time"

	"fristad"
	"fristad/internal/i18n"
)

// PhaseJSON is a phase of a programme version.
type PhaseJSON struct {
	Code     string `json:"code"`
	MaxDays  int    `json:"max_days"`
	Renewals int    `json:"renewals"`
}

// ProgrammeJSON is a programme version in the API.
type ProgrammeJSON struct {
	ID                string            `json:"id,omitempty"`
	ProgrammeID       string            `json:"programme_id,omitempty"`
	Version           int               `json:"version,omitempty"`
	Status            string            `json:"status,omitempty"`
	Name              map[string]string `json:"name"`
	Description       map[string]string `json:"description"`
	TargetGroup       string            `json:"target_group"`
	Phases            []PhaseJSON       `json:"phases"`
	InterventionTypes []string          `json:"intervention_types"`
	FundingSources    []string          `json:"funding_sources"`
	MinStatus         string            `json:"min_status"`
	Pathways          []string          `json:"pathways"`
	Budget            int64             `json:"budget"`
	ValidFrom         string            `json:"valid_from"`
	ValidTo           string            `json:"valid_to"`
	PublishedAt       *time.Time        `json:"published_at,omitempty"`
	Public            bool              `json:"public"`
}

func programmeJSON(v *fristad.ProgrammeVersion) ProgrammeJSON {
	out := ProgrammeJSON{v.ID, v.ProgrammeID, v.Version, v.Status, v.Name, v.Description, v.TargetGroup, []PhaseJSON{},
		nonNil(v.Types), nonNil(v.Funding), v.Eligibility.MinStatus, nonNil(v.Eligibility.Pathways), v.Budget, v.ValidFrom, v.ValidTo, v.PublishedAt, v.Public}
	for _, p := range v.Phases {
		out.Phases = append(out.Phases, PhaseJSON{p.Code, p.MaxDays, p.Renewals})
	}
	return out
}

func (in ProgrammeJSON) version() *fristad.ProgrammeVersion {
	v := &fristad.ProgrammeVersion{ProgrammeID: in.ProgrammeID, Name: in.Name, Description: in.Description, TargetGroup: in.TargetGroup,
		Types: in.InterventionTypes, Funding: in.FundingSources, Eligibility: fristad.Eligibility{MinStatus: in.MinStatus, Pathways: in.Pathways},
		Budget: in.Budget, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo, Public: in.Public}
	if v.Name == nil {
		v.Name = map[string]string{}
	}
	if v.Description == nil {
		v.Description = map[string]string{}
	}
	for _, p := range in.Phases {
		v.Phases = append(v.Phases, fristad.Phase{Code: p.Code, MaxDays: p.MaxDays, Renewals: p.Renewals})
	}
	return v
}

func (h *Handler) handleProgrammes(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.cfg.Programmes.FindProgrammeVersions(r.Context(), fristad.ProgrammeFilter{Published: r.URL.Query().Get("published") == "true"})
	if err != nil {
		return err
	}
	out := []ProgrammeJSON{}
	for _, v := range vs {
		out = append(out, programmeJSON(v))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) handleProgramme(w http.ResponseWriter, r *http.Request) error {
	v, err := h.cfg.Programmes.FindProgrammeVersionByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, programmeJSON(v))
	return nil
}

// handleCreateProgramme creates a draft: a new programme, or with
// programme_id the next version of one.
func (h *Handler) handleCreateProgramme(w http.ResponseWriter, r *http.Request) error {
	var in ProgrammeJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	v := in.version()
	if err := h.cfg.Programmes.CreateProgrammeVersion(r.Context(), v); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, programmeJSON(v))
	return nil
}

func (h *Handler) handleUpdateProgramme(w http.ResponseWriter, r *http.Request) error {
	var in ProgrammeJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	v := in.version()
	v.ID = r.PathValue("id")
	if err := h.cfg.Programmes.UpdateProgrammeVersion(r.Context(), v); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, programmeJSON(v))
	return nil
}

func (h *Handler) handlePublishProgramme(w http.ResponseWriter, r *http.Request) error {
	if err := h.cfg.Programmes.PublishProgrammeVersion(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	return h.handleProgramme(w, r)
}

// ProviderJSON is an entry of the provider registry.
type ProviderJSON struct {
	OrganisationID string   `json:"organisation_id"`
	Name           string   `json:"name,omitempty"`
	Certification  string   `json:"certification"`
	CertifiedUntil string   `json:"certified_until"`
	CertifiedNow   bool     `json:"certified_now"`
	Services       []string `json:"services"`
	Languages      []string `json:"languages"`
	Regions        []string `json:"regions"`
	Places         int      `json:"places"`
	TakesChildren  bool     `json:"takes_children"`
	TakesMen       bool     `json:"takes_men"`
	// TakesWomen is true when left out, as most providers do.
	TakesWomen        *bool  `json:"takes_women"`
	Accessible        bool   `json:"accessible"`
	Contact           string `json:"contact"`
	Listed            bool   `json:"listed"`
	PublicDescription string `json:"public_description"`
	PublicPhone       string `json:"public_phone"`
}

func (h *Handler) handleProviders(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.cfg.Programmes.FindProviders(r.Context())
	if err != nil {
		return err
	}
	today := time.Now().Format(time.DateOnly)
	out := []ProviderJSON{}
	for _, p := range ps {
		out = append(out, ProviderJSON{p.OrganisationID, p.Name, p.Certification, p.CertifiedUntil, p.CertifiedOn(today), nonNil(p.Services),
			nonNil(p.Languages), nonNil(p.Regions), p.Places, p.TakesChildren, p.TakesMen, &p.TakesWomen, p.Accessible, p.Contact,
			p.Listed, p.PublicDescription, p.PublicPhone})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) handleSaveProvider(w http.ResponseWriter, r *http.Request) error {
	var in ProviderJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	p := &fristad.Provider{OrganisationID: r.PathValue("id"), Certification: in.Certification, CertifiedUntil: in.CertifiedUntil,
		Services: in.Services, Languages: in.Languages, Regions: in.Regions, Places: in.Places, TakesChildren: in.TakesChildren,
		TakesMen: in.TakesMen, TakesWomen: in.TakesWomen == nil || *in.TakesWomen, Accessible: in.Accessible, Contact: in.Contact,
		Listed: in.Listed, PublicDescription: in.PublicDescription, PublicPhone: in.PublicPhone}
	if err := h.cfg.Programmes.SaveProvider(r.Context(), p); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"organisation_id": p.OrganisationID})
	return nil
}

// BudgetLineJSON is a row of the budget.
type BudgetLineJSON struct {
	Key       string `json:"key"`
	Label     string `json:"label"`
	Budget    int64  `json:"budget,omitempty"`
	Committed int64  `json:"committed"`
	Spent     int64  `json:"spent"`
}

func (h *Handler) handleBudget(w http.ResponseWriter, r *http.Request) error {
	b, err := h.cfg.Programmes.Budget(r.Context())
	if err != nil {
		return err
	}
	lines := func(ls []fristad.BudgetLine) []BudgetLineJSON {
		out := []BudgetLineJSON{}
		for _, l := range ls {
			out = append(out, BudgetLineJSON{l.Key, l.Label, l.Budget, l.Committed, l.Spent})
		}
		return out
	}
	writeJSON(w, http.StatusOK, map[string][]BudgetLineJSON{
		"programmes": lines(b.Programmes), "providers": lines(b.Providers), "funding_sources": lines(b.Funding)})
	return nil
}

// ReasonJSON is one reason of an eligibility check: its catalog key,
// whether it speaks for, and the reason in English.
type ReasonJSON struct {
	Key     string `json:"key"`
	OK      bool   `json:"ok"`
	Message string `json:"message"`
}

// EligibilityJSON says whether a case may be enrolled, and why.
type EligibilityJSON struct {
	Eligible bool         `json:"eligible"`
	Reasons  []ReasonJSON `json:"reasons"`
}

func eligibilityJSON(res *fristad.EligibilityResult) *EligibilityJSON {
	if res == nil {
		return nil
	}
	cat := i18n.Staff()
	tag, _ := cat.Parse("en")
	p := cat.Printer(tag)
	out := &EligibilityJSON{Eligible: res.Eligible, Reasons: []ReasonJSON{}}
	for _, r := range res.Reasons {
		var args []any
		for k, v := range r.Args {
			args = append(args, k, v)
		}
		out.Reasons = append(out.Reasons, ReasonJSON{r.Key, r.OK, p.T(r.Key, args...)})
	}
	return out
}

func (h *Handler) handleEligibility(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	on := q.Get("on")
	if on == "" {
		on = time.Now().Format(time.DateOnly)
	}
	res, err := h.cfg.Plans.CheckEligibility(r.Context(), r.PathValue("id"), q.Get("version_id"), on)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, eligibilityJSON(res))
	return nil
}

// GoalJSON is one of her goals.
type GoalJSON struct {
	ID       string `json:"id,omitempty"`
	Text     string `json:"text"`
	Language string `json:"language"`
}

func goalsOf(in []GoalJSON) []fristad.Goal {
	var out []fristad.Goal
	for _, g := range in {
		out = append(out, fristad.Goal{ID: g.ID, Text: g.Text, Language: g.Language})
	}
	return out
}

// EnrolmentJSON enrols a case in a programme version.
type EnrolmentJSON struct {
	VersionID  string     `json:"version_id"`
	EnrolledOn string     `json:"enrolled_on"`
	Goals      []GoalJSON `json:"goals"`
	Contact    string     `json:"contact"`
}

// handleEnrol enrols a case; an ineligible case is 422 with the reasons.
func (h *Handler) handleEnrol(w http.ResponseWriter, r *http.Request) error {
	var in EnrolmentJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := h.cfg.Plans.Enrol(r.Context(), r.PathValue("id"), &fristad.Enrolment{VersionID: in.VersionID, EnrolledOn: in.EnrolledOn, Goals: goalsOf(in.Goals), Contact: in.Contact})
	if err != nil && res != nil && !res.Eligible {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"error":       ErrorDetail{Code: fristad.ErrorCode(err), Message: fristad.ErrorMessage(err)},
			"eligibility": eligibilityJSON(res),
		})
		return nil
	}
	if err != nil {
		return err
	}
	return h.writePlan(w, r, http.StatusCreated)
}

// InterventionJSON is an intervention of a plan.
type InterventionJSON struct {
	ID              string `json:"id,omitempty"`
	Type            string `json:"type"`
	Domain          string `json:"domain,omitempty"`
	ProviderID      string `json:"provider_id"`
	ProviderFlagged bool   `json:"provider_not_certified,omitempty"`
	FundingSource   string `json:"funding_source"`
	Phase           string `json:"phase"`
	Status          string `json:"status"`
	PlannedStart    string `json:"planned_start"`
	PlannedEnd      string `json:"planned_end"`
	ActualStart     string `json:"actual_start"`
	ActualEnd       string `json:"actual_end"`
	CostCommitted   int64  `json:"cost_committed"`
	CostSpent       int64  `json:"cost_spent"`
	Responsible     string `json:"responsible"`
	Outcome         string `json:"outcome"`
	CancelReason    string `json:"cancel_reason"`
	// UpdatedAt is when it last changed; sent back on a change, a change
	// made since is 409.
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// ReviewJSON is a review of a plan.
type ReviewJSON struct {
	ID           string            `json:"id,omitempty"`
	HeldOn       string            `json:"held_on"`
	Attainment   map[string]string `json:"attainment"`
	Outcomes     []string          `json:"outcomes"`
	Notes        string            `json:"notes"`
	NextReviewOn string            `json:"next_review_on"`
}

// PhaseEventJSON is a step of a plan's phases.
type PhaseEventJSON struct {
	Kind   string `json:"kind"`
	Phase  string `json:"phase"`
	On     string `json:"on"`
	Reason string `json:"reason"`
}

// PlanJSON is a support plan in the API, with its phase clock today.
type PlanJSON struct {
	ID             string             `json:"id"`
	VersionID      string             `json:"programme_version_id"`
	EnrolledOn     string             `json:"enrolled_on"`
	Status         string             `json:"status"`
	Phase          string             `json:"phase"`
	PhaseStartedOn string             `json:"phase_started_on"`
	Renewals       int                `json:"renewals"`
	Clock          PhaseClockJSON     `json:"phase_clock"`
	NextReviewOn   string             `json:"next_review_on"`
	EndedOn        string             `json:"ended_on"`
	ExitReason     string             `json:"exit_reason"`
	ExitOutcomes   []string           `json:"exit_outcomes"`
	Version        int                `json:"version"`
	Goals          []GoalJSON         `json:"goals"`
	Contact        string             `json:"contact"`
	Interventions  []InterventionJSON `json:"interventions"`
	Events         []PhaseEventJSON   `json:"phase_events"`
	Reviews        []ReviewJSON       `json:"reviews"`
}

// PhaseClockJSON is where a plan stands in its phase today: warning
// before the limit, overrun after it.
type PhaseClockJSON struct {
	Day          int  `json:"day"`
	Limit        int  `json:"limit"`
	DaysLeft     int  `json:"days_left"`
	Warning      bool `json:"warning"`
	Overrun      bool `json:"overrun"`
	RenewalsLeft int  `json:"renewals_left"`
}

func phaseClockJSON(c fristad.PhaseClock) PhaseClockJSON {
	return PhaseClockJSON{c.Day, c.Limit, c.DaysLeft, c.Warning, c.Overrun, c.RenewalsLeft}
}

func (h *Handler) writePlan(w http.ResponseWriter, r *http.Request, status int) error {
	p, err := h.cfg.Plans.Plan(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if p == nil {
		return fristad.Errorf(fristad.ENOTFOUND, "the case has no support plan")
	}
	out := planJSON(p, time.Now().Format(time.DateOnly))
	w.Header().Set("ETag", `"`+itoa(p.Version)+`"`)
	writeJSON(w, status, out)
	return nil
}

// planJSON is a plan as the API shows it, with its phase clock on day.
func planJSON(p *fristad.Plan, day string) PlanJSON {
	out := PlanJSON{ID: p.ID, VersionID: p.VersionID, EnrolledOn: p.EnrolledOn, Status: p.Status, Phase: p.Phase, PhaseStartedOn: p.PhaseStartedOn,
		Renewals: p.Renewals, Clock: phaseClockJSON(p.Clock(day)), NextReviewOn: p.NextReviewOn, EndedOn: p.EndedOn,
		ExitReason: p.ExitReason, ExitOutcomes: nonNil(p.ExitOutcomes), Version: p.Version, Contact: p.Contact,
		Goals: []GoalJSON{}, Interventions: []InterventionJSON{}, Events: []PhaseEventJSON{}, Reviews: []ReviewJSON{}}
	for _, g := range p.Goals {
		out.Goals = append(out.Goals, GoalJSON{g.ID, g.Text, g.Language})
	}
	for _, in := range p.Interventions {
		out.Interventions = append(out.Interventions, InterventionJSON{in.ID, in.Type, in.Domain, in.ProviderID, in.ProviderFlag, in.FundingSource,
			in.Phase, in.Status, in.PlannedStart, in.PlannedEnd, in.ActualStart, in.ActualEnd, in.CostCommitted, in.CostSpent, in.Responsible,
			in.Outcome, in.CancelReason, &in.UpdatedAt})
	}
	for _, e := range p.Events {
		out.Events = append(out.Events, PhaseEventJSON{e.Kind, e.Phase, e.On, e.Reason})
	}
	for _, rv := range p.Reviews {
		out.Reviews = append(out.Reviews, ReviewJSON{rv.ID, rv.HeldOn, rv.Attainment, nonNil(rv.Outcomes), rv.Notes, rv.NextReviewOn})
	}
	return out
}

// handlePlanVersion answers one kept version of the plan, read-only, with
// its phase clock as it stood on the day the version was made.
func (h *Handler) handlePlanVersion(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return fristad.Errorf(fristad.ENOTFOUND, "no such plan version")
	}
	p, kept, err := h.cfg.Plans.PlanVersion(r.Context(), r.PathValue("id"), n)
	if err != nil {
		return err
	}
	out := struct {
		PlanJSON
		Change    string    `json:"change"`
		CreatedAt time.Time `json:"created_at"`
	}{planJSON(p, kept.CreatedAt.Format(time.DateOnly)), kept.Change, kept.CreatedAt}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) handlePlan(w http.ResponseWriter, r *http.Request) error {
	return h.writePlan(w, r, http.StatusOK)
}

func (h *Handler) handlePlanVersions(w http.ResponseWriter, r *http.Request) error {
	vs, err := h.cfg.Plans.PlanVersions(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	type versionJSON struct {
		Version   int       `json:"version"`
		Change    string    `json:"change"`
		CreatedAt time.Time `json:"created_at"`
	}
	out := []versionJSON{}
	for _, v := range vs {
		out = append(out, versionJSON{v.Version, v.Change, v.CreatedAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handleSaveGoals replaces her goals; version names the plan version
// they replace, and a stale one is 409.
func (h *Handler) handleSaveGoals(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Version int        `json:"version"`
		Goals   []GoalJSON `json:"goals"`
		Contact string     `json:"contact"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := h.cfg.Plans.SaveGoals(r.Context(), r.PathValue("id"), goalsOf(in.Goals), in.Contact, in.Version); err != nil {
		return err
	}
	return h.writePlan(w, r, http.StatusOK)
}

func (h *Handler) saveIntervention(w http.ResponseWriter, r *http.Request, id string, status int) error {
	var in InterventionJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	iv := &fristad.Intervention{ID: id, Type: in.Type, ProviderID: in.ProviderID, FundingSource: in.FundingSource, Phase: in.Phase, Status: in.Status,
		PlannedStart: in.PlannedStart, PlannedEnd: in.PlannedEnd, ActualStart: in.ActualStart, ActualEnd: in.ActualEnd,
		CostCommitted: in.CostCommitted, CostSpent: in.CostSpent, Responsible: in.Responsible, Outcome: in.Outcome, CancelReason: in.CancelReason}
	if in.UpdatedAt != nil && id != "" {
		iv.UpdatedAt = *in.UpdatedAt
	}
	if err := h.cfg.Plans.SaveIntervention(r.Context(), r.PathValue("id"), iv); err != nil {
		return err
	}
	writeJSON(w, status, map[string]string{"id": iv.ID})
	return nil
}

func (h *Handler) handleAddIntervention(w http.ResponseWriter, r *http.Request) error {
	return h.saveIntervention(w, r, "", http.StatusCreated)
}

// handleUpdateIntervention replaces an intervention whole.
func (h *Handler) handleUpdateIntervention(w http.ResponseWriter, r *http.Request) error {
	return h.saveIntervention(w, r, r.PathValue("iid"), http.StatusOK)
}

func (h *Handler) handleChangePhase(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Kind   string `json:"kind"`
		On     string `json:"on"`
		Reason string `json:"reason"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := h.cfg.Plans.ChangePhase(r.Context(), r.PathValue("id"), &fristad.PhaseChange{Kind: in.Kind, On: in.On, Reason: in.Reason}); err != nil {
		return err
	}
	return h.writePlan(w, r, http.StatusOK)
}

func (h *Handler) handleAddReview(w http.ResponseWriter, r *http.Request) error {
	var in ReviewJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	rv := &fristad.Review{HeldOn: in.HeldOn, Attainment: in.Attainment, Outcomes: in.Outcomes, Notes: in.Notes, NextReviewOn: in.NextReviewOn}
	if err := h.cfg.Plans.AddReview(r.Context(), r.PathValue("id"), rv); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": rv.ID})
	return nil
}

func (h *Handler) handleEndPlan(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		On       string   `json:"ended_on"`
		Reason   string   `json:"exit_reason"`
		Outcomes []string `json:"exit_outcomes"`
		Notes    string   `json:"notes"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := h.cfg.Plans.EndPlan(r.Context(), r.PathValue("id"), &fristad.PlanEnd{On: in.On, Reason: in.Reason, Outcomes: in.Outcomes, Notes: in.Notes}); err != nil {
		return err
	}
	return h.writePlan(w, r, http.StatusOK)
}
