package fristad

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Target groups of a support programme.
var TargetGroups = []string{"adults", "children", "returning"}

// AssistanceInterventions are the assistance every presumed victim is
// owed (SP-02: CETS Art. 12(1), Directive 2011/36 Art. 11(5)), with legal
// help (SP-09) and support to accompanying children (SP-11).
var AssistanceInterventions = []string{"accommodation", "subsistence", "medical", "psychological", "interpreting",
	"rights_counselling", "legal_help", "child_education", "family_support"}

// OwnStrengthInterventions are the forward-looking interventions that
// lead to education and work (SP-03).
var OwnStrengthInterventions = []string{"swedish_tuition", "education", "validation", "vocational_training",
	"job_coaching", "internship", "employment", "debt_counselling", "housing_transition"}

// InterventionTypes lists every intervention type, assistance first.
var InterventionTypes = slices.Concat(AssistanceInterventions, OwnStrengthInterventions)

// interventionDomains maps an intervention type to the needs domain it
// answers (AS-01), so a plan can be read against the needs assessment.
var interventionDomains = map[string]string{
	"accommodation": "housing", "subsistence": "financial", "medical": "health", "psychological": "psychological",
	"interpreting": "language", "rights_counselling": "legal", "legal_help": "legal", "child_education": "education",
	"family_support": "family", "swedish_tuition": "language", "education": "education", "validation": "education",
	"vocational_training": "employment", "job_coaching": "employment", "internship": "employment", "employment": "employment",
	"debt_counselling": "financial", "housing_transition": "housing",
}

// InterventionDomain returns the needs domain an intervention type
// answers, or "".
func InterventionDomain(typ string) string { return interventionDomains[typ] }

// FundingSources are who pays for an intervention (SP-05): the
// programme reimburses only what society does not already pay for.
var FundingSources = []string{"municipality", "region", "migration_agency", "programme", "iom", "other"}

// PhaseCodes name the phases a programme may have (SP-04).
var PhaseCodes = []string{"initial_rest", "rehabilitation", "move_on", "return_preparation", "follow_up"}

// PhaseOneOff is the phase of a one-off intervention (punktinsats),
// which may be given at any point from identification to integration.
const PhaseOneOff = "one_off"

// Programme version statuses. A published version never changes; a new
// version is a new draft.
const (
	ProgrammeDraft     = "draft"
	ProgrammePublished = "published"
)

// Phase is one phase of a programme: its longest period, and how many
// times it may be renewed for as long again.
type Phase struct {
	Code     string
	MaxDays  int
	Renewals int
}

// Eligibility are a programme version's rules for who may be enrolled.
// They are few and plain, so a case worker can explain them to her.
type Eligibility struct {
	// MinStatus is how far identification must have come (ID-02); ""
	// asks nothing. It may not ask for injured party: support must not
	// depend on cooperating with an investigation (SP-07).
	MinStatus string
	// Pathways, if set, are the pathways the programme serves.
	Pathways []string
}

// ProgrammeVersion is one version of a support programme's rule set
// (SP-15): what it is called and for whom, its phases, what it funds
// and from where, who is eligible, its budget and when it applies.
// Plans refer to the version they were made under, so publishing a new
// version never changes them.
type ProgrammeVersion struct {
	ID          string
	ProgrammeID string // the same for every version of a programme
	Version     int
	Status      string
	Name        map[string]string // by language: "sv", "en"
	Description map[string]string
	TargetGroup string
	Phases      []Phase
	Types       []string // the intervention types it funds
	Funding     []string // the funding sources it uses
	Eligibility Eligibility
	Budget      int64  // whole kronor
	ValidFrom   string // YYYY-MM-DD
	ValidTo     string // YYYY-MM-DD, or "" for open-ended
	// Public shows the version on the public portal once it is published
	// and applies (IN-01): what it offers, for whom, at no cost.
	Public      bool
	CreatedBy   string
	CreatedAt   time.Time
	PublishedAt *time.Time
}

// Limits on a programme's text.
const (
	MaxProgrammeDescription = 4000
	MaxPhases               = 8
)

// ProgrammeLanguages are the languages a programme's name and
// description must be given in.
var ProgrammeLanguages = []string{"sv", "en"}

