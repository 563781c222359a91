package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"fristad"
	"fristad/internal/i18n"
	"fristad/internal/render"
)

// PlanCodes are the code lists the plan page offers.
type PlanCodes struct {
	Types, Funding, Statuses, Attainments, Outcomes, ExitReasons []string
}

var planCodes = PlanCodes{
	Types: fristad.InterventionTypes, Funding: fristad.FundingSources, Statuses: fristad.InterventionStatuses,
	Attainments: fristad.GoalAttainments, Outcomes: fristad.Outcomes, ExitReasons: fristad.ExitReasons,
}

// PlanPage shows a case's support plan (SP-01) — or, before there is
// one, the enrolment form with the eligibility check — and the forms
// that change it.
type PlanPage struct {
	render.Page
	CaseHeader
	Plan        *fristad.Plan // nil before enrolment
	Clock       fristad.PhaseClock
	NextPhase   string
	Today       string
	Versions    []*fristad.PlanVersionInfo
	Kept        *fristad.PlanVersionInfo    // the kept version shown, on its own page
	Programmes  []*fristad.ProgrammeVersion // published, to enrol in
	Providers   []*fristad.Provider
	Eligibility *fristad.EligibilityResult
	CanUpdate   bool
	Error       *FormError
	Enrol       fristad.Enrolment
	Goals       []fristad.Goal // the goals form, with blank rows
	Contact     string
	New         fristad.Intervention
	Review      fristad.Review
	Phase       fristad.PhaseChange
	End         fristad.PlanEnd
	Codes       PlanCodes
	Print       []string // the languages her plan prints in
}

// Name returns a programme version's name in the page's language.
func (p *PlanPage) Name(v *fristad.ProgrammeVersion) string { return localName(&p.Page, v.Name) }

// Has reports whether list holds code, for checkboxes.
func (p *PlanPage) Has(list []string, code string) bool { return slices.Contains(list, code) }

// OverrunDays is how many days the current phase is over its limit.
func (p *PlanPage) OverrunDays() int { return -p.Clock.DaysLeft }

// Inc returns n+1, for numbering from one.
func (p *PlanPage) Inc(n int) int { return n + 1 }

// Seen formats when a record was read, for a form to send back.
func (p *PlanPage) Seen(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Kronor formats whole kronor.
func (p *PlanPage) Kronor(n int64) string { return kronor(n) }

// ProviderName returns the name of a provider in the registry.
func (p *PlanPage) ProviderName(id string) string {
	for _, pr := range p.Providers {
		if pr.OrganisationID == id {
			return pr.Name
		}
	}
	return ""
}

// Goal returns the text of one of her goals.
func (p *PlanPage) Goal(id string) string {
	if p.Plan != nil {
		for _, g := range p.Plan.Goals {
			if g.ID == id {
				return g.Text
			}
		}
	}
	return ""
}

// ReasonText says one eligibility reason in words, with the codes in it
// translated.
func (p *PlanPage) ReasonText(r fristad.Reason) string {
	var args []any
	for k, v := range r.Args {
		switch k {
		case "Status", "Current":
			v = p.Label("status", v)
		case "Pathway":
			v = p.Label("pathway", v)
		}
		args = append(args, k, v)
	}
	return p.T(r.Key, args...)
}

func (h *Handler) renderPlan(w http.ResponseWriter, r *http.Request, page *PlanPage, status int) error {
	id := r.PathValue("id")
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), id)
	if err != nil {
		return err
	}
	if page.Plan, err = h.cfg.Plans.Plan(r.Context(), id); err != nil {
		return err
	}
	if page.Providers, err = h.cfg.Programmes.FindProviders(r.Context()); err != nil {
		return err
	}
	page.CaseHeader = caseHeader(c, "plan")
	page.CanUpdate = canUpdateCase(r, c)
	page.Today = h.now().Format("2006-01-02")
	page.Codes, page.Print = planCodes, printLanguages
	if page.Plan == nil {
		if page.Programmes, err = h.cfg.Programmes.FindProgrammeVersions(r.Context(), fristad.ProgrammeFilter{Published: true}); err != nil {
			return err
		}
		if page.Enrol.EnrolledOn == "" {
			page.Enrol.EnrolledOn = page.Today
		}
		page.Goals = padGoals(page.Enrol.Goals, 3)
	} else {
		p := page.Plan
		page.Clock = p.Clock(page.Today)
		if next, ok := p.Programme.NextPhase(p.Phase); ok {
			page.NextPhase = next.Code
		}
		if page.Versions, err = h.cfg.Plans.PlanVersions(r.Context(), id); err != nil {
			return err
		}
		if page.Goals == nil {
			page.Goals, page.Contact = slices.Clone(p.Goals), p.Contact
		}
		page.Goals = padGoals(page.Goals, len(page.Goals)+2)
		for _, f := range []*string{&page.New.PlannedStart, &page.Review.HeldOn, &page.Phase.On, &page.End.On} {
			if *f == "" {
				*f = page.Today
			}
		}
		if page.New.Phase == "" {
			page.New.Phase = p.Phase
		}
	}
	page.Title = page.T("plan.title", "Ref", c.Reference)
	return h.engine.Render(w, r, status, "plan", page)
}

