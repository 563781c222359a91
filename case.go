package fristad

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Identification statuses (ID-02): identification is a history, not a
// yes or no.
const (
	StatusIndication        = "indication"         // signs of trafficking
	StatusReasonableGrounds = "reasonable_grounds" // skälig anledning
	StatusInjuredParty      = "injured_party"      // målsägande in a preliminary investigation
	StatusClosed            = "closed"
)

// Statuses lists the identification statuses in order.
var Statuses = []string{StatusIndication, StatusReasonableGrounds, StatusInjuredParty, StatusClosed}

// Steps of the national referral model (MA-01).
var Steps = []string{"identification", "acute_protection", "initial_support", "long_term_support", "criminal_proceedings", "safe_return"}

// Pathways.
var Pathways = []string{"undecided", "stay", "return"}

// ExploitationTypes is the code list of forms of exploitation, with the
// names of the Human Trafficking Case Data Standard (ID-05). It can grow.
var ExploitationTypes = []string{
	"sexual_exploitation", "forced_labour", "forced_begging", "forced_criminality",
	"forced_marriage", "domestic_servitude", "organ_removal", "other",
}

// Protected-identity levels (DP-05), mirroring the Swedish ones.
const (
	ProtectionNone         = "none"
	ProtectionMarking      = "confidentiality_marking" // sekretessmarkering
	ProtectionRegistration = "protected_registration"  // skyddad folkbokföring
	ProtectionFictitious   = "fictitious_identity"     // fingerade personuppgifter
)

// ProtectionLevels lists the protected-identity levels.
var ProtectionLevels = []string{ProtectionNone, ProtectionMarking, ProtectionRegistration, ProtectionFictitious}

// Age bands kept in clear for statistics; the birth date itself is sealed.
var AgeBands = []string{"unknown", "0-14", "15-17", "18-24", "25-34", "35-49", "50+"}

// Sexes.
var Sexes = []string{"unknown", "female", "male", "other"}

// Person is someone who may have been trafficked: the data subject of a
// case. Name, alias, identity number and birth date are sealed under the
// person's own data key; the codes used for statistics stay in clear.
// Reference is pseudonymous and is what lists show (DP-09, DP-13).
type Person struct {
	ID        string
	Reference string

	// Sealed. Empty after reading when hidden by protected identity.
	Alias          string
	Name           string
	IdentityNumber string
	BirthDate      string // YYYY-MM-DD

	AgeBand           string
	PresumedChild     bool // age presumption: treated as a child (CH-01)
	Sex               string
	Citizenships      []string // ISO 3166-1 alpha-2
	Languages         []string // BCP 47
	InterpreterNeeded bool
	Protection        string // a protected-identity level

	// Hidden is set on read when the identity fields are withheld by
	// protected identity until revealed with a fresh second factor.
	Hidden bool
}

// Case is the work with one person: who leads it, who else is on the
// team, how far identification has come, where she is in the referral
// model and which way she is heading.
type Case struct {
	ID                string
	Reference         string
	Person            *Person
	LeadOrganisation  string
	Status            string
	Step              string
	Pathway           string
	ExploitationTypes []string
	RiskLevel         string // the latest risk assessment's level, or ""
	Version           int
	CreatedAt         time.Time
	UpdatedAt         time.Time

	History []*StatusEvent // newest first, on read of one case
	Team    []TeamMember   // on read of one case
	Links   []CaseLink     // on read of one case: those the actor may read
	// Access is how the actor reaches the case: "lead", "member" or
	// "break-glass" (until BreakGlassUntil).
	Access          string
	BreakGlassUntil *time.Time
}

// Reach is what the policy knows about how the actor reaches the case as
// read: their organisation's place on the team, or break-glass.
func (c *Case) Reach() CaseAccess {
	access := CaseAccess{TeamLevel: c.Access, BreakGlass: c.BreakGlassUntil != nil}
	if c.Access == "break-glass" {
		access.TeamLevel = ""
	}
	return access
}

// CaseUpdate changes where a case stands: its step in the referral model,
// its pathway and the forms of exploitation. A nil field stays as it is.
// Version is the version of the case the change was made from: if the
// case has changed since, the update is ECONFLICT and changes nothing.
type CaseUpdate struct {
	Step              *string
	Pathway           *string
	ExploitationTypes *[]string
	Version           int
}