// Validate checks a programme version and normalises it in place.
func (v *ProgrammeVersion) Validate() error {
	for _, lang := range ProgrammeLanguages {
		name, desc := strings.TrimSpace(v.Name[lang]), strings.TrimSpace(v.Description[lang])
		if name == "" || utf8.RuneCountInString(name) > MaxShortText || !IsCleanText(name) || strings.Contains(name, "\n") {
			return invalid("name_"+lang, "programme.name.invalid", "give the programme a name in every language, on one line")
		}
		if utf8.RuneCountInString(desc) > MaxProgrammeDescription || !IsCleanProse(desc) {
			return invalid("description_"+lang, "programme.description.invalid", "the description is too long or holds control characters")
		}
		v.Name[lang], v.Description[lang] = name, desc
	}
	if !slices.Contains(TargetGroups, v.TargetGroup) {
		return invalid("target_group", "programme.target.invalid", "choose a target group")
	}
	if len(v.Phases) == 0 || len(v.Phases) > MaxPhases {
		return invalid("phases", "programme.phases.required", "a programme needs between one and eight phases")
	}
	var seen []string
	for _, p := range v.Phases {
		switch {
		case !slices.Contains(PhaseCodes, p.Code) || slices.Contains(seen, p.Code):
			return invalid("phases", "programme.phase.invalid", "unknown or repeated phase")
		case p.MaxDays < 1 || p.MaxDays > 3650 || p.Renewals < 0 || p.Renewals > 12:
			return invalid("phases", "programme.phase.limits", "a phase lasts 1 to 3650 days and is renewed at most 12 times")
		}
		seen = append(seen, p.Code)
	}
	var err error
	if v.Types, err = checkCodes("types", "programme.types.invalid", v.Types, InterventionTypes); err != nil {
		return err
	}
	if len(v.Types) == 0 {
		return invalid("types", "programme.types.required", "choose the interventions the programme funds")
	}
	if v.Funding, err = checkCodes("funding", "programme.funding.invalid", v.Funding, FundingSources); err != nil {
		return err
	}
	if len(v.Funding) == 0 {
		return invalid("funding", "programme.funding.required", "choose the funding sources")
	}
	switch e := &v.Eligibility; {
	case e.MinStatus == StatusInjuredParty:
		return invalid("min_status", "programme.eligibility.cooperation", "support may not depend on cooperating with an investigation (SP-07)")
	case e.MinStatus != "" && (!slices.Contains(Statuses, e.MinStatus) || e.MinStatus == StatusClosed):
		return invalid("min_status", "programme.eligibility.invalid", "unknown identification status")
	}
	if v.Eligibility.Pathways, err = checkCodes("pathways", "programme.eligibility.invalid", v.Eligibility.Pathways, Pathways); err != nil {
		return err
	}
	if v.Budget < 0 || v.Budget > 1e12 {
		return invalid("budget", "programme.budget.invalid", "the budget is a whole number of kronor, not negative")
	}
	if err := checkDate("valid_from", "programme.valid.invalid", v.ValidFrom, true); err != nil {
		return err
	}
	if err := checkDate("valid_to", "programme.valid.invalid", v.ValidTo, false); err != nil {
		return err
	}
	if v.ValidTo != "" && v.ValidTo < v.ValidFrom {
		return invalid("valid_to", "programme.valid.order", "the programme must end after it starts")
	}
	return nil
}

// Phase returns the version's phase with code, or false.
func (v *ProgrammeVersion) Phase(code string) (Phase, bool) {
	for _, p := range v.Phases {
		if p.Code == code {
			return p, true
		}
	}
	return Phase{}, false
}

// NextPhase returns the phase after code, or false at the last one.
func (v *ProgrammeVersion) NextPhase(code string) (Phase, bool) {
	for i, p := range v.Phases {
		if p.Code == code && i+1 < len(v.Phases) {
			return v.Phases[i+1], true
		}
	}
	return Phase{}, false
}

// ValidOn reports whether the version applies on day (YYYY-MM-DD).
func (v *ProgrammeVersion) ValidOn(day string) bool {
	return day >= v.ValidFrom && (v.ValidTo == "" || day <= v.ValidTo)
}

// Reason is one line of an explanation, as a catalog key with arguments,
// and whether it speaks for or against.
type Reason struct {
	Key  string
	Args map[string]any
	OK   bool
}

// EligibilityResult says whether a person may be enrolled, and why, in
// words (one reason per rule).
type EligibilityResult struct {
	Eligible bool
	Reasons  []Reason
}