func padGoals(goals []fristad.Goal, n int) []fristad.Goal {
	for len(goals) < n {
		goals = append(goals, fristad.Goal{})
	}
	return goals
}

// planFail shows the plan page again with the error and the form as
// typed, or returns err for the error page when it is not about the form.
func (h *Handler) planFail(w http.ResponseWriter, r *http.Request, page *PlanPage, err error) error {
	code := fristad.ErrorCode(err)
	if code != fristad.EINVALID && code != fristad.ECONFLICT {
		return err
	}
	page.Error, _ = formErrorFor(&page.Page, err)
	return h.renderPlan(w, r, page, fristad.ErrorStatus(err))
}

func (h *Handler) planDone(w http.ResponseWriter, r *http.Request, anchor string) error {
	http.Redirect(w, r, "/cases/"+r.PathValue("id")+"/plan"+anchor, http.StatusSeeOther)
	return nil
}

func (h *Handler) handlePlan(w http.ResponseWriter, r *http.Request) error {
	page := &PlanPage{Page: h.page(w, r)}
	q := r.URL.Query()
	if v := q.Get("version"); v != "" {
		page.Enrol.VersionID, page.Enrol.EnrolledOn = v, q.Get("on")
		if page.Enrol.EnrolledOn == "" {
			page.Enrol.EnrolledOn = h.now().Format("2006-01-02")
		}
		res, err := h.cfg.Plans.CheckEligibility(r.Context(), r.PathValue("id"), v, page.Enrol.EnrolledOn)
		if fristad.ErrorCode(err) == fristad.EINVALID {
			page.Error, _ = formErrorFor(&page.Page, err)
		} else if err != nil {
			return err
		}
		page.Eligibility = res
	}
	return h.renderPlan(w, r, page, http.StatusOK)
}

// handlePlanVersion shows one kept version of the plan, read-only: what
// was planned with her, and when (SP-01).
func (h *Handler) handlePlanVersion(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return fristad.Errorf(fristad.ENOTFOUND, "no such plan version")
	}
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), id)
	if err != nil {
		return err
	}
	plan, kept, err := h.cfg.Plans.PlanVersion(r.Context(), id, n)
	if err != nil {
		return err
	}
	page := &PlanPage{Page: h.page(w, r), Plan: plan, Kept: kept}
	if page.Providers, err = h.cfg.Programmes.FindProviders(r.Context()); err != nil {
		return err
	}
	page.CaseHeader = caseHeader(c, "plan")
	page.Title = page.T("plan.kept.title", "Ref", c.Reference, "Version", n)
	return h.engine.Render(w, r, http.StatusOK, "plan_version", page)
}

// goalsFromForm reads the goal rows of a form.
func goalsFromForm(r *http.Request) []fristad.Goal {
	var goals []fristad.Goal
	for i := 0; i < fristad.MaxGoals+2; i++ {
		n := strconv.Itoa(i)
		if !r.PostForm.Has("goal_text_" + n) {
			break
		}
		goals = append(goals, fristad.Goal{ID: r.PostForm.Get("goal_id_" + n), Text: r.PostForm.Get("goal_text_" + n), Language: r.PostForm.Get("goal_lang_" + n)})
	}
	return goals
}

