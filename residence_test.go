package fristad_test

import (
	"testing"

	"fristad"
)

// TestResidenceReveal checks who may reveal a protected address (DP-08):
// the team's case workers and coordinators, nobody by break-glass, never
// a police liaison or a partner.
func TestResidenceReveal(t *testing.T) {
	actor := func(roles ...fristad.Role) *fristad.Actor {
		return &fristad.Actor{UserID: "u", OrganisationID: "o", Roles: roles}
	}
	lead := &fristad.CaseAccess{TeamLevel: "lead"}
	member := &fristad.CaseAccess{TeamLevel: "member"}
	glass := &fristad.CaseAccess{BreakGlass: true}
	for _, tt := range []struct {
		name   string
		actor  *fristad.Actor
		access *fristad.CaseAccess
		want   bool
	}{
		{"case worker, lead", actor(fristad.RoleCaseWorker), lead, true},
		{"case worker, member", actor(fristad.RoleCaseWorker), member, true},
		{"coordinator, member", actor(fristad.RoleCoordinator), member, true},
		{"case worker, break-glass", actor(fristad.RoleCaseWorker), glass, false},
		{"police liaison, member", actor(fristad.RolePoliceLiaison), member, false},
		{"partner, lead", actor(fristad.RolePartner), lead, false},
		{"case worker, not on the team", actor(fristad.RoleCaseWorker), &fristad.CaseAccess{}, false},
		{"read-only token", &fristad.Actor{UserID: "u", OrganisationID: "o", Roles: []fristad.Role{fristad.RoleCaseWorker}, TokenScope: fristad.ScopeRead}, lead, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := fristad.Can(tt.actor, fristad.ActionResidenceReveal, tt.access); got != tt.want {
				t.Errorf("Can = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestResidenceValidate(t *testing.T) {
	for _, tt := range []struct {
		r         fristad.Residence
		valid     bool
		protected bool
	}{
		{fristad.Residence{Kind: "shelter", Since: "2026-05-01"}, true, true},
		{fristad.Residence{Kind: "protected_housing", Since: "2026-05-01", Address: " Vägen 1 "}, true, true},
		{fristad.Residence{Kind: "own_home", Since: "2026-05-01"}, true, false},
		{fristad.Residence{Kind: "own_home", Since: "2026-05-01", Protected: true}, true, true},
		{fristad.Residence{Kind: "palace", Since: "2026-05-01"}, false, false},
		{fristad.Residence{Kind: "own_home"}, false, false},
		{fristad.Residence{Kind: "own_home", Since: "2026-05-01", Address: "a\x07b"}, false, false},
	} {
		r := tt.r
		err := r.Validate()
		if (err == nil) != tt.valid || (err == nil && r.Protected != tt.protected) {
			t.Errorf("Validate(%+v) = %v, protected %v", tt.r, err, r.Protected)
		}
	}
}

// TestResidenceProtectFor: every address of a person with protected
// identity is protected, whatever kind of place it is (DP-05).
func TestResidenceProtectFor(t *testing.T) {
	for _, tc := range []struct {
		name       string
		protection string
		protected  bool // before
		want       bool
	}{
		{"no protection, ordinary place", fristad.ProtectionNone, false, false},
		{"no protection, a shelter stays protected", fristad.ProtectionNone, true, true},
		{"protected identity", fristad.ProtectionLevels[len(fristad.ProtectionLevels)-1], false, true},
	} {
		r := &fristad.Residence{Protected: tc.protected}
		r.ProtectFor(&fristad.Person{Protection: tc.protection})
		if r.Protected != tc.want {
			t.Errorf("%s: Protected = %v, want %v", tc.name, r.Protected, tc.want)
		}
	}
}
