package sitetest

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/auth"
	"fristad/internal/testing/sqlstoretest"
)

// Password is the password of the users MustDemoUser and MustStaff
// create.
const Password = "ett långt testlösenord"

// MustDemoUser creates an activated user with a known password and TOTP
// secret, in the instance's first organisation (a new one when there is
// none).
func MustDemoUser(tb testing.TB, db *sqlstoretest.Store, email string, role fristad.Role) (password, secret string) {
	tb.Helper()
	ctx := fristad.NewContextWithActor(tb.Context(), fristad.SystemActor("test"))
	if err := db.InitInstance(ctx, true); err != nil {
		tb.Fatal(err)
	}
	orgs, _ := db.FindOrganisations(ctx, fristad.OrganisationFilter{})
	if len(orgs) == 0 {
		org := &fristad.Organisation{Name: "Testjouren", Type: "ngo"}
		if err := db.CreateOrganisation(ctx, org); err != nil {
			tb.Fatal(err)
		}
		orgs = append(orgs, org)
	}
	password, secret = Password, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	if err := db.CreateDemoUser(ctx, &fristad.User{OrganisationID: orgs[0].ID, Email: email, Roles: []fristad.Role{role}}, password, secret); err != nil {
		tb.Fatal(err)
	}
	return password, secret
}

// MustDemoUserSecret is MustDemoUser with a chosen password and secret,
// once the instance has an organisation.
func MustDemoUserSecret(tb testing.TB, db *sqlstoretest.Store, email string, role fristad.Role, password, secret string) {
	tb.Helper()
	ctx := fristad.NewContextWithActor(tb.Context(), fristad.SystemActor("test"))
	orgs, _ := db.FindOrganisations(ctx, fristad.OrganisationFilter{})
	if err := db.CreateDemoUser(ctx, &fristad.User{OrganisationID: orgs[0].ID, Email: email, Roles: []fristad.Role{role}}, password, secret); err != nil {
		tb.Fatal(err)
	}
}

// SignIn logs a browser in as a user created with MustDemoUser, on a
// server whose database runs on the real clock.
func SignIn(tb testing.TB, b *Browser, email, password, secret string) {
	tb.Helper()
	SignInAt(tb, b, time.Now(), email, password, secret)
}

// SignInAt is SignIn with the code for the time now, the time of the
// server's database clock. A code is accepted once per account and time
// step: a second sign-in of the same account needs that clock moved on
// by auth.TOTPStep first.
func SignInAt(tb testing.TB, b *Browser, now time.Time, email, password, secret string) {
	tb.Helper()
	b.Get("/login")
	resp, _ := b.Post("/login", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		tb.Fatalf("password for %s: %d", email, resp.StatusCode)
	}
	code, _ := auth.TOTPCode(secret, now)
	resp, _ = b.Post("/login/code", url.Values{"code": {code}})
	if resp.StatusCode != http.StatusSeeOther {
		tb.Fatalf("code for %s: %d", email, resp.StatusCode)
	}
	b.Get("/") // a page, for the new session's form token
}

// Staff is a signed-in member of staff with an API token.
type Staff struct {
	*Browser
	ID    string // the user's id
	Token string // a write token of the API
}

// MustStaff creates an activated user of org with role, signs them in
// on the workspace at base and gives them a write token.
func MustStaff(tb testing.TB, db *sqlstoretest.Store, base string, org *fristad.Organisation, email, secret string, role fristad.Role) *Staff {
	tb.Helper()
	sys := fristad.NewContextWithActor(tb.Context(), fristad.SystemActor("test"))
	user := &fristad.User{OrganisationID: org.ID, Email: email, Roles: []fristad.Role{role}}
	if err := db.CreateDemoUser(sys, user, Password, secret); err != nil {
		tb.Fatal(err)
	}
	b := NewBrowser(tb, base)
	SignIn(tb, b, email, Password, secret)
	tok, err := db.CreateToken(sys, user.ID, "test", fristad.ScopeWrite, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return &Staff{Browser: b, ID: user.ID, Token: tok.Token}
}

// MustOrgs creates the instance and organisations named.
func MustOrgs(tb testing.TB, db *sqlstoretest.Store, names ...string) []*fristad.Organisation {
	tb.Helper()
	sys := fristad.NewContextWithActor(tb.Context(), fristad.SystemActor("test"))
	if err := db.InitInstance(sys, true); err != nil {
		tb.Fatal(err)
	}
	var orgs []*fristad.Organisation
	for _, name := range names {
		o := &fristad.Organisation{Name: name, Type: "ngo"}
		if err := db.CreateOrganisation(sys, o); err != nil {
			tb.Fatal(err)
		}
		orgs = append(orgs, o)
	}
	return orgs
}

// MustOpenCase records a case through the workspace and returns its id.
func MustOpenCase(tb testing.TB, u *Staff, alias, ageBand string) string {
	tb.Helper()
	resp, _ := u.Post("/cases", url.Values{"alias": {alias}, "age_band": {ageBand}, "confirm_new": {"on"}})
	if resp.StatusCode != http.StatusSeeOther {
		tb.Fatalf("creating the case: %d", resp.StatusCode)
	}
	return strings.TrimPrefix(resp.Header.Get("Location"), "/cases/")
}

// ActorOf returns a context acting as the holder of an API token, as the
// API and the workspace see them.
func ActorOf(tb testing.TB, db *sqlstoretest.Store, token string) context.Context {
	tb.Helper()
	a, err := db.AuthenticateToken(tb.Context(), token)
	if err != nil {
		tb.Fatal(err)
	}
	return fristad.NewContextWithActor(tb.Context(), a)
}

// ProgrammeForm is the designer's form for a programme like the
// national support programme's 2022 rules.
func ProgrammeForm(name string) url.Values {
	return url.Values{
		"name_sv": {name}, "name_en": {name + " (en)"}, "description_sv": {"Stöd till vuxna."}, "description_en": {"Support for adults."},
		"target_group": {"adults"},
		"phase_code_0": {"initial_rest"}, "phase_days_0": {"30"}, "phase_renewals_0": {"0"},
		"phase_code_1": {"rehabilitation"}, "phase_days_1": {"90"}, "phase_renewals_1": {"3"},
		"phase_code_2": {"move_on"}, "phase_days_2": {"45"}, "phase_renewals_2": {"0"},
		"phase_code_3": {""}, "phase_days_3": {""},
		"types":      {"accommodation", "swedish_tuition", "job_coaching"},
		"funding":    {"programme", "municipality"},
		"min_status": {"reasonable_grounds"},
		"budget":     {"2 000 000"},
		"valid_from": {"2020-01-01"},
		"valid_to":   {""},
	}
}

// ProgrammePath matches the workspace's address of a programme version;
// its group is the version's id.
var ProgrammePath = regexp.MustCompile(`/programmes/([A-Z0-9]{26})`)
