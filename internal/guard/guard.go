// Package guard holds what the staff workspace (internal/web) and the JSON
// API (internal/api) share to keep a route closed to those who may not
// reach it: the policy every route is registered with, its check, the
// route that carries its policy so tests can inspect every registered
// handler, the double-submit form token of the workspace's forms (SR-51)
// and the bearer token of the API's requests.
//
// The policy decides who may reach a route at all (SR-20). Finer
// decisions, on one record, are the services' (fristad.Can), and they
// audit every refusal (SR-21, SR-30).
package guard

import (
	"context"
	"net/http"

	"fristad"
)

// Policy says who may reach a route at all (SR-20). Every route has one;
// a route without is a bug the sites' route tests catch, by finding a
// handler that is not a *Route or a Route whose policy has no name.
type Policy struct {
	Name   string         // how route tests name the policy
	Login  bool           // an actor is needed: a signed-in user or an API token's
	Action fristad.Action // and, if set, one allowed to take this action
}

var (
	// Anyone lets every request through, with or without an actor.
	Anyone = Policy{Name: "anyone"}
	// SignedIn lets through the requests that carry an actor: a
	// workspace session's or an API token's.
	SignedIn = Policy{Name: "signed in", Login: true}
)

// Allowed is the policy of a route for those who may take action. It
// needs an actor, as SignedIn does; to an actor not allowed the action
// the route does not exist: it answers 404, as a path nobody registered
// would, so that the route's existence tells nothing about what others
// may do (SR-21).
func Allowed(action fristad.Action) Policy {
	return Policy{Name: string(action), Login: true, Action: action}
}

// Check decides whether the actor in ctx may reach a route guarded by p.
// It returns nil for a route for anyone; EUNAUTHORIZED when p needs an
// actor and ctx holds none; and, when p names an action the actor may not
// take, the same ENOTFOUND a missing record gives (SR-21).
func (p Policy) Check(ctx context.Context) error {
	if !p.Login {
		return nil
	}
	actor := fristad.ActorFromContext(ctx)
	if actor == nil {
		return fristad.Errorf(fristad.EUNAUTHORIZED, "not logged in")
	}
	if p.Action == "" {
		return nil
	}
	return fristad.Authorize(actor, p.Action, nil, fristad.ENOTFOUND)
}

// Guard returns fn behind p's check. A request without an actor on a
// route that needs one goes to signIn instead, which answers the way its
// site asks for a login: the workspace sends a page to its login form,
// the API asks for a token. With signIn nil it gets Check's EUNAUTHORIZED.
// Any other refusal is Check's error, returned without calling fn.
func (p Policy) Guard(fn, signIn func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	if !p.Login {
		return fn
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		if signIn != nil && fristad.ActorFromContext(r.Context()) == nil {
			return signIn(w, r)
		}
		if err := p.Check(r.Context()); err != nil {
			return err
		}
		return fn(w, r)
	}
}

// Route is a route's handler with the policy that guards it. The sites
// register every route as a *Route, so a test that records the
// registrations can check that each has a policy, and which.
type Route struct {
	Policy  Policy
	Handler http.Handler // already behind Policy's check
}

// ServeHTTP serves the request with the route's handler.
func (rt *Route) ServeHTTP(w http.ResponseWriter, r *http.Request) { rt.Handler.ServeHTTP(w, r) }
