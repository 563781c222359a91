package fristad

import (
	"context"
	"time"
)

// Listing is a provider as the public directory shows it (IN-01, IN-02):
// only what the coordinator chose to publish and the codes of what it
// offers, in which languages, where and for whom. It holds no address,
// no internal contact text and nothing about cases.
type Listing struct {
	ID          string // the organisation's id, stable, for links and HSDS ids
	Name        string
	Description string
	Phone       string
	Services    []string // intervention type codes, as InterventionTypes
	Languages   []string // BCP 47
	Regions     []string
	Children    bool
	Men         bool
	Women       bool
	Accessible  bool
	UpdatedAt   time.Time
}

// PublicProgramme is what a support programme offers, as the portal
// tells the public (IN-01): the latest published version that applies
// on the day, without its budget, funding or eligibility rules.
type PublicProgramme struct {
	ID          string            // the programme's id, the same for all its versions
	Name        map[string]string // by language, as ProgrammeVersion.Name
	Description map[string]string
	TargetGroup string
	Phases      []Phase
	Types       []string // the intervention types it funds
}

// PublicDirectory is the public service directory and programme
// information, for the portal. It is the portal's only way into the
// database and reaches nothing but what is published; it needs no
// actor, since everything it returns is public.
type PublicDirectory interface {
	// PublicListings returns the providers listed in the directory whose
	// certification holds on day (YYYY-MM-DD), by name.
	PublicListings(ctx context.Context, day string) ([]Listing, error)
	// PublicProgrammes returns, for each programme with a published
	// version that applies on day, the latest such version, by name.
	PublicProgrammes(ctx context.Context, day string) ([]PublicProgramme, error)
}
