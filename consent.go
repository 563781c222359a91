package fristad

import (
	"context"
	"slices"
	"strings"
	"time"
)

// ConsentPurposes is the code list of what a consent is for (MA-05): each
// consent covers one purpose, one recipient organisation and some data
// categories, and nothing else.
var ConsentPurposes = []string{
	"referral",            // referring her to a service or organisation (MA-03)
	"information_sharing", // sharing information with another actor of the case
	"contact_coordinator", // contacting the regional coordinator with identifying data (MA-04)
	"support_services",    // receiving a support service (SP-08)
	"family_contact",      // contact with relatives (SP-11)
	"return_transfer",     // transferring data abroad for a safe return (RT-10)
	"statistics",          // use in statistics beyond what law requires
}

// DataCategories is the code list of kinds of personal data a consent or a
// disclosure covers.
var DataCategories = []string{
	"identity",     // name, identity numbers, date of birth
	"contact",      // phone, e-mail, how to reach her
	"location",     // where she lives or stays
	"health",       // physical and mental health
	"case_history", // what happened to her and the case so far
	"legal",        // permits, proceedings, counsel
	"family",       // children and relatives
}

// Consent statuses. A consent is given until it is withdrawn; it reads as
// expired once its expiry date has passed.
const (
	ConsentGiven     = "given"
	ConsentWithdrawn = "withdrawn"
	ConsentExpired   = "expired"
)

// ConsentStatuses lists the consent statuses.
var ConsentStatuses = []string{ConsentGiven, ConsentWithdrawn, ConsentExpired}

// Legal bases of a disclosure (MA-06, DP-03): consent, or a ground in
// Swedish secrecy law that permits disclosure without it. "other" needs a
// written explanation.
const (
	BasisConsent               = "consent"
	BasisNecessaryDisclosure   = "necessary_disclosure"    // nödvändigt utlämnande
	BasisDutyToReport          = "duty_to_report"          // uppgifts- eller anmälningsskyldighet
	BasisChildProtectionReport = "child_protection_report" // anmälan om oro för ett barn
	BasisSeriousCrime          = "serious_crime"           // misstanke om allvarligt brott
	BasisOther                 = "other"
)

// LegalBases lists the legal bases of a disclosure.
var LegalBases = []string{BasisConsent, BasisNecessaryDisclosure, BasisDutyToReport, BasisChildProtectionReport, BasisSeriousCrime, BasisOther}

// Limits on the free text of consents and disclosures.
const (
	MaxConsentText = 4000
	MaxGuardian    = MaxShortText
)

// Consent is her informed consent to one purpose, for one recipient
// organisation and some categories of data (MA-05, SP-08). It is given on
// a date, in a language, with or without an interpreter, and may expire.
// She may withdraw it at any time; a withdrawal takes effect at once: no
// disclosure can rest on it afterwards.
//
// For a presumed child the consent is given by or with her guardian, and
// the child's own view is recorded (CH-10).
type Consent struct {
	ID                    string
	CaseID                string
	Purpose               string
	RecipientOrganisation string // an organisation id
	DataCategories        []string
	GivenOn               string // YYYY-MM-DD
	Language              string // BCP 47: the language the information was given in
	Interpreter           bool   // an interpreter was used
	ExpiresOn             string // YYYY-MM-DD, the last day it holds; "" for no expiry

	// For a presumed child only.
	GuardianConsent bool   // her guardian consents too
	Guardian        string // sealed: who the guardian is (custodian, god man)
	ChildView       string // sealed: the child's own view, in her words

	Note string // sealed

	Status                 string // on read: given, withdrawn or expired
	WithdrawnAt            *time.Time
	WithdrawnBy            string
	RecordedBy             string
	RecordedByOrganisation string
	RecordedAt             time.Time
}

