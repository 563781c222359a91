package fristad

import (
	"context"
	"slices"
	"time"
)

// ResidenceKinds says where she lives, as a code. A shelter and protected
// housing are protected by their kind (DP-08).
var ResidenceKinds = []string{
	"shelter", "protected_housing", "municipal_housing", "own_home", "with_family_or_friends",
	"care_or_hospital", "detention", "abroad", "no_fixed_abode", "unknown",
}

// protectedResidenceKinds are the kinds whose address is always
// protected: a revealed shelter address can force it to close (DP-08).
var protectedResidenceKinds = []string{"shelter", "protected_housing"}

// MaxAddress limits an address.
const MaxAddress = 500

// ActionResidenceReveal is showing a protected address.
const ActionResidenceReveal Action = "residence.reveal"

// Residence is where she lives from a day on. Each change is a new
// record; the latest is where she lives now. The address is sealed, and
// never appears in a list, a search, a print or an export. A protected
// one — a shelter's or protected housing's, any address of a person with
// protected identity (DP-05), or one the case worker marks so — shows
// only when revealed, after a fresh second factor, and every reveal is
// audited (DP-08).
type Residence struct {
	ID         string
	Kind       string // a code from ResidenceKinds
	Since      string // YYYY-MM-DD
	Address    string // sealed; empty on read when protected and not revealed
	Protected  bool
	HasAddress bool // on read: an address is recorded, shown or not
	RecordedBy string
	RecordedAt time.Time
}

// Validate checks a residence and normalises it in place; a kind that is
// always protected makes it protected.
func (r *Residence) Validate() error {
	if !slices.Contains(ResidenceKinds, r.Kind) {
		return invalid("kind", "residence.kind.invalid", "choose where she lives")
	}
	if err := checkDate("since", "residence.since.invalid", r.Since, true); err != nil {
		return err
	}
	if err := checkText("address", "residence.address.invalid", &r.Address, MaxAddress); err != nil {
		return err
	}
	if slices.Contains(protectedResidenceKinds, r.Kind) {
		r.Protected = true
	}
	return nil
}

// ProtectFor makes the residence protected when the person she is has a
// protected identity: then every address of hers is (DP-05).
func (r *Residence) ProtectFor(p *Person) {
	if p != nil && p.Protection != ProtectionNone {
		r.Protected = true
	}
}

// ResidenceService records where she lives.
type ResidenceService interface {
	// Residences returns the case's residences, newest first, with the
	// addresses that are not protected.
	Residences(ctx context.Context, caseID string) ([]*Residence, error)
	// RecordResidence records where she lives from a day on. A person
	// with protected identity makes it protected.
	RecordResidence(ctx context.Context, caseID string, r *Residence) error
	// RevealResidence returns one residence with its address shown,
	// after a fresh second factor (ESTEPUP without one), to those the
	// policy lets reveal it; the reveal is audited.
	RevealResidence(ctx context.Context, caseID, id string) (*Residence, error)
}
