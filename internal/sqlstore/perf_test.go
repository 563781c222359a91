package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// seedCases records n cases, spread over orgs, and returns the actors of
// the first organisation and one of its cases.
func seedCases(tb testing.TB, db *sqlstoretest.Store, n int) (*fristad.Actor, string) {
	tb.Helper()
	ctx := fristad.NewContextWithActor(context.Background(), fristad.SystemActor("test"))
	var actors []*fristad.Actor
	for i := range 10 {
		org := &fristad.Organisation{Name: "Org " + itoa(i), Type: "ngo"}
		if err := db.CreateOrganisation(ctx, org); err != nil {
			tb.Fatal(err)
		}
		actors = append(actors, &fristad.Actor{UserID: "worker-" + itoa(i), OrganisationID: org.ID, Roles: []fristad.Role{fristad.RoleCaseWorker}})
	}
	var first string
	for i := range n {
		a := actors[i%len(actors)]
		c := &fristad.Case{Person: &fristad.Person{Alias: "Person " + itoa(i), Name: "Namn " + itoa(i), BirthDate: "1990-01-01", AgeBand: "25-34"}}
		if err := db.CreateCase(fristad.NewContextWithActor(context.Background(), a), c); err != nil {
			tb.Fatal(err)
		}
		if first == "" {
			first = c.ID
		}
	}
	if err := db.Write(context.Background(), func(tx *sqlstore.Tx) error {
		_, err := tx.ExecContext(context.Background(), `ANALYZE`)
		return err
	}); err != nil && db.Engine() == sqlstore.SQLite {
		tb.Fatal(err)
	}
	return actors[0], first
}

