package fristad

import (
	"context"
	"slices"
	"time"
)

// Actor is who acts in a request: a logged-in user, with the
// organisation and roles the policy decides from, or the system itself
// (the command line, scheduled jobs).
type Actor struct {
	UserID         string
	OrganisationID string
	Email          string
	Name           string
	Roles          []Role
	SessionID      string
	StepUpAt       time.Time // the last fresh second factor
	System         string    // non-empty for a system actor: "cli", "job:…"
	TokenScope     string    // for an API token: its scope; "" for a browser session
}

// SystemActor returns the actor for work not done by a person, named for
// the audit trail.
func SystemActor(name string) *Actor { return &Actor{System: name} }

// Has reports whether the actor holds role.
func (a *Actor) Has(role Role) bool { return a != nil && slices.Contains(a.Roles, role) }

// AuditName returns how the audit trail names the actor.
func (a *Actor) AuditName() string {
	switch {
	case a == nil:
		return "anonymous"
	case a.System != "":
		return "system:" + a.System
	}
	return a.UserID
}

const actorContextKey contextKey = iota + 100

// NewContextWithActor returns a copy of ctx that carries the actor.
func NewContextWithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorContextKey, a)
}

// ActorFromContext returns the actor carried by ctx, or nil.
func ActorFromContext(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorContextKey).(*Actor)
	return a
}