// statusRank orders identification statuses; closed ranks nowhere.
func statusRank(s string) int {
	switch s {
	case StatusIndication:
		return 1
	case StatusReasonableGrounds:
		return 2
	case StatusInjuredParty:
		return 3
	}
	return 0
}

func pick(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

// CheckEligibility judges case c against the version's rules on day. It
// reads the age presumption (CH-01): a possible child counts as a child.
func (v *ProgrammeVersion) CheckEligibility(c *Case, day string) *EligibilityResult {
	res := &EligibilityResult{Eligible: true}
	add := func(ok bool, yes, no string, args map[string]any) {
		res.Reasons = append(res.Reasons, Reason{Key: pick(ok, yes, no), Args: args, OK: ok})
		res.Eligible = res.Eligible && ok
	}
	add(v.Status == ProgrammePublished, "eligibility.published", "eligibility.draft", nil)
	add(v.ValidOn(day), "eligibility.valid", "eligibility.expired",
		map[string]any{"From": v.ValidFrom, "To": v.ValidTo})
	child := c.Person != nil && c.Person.PresumedChild
	switch v.TargetGroup {
	case "adults":
		add(!child, "eligibility.adult", "eligibility.child.not", nil)
	case "children":
		add(child, "eligibility.child", "eligibility.adult.not", nil)
	case "returning":
		ok := c.Pathway == "return"
		add(ok, "eligibility.returning", "eligibility.returning.not", nil)
	}
	if m := v.Eligibility.MinStatus; m != "" {
		ok := statusRank(c.Status) >= statusRank(m)
		add(ok, "eligibility.status", "eligibility.status.not", map[string]any{"Status": m, "Current": c.Status})
	} else {
		add(true, "eligibility.status.any", "", nil)
	}
	if ps := v.Eligibility.Pathways; len(ps) > 0 {
		ok := slices.Contains(ps, c.Pathway)
		add(ok, "eligibility.pathway", "eligibility.pathway.not", map[string]any{"Pathway": c.Pathway})
	}
	return res
}

// Certification statuses of a provider (SP-06). Only a certified
// provider may be paid by the programme.
var CertificationStatuses = []string{"certified", "pending", "not_certified", "revoked"}

// Provider is an organisation as a provider of interventions (SP-06):
// its certification, what it offers, in which languages, for whom and
// where, and how people reach it. Nothing here is personal data.
type Provider struct {
	OrganisationID string
	Name           string // the organisation's, on read
	Certification  string
	CertifiedUntil string // YYYY-MM-DD
	Services       []string
	Languages      []string // BCP 47
	Regions        []string
	Places         int
	TakesChildren  bool
	TakesMen       bool
	TakesWomen     bool
	Accessible     bool
	Contact        string // how the people it helps reach it: a public phone number or address of its office
	// Listed puts the provider in the public service directory (IN-01),
	// on the days its certification holds. Only PublicDescription,
	// PublicPhone and the codes above are published; Contact never is.
	Listed            bool
	PublicDescription string // plain text, at most MaxPublicDescription characters
	PublicPhone       string // a number the public may call, as written
	UpdatedAt         time.Time
}

// MaxProviderContact limits a provider's contact text.
const MaxProviderContact = 500

// Limits of what a provider publishes in the directory.
const (
	MaxPublicDescription = 300
	MaxPublicPhone       = 30
)

// Validate checks a provider and normalises it in place.
func (p *Provider) Validate() error {
	if !slices.Contains(CertificationStatuses, p.Certification) {
		return invalid("certification", "provider.certification.invalid", "choose a certification status")
	}
	if err := checkDate("certified_until", "provider.until.invalid", p.CertifiedUntil, p.Certification == "certified"); err != nil {
		return err
	}
	var err error
	if p.Services, err = checkCodes("services", "provider.services.invalid", p.Services, InterventionTypes); err != nil {
		return err
	}
	if p.Languages, err = codes(p.Languages, "languages", 12, false); err != nil {
		return err
	}
	var regions []string
	for _, r := range p.Regions {
		r = strings.TrimSpace(r)
		if r == "" || slices.Contains(regions, r) {
			continue
		}
		if utf8.RuneCountInString(r) > MaxRegion || !IsCleanText(r) {
			return invalid("regions", "provider.regions.invalid", "a region is too long or holds control characters")
		}
		regions = append(regions, r)
	}
	p.Regions = regions
	if p.Places < 0 || p.Places > 100000 {
		return invalid("places", "provider.places.invalid", "the number of places cannot be negative")
	}
	if err := checkText("contact", "provider.contact.invalid", &p.Contact, MaxProviderContact); err != nil {
		return err
	}
	if err := checkText("public_description", "provider.description.invalid", &p.PublicDescription, MaxPublicDescription); err != nil {
		return err
	}
	p.PublicDescription = strings.Join(strings.Fields(p.PublicDescription), " ") // one paragraph of plain text
	p.PublicPhone = strings.Join(strings.Fields(p.PublicPhone), " ")
	if !validPhone(p.PublicPhone) {
		return invalid("public_phone", "provider.phone.invalid", "a phone number holds digits, spaces, +, - and parentheses")
	}
	return nil
}

// validPhone reports whether s is empty or looks like a phone number as
// people write them: "020-50 50 50", "+46 10 000 00 01".
func validPhone(s string) bool {
	if len(s) > MaxPublicPhone {
		return false
	}
	digits := 0
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '+' && i == 0, c == ' ', c == '-', c == '(', c == ')':
		default:
			return false
		}
	}
	return s == "" || digits >= 3
}