func (h *Handler) handleEnrol(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	e := fristad.Enrolment{VersionID: f.Get("version_id"), EnrolledOn: f.Get("enrolled_on"), Goals: goalsFromForm(r), Contact: f.Get("contact")}
	typed := e
	res, err := h.cfg.Plans.Enrol(r.Context(), r.PathValue("id"), &e)
	if err != nil {
		return h.planFail(w, r, &PlanPage{Page: h.page(w, r), Enrol: typed, Eligibility: res}, err)
	}
	return h.planDone(w, r, "")
}

func (h *Handler) handleSaveGoals(w http.ResponseWriter, r *http.Request) error {
	goals, contact := goalsFromForm(r), r.PostForm.Get("contact")
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	if err := h.cfg.Plans.SaveGoals(r.Context(), r.PathValue("id"), slices.Clone(goals), contact, version); err != nil {
		return h.planFail(w, r, &PlanPage{Page: h.page(w, r), Goals: goals, Contact: contact}, err)
	}
	return h.planDone(w, r, "#goals-h")
}

// interventionFromForm reads an intervention form onto in.
func interventionFromForm(r *http.Request, in *fristad.Intervention) {
	f := r.PostForm
	set := func(field string, dst *string) {
		if f.Has(field) {
			*dst = f.Get(field)
		}
	}
	set("type", &in.Type)
	set("provider_id", &in.ProviderID)
	set("funding_source", &in.FundingSource)
	set("phase", &in.Phase)
	set("status", &in.Status)
	set("planned_start", &in.PlannedStart)
	set("planned_end", &in.PlannedEnd)
	set("actual_start", &in.ActualStart)
	set("actual_end", &in.ActualEnd)
	set("responsible", &in.Responsible)
	set("outcome", &in.Outcome)
	set("cancel_reason", &in.CancelReason)
	for field, dst := range map[string]*int64{"cost_committed": &in.CostCommitted, "cost_spent": &in.CostSpent} {
		if !f.Has(field) {
			continue
		}
		s := strings.NewReplacer(" ", "", "\u00a0", "").Replace(f.Get(field))
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			*dst = n
		} else if s != "" {
			*dst = -1 // refused by Validate, with the field named
		} else {
			*dst = 0
		}
	}
}

func (h *Handler) handleAddIntervention(w http.ResponseWriter, r *http.Request) error {
	var in fristad.Intervention
	interventionFromForm(r, &in)
	typed := in
	if err := h.cfg.Plans.SaveIntervention(r.Context(), r.PathValue("id"), &in); err != nil {
		return h.planFail(w, r, &PlanPage{Page: h.page(w, r), New: typed}, err)
	}
	return h.planDone(w, r, "#interventions-h")
}

// handleUpdateIntervention changes the fields of an intervention that
// its form sends, keeping the rest.
func (h *Handler) handleUpdateIntervention(w http.ResponseWriter, r *http.Request) error {
	p, err := h.cfg.Plans.Plan(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if p == nil {
		return fristad.Errorf(fristad.ENOTFOUND, "no plan")
	}
	i := slices.IndexFunc(p.Interventions, func(in *fristad.Intervention) bool { return in.ID == r.PathValue("iid") })
	if i < 0 {
		return fristad.Errorf(fristad.ENOTFOUND, "no such intervention")
	}
	in := *p.Interventions[i]
	interventionFromForm(r, &in)
	// The page's form says when it was read, so a change made since is a
	// conflict rather than lost; a form that says nothing is not checked.
	in.UpdatedAt = time.Time{}
	if v := r.PostFormValue("seen"); v != "" {
		seen, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			seen = time.Unix(0, 0) // never matches: a conflict, after the policy
		}
		in.UpdatedAt = seen
	}
	if err := h.cfg.Plans.SaveIntervention(r.Context(), r.PathValue("id"), &in); err != nil {
		return h.planFail(w, r, &PlanPage{Page: h.page(w, r)}, err)
	}
	return h.planDone(w, r, "#interventions-h")
}

func (h *Handler) handleChangePhase(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	ch := fristad.PhaseChange{Kind: f.Get("kind"), On: f.Get("on"), Reason: f.Get("reason")}
	typed := ch
	if err := h.cfg.Plans.ChangePhase(r.Context(), r.PathValue("id"), &ch); err != nil {
		return h.planFail(w, r, &PlanPage{Page: h.page(w, r), Phase: typed}, err)
	}
	return h.planDone(w, r, "#phase-h")
}

