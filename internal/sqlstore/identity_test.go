package sqlstore_test

import (
	"context"
	"testing"

	"fristad"
	"fristad/internal/testing/sqlstoretest"
)

// cli is the context the command line acts in.
func cli(t testing.TB) context.Context {
	return fristad.NewContextWithActor(t.Context(), fristad.SystemActor("cli"))
}

func as(t *testing.T, roles ...fristad.Role) context.Context {
	return fristad.NewContextWithActor(t.Context(), &fristad.Actor{UserID: "u", OrganisationID: "o", Roles: roles})
}

func mustCreateOrg(t testing.TB, db *sqlstoretest.Store, name, typ string) *fristad.Organisation {
	t.Helper()
	org := &fristad.Organisation{Name: name, Type: typ}
	if err := db.CreateOrganisation(cli(t), org); err != nil {
		t.Fatal(err)
	}
	return org
}

func TestOrganisations(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		org := &fristad.Organisation{Name: "  Kvinnojouren  Malmö ", Type: "ngo", Region: "Skåne", Country: "se"}
		if err := db.CreateOrganisation(cli(t), org); err != nil {
			t.Fatal(err)
		}
		if len(org.ID) != 26 || org.Name != "Kvinnojouren  Malmö" || org.Country != "SE" {
			t.Errorf("created %+v", org)
		}
		got, err := db.FindOrganisationByID(as(t, fristad.RoleCaseWorker), org.ID)
		if err != nil || got.Name != org.Name || got.Region != "Skåne" || !got.CreatedAt.Equal(org.CreatedAt) {
			t.Fatalf("FindOrganisationByID = %+v, %v", got, err)
		}
		for _, tt := range []struct {
			name string
			org  fristad.Organisation
			code string
		}{
			{"same name other case", fristad.Organisation{Name: "KVINNOJOUREN MALMÖ", Type: "ngo"}, fristad.ECONFLICT},
			{"unknown type", fristad.Organisation{Name: "A", Type: "bank"}, fristad.EINVALID},
			{"no name", fristad.Organisation{Type: "ngo"}, fristad.EINVALID},
			{"bidi override", fristad.Organisation{Name: "Polis\u202een", Type: "police"}, fristad.EINVALID},
			{"bad country", fristad.Organisation{Name: "B", Type: "ngo", Country: "Sweden"}, fristad.EINVALID},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if err := db.CreateOrganisation(cli(t), &tt.org); fristad.ErrorCode(err) != tt.code {
					t.Errorf("CreateOrganisation = %v; want %s", err, tt.code)
				}
			})
		}
		if err := db.CreateOrganisation(as(t, fristad.RoleCaseWorker), &fristad.Organisation{Name: "C", Type: "ngo"}); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a case worker creating an organisation = %v; want EFORBIDDEN", err)
		}
		if _, err := db.FindOrganisations(t.Context(), fristad.OrganisationFilter{}); fristad.ErrorCode(err) != fristad.EUNAUTHORIZED {
			t.Errorf("listing without an actor = %v; want EUNAUTHORIZED", err)
		}
		types, err := db.OrganisationTypes(t.Context())
		if err != nil || len(types) < 10 {
			t.Errorf("OrganisationTypes = %v, %v", types, err)
		}
	})
}