// CertifiedOn reports whether the provider's certification holds on day
// (YYYY-MM-DD). Wherever a provider is chosen, one that is not is
// flagged.
func (p *Provider) CertifiedOn(day string) bool {
	return p.Certification == "certified" && p.CertifiedUntil >= day
}

// BudgetLine is money on one row of a budget report, in whole kronor:
// spent is what interventions have cost so far, committed what planned
// and started ones will cost beyond that.
type BudgetLine struct {
	Key       string // a programme version id, a provider's organisation id or a funding source
	Label     string
	Names     map[string]string // a programme version's name by language
	Budget    int64             // for a programme version
	Committed int64
	Spent     int64
}

// Left is what remains of the budget after what is spent and committed.
func (l BudgetLine) Left() int64 { return l.Budget - l.Committed - l.Spent }

// BudgetReport is money committed and spent per programme version, per
// provider and per funding source.
type BudgetReport struct {
	Programmes []BudgetLine
	Providers  []BudgetLine
	Funding    []BudgetLine
}

// ProgrammeFilter selects programme versions.
type ProgrammeFilter struct {
	ProgrammeID *string
	Published   bool // only published versions
}

// Actions on programmes.
const (
	// ActionProgrammeRead is reading programmes and the provider
	// registry: everyone who builds or delivers plans.
	ActionProgrammeRead Action = "programme.read"
	// ActionProgrammeManage is designing programmes, keeping the
	// provider registry and following the budget: the coordinator.
	ActionProgrammeManage Action = "programme.manage"
)

// ProgrammeService keeps support programmes, the provider registry and
// the budget. Coordinators change them; everyone who works with plans
// reads them. Every change is audited.
type ProgrammeService interface {
	// FindProgrammeVersions returns the versions matching filter, by
	// programme and version.
	FindProgrammeVersions(ctx context.Context, filter ProgrammeFilter) ([]*ProgrammeVersion, error)
	// FindProgrammeVersionByID returns one version, or ENOTFOUND.
	FindProgrammeVersionByID(ctx context.Context, id string) (*ProgrammeVersion, error)
	// CreateProgrammeVersion stores v as a draft: the first version of a
	// new programme when v.ProgrammeID is empty, else the next version
	// of that programme.
	CreateProgrammeVersion(ctx context.Context, v *ProgrammeVersion) error
	// UpdateProgrammeVersion changes a draft; a published version is
	// ECONFLICT.
	UpdateProgrammeVersion(ctx context.Context, v *ProgrammeVersion) error
	// PublishProgrammeVersion publishes a draft. Plans made under other
	// versions keep them.
	PublishProgrammeVersion(ctx context.Context, id string) error
	// FindProviders returns the provider registry, by name.
	FindProviders(ctx context.Context) ([]*Provider, error)
	// SaveProvider records or changes an organisation's provider entry.
	SaveProvider(ctx context.Context, p *Provider) error
	// Budget returns money committed and spent.
	Budget(ctx context.Context) (*BudgetReport, error)
}
