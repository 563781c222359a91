package guard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"fristad"
)

var (
	admin      = &fristad.Actor{UserID: "u-admin", Roles: []fristad.Role{fristad.RoleAdministrator}}
	caseWorker = &fristad.Actor{UserID: "u-worker", Roles: []fristad.Role{fristad.RoleCaseWorker}}
	readToken  = &fristad.Actor{UserID: "u-admin", Roles: []fristad.Role{fristad.RoleAdministrator}, TokenScope: fristad.ScopeRead}
)

// TestCheck decides, for each kind of policy and each kind of request,
// who gets through and with what error the others are turned away
// (SR-20, SR-21).
func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		name   string
		policy Policy
		actor  *fristad.Actor
		code   string // "" for let through
	}{
		{"anyone, anonymous", Anyone, nil, ""},
		{"anyone, signed in", Anyone, caseWorker, ""},
		{"signed in, anonymous", SignedIn, nil, fristad.EUNAUTHORIZED},
		{"signed in, actor", SignedIn, caseWorker, ""},
		{"allowed, anonymous", Allowed(fristad.ActionUserList), nil, fristad.EUNAUTHORIZED},
		{"allowed, allowed actor", Allowed(fristad.ActionUserList), admin, ""},
		// Not allowed: the route answers as if it did not exist.
		{"allowed, disallowed actor", Allowed(fristad.ActionUserList), caseWorker, fristad.ENOTFOUND},
		{"allowed, read token on a read action", Allowed(fristad.ActionUserList), readToken, ""},
		{"allowed, read token on a write action", Allowed(fristad.ActionUserCreate), readToken, fristad.ENOTFOUND},
		{"allowed, system actor outside its actions", Allowed(fristad.ActionCaseRead), fristad.SystemActor("job:test"), fristad.ENOTFOUND},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.actor != nil {
				ctx = fristad.NewContextWithActor(ctx, tt.actor)
			}
			err := tt.policy.Check(ctx)
			if got := code(err); got != tt.code {
				t.Errorf("Check = %v (code %q), want code %q", err, got, tt.code)
			}
		})
	}
}

// TestPolicies: a policy that names an action also needs an actor, and
// is named for its action, as the sites' route tests expect.
func TestPolicies(t *testing.T) {
	for _, tt := range []struct {
		policy Policy
		name   string
		login  bool
	}{
		{Anyone, "anyone", false},
		{SignedIn, "signed in", true},
		{Allowed(fristad.ActionAuditRead), "audit.read", true},
	} {
		if tt.policy.Name != tt.name || tt.policy.Login != tt.login {
			t.Errorf("policy %+v, want name %q, login %v", tt.policy, tt.name, tt.login)
		}
	}
	if p := Allowed(fristad.ActionAuditRead); p.Action != fristad.ActionAuditRead {
		t.Errorf("Allowed(%q).Action = %q", fristad.ActionAuditRead, p.Action)
	}
}

// TestGuard checks what the guarded handler does for each request: calls
// the route's handler, asks the site's signIn, or returns Check's error.
func TestGuard(t *testing.T) {
	for _, tt := range []struct {
		name    string
		policy  Policy
		actor   *fristad.Actor
		signIn  bool   // a signIn is given
		want    string // what is called: "fn", "signIn" or "" for neither
		wantErr string // the code of the error returned
	}{
		{"anyone, anonymous", Anyone, nil, true, "fn", ""},
		{"signed in, anonymous", SignedIn, nil, true, "signIn", ""},
		{"signed in, anonymous, no signIn", SignedIn, nil, false, "", fristad.EUNAUTHORIZED},
		{"signed in, actor", SignedIn, caseWorker, true, "fn", ""},
		{"allowed, anonymous", Allowed(fristad.ActionUserList), nil, true, "signIn", ""},
		{"allowed, allowed actor", Allowed(fristad.ActionUserList), admin, true, "fn", ""},
		{"allowed, disallowed actor", Allowed(fristad.ActionUserList), caseWorker, true, "", fristad.ENOTFOUND},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var called string
			fn := func(http.ResponseWriter, *http.Request) error { called = "fn"; return nil }
			var signIn func(http.ResponseWriter, *http.Request) error
			if tt.signIn {
				signIn = func(http.ResponseWriter, *http.Request) error { called = "signIn"; return nil }
			}
			r := httptest.NewRequest("GET", "/", nil)
			if tt.actor != nil {
				r = r.WithContext(fristad.NewContextWithActor(r.Context(), tt.actor))
			}
			err := tt.policy.Guard(fn, signIn)(httptest.NewRecorder(), r)
			if called != tt.want {
				t.Errorf("called %q, want %q", called, tt.want)
			}
			if got := code(err); got != tt.wantErr {
				t.Errorf("err = %v (code %q), want code %q", err, got, tt.wantErr)
			}
		})
	}
}

// TestRoute: a Route serves with its handler and keeps its policy.
func TestRoute(t *testing.T) {
	var h http.Handler = &Route{Policy: SignedIn, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != http.StatusTeapot {
		t.Errorf("status %d, want %d", w.Code, http.StatusTeapot)
	}
	if rt, ok := h.(*Route); !ok || rt.Policy.Name != SignedIn.Name {
		t.Errorf("route %#v, want policy %q", h, SignedIn.Name)
	}
}

// code is err's fristad code, or "" for nil.
func code(err error) string {
	if err == nil {
		return ""
	}
	return fristad.ErrorCode(err)
}
