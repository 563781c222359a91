package main

import (
	"database/sql"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/auth"
	"fristad/internal/seal"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
	"fristad/internal/timeline"
)

// TestSeed seeds a small programme on each engine and checks that it is
// what the services would have written: the counts and the spread over
// steps and pathways, cases that a seeded case worker reads through the
// services with her sealed name, her plan and her timeline, an audit log
// that verifies, a second run that adds to the first, and the worker
// logging in to the workspace and opening a case.
func TestSeed(t *testing.T) {
	const cases = 200
	for _, engine := range sqlstoretest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := sqlstoretest.NewDSN(t, engine)
			dir := t.TempDir()
			keyFile := filepath.Join(dir, "master.key")
			args := []string{"--db", dsn, "--master-key-file", keyFile}
			code, stdout, stderr := runCommand(t, nil, append([]string{"seed", "--cases", "200"}, args...)...)
			if code != 0 {
				t.Fatalf("seed: exit %d: %s", code, stderr)
			}
			if !strings.Contains(stdout, "Added 200 cases") {
				t.Errorf("seed said:\n%s", stdout)
			}

			raw := openRaw(t, engine, dsn)
			count := func(query string) int {
				t.Helper()
				var n int
				if err := raw.QueryRow(query).Scan(&n); err != nil {
					t.Fatalf("%s: %v", query, err)
				}
				return n
			}
			const seeded = ` FROM cases c JOIN organisations o ON o.id = c.lead_org_id WHERE o.region = 'Syntetlän'`
			if n := count(`SELECT count(*)` + seeded); n != cases {
				t.Errorf("seeded cases = %d; want %d", n, cases)
			}
			// About a hundred audit events a case, and at least sixty.
			if n := count(`SELECT count(*) FROM audit_log`); n < 60*cases || n > 160*cases {
				t.Errorf("audit events = %d; want about %d", n, 100*cases)
			}
			for _, table := range []string{"persons", "person_index", "case_status", "assessments", "case_notes", "tasks",
				"case_documents", "case_events", "plans", "plan_interventions", "plan_versions", "plan_events", "plan_reviews", "safety_plans"} {
				if n := count(`SELECT count(*) FROM ` + table); n == 0 {
					t.Errorf("no rows in %s", table)
				}
			}
			for _, col := range []struct {
				name string
				want []string
			}{{"step", fristad.Steps}, {"pathway", fristad.Pathways}, {"status", fristad.Statuses}} {
				rows, err := raw.Query(`SELECT DISTINCT c.` + col.name + seeded)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for rows.Next() {
					var v string
					rows.Scan(&v)
					got = append(got, v)
				}
				rows.Close()
				for _, w := range col.want {
					if !slices.Contains(got, w) {
						t.Errorf("no seeded case has %s %q (have %v)", col.name, w, got)
					}
				}
			}
			// Every person is sealed: no name in clear anywhere.
			if n := count(`SELECT count(*) FROM persons WHERE alias_ct IS NULL AND name_ct IS NULL`); n != 0 {
				t.Errorf("%d persons have neither alias nor name", n)
			}

			// A seeded case worker reads her organisation's cases through
			// the services, the sealed fields opened with the data keys.
			db, err := sqlstore.Open(t.Context(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			kr, err := seal.LoadKeyringFile(keyFile)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.InitKeys(t.Context(), kr); err != nil {
				t.Fatal(err)
			}
			svc := sqlstore.NewServices(db)
			email := "handlaggare001@syntet.fristad.invalid"
			users, err := svc.Users.FindUsers(fristad.NewContextWithActor(t.Context(), fristad.SystemActor("test")), fristad.UserFilter{Email: &email})
			if err != nil || len(users) != 1 || !users[0].Activated {
				t.Fatalf("seeded worker: %v %v", users, err)
			}
			u := users[0]
			ctx := fristad.NewContextWithActor(t.Context(), &fristad.Actor{UserID: u.ID, OrganisationID: u.OrganisationID, Roles: u.Roles})
			list, err := svc.Cases.FindCases(ctx, fristad.CaseFilter{})
			if err != nil || len(list) < cases/seedOrgs(cases)/2 {
				t.Fatalf("FindCases: %d cases, %v", len(list), err)
			}
			var named, planned int
			for _, c := range list {
				full, err := svc.Cases.FindCaseByID(ctx, c.ID)
				if err != nil {
					t.Fatalf("FindCaseByID(%s): %v", c.Reference, err)
				}
				if full.Person.Alias == "" && !full.Person.Hidden {
					t.Errorf("%s: no alias read back", c.Reference)
				}
				if full.Person.Name != "" {
					named++
					if !strings.HasPrefix(full.Person.Name, full.Person.Alias[:min(len(full.Person.Alias), 3)]) {
						t.Errorf("%s: name %q and alias %q do not go together", c.Reference, full.Person.Name, full.Person.Alias)
					}
				}
				if _, err := timeline.Build(ctx, svc, full); err != nil {
					t.Fatalf("timeline of %s: %v", c.Reference, err)
				}
				plan, err := svc.Plans.Plan(ctx, c.ID)
				if err != nil {
					t.Fatalf("plan of %s: %v", c.Reference, err)
				}
				if plan != nil {
					planned++
					if _, _, err := svc.Plans.PlanVersion(ctx, c.ID, plan.Version); err != nil {
						t.Fatalf("plan version %d of %s: %v", plan.Version, c.Reference, err)
					}
				}
			}
			if named == 0 || planned == 0 {
				t.Errorf("of %d cases read, %d have a name and %d a plan", len(list), named, planned)
			}
			if _, err := svc.Tasks.MyDeadlines(ctx, fristad.TaskFilter{}); err != nil {
				t.Errorf("MyDeadlines: %v", err)
			}

			// The log verifies; the reads above added to it as they should.
			code, stdout, stderr = runCommand(t, nil, "audit", "verify", "--db", dsn)
			if code != 0 || !strings.HasPrefix(stdout, "ok: ") {
				t.Fatalf("audit verify: %d %q %q", code, stdout, stderr)
			}

			// A second run adds cases and reuses the accounts.
			code, stdout, stderr = runCommand(t, nil, append([]string{"seed", "--cases", "20"}, args...)...)
			if code != 0 || !strings.Contains(stdout, "; 0 new accounts") {
				t.Fatalf("second seed: %d %q %q", code, stdout, stderr)
			}
			if n := count(`SELECT count(*)` + seeded); n != cases+20 {
				t.Errorf("seeded cases after the second run = %d; want %d", n, cases+20)
			}
			if code, stdout, stderr := runCommand(t, nil, "audit", "verify", "--db", dsn); code != 0 {
				t.Fatalf("audit verify after the second run: %d %q %q", code, stdout, stderr)
			}

			// The seeded worker logs in to the workspace and opens a case.
			staff, _ := startCommand(t, append([]string{"serve", "--demo", "--staff-addr", "127.0.0.1:0", "--public-addr", "127.0.0.1:0"}, args...)...)
			b := &formClient{t: t, base: staff, cookies: map[string]string{}}
			b.get("/login")
			if resp := b.post("/login", url.Values{"email": {email}, "password": {demoPassword}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("password: %d", resp.StatusCode)
			}
			totp, _ := auth.TOTPCode(demoSecret(email), time.Now())
			if resp := b.post("/login/code", url.Values{"code": {totp}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
				t.Fatalf("code: %d %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			for _, path := range []string{"/cases", "/cases/" + list[0].ID, "/cases/" + list[0].ID + "/timeline"} {
				if resp := b.get(path); resp.StatusCode != http.StatusOK {
					t.Errorf("GET %s = %d", path, resp.StatusCode)
				}
			}
		})
	}
}

// seedOrgs is how many organisations lead the seeded cases (at least four).
func seedOrgs(cases int) int { return max(cases/2500, 4) }

// TestSeedRefusesRealData: seed never touches a database with real data,
// and says so in one line.
func TestSeedRefusesRealData(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCommand(t, nil, "migrate", "--data-dir", dir); code != 0 {
		t.Fatal(stderr)
	}
	db, err := sqlstore.Open(t.Context(), filepath.Join(dir, "fristad.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.InitInstance(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, _, stderr := runCommand(t, nil, "seed", "--cases", "10", "--data-dir", dir)
	if code != 1 || !strings.Contains(stderr, "holds data that is not demo data") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Fatalf("seed on real data: %d %q; want exit 1 and one line", code, stderr)
	}
	var n int
	queryRowSQLite(t, filepath.Join(dir, "fristad.db"), `SELECT count(*) FROM cases`, &n)
	if n != 0 {
		t.Errorf("seed wrote %d cases into real data", n)
	}
	if code, _, stderr := runCommand(t, nil, "seed", "--cases", "0", "--data-dir", dir); code != 2 || !strings.Contains(stderr, "--cases") {
		t.Errorf("seed --cases 0: %d %q", code, stderr)
	}
}

// openRaw opens a database directly, bypassing sqlstore, for counting.
func openRaw(t *testing.T, engine, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if engine == sqlstore.Postgres {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
