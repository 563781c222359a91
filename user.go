package fristad

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a user does in the programme. A user may hold several.
// Roles grant abilities; which cases a user sees is decided by the case
// team, never by a role alone.
type Role string

// The roles.
const (
	RoleCoordinator   Role = "coordinator"    // designs programmes, reports statistics
	RoleCaseWorker    Role = "case_worker"    // works cases in their team
	RolePartner       Role = "partner"        // sees what is referred or shared to their organisation
	RolePoliceLiaison Role = "police_liaison" // legal track only; never therapy notes
	RoleGuardian      Role = "guardian"       // a child's god man
	RoleAuditor       Role = "auditor"        // reads the audit trail, answers access requests
	RoleAdministrator Role = "administrator"  // organisations, users, keys; no case content
)

// Roles lists every role.
var Roles = []Role{RoleCoordinator, RoleCaseWorker, RolePartner, RolePoliceLiaison, RoleGuardian, RoleAuditor, RoleAdministrator}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// User is a member of staff of one organisation.
type User struct {
	ID             string
	OrganisationID string
	Email          string // lower case; the login name
	Name           string
	Roles          []Role

	Activated bool // a password and a second factor are set
	Disabled  bool

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Has reports whether the user holds role.
func (u *User) Has(role Role) bool { return slices.Contains(u.Roles, role) }

// MaxEmail is the longest accepted e-mail address.
const MaxEmail = 254

// NormalizeEmail trims and lower-cases an e-mail address, so one person
// has one login name however it is typed.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks the user and normalises its fields in place.
func (u *User) Validate() error {
	u.Email = NormalizeEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || len(u.Email) > MaxEmail || !IsCleanText(u.Email) {
		return invalid("email", "user.email.invalid", "the e-mail address is not valid")
	}
	if utf8.RuneCountInString(u.Name) > 200 || !IsCleanText(u.Name) {
		return invalid("name", "user.name.invalid", "the name is too long or holds control characters")
	}
	if u.OrganisationID == "" {
		return invalid("org", "user.org.required", "a user belongs to an organisation")
	}
	if len(u.Roles) == 0 {
		return invalid("role", "user.role.required", "a user needs at least one role")
	}
	for _, r := range u.Roles {
		if !r.Valid() {
			return invalid("role", "user.role.invalid", "unknown role "+string(r))
		}
	}
	slices.Sort(u.Roles)
	u.Roles = slices.Compact(u.Roles)
	return nil
}

// ParseRoles parses a comma-separated list of roles.
func ParseRoles(s string) ([]Role, error) {
	var roles []Role
	for part := range strings.SplitSeq(s, ",") {
		r := Role(strings.TrimSpace(part))
		if r == "" {
			continue
		}
		if !r.Valid() {
			return nil, invalid("role", "user.role.invalid", "unknown role "+string(r))
		}
		roles = append(roles, r)
	}
	return roles, nil
}

// UserFilter selects users. Nil fields do not filter.
type UserFilter struct {
	ID             *string
	Email          *string
	OrganisationID *string
}

// UserService manages staff accounts. Accounts have no password until
// their owner activates them from a single-use link; administrators never
// choose or see a password (SR-05).
type UserService interface {
	// FindUserByID returns one user, or ENOTFOUND.
	FindUserByID(ctx context.Context, id string) (*User, error)
	// FindUsers returns the users matching filter, by e-mail address.
	FindUsers(ctx context.Context, filter UserFilter) ([]*User, error)
	// CreateUser stores a new, not yet activated user and returns a
	// single-use activation token. ECONFLICT when the e-mail address is
	// taken.
	CreateUser(ctx context.Context, user *User) (activation *Activation, err error)
	// CreateActivation issues a new activation token for a user who has
	// not activated, or whose factors an administrator has reset; earlier
	// tokens stop working.
	CreateActivation(ctx context.Context, userID string) (*Activation, error)
	// DisableUser disables an account and ends its sessions at once.
	DisableUser(ctx context.Context, id string) error
	// SetRoles replaces a user's roles; the user's sessions end at once,
	// so the new roles apply from the very next request (SR-12).
	SetRoles(ctx context.Context, id string, roles []Role) error
	// BootstrapAdministrator creates the first administrator, in the
	// given organisation, with a single-use activation token. ECONFLICT
	// once any administrator exists.
	BootstrapAdministrator(ctx context.Context, org *Organisation, email string) (*User, *Activation, error)
}

// Activation is a single-use token that lets a new user set a password
// and enrol a second factor. Token is shown once; only its hash is kept.
type Activation struct {
	UserID    string
	Email     string
	Token     string
	ExpiresAt time.Time
}

// ActivationTTL is how long an activation link works.
const ActivationTTL = 24 * time.Hour