// Validate checks an update and normalises it in place.
func (u *CaseUpdate) Validate() error {
	switch {
	case u.Step != nil && !slices.Contains(Steps, *u.Step):
		return invalid("step", "case.step.invalid", "unknown step")
	case u.Pathway != nil && !slices.Contains(Pathways, *u.Pathway):
		return invalid("pathway", "case.pathway.invalid", "unknown pathway")
	case u.Version < 1:
		return invalid("version", "case.version.invalid", "name the version of the case the change is made from")
	}
	if u.ExploitationTypes != nil {
		c := &Case{ExploitationTypes: *u.ExploitationTypes}
		types, err := c.exploitation()
		if err != nil {
			return err
		}
		u.ExploitationTypes = &types
	}
	return nil
}

// exploitation returns the case's forms of exploitation, checked against
// the code list, sorted and without repeats.
func (c *Case) exploitation() ([]string, error) {
	var types []string
	for _, t := range c.ExploitationTypes {
		if !slices.Contains(ExploitationTypes, t) {
			return nil, invalid("exploitation", "case.exploitation.invalid", "unknown form of exploitation")
		}
		if !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	slices.Sort(types)
	return types, nil
}

// Relations of a linked person to the person of a case (ID-11): her
// child, or another dependant who came with her.
var Relations = []string{"child", "dependant"}

// CaseLink links the case of an accompanying child or other dependant to
// the case of the person they came with. Seen from the dependant's case,
// Inverse is true: the link leads to the person they depend on.
type CaseLink struct {
	CaseID    string
	Reference string
	Alias     string // "" when the linked person's identity is protected
	Relation  string
	Inverse   bool
}

// TeamMember is an organisation on a case team.
type TeamMember struct {
	OrganisationID string
	Level          string // "lead" or "member"
}

// StatusEvent is one step of a case's identification history (ID-02).
type StatusEvent struct {
	Status      string
	DecidedOn   string // YYYY-MM-DD
	DecidingOrg string // an organisation id
	Basis       string // sealed: why, in a few words
	RecordedBy  string
	RecordedAt  time.Time
}

// Limits on free text in a case.
const (
	MaxShortText = 200
	MaxBasis     = 2000
)

// Validate checks a person and normalises the fields in place.
func (p *Person) Validate() error {
	for _, f := range []struct {
		field, key string
		v          *string
		max        int
	}{
		{"alias", "person.alias.invalid", &p.Alias, MaxShortText},
		{"name", "person.name.invalid", &p.Name, MaxShortText},
		{"identity_number", "person.identity.invalid", &p.IdentityNumber, 20},
	} {
		*f.v = strings.TrimSpace(*f.v)
		if utf8.RuneCountInString(*f.v) > f.max || !IsCleanText(*f.v) || strings.Contains(*f.v, "\n") {
			return invalid(f.field, f.key, f.field+" is too long or holds control characters")
		}
	}
	if p.Alias == "" && p.Name == "" {
		return invalid("alias", "person.alias.required", "give an alias or a name: identity may be unknown, but the person needs a handle")
	}
	p.BirthDate = strings.TrimSpace(p.BirthDate)
	if p.BirthDate != "" {
		d, err := time.Parse(time.DateOnly, p.BirthDate)
		if err != nil || d.After(time.Now()) || d.Year() < 1900 {
			return invalid("birth_date", "person.birthdate.invalid", "the birth date must be a past date, YYYY-MM-DD")
		}
	}
	if p.AgeBand == "" {
		p.AgeBand = "unknown"
	}
	if p.Sex == "" {
		p.Sex = "unknown"
	}
	if p.Protection == "" {
		p.Protection = ProtectionNone
	}
	switch {
	case !slices.Contains(AgeBands, p.AgeBand):
		return invalid("age_band", "person.ageband.invalid", "unknown age band")
	case !slices.Contains(Sexes, p.Sex):
		return invalid("sex", "person.sex.invalid", "unknown sex code")
	case !slices.Contains(ProtectionLevels, p.Protection):
		return invalid("protection", "person.protection.invalid", "unknown protected-identity level")
	}
	// Age presumption (CH-01, ID-08): a possible child is a child.
	if p.AgeBand == "0-14" || p.AgeBand == "15-17" {
		p.PresumedChild = true
	}
	var err error
	if p.Citizenships, err = codes(p.Citizenships, "citizenships", 2, true); err != nil {
		return err
	}
	if p.Languages, err = codes(p.Languages, "languages", 12, false); err != nil {
		return err
	}
	return nil
}

// codes normalises a list of short codes.
func codes(in []string, field string, maxLen int, upper bool) ([]string, error) {
	var out []string
	for _, c := range in {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if upper {
			c = strings.ToUpper(c)
		}
		if len(c) > maxLen || strings.ContainsFunc(c, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-')
		}) {
			return nil, invalid(field, "person.codes.invalid", "a code in "+field+" is not valid")
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Validate checks a new case and normalises it in place.
func (c *Case) Validate() error {
	if c.Person == nil {
		return invalid("person", "case.person.required", "a case needs a person")
	}
	if err := c.Person.Validate(); err != nil {
		return err
	}
	if c.Status == "" {
		c.Status = StatusIndication
	}
	if c.Step == "" {
		c.Step = Steps[0]
	}
	if c.Pathway == "" {
		c.Pathway = Pathways[0]
	}
	switch {
	case !slices.Contains(Statuses, c.Status):
		return invalid("status", "case.status.invalid", "unknown status")
	case !slices.Contains(Steps, c.Step):
		return invalid("step", "case.step.invalid", "unknown step")
	case !slices.Contains(Pathways, c.Pathway):
		return invalid("pathway", "case.pathway.invalid", "unknown pathway")
	}
	types, err := c.exploitation()
	if err != nil {
		return err
	}
	c.ExploitationTypes = types
	return nil
}

// Validate checks a status event.
func (e *StatusEvent) Validate() error {
	e.Basis = strings.TrimSpace(NormalizeNewlines(e.Basis))
	if !slices.Contains(Statuses, e.Status) {
		return invalid("status", "case.status.invalid", "unknown status")
	}
	if _, err := time.Parse(time.DateOnly, e.DecidedOn); err != nil {
		return invalid("decided_on", "case.decided.invalid", "the date must be YYYY-MM-DD")
	}
	if utf8.RuneCountInString(e.Basis) > MaxBasis || !IsCleanText(e.Basis) {
		return invalid("basis", "case.basis.invalid", "the basis is too long or holds control characters")
	}
	return nil
}

// CaseFilter selects cases among those the actor may see.
type CaseFilter struct {
	Status    *string
	Step      *string
	Pathway   *string
	RiskLevel *string
	// LeadOrganisation keeps the cases an organisation leads.
	LeadOrganisation *string
	// Deadline keeps the cases with an open task for the actor's
	// organisation that is overdue ("overdue") or due within a week
	// ("week", overdue ones included).
	Deadline *string
	// Reference keeps the cases whose reference, or whose person's, starts
	// with it — the only free text a list searches: everything else said
	// about her is sealed.
	Reference string
	Limit     int // at most 200
	Offset    int
}

// Deadlines are the deadline filters of the case list.
var Deadlines = []string{"overdue", "week"}

// Validate checks a filter and normalises it in place.
func (f *CaseFilter) Validate() error {
	for _, c := range []struct {
		field string
		v     *string
		list  []string
	}{{"status", f.Status, Statuses}, {"step", f.Step, Steps}, {"pathway", f.Pathway, Pathways}, {"risk_level", f.RiskLevel, RiskLevels}, {"deadline", f.Deadline, Deadlines}} {
		if c.v != nil && !slices.Contains(c.list, *c.v) {
			return invalid(c.field, "cases.filter.invalid", "unknown code in "+c.field)
		}
	}
	f.Reference = strings.ToUpper(strings.TrimSpace(f.Reference))
	if len(f.Reference) > 20 || strings.ContainsFunc(f.Reference, func(r rune) bool { return !(r == '-' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') }) {
		return invalid("reference", "cases.reference.invalid", "a reference holds letters, digits and a dash")
	}
	return nil
}

// DuplicateCheck is what a search for an existing person found (ID-10):
// cases the actor may open, and whether the person may be known to an
// organisation the actor cannot see — which is said, but not where.
type DuplicateCheck struct {
	Cases          []*Case
	KnownElsewhere bool
}

// Case actions.
const (
	ActionCaseCreate     Action = "case.create"
	ActionCaseRead       Action = "case.read"
	ActionCaseUpdate     Action = "case.update"
	ActionCaseBreakGlass Action = "case.break_glass"
)

// BreakGlassTTL is how long break-glass access to a case lasts.
const BreakGlassTTL = time.Hour

// CaseAccess is what the policy knows about the actor and one case: how
// their organisation stands on the team, and whether they have opened it
// by break-glass.
type CaseAccess struct {
	TeamLevel  string // "lead", "member" or ""
	BreakGlass bool
}

// Notification tells an organisation something it must know about a case
// it leads, such as a break-glass by someone outside the team.
type Notification struct {
	Kind          string // "break_glass"
	CaseID        string
	CaseReference string
	ActorID       string
	CreatedAt     time.Time
}

// CaseService manages persons and cases. Every read and write goes
// through the policy and is audited; a case the actor may not see is
// ENOTFOUND, exactly like one that does not exist (SR-21).
type CaseService interface {
	// CreateCase records a new person and their case, led by the actor's
	// organisation.
	CreateCase(ctx context.Context, c *Case) error
	// FindCaseByID returns a case the actor may see, with its person,
	// team and history.
	FindCaseByID(ctx context.Context, id string) (*Case, error)
	// FindCases returns the cases the actor may see, newest first.
	FindCases(ctx context.Context, filter CaseFilter) ([]*Case, error)
	// AddStatus records a step of the identification history.
	AddStatus(ctx context.Context, caseID string, e *StatusEvent) error
	// UpdateCase changes a case's step, pathway or forms of
	// exploitation, from the version the change was made from: a stale
	// version is ECONFLICT, unless the update changes nothing. A new
	// pathway asks for a new risk assessment (AS-05).
	UpdateCase(ctx context.Context, caseID string, u *CaseUpdate) error
	// AddDependant records an accompanying child or other dependant as a
	// case of their own, led by the actor's organisation, and links it to
	// the case of the person they came with (ID-11). A child gets the
	// tasks of any presumed child (CH-04).
	AddDependant(ctx context.Context, caseID, relation string, dependant *Case) error
	// RevealPerson returns the person of a case with protected identity
	// shown, after a fresh second factor; the reveal is audited (DP-08).
	RevealPerson(ctx context.Context, caseID string) (*Person, error)
	// FindDuplicates looks for a person already known by identity number,
	// or by name and birth date, before a new one is created.
	FindDuplicates(ctx context.Context, p *Person) (*DuplicateCheck, error)
	// BreakGlass opens a case, named by id or reference, outside the
	// actor's team for BreakGlassTTL,
	// with a written reason and a fresh second factor; it is audited and
	// the lead organisation is told.
	BreakGlass(ctx context.Context, caseID, reason string) error
	// Notifications returns the last week's notifications for the actor's
	// organisation, newest first.
	Notifications(ctx context.Context) ([]*Notification, error)
	// FindPerson returns a person record, named by its reference or by
	// the reference or id of one of its cases, with the cases the actor
	// may reach. A record merged into another answers with the
	// survivor's reference only.
	FindPerson(ctx context.Context, ref string) (*PersonRecord, error)
	// MergePersons merges one person record into another, in one
	// transaction and with a fresh second factor: the survivor takes the
	// chosen values and every case of the other record; the other record
	// stays as a tombstone that points to the survivor, so both
	// histories are kept. Merging a record into itself or into or from a
	// tombstone is ECONFLICT; a record the actor may read but not merge
	// whole is EFORBIDDEN (ID-10, DP-02).
	MergePersons(ctx context.Context, m *PersonMerge) (*PersonRecord, error)
	// FindMerges returns the merges of the case's person's records, for
	// its timeline, oldest first.
	FindMerges(ctx context.Context, caseID string) ([]*MergeRecord, error)
	// FindEvents returns the trafficking events of a case, in the order
	// they happened as far as known (ID-05).
	FindEvents(ctx context.Context, caseID string) ([]*TraffickingEvent, error)
	// SaveEvent records a trafficking event on a case, or changes one
	// when e.ID names it.
	SaveEvent(ctx context.Context, caseID string, e *TraffickingEvent) error
	// RemoveEvent takes an event off a case; the record of it stays in
	// the database and the audit trail, out of view.
	RemoveEvent(ctx context.Context, caseID, eventID string) error
}