// growCases copies the cases, their persons and teams in SQL until there
// are total cases, so the planners see the row counts of a big
// installation without sealing each one. The copies are older than every
// real case, so the first pages of a list are real cases that open; their
// sealed columns do not open (they are bound to the original rows), and
// the blind index is not copied.
func growCases(tb testing.TB, db *sqlstoretest.Store, total int) {
	tb.Helper()
	ctx := context.Background()
	if err := db.Write(ctx, func(tx *sqlstore.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil {
			return err
		}
		copies := (total - n + n - 1) / n
		if copies < 1 {
			return nil
		}
		gen := `WITH RECURSIVE g(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM g WHERE k < ` + itoa(copies) + `) `
		for _, q := range []string{
			`INSERT INTO persons (id, reference, alias_ct, name_ct, identity_ct, birth_date_ct, age_band, presumed_child, sex,
				citizenships, languages, interpreter_needed, protection, created_at, updated_at) ` + gen + `
			 SELECT p.id || '-' || g.k, p.reference || '-' || g.k, p.alias_ct, p.name_ct, p.identity_ct, p.birth_date_ct, p.age_band,
				p.presumed_child, p.sex, p.citizenships, p.languages, p.interpreter_needed, p.protection, p.created_at, p.updated_at
			 FROM persons p CROSS JOIN g`,
			`INSERT INTO cases (id, reference, person_id, lead_org_id, status, step, pathway, exploitation, version, created_by,
				created_at, updated_at, risk_level) ` + gen + `
			 SELECT c.id || '-' || g.k, c.reference || '-' || g.k, c.person_id || '-' || g.k, c.lead_org_id, c.status, c.step, c.pathway,
				c.exploitation, c.version, c.created_by, (SELECT MIN(created_at) FROM cases), c.updated_at, c.risk_level
			 FROM cases c CROSS JOIN g`,
			`INSERT INTO case_team (case_id, org_id, level, added_at, case_created_at) ` + gen + `
			 SELECT t.case_id || '-' || g.k, t.org_id, t.level, t.added_at, (SELECT MIN(created_at) FROM cases) FROM case_team t CROSS JOIN g`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
}

// TestQueryPlans checks that the case list, reading a case and the
// duplicate search are served by indexes on both engines with 100,000
// cases, so they stay fast as cases grow: no full scan of cases, teams
// or the blind index.
func TestQueryPlans(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		actor, id := seedCases(t, db, 300)
		ctx := t.Context()
		total := 100_000
		if testing.Short() || raceEnabled {
			total = 300 // .ci/run checks 100,000 in a run without -race
		}
		growCases(t, db, total)
		seedTasks(t, db)
		var n int
		if err := db.Read(ctx, func(tx *sqlstore.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases`).Scan(&n)
		}); err != nil || n < total {
			t.Fatalf("%d cases, %v; want %d", n, err, total)
		}
		for name, plan := range map[string]func() (string, error){
			"case list": func() (string, error) { return db.ExplainCaseList(ctx, actor, fristad.CaseFilter{}) },
			"filtered list": func() (string, error) {
				return db.ExplainCaseList(ctx, actor, fristad.CaseFilter{RiskLevel: new("high")})
			},
			"deadline filter": func() (string, error) {
				return db.ExplainCaseList(ctx, actor, fristad.CaseFilter{Deadline: new("week")})
			},
			"reference search": func() (string, error) {
				return db.ExplainCaseList(ctx, actor, fristad.CaseFilter{Reference: "FR-AB", LeadOrganisation: &actor.OrganisationID})
			},
			"one case":         func() (string, error) { return db.ExplainCaseByID(ctx, actor, id) },
			"duplicate search": func() (string, error) { return db.ExplainDuplicates(ctx) },
			"my deadlines":     func() (string, error) { return db.ExplainMyDeadlines(ctx, actor) },
		} {
			p, err := plan()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, bad := range fullScans(db) {
				if strings.Contains(p, bad) {
					t.Errorf("%s scans a whole table (%q):\n%s", name, bad, p)
				}
			}
		}
	})
}

// seedTasks gives every case three tasks, two of them done, due over a
// year, and refreshes the planner's statistics.
func seedTasks(tb testing.TB, db *sqlstoretest.Store) {
	tb.Helper()
	ctx := context.Background()
	if err := db.Write(ctx, func(tx *sqlstore.Tx) error {
		for i, q := range []string{
			`INSERT INTO tasks (id, case_id, kind, due_on, org_id, created_at, done_at)
			 SELECT c.id || '-a', c.id, 'reassessment', '2026-01-01', c.lead_org_id, c.created_at, c.created_at FROM cases c`,
			`INSERT INTO tasks (id, case_id, kind, due_on, org_id, created_at, done_at)
			 SELECT c.id || '-b', c.id, 'reassessment', '2026-03-01', c.lead_org_id, c.created_at, c.created_at FROM cases c`,
			`INSERT INTO tasks (id, case_id, kind, due_on, org_id, created_at)
			 SELECT c.id || '-c', c.id, 'reassessment', '2026-09-01', c.lead_org_id, c.created_at FROM cases c`,
			`ANALYZE`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil && i < 3 {
				return err
			}
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
}

// fullScans are what a plan shows for a scan of a whole table.
func fullScans(db *sqlstoretest.Store) []string {
	if db.Engine() == sqlstore.Postgres {
		return []string{"Seq Scan on cases", "Seq Scan on case_team", "Seq Scan on persons", "Seq Scan on person_index", "Seq Scan on break_glass", "Seq Scan on tasks"}
	}
	return []string{"SCAN c\n", "SCAN c ", "SCAN cases", "SCAN t\n", "SCAN case_team", "SCAN p\n", "SCAN persons", "SCAN person_index", "SCAN break_glass", "SCAN tasks"}
}

// TestCaseListQueries checks that a list page reads a bounded number of
// rows from the key store whatever its length: keys come in one query.
func TestCaseListQueries(t *testing.T) {
	db := sqlstoretest.MustOpen(t, sqlstore.SQLite)
	actor, _ := seedCases(t, db, 100)
	ctx := fristad.NewContextWithActor(t.Context(), actor)
	list, err := db.FindCases(ctx, fristad.CaseFilter{Limit: 200})
	if err != nil || len(list) != 10 {
		t.Fatalf("FindCases = %d cases, %v; want the organisation's 10", len(list), err)
	}
	for _, c := range list {
		if !strings.HasPrefix(c.Person.Alias, "Person ") {
			t.Errorf("alias %q not opened", c.Person.Alias)
		}
	}
}

func benchDB(b *testing.B, n int) (*sqlstoretest.Store, context.Context, string) {
	db := sqlstoretest.MustOpen(b, sqlstore.SQLite)
	actor, id := seedCases(b, db, n)
	return db, fristad.NewContextWithActor(context.Background(), actor), id
}

// BenchmarkFindCases measures a list page of an organisation's cases
// among 2,000.
func BenchmarkFindCases(b *testing.B) {
	db, ctx, _ := benchDB(b, 2000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.FindCases(ctx, fristad.CaseFilter{Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindCases100k is BenchmarkFindCases with the cases grown to
// 100,000 (10,000 of them the organisation's).
func BenchmarkFindCases100k(b *testing.B) {
	db, ctx, _ := benchDB(b, 2000)
	growCases(b, db, 100_000)
	analyze(b, db)
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.FindCases(ctx, fristad.CaseFilter{Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchReference100k measures the reference search among
// 100,000 cases.
func BenchmarkSearchReference100k(b *testing.B) {
	db, ctx, id := benchDB(b, 2000)
	growCases(b, db, 100_000)
	analyze(b, db)
	c, err := db.FindCaseByID(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		list, err := db.FindCases(ctx, fristad.CaseFilter{Reference: c.Reference, Limit: 50})
		if err != nil || len(list) == 0 {
			b.Fatal(len(list), err)
		}
	}
}

// BenchmarkFindCaseByID100k is the case page's read among 100,000 cases.
func BenchmarkFindCaseByID100k(b *testing.B) {
	db, ctx, id := benchDB(b, 2000)
	growCases(b, db, 100_000)
	analyze(b, db)
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.FindCaseByID(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

func analyze(tb testing.TB, db *sqlstoretest.Store) {
	tb.Helper()
	if err := db.Write(context.Background(), func(tx *sqlstore.Tx) error {
		_, err := tx.ExecContext(context.Background(), `ANALYZE`)
		return err
	}); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkFindCaseByID measures the case page's read.
func BenchmarkFindCaseByID(b *testing.B) {
	db, ctx, id := benchDB(b, 2000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.FindCaseByID(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFindDuplicates measures the search for a known person.
func BenchmarkFindDuplicates(b *testing.B) {
	db, ctx, _ := benchDB(b, 2000)
	p := &fristad.Person{Name: "Namn 1234", BirthDate: "1990-01-01"}
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.FindDuplicates(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMyDeadlines measures the deadlines of a case worker whose
// organisation has 200 of 2,000 cases, each with three tasks.
func BenchmarkMyDeadlines(b *testing.B) {
	db, ctx, _ := benchDB(b, 2000)
	seedTasks(b, db)
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.MyDeadlines(ctx, fristad.TaskFilter{Until: "2026-12-31"}); err != nil {
			b.Fatal(err)
		}
	}
}
