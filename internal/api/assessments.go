package api

import (
	"net/http"
	"time"

	"fristad"
)

// RiskJSON is a risk assessment in the API.
type RiskJSON struct {
	ID           string     `json:"id,omitempty"`
	AssessedOn   string     `json:"assessed_on"`
	Reason       string     `json:"reason"`
	Factors      []string   `json:"factors"`
	SpecialNeeds []string   `json:"special_needs"`
	Level        string     `json:"level"`
	HerView      string     `json:"her_view"`
	Comment      string     `json:"comment"`
	ReassessOn   string     `json:"reassess_on"`
	CreatedAt    *time.Time `json:"created_at,omitempty"`
}

// NeedsJSON is a needs assessment in the API.
type NeedsJSON struct {
	ID         string            `json:"id,omitempty"`
	AssessedOn string            `json:"assessed_on"`
	Needs      map[string]string `json:"needs"`
	HerView    string            `json:"her_view"`
	Comment    string            `json:"comment"`
	CreatedAt  *time.Time        `json:"created_at,omitempty"`
}

// SafetyPlanJSON is a safety plan in the API. Version is the version the
// plan replaces when saving (0 for the first), and its own when read.
type SafetyPlanJSON struct {
	Version        int        `json:"version"`
	CrisisPlan     string     `json:"crisis_plan"`
	ShortTerm      string     `json:"short_term"`
	LongTerm       string     `json:"long_term"`
	Contacts       string     `json:"contacts"`
	SafeChannels   []string   `json:"safe_channels"`
	UnsafeChannels []string   `json:"unsafe_channels"`
	CoProduced     bool       `json:"co_produced"`
	ReviewReason   string     `json:"review_reason"`
	CreatedAt      *time.Time `json:"created_at,omitempty"`
}

func (h *Handler) handleAssessments(w http.ResponseWriter, r *http.Request) error {
	as, err := h.cfg.Assessments.Assessments(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := struct {
		Risk  []RiskJSON  `json:"risk"`
		Needs []NeedsJSON `json:"needs"`
	}{Risk: []RiskJSON{}, Needs: []NeedsJSON{}}
	for _, a := range as.Risk {
		at := a.CreatedAt
		out.Risk = append(out.Risk, RiskJSON{a.ID, a.AssessedOn, a.Reason, nonNil(a.Factors), nonNil(a.SpecialNeeds), a.Level, a.HerView, a.Comment, a.ReassessOn, &at})
	}
	for _, a := range as.Needs {
		at := a.CreatedAt
		out.Needs = append(out.Needs, NeedsJSON{a.ID, a.AssessedOn, a.Needs, a.HerView, a.Comment, &at})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) handleAddRisk(w http.ResponseWriter, r *http.Request) error {
	var in RiskJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.ID != "" || in.CreatedAt != nil {
		return &fristad.Error{Code: fristad.EINVALID, Field: "id", Message: "id and created_at are set by the server"}
	}
	a := &fristad.RiskAssessment{AssessedOn: in.AssessedOn, Reason: in.Reason, Factors: in.Factors, SpecialNeeds: in.SpecialNeeds,
		Level: in.Level, HerView: in.HerView, Comment: in.Comment, ReassessOn: in.ReassessOn}
	prompts, err := h.cfg.Assessments.AddRiskAssessment(r.Context(), r.PathValue("id"), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": a.ID, "protective_actions": nonNil(prompts)})
	return nil
}

func (h *Handler) handleAddNeeds(w http.ResponseWriter, r *http.Request) error {
	var in NeedsJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.ID != "" || in.CreatedAt != nil {
		return &fristad.Error{Code: fristad.EINVALID, Field: "id", Message: "id and created_at are set by the server"}
	}
	a := &fristad.NeedsAssessment{AssessedOn: in.AssessedOn, Needs: in.Needs, HerView: in.HerView, Comment: in.Comment}
	if err := h.cfg.Assessments.AddNeedsAssessment(r.Context(), r.PathValue("id"), a); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": a.ID})
	return nil
}

func (h *Handler) handleSafetyPlan(w http.ResponseWriter, r *http.Request) error {
	p, err := h.cfg.Assessments.SafetyPlan(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if p == nil {
		return fristad.Errorf(fristad.ENOTFOUND, "the case has no safety plan yet")
	}
	at := p.CreatedAt
	w.Header().Set("ETag", `"`+itoa(p.Version)+`"`)
	writeJSON(w, http.StatusOK, SafetyPlanJSON{p.Version, p.CrisisPlan, p.ShortTerm, p.LongTerm, p.Contacts, nonNil(p.SafeChannels), nonNil(p.UnsafeChannels), p.CoProduced, p.ReviewReason, &at})
	return nil
}

// handleSaveSafetyPlan stores a new version. The body's version (or an
// If-Match header with the ETag read) names the version it replaces; a
// stale one is 409, never a silent overwrite.
func (h *Handler) handleSaveSafetyPlan(w http.ResponseWriter, r *http.Request) error {
	var in SafetyPlanJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	p := &fristad.SafetyPlan{CrisisPlan: in.CrisisPlan, ShortTerm: in.ShortTerm, LongTerm: in.LongTerm, Contacts: in.Contacts,
		SafeChannels: in.SafeChannels, UnsafeChannels: in.UnsafeChannels, CoProduced: in.CoProduced, ReviewReason: in.ReviewReason}
	version, err := ifMatch(r, in.Version)
	if err != nil {
		return err
	}
	if err := h.cfg.Assessments.SaveSafetyPlan(r.Context(), r.PathValue("id"), p, version); err != nil {
		return err
	}
	w.Header().Set("ETag", `"`+itoa(p.Version)+`"`)
	writeJSON(w, http.StatusCreated, map[string]int{"version": p.Version})
	return nil
}
