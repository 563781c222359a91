package fristad

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// NeedDomains are the domains of a needs assessment (AS-01).
var NeedDomains = []string{"safety", "housing", "health", "psychological", "legal", "financial",
	"language", "education", "employment", "family", "social_network"}

// NeedLevels grade a need, from none to urgent.
var NeedLevels = []string{"none", "some", "significant", "urgent"}

// RiskFactors are the threats a risk assessment asks about (AS-02).
var RiskFactors = []string{"threats_to_her", "threats_to_family", "threats_to_staff", "perpetrator_contact",
	"debt_bondage", "location_known", "retrafficking", "health_risks"}

// SpecialNeeds are the flags that change what support she is entitled to
// (AS-07).
var SpecialNeeds = []string{"pregnancy", "disability", "mental_disorder", "serious_violence", "child", "lgbtqi"}

// RiskLevels grade the risk, as the assessor judges it.
var RiskLevels = []string{"low", "medium", "high", "very_high"}

// AssessmentReasons are the occasions for a risk assessment: it is re-run
// at every decision point of the pathway (AS-05).
var AssessmentReasons = []string{"intake", "scheduled", "reflection_end", "court", "pre_departure", "move", "incident"}

// ProtectiveActions are what a risk rising to high should prompt (AS-03).
var ProtectiveActions = []string{"update_safety_plan", "protected_accommodation", "protected_personal_data",
	"police_protection", "relocation", "review_contact_channels"}

// Channels are ways of reaching her; a safety plan says which are safe
// and which must never be used (e.g. never by SMS).
var Channels = []string{"phone_call", "sms", "email", "messaging_app", "in_person", "via_shelter", "via_interpreter"}

// NeedsAssessment grades her needs across the domains, with her own
// view in her own words. The grades and words are sealed.
type NeedsAssessment struct {
	ID         string
	AssessedOn string            // YYYY-MM-DD
	Needs      map[string]string // domain → level
	Comment    string
	HerView    string
	AssessedBy string
	CreatedAt  time.Time
}

// RiskAssessment judges the risk and threats against her (AS-02): the
// factors found, special needs, the level, her own view, and when to
// assess again. The level and the date stay in clear, for lists and
// deadlines; the rest is sealed.
type RiskAssessment struct {
	ID           string
	AssessedOn   string
	Reason       string
	Factors      []string
	SpecialNeeds []string
	Level        string
	HerView      string
	Comment      string
	ReassessOn   string
	AssessedBy   string
	CreatedAt    time.Time
}

// SafetyPlan is made with her (AS-04): what to do in a crisis, the plan
// for now and later, whom to call, and how — and how never — to reach
// her. Each save is a new version; the text is sealed.
type SafetyPlan struct {
	Version        int
	CrisisPlan     string
	ShortTerm      string
	LongTerm       string
	Contacts       string
	SafeChannels   []string
	UnsafeChannels []string
	CoProduced     bool   // made together with her
	ReviewReason   string // an AssessmentReason: what made it change
	UpdatedBy      string
	CreatedAt      time.Time
}

// CaseAssessments is a case's assessments, newest first.
type CaseAssessments struct {
	Needs []*NeedsAssessment
	Risk  []*RiskAssessment
}

// MaxAssessmentText limits each free-text field of an assessment or plan.
const MaxAssessmentText = 10000

func checkText(field, key string, s *string, max int) error {
	*s = strings.TrimSpace(NormalizeNewlines(*s))
	if utf8.RuneCountInString(*s) > max || !IsCleanProse(*s) {
		return invalid(field, key, field+" is too long or holds control characters")
	}
	return nil
}

func checkDate(field, key string, s string, required bool) error {
	if s == "" && !required {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return invalid(field, key, field+" must be a date, YYYY-MM-DD")
	}
	return nil
}