func (h *Handler) handleAddReview(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	rv := fristad.Review{HeldOn: f.Get("held_on"), NextReviewOn: f.Get("next_review_on"), Outcomes: f["outcomes"], Notes: f.Get("notes"), Attainment: map[string]string{}}
	for k := range f {
		if id, ok := strings.CutPrefix(k, "attainment_"); ok && f.Get(k) != "" {
			rv.Attainment[id] = f.Get(k)
		}
	}
	typed := rv
	if err := h.cfg.Plans.AddReview(r.Context(), r.PathValue("id"), &rv); err != nil {
		return h.planFail(w, r, &PlanPage{Page: h.page(w, r), Review: typed}, err)
	}
	return h.planDone(w, r, "#reviews-h")
}

func (h *Handler) handleEndPlan(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	e := fristad.PlanEnd{On: f.Get("ended_on"), Reason: f.Get("exit_reason"), Outcomes: f["exit_outcomes"], Notes: f.Get("exit_notes")}
	typed := e
	if err := h.cfg.Plans.EndPlan(r.Context(), r.PathValue("id"), &e); err != nil {
		return h.planFail(w, r, &PlanPage{Page: h.page(w, r), End: typed}, err)
	}
	return h.planDone(w, r, "")
}

// printLanguages are the languages her plan prints in: those of the
// plan catalog.
var printLanguages = func() []string {
	var tags []string
	for _, t := range i18n.Plan().Languages() {
		tags = append(tags, t.String())
	}
	return tags
}()

// PlanPrintPage is her plan as she takes it with her, in her language:
// her goals, the next steps, who does what and how to reach them. It
// holds nothing that would endanger her if found: no case reference, no
// name of the system or the programme, and neither the provider nor the
// contact of her accommodation, which could say where she lives.
type PlanPrintPage struct {
	render.Page
	PlanLang, PlanDir string
	Goals             []fristad.Goal
	Steps             []PrintStep
	Contact           string
	NextReview        string
	Languages         []render.Language
	BackHref          string
	p                 *i18n.Printer
}

// PrintStep is one next step on her printed plan.
type PrintStep struct {
	What, When, Who, Reach string
}

// P translates a message of the plan catalog into the plan's language.
func (p *PlanPrintPage) P(key string, args ...any) string { return p.p.T(key, args...) }

func (h *Handler) handlePlanPrint(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	plan, err := h.cfg.Plans.Plan(r.Context(), id)
	if err != nil {
		return err
	}
	if plan == nil {
		return fristad.Localized(fristad.ENOTFOUND, "plan.none", nil, "the case has no support plan")
	}
	providers, err := h.cfg.Programmes.FindProviders(r.Context())
	if err != nil {
		return err
	}
	cat := i18n.Plan()
	tag, ok := cat.Parse(r.URL.Query().Get("lang"))
	if !ok {
		tag = cat.Match("", h.printer(r).Lang())
	}
	pp := cat.Printer(tag)
	page := &PlanPrintPage{Page: h.page(w, r), PlanLang: pp.Lang(), PlanDir: pp.Dir(), p: pp, Goals: plan.Goals,
		Contact: plan.Contact, NextReview: plan.NextReviewOn, Languages: render.LanguagesOf(cat, pp), BackHref: "/cases/" + id + "/plan"}
	for _, in := range plan.Interventions {
		if in.Status != fristad.InterventionPlanned && in.Status != fristad.InterventionStarted {
			continue
		}
		step := PrintStep{What: pp.T("intervention." + in.Type), When: pp.T("print.from", "Date", in.PlannedStart)}
		// Where she lives is never printed (see PlanPrintPage): not who
		// provides her accommodation, nor what staff wrote about it.
		if in.Type != "accommodation" {
			step.Who = in.Responsible
			if i := slices.IndexFunc(providers, func(p *fristad.Provider) bool { return p.OrganisationID == in.ProviderID }); i >= 0 {
				step.Who = strings.TrimSpace(providers[i].Name + "\n" + in.Responsible)
				step.Reach = providers[i].Contact
			}
		}
		page.Steps = append(page.Steps, step)
	}
	page.Title = pp.T("print.title")
	w.Header().Set("Cache-Control", "no-store")
	return h.print.Render(w, r, http.StatusOK, "plan_print", page)
}
