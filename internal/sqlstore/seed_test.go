package sqlstore_test

import (
	"testing"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"

	"golang.org/x/mod/sumdb/note"
)

// TestSeedRefuses: seeding is for the command line, on demo databases only.
func TestSeedRefuses(t *testing.T) {
	st := sqlstoretest.MustOpen(t, sqlstore.SQLite)
	opts := sqlstore.SeedOptions{Cases: 3, Password: "pw", TOTPSecret: func(string) string { return "JBSWY3DPEHPK3PXP" }}
	cli := fristad.NewContextWithActor(t.Context(), fristad.SystemActor("seed"))
	if err := st.InitInstance(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Seed(cli, opts); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
		t.Errorf("Seed on real data: %v; want EFORBIDDEN", err)
	}
	demo := sqlstoretest.MustOpen(t, sqlstore.SQLite)
	if err := demo.InitInstance(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	admin := fristad.NewContextWithActor(t.Context(), &fristad.Actor{UserID: "u", OrganisationID: "o", Roles: []fristad.Role{fristad.RoleAdministrator}})
	if _, err := demo.Seed(admin, opts); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
		t.Errorf("Seed by a user: %v; want EFORBIDDEN", err)
	}
	// Seeded after events already in the log, the log still verifies.
	report, err := demo.Seed(cli, opts)
	if err != nil || report.Cases != 3 || report.Events < 3*60 {
		t.Fatalf("Seed: %+v, %v", report, err)
	}
	if _, err := demo.VerifyAudit(t.Context(), note.VerifierList(), nil); err != nil {
		t.Errorf("VerifyAudit after seeding: %v", err)
	}
}