// Validate checks a new consent and normalises it in place. child says
// whether the person is a presumed child: then the guardian's consent and
// the child's own view are required; otherwise they must be empty.
func (c *Consent) Validate(child bool) error {
	c.RecipientOrganisation = strings.TrimSpace(c.RecipientOrganisation)
	c.Language = strings.TrimSpace(c.Language)
	c.Guardian, c.ChildView, c.Note = NormalizeNewlines(c.Guardian), NormalizeNewlines(c.ChildView), NormalizeNewlines(c.Note)
	if err := checkCode("purpose", "consent.purpose.invalid", c.Purpose, ConsentPurposes); err != nil {
		return err
	}
	if c.RecipientOrganisation == "" || len(c.RecipientOrganisation) > 64 || !IsCleanText(c.RecipientOrganisation) {
		return invalid("recipient_organisation_id", "consent.recipient.required", "choose the organisation the consent is for")
	}
	var err error
	if c.DataCategories, err = checkCodes("data_categories", "consent.categories.invalid", c.DataCategories, DataCategories); err != nil {
		return err
	}
	if len(c.DataCategories) == 0 {
		return invalid("data_categories", "consent.categories.required", "choose the data the consent covers")
	}
	if err := checkPastDate("given_on", "consent.given.invalid", c.GivenOn); err != nil {
		return err
	}
	langs, err := codes([]string{c.Language}, "language", 12, false)
	if err != nil || len(langs) != 1 {
		return invalid("language", "consent.language.invalid", "give the language the information was given in, as a code such as ro or en")
	}
	c.Language = langs[0]
	if err := checkDate("expires_on", "consent.expires.invalid", c.ExpiresOn, false); err != nil {
		return err
	}
	if c.ExpiresOn != "" && c.ExpiresOn < c.GivenOn {
		return invalid("expires_on", "consent.expires.before", "the consent cannot expire before it was given")
	}
	if err := checkText("guardian", "consent.text.invalid", &c.Guardian, MaxGuardian); err != nil {
		return err
	}
	if strings.Contains(c.Guardian, "\n") {
		return invalid("guardian", "consent.text.invalid", "guardian is one line")
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"child_view", &c.ChildView}, {"note", &c.Note}} {
		if err := checkText(f.name, "consent.text.invalid", f.v, MaxConsentText); err != nil {
			return err
		}
	}
	switch {
	case child && !c.GuardianConsent:
		return invalid("guardian_consent", "consent.guardian.required", "for a child, the guardian must consent too")
	case child && c.Guardian == "":
		return invalid("guardian", "consent.guardian.name", "for a child, say who the guardian is")
	case child && c.ChildView == "":
		return invalid("child_view", "consent.childview.required", "for a child, record the child's own view")
	case !child && (c.GuardianConsent || c.Guardian != "" || c.ChildView != ""):
		return invalid("guardian", "consent.guardian.adult", "the guardian and the child's view are for a presumed child only")
	}
	return nil
}

// InForce reports whether the consent holds on day (YYYY-MM-DD): given,
// not withdrawn, and not expired.
func (c *Consent) InForce(day string) bool {
	return c.Status != ConsentWithdrawn && c.WithdrawnAt == nil && c.GivenOn <= day && (c.ExpiresOn == "" || day <= c.ExpiresOn)
}

// StatusOn returns the consent's status on day (YYYY-MM-DD), a Swedish
// calendar day: a given consent reads as expired once its last day has
// passed.
func (c *Consent) StatusOn(day string) string {
	if c.Status == ConsentGiven && c.ExpiresOn != "" && c.ExpiresOn < day {
		return ConsentExpired
	}
	return c.Status
}

// Covers reports whether the consent covers sharing categories with
// recipient for purpose. It does not say whether it is in force.
func (c *Consent) Covers(purpose, recipient string, categories []string) bool {
	if c.Purpose != purpose || c.RecipientOrganisation != recipient || len(categories) == 0 {
		return false
	}
	for _, cat := range categories {
		if !slices.Contains(c.DataCategories, cat) {
			return false
		}
	}
	return true
}

// Disclosure records one sharing of her data with another organisation:
// to whom, what, when, for what, and on which legal basis — a consent,
// named by reference, or a ground in law (MA-06, DP-03). Every disclosure
// shows on the case.
type Disclosure struct {
	ID                     string
	CaseID                 string
	RecipientOrganisation  string
	Purpose                string
	DataCategories         []string
	LegalBasis             string
	ConsentID              string // when LegalBasis is BasisConsent
	Explanation            string // sealed; required when LegalBasis is BasisOther
	DisclosedOn            string // YYYY-MM-DD
	RecordedBy             string
	RecordedByOrganisation string
	RecordedAt             time.Time

	// JoinTeam makes the recipient a member of the case team, so its
	// staff may work the case. Only the lead organisation may, after a
	// fresh second factor (SR-13); on a consent, the membership ends the
	// moment the consent is withdrawn (SR-25).
	JoinTeam bool
}

