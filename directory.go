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

// PublicDirectory is the public service directory, for the portal. It is
// the portal's only way into the database and reaches nothing but
// listings; it needs no actor, since everything it returns is public.
type PublicDirectory interface {
	// PublicListings returns the providers listed in the directory whose
	// certification holds on day (YYYY-MM-DD), by name.
	PublicListings(ctx context.Context, day string) ([]Listing, error)
}
