package fristad_test

import (
	"testing"

	"fristad"
)

// TestCan checks the policy table: deny by default, roles grant what they
// should and nothing else, administrators never read the audit (SR-20,
// SR-28).
func TestCan(t *testing.T) {
	actor := func(roles ...fristad.Role) *fristad.Actor {
		return &fristad.Actor{UserID: "u", OrganisationID: "o", Roles: roles}
	}
	for _, tt := range []struct {
		name   string
		actor  *fristad.Actor
		action fristad.Action
		record any
		want   bool
	}{
		{"nobody", nil, fristad.ActionOrganisationList, nil, false},
		{"no roles", actor(), fristad.ActionOrganisationList, nil, false},
		{"case worker lists organisations", actor(fristad.RoleCaseWorker), fristad.ActionOrganisationList, nil, true},
		{"case worker creates organisation", actor(fristad.RoleCaseWorker), fristad.ActionOrganisationCreate, nil, false},
		{"admin creates organisation", actor(fristad.RoleAdministrator), fristad.ActionOrganisationCreate, nil, true},
		{"admin creates user", actor(fristad.RoleAdministrator), fristad.ActionUserCreate, nil, true},
		{"coordinator creates user", actor(fristad.RoleCoordinator), fristad.ActionUserCreate, nil, false},
		{"admin reads audit", actor(fristad.RoleAdministrator), fristad.ActionAuditRead, nil, false},
		{"auditor reads audit", actor(fristad.RoleAuditor), fristad.ActionAuditRead, nil, true},
		{"auditor creates user", actor(fristad.RoleAuditor), fristad.ActionUserCreate, nil, false},
		{"admin profiles the server", actor(fristad.RoleAdministrator), fristad.ActionDebugProfile, nil, true},
		{"case worker profiles the server", actor(fristad.RoleCaseWorker), fristad.ActionDebugProfile, nil, false},
		{"coordinator profiles the server", actor(fristad.RoleCoordinator), fristad.ActionDebugProfile, nil, false},
		{"auditor profiles the server", actor(fristad.RoleAuditor), fristad.ActionDebugProfile, nil, false},
		{"admin's read token profiles the server", &fristad.Actor{UserID: "u", OrganisationID: "o", Roles: []fristad.Role{fristad.RoleAdministrator}, TokenScope: fristad.ScopeRead}, fristad.ActionDebugProfile, nil, false},
		{"command line profiles the server", fristad.SystemActor("cli"), fristad.ActionDebugProfile, nil, false},
		{"unknown action", actor(fristad.RoleAdministrator, fristad.RoleAuditor), fristad.Action("case.read"), nil, false},
		{"unjudged record", actor(fristad.RoleAdministrator), fristad.ActionUserList, struct{}{}, false},
		{"command line creates user", fristad.SystemActor("cli"), fristad.ActionUserCreate, nil, true},
		{"command line, unknown action", fristad.SystemActor("cli"), fristad.Action("case.read"), nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := fristad.Can(tt.actor, tt.action, tt.record); got != tt.want {
				t.Errorf("Can = %v; want %v", got, tt.want)
			}
		})
	}
}

// TestAuthorizeHidesExistence checks that a denial answered as not found
// reads exactly like a record that does not exist (SR-21).
func TestAuthorizeHidesExistence(t *testing.T) {
	err := fristad.Authorize(&fristad.Actor{UserID: "u", Roles: []fristad.Role{fristad.RoleCaseWorker}}, fristad.ActionUserList, nil, fristad.ENOTFOUND)
	missing := fristad.Errorf(fristad.ENOTFOUND, "not found")
	if fristad.ErrorCode(err) != fristad.ENOTFOUND || fristad.ErrorMessage(err) != fristad.ErrorMessage(missing) {
		t.Errorf("Authorize = %v; want the same as %v", err, missing)
	}
	if err := fristad.Authorize(nil, fristad.ActionUserList, nil, fristad.ENOTFOUND); fristad.ErrorCode(err) != fristad.EUNAUTHORIZED {
		t.Errorf("Authorize(nil) = %v; want EUNAUTHORIZED", err)
	}
}

func TestValidateOrganisation(t *testing.T) {
	for _, tt := range []struct {
		name  string
		org   fristad.Organisation
		field string
	}{
		{"ok", fristad.Organisation{Name: " Jouren ", Type: "ngo", Country: "ro"}, ""},
		{"no name", fristad.Organisation{Type: "ngo"}, "name"},
		{"zero-width", fristad.Organisation{Name: "Pol\u200bisen", Type: "police"}, "name"},
		{"right-to-left override", fristad.Organisation{Name: "abc\u202edef", Type: "ngo"}, "name"},
		{"NUL", fristad.Organisation{Name: "a\x00b", Type: "ngo"}, "name"},
		{"no type", fristad.Organisation{Name: "A"}, "type"},
		{"bad country", fristad.Organisation{Name: "A", Type: "ngo", Country: "S1"}, "country"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.org.Validate()
			var field string
			if e, ok := err.(*fristad.Error); ok {
				field = e.Field
			}
			if field != tt.field || (tt.field == "") != (err == nil) {
				t.Errorf("Validate = %v (field %q); want field %q", err, field, tt.field)
			}
		})
	}
	o := fristad.Organisation{Name: " Jouren ", Type: "ngo", Country: "ro"}
	o.Validate()
	if o.Name != "Jouren" || o.Country != "RO" {
		t.Errorf("normalised to %+v", o)
	}
}

func TestValidateUser(t *testing.T) {
	u := fristad.User{Email: " Anna@Example.ORG", OrganisationID: "o", Roles: []fristad.Role{fristad.RolePartner, fristad.RoleCaseWorker, fristad.RolePartner}}
	if err := u.Validate(); err != nil {
		t.Fatal(err)
	}
	if u.Email != "anna@example.org" || len(u.Roles) != 2 {
		t.Errorf("normalised to %+v", u)
	}
	for _, bad := range []fristad.User{
		{Email: "not an address", OrganisationID: "o", Roles: []fristad.Role{fristad.RolePartner}},
		{Email: "Anna <a@example.org>", OrganisationID: "o", Roles: []fristad.Role{fristad.RolePartner}},
		{Email: "a@example.org", Roles: []fristad.Role{fristad.RolePartner}},
		{Email: "a@example.org", OrganisationID: "o"},
		{Email: "a@example.org", OrganisationID: "o", Roles: []fristad.Role{"root"}},
	} {
		if err := bad.Validate(); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("Validate(%+v) = %v; want EINVALID", bad, err)
		}
	}
	if _, err := fristad.ParseRoles("case_worker, auditor"); err != nil {
		t.Error(err)
	}
	if _, err := fristad.ParseRoles("case_worker,god"); err == nil {
		t.Error("ParseRoles accepted an unknown role")
	}
}

func TestErrorStatus(t *testing.T) {
	for _, code := range fristad.ErrorCodes {
		if s := fristad.ErrorStatus(fristad.Errorf(code, "x")); s < 400 {
			t.Errorf("ErrorStatus(%s) = %d", code, s)
		}
	}
	if fristad.ErrorCode(errString("boom")) != fristad.EINTERNAL || fristad.ErrorMessage(errString("secret detail")) != "Internal error." {
		t.Error("a plain error is not internal, or shows its text")
	}
}

type errString string

func (e errString) Error() string { return string(e) }