func checkCodes(field, key string, codes []string, list []string) ([]string, error) {
	var out []string
	for _, c := range codes {
		if !slices.Contains(list, c) {
			return nil, invalid(field, key, "unknown code in "+field)
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Validate checks a needs assessment.
func (a *NeedsAssessment) Validate() error {
	if err := checkDate("assessed_on", "assessment.date.invalid", a.AssessedOn, true); err != nil {
		return err
	}
	for d, l := range a.Needs {
		if !slices.Contains(NeedDomains, d) || !slices.Contains(NeedLevels, l) {
			return invalid("needs", "assessment.needs.invalid", "unknown domain or level")
		}
	}
	if err := checkText("comment", "assessment.text.invalid", &a.Comment, MaxAssessmentText); err != nil {
		return err
	}
	return checkText("her_view", "assessment.text.invalid", &a.HerView, MaxAssessmentText)
}

// Validate checks a risk assessment.
func (a *RiskAssessment) Validate() error {
	if err := checkDate("assessed_on", "assessment.date.invalid", a.AssessedOn, true); err != nil {
		return err
	}
	var err error
	switch {
	case !slices.Contains(RiskLevels, a.Level):
		return invalid("level", "assessment.level.required", "choose a risk level")
	case !slices.Contains(AssessmentReasons, a.Reason):
		return invalid("reason", "assessment.reason.invalid", "unknown reason for the assessment")
	case checkDate("reassess_on", "assessment.date.invalid", a.ReassessOn, true) != nil:
		return invalid("reassess_on", "assessment.reassess.required", "set when to assess again")
	case a.ReassessOn < a.AssessedOn:
		return invalid("reassess_on", "assessment.reassess.before", "the next assessment must come after this one")
	}
	if a.Factors, err = checkCodes("factors", "assessment.factors.invalid", a.Factors, RiskFactors); err != nil {
		return err
	}
	if a.SpecialNeeds, err = checkCodes("special_needs", "assessment.factors.invalid", a.SpecialNeeds, SpecialNeeds); err != nil {
		return err
	}
	if err := checkText("comment", "assessment.text.invalid", &a.Comment, MaxAssessmentText); err != nil {
		return err
	}
	return checkText("her_view", "assessment.text.invalid", &a.HerView, MaxAssessmentText)
}

// Validate checks a safety plan.
func (p *SafetyPlan) Validate() error {
	for _, f := range []struct {
		name string
		v    *string
	}{{"crisis_plan", &p.CrisisPlan}, {"short_term", &p.ShortTerm}, {"long_term", &p.LongTerm}, {"contacts", &p.Contacts}} {
		if err := checkText(f.name, "assessment.text.invalid", f.v, MaxAssessmentText); err != nil {
			return err
		}
	}
	if p.CrisisPlan == "" {
		return invalid("crisis_plan", "safety.crisis.required", "a safety plan needs a crisis plan")
	}
	var err error
	if p.SafeChannels, err = checkCodes("safe_channels", "safety.channels.invalid", p.SafeChannels, Channels); err != nil {
		return err
	}
	if p.UnsafeChannels, err = checkCodes("unsafe_channels", "safety.channels.invalid", p.UnsafeChannels, Channels); err != nil {
		return err
	}
	for _, c := range p.SafeChannels {
		if slices.Contains(p.UnsafeChannels, c) {
			return invalid("unsafe_channels", "safety.channels.both", "a way of reaching her cannot be both safe and unsafe")
		}
	}
	if p.ReviewReason == "" {
		p.ReviewReason = "scheduled"
	}
	if !slices.Contains(AssessmentReasons, p.ReviewReason) {
		return invalid("review_reason", "assessment.reason.invalid", "unknown reason")
	}
	return nil
}

// RiskRank orders risk levels; an unknown level ranks lowest.
func RiskRank(level string) int { return slices.Index(RiskLevels, level) }

// AssessmentService records assessments and safety plans. It answers with
// the case's policy: the case team reads, case workers write.
type AssessmentService interface {
	// AddNeedsAssessment records a needs assessment on a case.
	AddNeedsAssessment(ctx context.Context, caseID string, a *NeedsAssessment) error
	// AddRiskAssessment records a risk assessment and returns the
	// protective actions to consider when the risk rose to high or above
	// (AS-03).
	AddRiskAssessment(ctx context.Context, caseID string, a *RiskAssessment) (prompts []string, err error)
	// Assessments returns a case's assessments, newest first.
	Assessments(ctx context.Context, caseID string) (*CaseAssessments, error)
	// SafetyPlan returns a case's current safety plan, or nil if there
	// is none yet.
	SafetyPlan(ctx context.Context, caseID string) (*SafetyPlan, error)
	// SaveSafetyPlan stores a new version of the safety plan. version is
	// the version the editor started from (0 for a first plan); if
	// someone saved another in between, it is ECONFLICT and nothing is
	// overwritten.
	SaveSafetyPlan(ctx context.Context, caseID string, p *SafetyPlan, version int) error
}
