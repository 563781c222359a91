package fristad

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Organisation is an organisation taking part in the programme: a county
// coordinator, social services, an NGO, a shelter, the police, a receiving
// organisation abroad… Every user belongs to exactly one, and access to
// case data starts from it.
type Organisation struct {
	ID      string
	Name    string
	Type    string // a code from the configurable list of organisation types
	Region  string // county or region, free text
	Country string // ISO 3166-1 alpha-2, upper case

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Limits on organisation fields.
const (
	MaxOrganisationName = 200
	MaxRegion           = 100
)

// Validate checks the organisation and normalises its fields in place.
func (o *Organisation) Validate() error {
	o.Name = strings.TrimSpace(o.Name)
	o.Type = strings.TrimSpace(o.Type)
	o.Region = strings.TrimSpace(o.Region)
	o.Country = strings.ToUpper(strings.TrimSpace(o.Country))
	if o.Country == "" {
		o.Country = "SE"
	}
	switch {
	case o.Name == "":
		return invalid("name", "organisation.name.required", "an organisation needs a name")
	case utf8.RuneCountInString(o.Name) > MaxOrganisationName:
		return invalid("name", "organisation.name.long", "the organisation name is too long")
	case !IsCleanText(o.Name):
		return invalid("name", "text.controls", "the organisation name holds control or invisible characters")
	case o.Type == "":
		return invalid("type", "organisation.type.required", "an organisation needs a type")
	case utf8.RuneCountInString(o.Region) > MaxRegion || !IsCleanText(o.Region):
		return invalid("region", "organisation.region.invalid", "the region is too long or holds control characters")
	case len(o.Country) != 2 || o.Country[0] < 'A' || o.Country[0] > 'Z' || o.Country[1] < 'A' || o.Country[1] > 'Z':
		return invalid("country", "organisation.country.invalid", "the country must be a two-letter ISO 3166 code")
	}
	return nil
}

// OrganisationFilter selects organisations. Nil fields do not filter.
type OrganisationFilter struct {
	ID   *string
	Name *string // exact, ignoring case
	Type *string
}

// OrganisationService manages organisations and their types. Only
// administrators change them; everyone who is logged in may list them, so
// referrals can be addressed.
type OrganisationService interface {
	// FindOrganisationByID returns one organisation, or ENOTFOUND.
	FindOrganisationByID(ctx context.Context, id string) (*Organisation, error)
	// FindOrganisations returns the organisations matching filter, by name.
	FindOrganisations(ctx context.Context, filter OrganisationFilter) ([]*Organisation, error)
	// CreateOrganisation stores a new organisation and sets its ID and
	// timestamps. EINVALID for a bad field or unknown type, ECONFLICT when
	// the name is taken.
	CreateOrganisation(ctx context.Context, org *Organisation) error
	// OrganisationTypes returns the configured type codes.
	OrganisationTypes(ctx context.Context) ([]string, error)
}

// invalid returns an EINVALID error for a field, with a catalog key.
func invalid(field, key, message string) *Error {
	return &Error{Code: EINVALID, Field: field, Key: key, Message: message}
}

// NormalizeNewlines turns the CRLF line breaks that browsers send in a
// form's text areas, and any lone CR, into LF, so multi-line text is
// stored one way and passes IsCleanText.
func NormalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// spellingMarks are invisible characters that writing itself needs: the
// zero-width non-joiner of Persian and Dari spelling ("می‌توانم"), the
// zero-width joiner of some scripts and emoji, and the marks that give a
// neutral character its direction in right-to-left text.
var spellingMarks = strings.NewReplacer("\u200c", "", "\u200d", "", "\u200e", "", "\u200f", "", "\u061c", "")

// IsCleanProse is IsCleanText for running text a person writes in her own
// language — a note, her view, a portal page: it also lets through the
// invisible marks that spelling needs (a Dari text is full of
// non-joiners). Names and identifiers keep to IsCleanText, where an
// invisible character would let two names look alike.
func IsCleanProse(s string) bool { return IsCleanText(spellingMarks.Replace(s)) }

// IsCleanText reports whether s is valid UTF-8 without NUL, other control
// characters (tab and newline aside), bidirectional overrides or
// zero-width characters, which can hide or reorder what a reader sees
// (SR-42, SR-44).
func IsCleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return false
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			return false
		case r >= 0x200b && r <= 0x200d, r == 0x2060, r == 0xfeff:
			return false
		}
	}
	return true
}
