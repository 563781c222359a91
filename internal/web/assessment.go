package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"fristad"
	"fristad/internal/render"
)

// AssessmentsPage shows a case's assessments, the trajectory of its risk,
// and forms for new ones.
type AssessmentsPage struct {
	render.Page
	CaseHeader
	Assessments *fristad.CaseAssessments
	Chart       *RiskChart
	CanUpdate   bool
	Prompts     []string // protective actions to consider (AS-03)
	Error       *FormError
	Risk        fristad.RiskAssessment  // the risk form as typed
	Needs       fristad.NeedsAssessment // the needs form as typed
	Codes       AssessmentCodes
}

// AssessmentCodes are the code lists the assessment forms offer.
type AssessmentCodes struct {
	Domains, NeedLevels, Factors, SpecialNeeds, Levels, Reasons, Actions, Channels []string
}

var assessmentCodes = AssessmentCodes{
	Domains: fristad.NeedDomains, NeedLevels: fristad.NeedLevels, Factors: fristad.RiskFactors,
	SpecialNeeds: fristad.SpecialNeeds, Levels: fristad.RiskLevels, Reasons: fristad.AssessmentReasons,
	Actions: fristad.ProtectiveActions, Channels: fristad.Channels,
}

// RiskChart is the risk trajectory as a small SVG line chart; the history
// table beside it carries the same data for those who cannot see it.
type RiskChart struct {
	Width, Height int
	Points        []ChartPoint
	Line          string // the polyline's points
	Levels        []ChartLevel
}

// ChartPoint is one assessment on the chart.
type ChartPoint struct {
	X, Y  int
	Date  string
	Level string
}

// ChartLevel is a horizontal guide line for one risk level.
type ChartLevel struct {
	Y     int
	Level string
}

// riskChart draws the risk levels oldest to newest, or nil for fewer than
// one assessment.
func riskChart(risk []*fristad.RiskAssessment) *RiskChart {
	if len(risk) == 0 {
		return nil
	}
	const w, h, left, top, step = 480, 160, 110, 20, 36
	c := &RiskChart{Width: w, Height: h}
	for i, l := range fristad.RiskLevels {
		c.Levels = append(c.Levels, ChartLevel{Y: top + (len(fristad.RiskLevels)-1-i)*step, Level: l})
	}
	n := len(risk)
	var pts []string
	for i := range risk {
		a := risk[n-1-i] // oldest first
		x := left
		if n > 1 {
			x = left + i*(w-left-20)/(n-1)
		}
		y := top + (len(fristad.RiskLevels)-1-max(fristad.RiskRank(a.Level), 0))*step
		c.Points = append(c.Points, ChartPoint{X: x, Y: y, Date: a.AssessedOn, Level: a.Level})
		pts = append(pts, fmt.Sprintf("%d,%d", x, y))
	}
	c.Line = strings.Join(pts, " ")
	return c
}

func (h *Handler) renderAssessments(w http.ResponseWriter, r *http.Request, page *AssessmentsPage, status int) error {
	id := r.PathValue("id")
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), id)
	if err != nil {
		return err
	}
	if page.Assessments, err = h.cfg.Assessments.Assessments(r.Context(), id); err != nil {
		return err
	}
	page.CaseHeader = caseHeader(c, "assessments")
	page.Chart = riskChart(page.Assessments.Risk)
	page.CanUpdate = canUpdateCase(r, c)
	page.Codes = assessmentCodes
	if page.Risk.AssessedOn == "" {
		page.Risk.AssessedOn = h.now().Format("2006-01-02")
		page.Risk.ReassessOn = h.now().AddDate(0, 1, 0).Format("2006-01-02")
		page.Risk.Reason = "scheduled"
	}
	if page.Needs.AssessedOn == "" {
		page.Needs.AssessedOn = h.now().Format("2006-01-02")
	}
	page.Title = page.T("assessments.title", "Ref", c.Reference)
	return h.engine.Render(w, r, status, "assessments", page)
}

// canUpdateCase reports whether the actor may change case c.
func canUpdateCase(r *http.Request, c *fristad.Case) bool {
	return canOnCase(r, fristad.ActionCaseUpdate, c)
}

// canOnCase reports whether the request's actor may take action on c,
// as the policy judges from how the actor reaches the case.
func canOnCase(r *http.Request, action fristad.Action, c *fristad.Case) bool {
	access := c.Reach()
	return fristad.Can(fristad.ActorFromContext(r.Context()), action, &access)
}

func (h *Handler) handleAssessments(w http.ResponseWriter, r *http.Request) error {
	return h.renderAssessments(w, r, &AssessmentsPage{Page: h.page(w, r)}, http.StatusOK)
}