// Validate checks a new disclosure and normalises it in place. Whether a
// consent it rests on covers it is for the store to check, in the same
// transaction as the record.
func (d *Disclosure) Validate() error {
	d.RecipientOrganisation = strings.TrimSpace(d.RecipientOrganisation)
	d.ConsentID = strings.TrimSpace(d.ConsentID)
	d.Explanation = NormalizeNewlines(d.Explanation)
	if d.RecipientOrganisation == "" || len(d.RecipientOrganisation) > 64 || !IsCleanText(d.RecipientOrganisation) {
		return invalid("recipient_organisation_id", "disclosure.recipient.required", "choose the organisation the data went to")
	}
	if err := checkCode("purpose", "consent.purpose.invalid", d.Purpose, ConsentPurposes); err != nil {
		return err
	}
	var err error
	if d.DataCategories, err = checkCodes("data_categories", "consent.categories.invalid", d.DataCategories, DataCategories); err != nil {
		return err
	}
	if len(d.DataCategories) == 0 {
		return invalid("data_categories", "disclosure.categories.required", "choose the data that was shared")
	}
	if err := checkCode("legal_basis", "disclosure.basis.invalid", d.LegalBasis, LegalBases); err != nil {
		return err
	}
	if err := checkPastDate("disclosed_on", "disclosure.date.invalid", d.DisclosedOn); err != nil {
		return err
	}
	if err := checkText("explanation", "consent.text.invalid", &d.Explanation, MaxConsentText); err != nil {
		return err
	}
	switch {
	case d.LegalBasis == BasisConsent && d.ConsentID == "":
		return invalid("consent_id", "disclosure.consent.required", "name the consent the disclosure rests on")
	case d.LegalBasis != BasisConsent && d.ConsentID != "":
		return invalid("consent_id", "disclosure.consent.unexpected", "a consent is named only when consent is the legal basis")
	case d.LegalBasis == BasisOther && d.Explanation == "":
		return invalid("explanation", "disclosure.explanation.required", "explain the legal ground of the disclosure")
	case len(d.ConsentID) > 64 || !IsCleanText(d.ConsentID):
		return invalid("consent_id", "disclosure.consent.unknown", "no such consent on this case")
	}
	return nil
}

// checkCode checks that code is one of list.
func checkCode(field, key, code string, list []string) error {
	if !slices.Contains(list, code) {
		return invalid(field, key, "unknown code in "+field)
	}
	return nil
}

// checkPastDate checks a required date that is not in the future. A day
// of slack allows for time zones: a date is a Swedish calendar day.
func checkPastDate(field, key, s string) error {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || d.Year() < 1990 || d.After(time.Now().Add(24*time.Hour)) {
		return invalid(field, key, field+" must be a date, YYYY-MM-DD, not in the future")
	}
	return nil
}

// Actions on consents and disclosures, judged on a *CaseAccess. Reading
// follows the case; recording a consent, its withdrawal or a disclosure
// is for case workers, as changing the case is.
const (
	ActionConsentRead  Action = "consent.read"
	ActionConsentWrite Action = "consent.write"
)

// ConsentService keeps the consents of a case and the record of its
// disclosures. A case the actor may not read is ENOTFOUND, exactly like
// one that does not exist (SR-21); every read and write is audited.
type ConsentService interface {
	// FindConsents returns the consents of a case, newest first.
	FindConsents(ctx context.Context, caseID string) ([]*Consent, error)
	// CreateConsent records a consent given on a case.
	CreateConsent(ctx context.Context, caseID string, c *Consent) error
	// WithdrawConsent records that a consent was withdrawn, now, and
	// returns it. Withdrawing a withdrawn consent changes nothing.
	WithdrawConsent(ctx context.Context, caseID, consentID string) (*Consent, error)
	// FindDisclosures returns the disclosures of a case, newest first.
	FindDisclosures(ctx context.Context, caseID string) ([]*Disclosure, error)
	// CreateDisclosure records a disclosure. One resting on a consent is
	// EINVALID unless the consent is of the same case, in force, and
	// covers its purpose, recipient and every category.
	CreateDisclosure(ctx context.Context, caseID string, d *Disclosure) error
}