func TestUsers(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		org := mustCreateOrg(t, db, "Socialtjänsten Lund", "social_services")
		u := &fristad.User{OrganisationID: org.ID, Email: " Anna@Example.ORG ", Roles: []fristad.Role{fristad.RoleCaseWorker, fristad.RoleCaseWorker, fristad.RoleAuditor}}
		a, err := db.CreateUser(cli(t), u)
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "anna@example.org" || len(u.Roles) != 2 || a.Token == "" || a.Email != u.Email {
			t.Errorf("CreateUser: user %+v, activation %+v", u, a)
		}
		got, err := db.FindUserByID(cli(t), u.ID)
		if err != nil || got.Activated || got.Disabled || len(got.Roles) != 2 || !got.Has(fristad.RoleAuditor) {
			t.Fatalf("FindUserByID = %+v, %v", got, err)
		}
		if _, err := db.CreateUser(cli(t), &fristad.User{OrganisationID: org.ID, Email: "anna@example.org", Roles: []fristad.Role{fristad.RolePartner}}); fristad.ErrorCode(err) != fristad.ECONFLICT {
			t.Errorf("same e-mail twice = %v; want ECONFLICT", err)
		}
		if _, err := db.CreateUser(cli(t), &fristad.User{OrganisationID: "nope", Email: "b@example.org", Roles: []fristad.Role{fristad.RolePartner}}); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("unknown organisation = %v; want EINVALID", err)
		}
		if _, err := db.CreateUser(cli(t), &fristad.User{OrganisationID: org.ID, Email: "c@example.org", Roles: []fristad.Role{"superuser"}}); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("unknown role = %v; want EINVALID", err)
		}
		// Only administrators see users; to others they do not exist.
		if _, err := db.FindUserByID(as(t, fristad.RoleCaseWorker), u.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("a case worker reading a user = %v; want ENOTFOUND", err)
		}
		if _, err := db.FindUserByID(as(t, fristad.RoleAdministrator), u.ID); err != nil {
			t.Errorf("an administrator reading a user: %v", err)
		}

		// A new activation replaces the old one.
		a2, err := db.CreateActivation(cli(t), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CheckActivation(t.Context(), a.Token); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("replaced activation = %v; want ENOTFOUND", err)
		}
		if _, err := db.CheckActivation(t.Context(), a2.Token); err != nil {
			t.Errorf("new activation: %v", err)
		}
		if err := db.DisableUser(cli(t), u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CheckActivation(t.Context(), a2.Token); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("activation of a disabled user = %v; want ENOTFOUND", err)
		}
		if err := db.DisableUser(cli(t), "nope"); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("DisableUser(unknown) = %v; want ENOTFOUND", err)
		}
	})
}

func TestBootstrap(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		org := &fristad.Organisation{Name: "Länsstyrelsen", Type: "national_coordinator"}
		u, a, err := db.BootstrapAdministrator(cli(t), org, "admin@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if !u.Has(fristad.RoleAdministrator) || org.ID == "" || u.OrganisationID != org.ID || a.Token == "" {
			t.Errorf("bootstrap: %+v %+v %+v", u, org, a)
		}
		if _, _, err := db.BootstrapAdministrator(cli(t), &fristad.Organisation{Name: "X", Type: "ngo"}, "second@example.org"); fristad.ErrorCode(err) != fristad.ECONFLICT {
			t.Errorf("second bootstrap = %v; want ECONFLICT", err)
		}
		if _, _, err := db.BootstrapAdministrator(as(t, fristad.RoleAdministrator), org, "third@example.org"); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("bootstrap from the web = %v; want EFORBIDDEN", err)
		}
	})
}

// TestSetRoles checks SR-12: a role change takes effect on the very next
// request, because the user's sessions end.
func TestSetRoles(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		clk := withClock(db)
		u, secret := mustActivate(t, db, clk, "role@example.org", fristad.RoleCaseWorker)
		session := mustLogin(t, db, clk, "role@example.org", secret)
		if err := db.SetRoles(as(t, fristad.RoleCaseWorker), u.ID, []fristad.Role{fristad.RoleAuditor}); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a case worker changing roles = %v; want EFORBIDDEN", err)
		}
		if err := db.SetRoles(cli(t), u.ID, nil); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("no roles = %v; want EINVALID", err)
		}
		if err := db.SetRoles(cli(t), u.ID, []fristad.Role{fristad.RolePartner, fristad.RoleAuditor}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Authenticate(t.Context(), session); fristad.ErrorCode(err) != fristad.EUNAUTHORIZED {
			t.Errorf("the session survived a role change: %v", err)
		}
		got, _ := db.FindUserByID(cli(t), u.ID)
		if len(got.Roles) != 2 || !got.Has(fristad.RoleAuditor) || got.Has(fristad.RoleCaseWorker) {
			t.Errorf("roles now %v", got.Roles)
		}
		admin := fristad.NewContextWithActor(t.Context(), &fristad.Actor{UserID: "me", Roles: []fristad.Role{fristad.RoleAdministrator}})
		if err := db.SetRoles(admin, "me", []fristad.Role{fristad.RoleCaseWorker}); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("an administrator dropping their own role = %v; want EINVALID", err)
		}
	})
}