func (h *Handler) handleAddRisk(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	a := fristad.RiskAssessment{
		AssessedOn: f.Get("assessed_on"), Reason: f.Get("reason"), Level: f.Get("level"), ReassessOn: f.Get("reassess_on"),
		Factors: f["factors"], SpecialNeeds: f["special_needs"], HerView: f.Get("her_view"), Comment: f.Get("comment"),
	}
	typed := a
	prompts, err := h.cfg.Assessments.AddRiskAssessment(r.Context(), r.PathValue("id"), &a)
	if fristad.ErrorCode(err) != fristad.EINVALID && err != nil {
		return err // not found, forbidden…: the error page, not the form
	}
	page := &AssessmentsPage{Page: h.page(w, r)}
	if err != nil {
		page.Error, _ = formErrorFor(&page.Page, err)
		page.Risk = typed
		return h.renderAssessments(w, r, page, fristad.ErrorStatus(err))
	}
	if len(prompts) == 0 {
		http.Redirect(w, r, "/cases/"+r.PathValue("id")+"/assessments", http.StatusSeeOther)
		return nil
	}
	// Show the protective actions now, on the page, rather than after a
	// redirect where they could be missed.
	page.Prompts = prompts
	return h.renderAssessments(w, r, page, http.StatusOK)
}

func (h *Handler) handleAddNeeds(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	a := fristad.NeedsAssessment{AssessedOn: f.Get("assessed_on"), Needs: map[string]string{}, HerView: f.Get("her_view"), Comment: f.Get("comment")}
	for _, d := range fristad.NeedDomains {
		if l := f.Get("need_" + d); l != "" && l != "none" {
			a.Needs[d] = l
		}
	}
	typed := a
	if err := h.cfg.Assessments.AddNeedsAssessment(r.Context(), r.PathValue("id"), &a); err != nil {
		if fristad.ErrorCode(err) != fristad.EINVALID {
			return err
		}
		page := &AssessmentsPage{Page: h.page(w, r)}
		page.Error, _ = formErrorFor(&page.Page, err)
		page.Needs = typed
		return h.renderAssessments(w, r, page, fristad.ErrorStatus(err))
	}
	http.Redirect(w, r, "/cases/"+r.PathValue("id")+"/assessments", http.StatusSeeOther)
	return nil
}

// RiskHas reports whether the risk form has factor f ticked.
func (p *AssessmentsPage) RiskHas(f string) bool { return slices.Contains(p.Risk.Factors, f) }

// SpecialHas reports whether the risk form has special need f ticked.
func (p *AssessmentsPage) SpecialHas(f string) bool { return slices.Contains(p.Risk.SpecialNeeds, f) }

// SafetyPage shows a case's safety plan and a form for its next version.
type SafetyPage struct {
	render.Page
	CaseHeader
	Plan      *fristad.SafetyPlan // the current version, or nil
	Form      fristad.SafetyPlan  // the form as typed
	Base      int                 // the version the form starts from
	CanUpdate bool
	Error     *FormError
	Codes     AssessmentCodes
}

// Has reports whether list holds code, for checkboxes.
func (p *SafetyPage) Has(list []string, code string) bool { return slices.Contains(list, code) }

func (h *Handler) renderSafety(w http.ResponseWriter, r *http.Request, page *SafetyPage, status int, keepForm bool) error {
	id := r.PathValue("id")
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), id)
	if err != nil {
		return err
	}
	if page.Plan, err = h.cfg.Assessments.SafetyPlan(r.Context(), id); err != nil {
		return err
	}
	switch {
	case !keepForm && page.Plan != nil:
		page.Form, page.Base = *page.Plan, page.Plan.Version
	case status == http.StatusConflict && page.Plan != nil:
		// What was typed stays in the form; the current version shows
		// above it, and saving again builds on that version knowingly.
		page.Base = page.Plan.Version
	}
	page.CaseHeader = caseHeader(c, "safety")
	page.CanUpdate = canUpdateCase(r, c)
	page.Codes = assessmentCodes
	page.Title = page.T("safety.title", "Ref", c.Reference)
	return h.engine.Render(w, r, status, "safety", page)
}

func (h *Handler) handleSafety(w http.ResponseWriter, r *http.Request) error {
	return h.renderSafety(w, r, &SafetyPage{Page: h.page(w, r)}, http.StatusOK, false)
}

func (h *Handler) handleSaveSafety(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	p := fristad.SafetyPlan{
		CrisisPlan: f.Get("crisis_plan"), ShortTerm: f.Get("short_term"), LongTerm: f.Get("long_term"), Contacts: f.Get("contacts"),
		SafeChannels: f["safe_channels"], UnsafeChannels: f["unsafe_channels"], CoProduced: f.Get("co_produced") == "on",
		ReviewReason: f.Get("review_reason"),
	}
	var base int
	fmt.Sscanf(f.Get("base"), "%d", &base)
	typed := p
	if err := h.cfg.Assessments.SaveSafetyPlan(r.Context(), r.PathValue("id"), &p, base); err != nil {
		if code := fristad.ErrorCode(err); code != fristad.EINVALID && code != fristad.ECONFLICT {
			return err
		}
		page := &SafetyPage{Page: h.page(w, r), Form: typed, Base: base}
		page.Error, _ = formErrorFor(&page.Page, err)
		return h.renderSafety(w, r, page, fristad.ErrorStatus(err), true)
	}
	http.Redirect(w, r, "/cases/"+r.PathValue("id")+"/safety", http.StatusSeeOther)
	return nil
}
