package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// caseFixture has two organisations, each with staff in several roles.
type caseFixture struct {
	db         *sqlstoretest.Store
	clk        *clock
	orgA, orgB *fristad.Organisation
}

func newCaseFixture(t *testing.T, db *sqlstoretest.Store) *caseFixture {
	f := &caseFixture{db: db, clk: withClock(db)}
	f.orgA = mustCreateOrg(t, db, "Socialtjänsten A", "social_services")
	f.orgB = mustCreateOrg(t, db, "Kvinnojouren B", "ngo")
	return f
}

// actor returns a context acting as a user of org with roles, having
// confirmed a second factor at the fixture's current time if fresh.
func (f *caseFixture) actor(t *testing.T, org *fristad.Organisation, id string, fresh bool, roles ...fristad.Role) context.Context {
	a := &fristad.Actor{UserID: id, OrganisationID: org.ID, Roles: roles, SessionID: "s-" + id}
	if fresh {
		a.StepUpAt = f.clk.Now()
	}
	return fristad.NewContextWithActor(t.Context(), a)
}

func newCase(alias, name, identity, birth string) *fristad.Case {
	return &fristad.Case{
		Person:            &fristad.Person{Alias: alias, Name: name, IdentityNumber: identity, BirthDate: birth, AgeBand: "25-34", Sex: "female", Citizenships: []string{"ro"}, Languages: []string{"ro"}, InterpreterNeeded: true},
		ExploitationTypes: []string{"sexual_exploitation", "forced_labour"},
	}
}

func TestCaseAccess(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		workerA := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		c := newCase("Maria", "CANARY Ionescu", "19900101-1234", "1990-01-01")
		if err := db.CreateCase(workerA, c); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(c.Reference, "FR-") || c.LeadOrganisation != f.orgA.ID || c.Status != fristad.StatusIndication {
			t.Errorf("created %+v", c)
		}
		got, err := db.FindCaseByID(workerA, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Person.Name != "CANARY Ionescu" || got.Person.Alias != "Maria" || got.Access != "lead" || len(got.History) != 1 || len(got.Team) != 1 {
			t.Errorf("read back %+v %+v", got, got.Person)
		}

		missing, missingErr := db.FindCaseByID(workerA, "NO-SUCH-CASE")
		for name, ctx := range map[string]context.Context{
			"other organisation": f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker),
			"administrator":      f.actor(t, f.orgA, "admin-a", false, fristad.RoleAdministrator),
			"auditor":            f.actor(t, f.orgA, "auditor-a", false, fristad.RoleAuditor),
			"no roles":           f.actor(t, f.orgA, "nobody", false),
		} {
			got, err := db.FindCaseByID(ctx, c.ID)
			if got != nil || fristad.ErrorCode(err) != fristad.ENOTFOUND || !sqlstoretest.SameRefusal(err, missingErr) {
				t.Errorf("%s reading the case = %v, %v; want exactly what a missing case gives (%v, %v)", name, got, err, missing, missingErr)
			}
			if list, _ := db.FindCases(ctx, fristad.CaseFilter{}); len(list) != 0 {
				t.Errorf("%s lists %d cases", name, len(list))
			}
		}
		if list, err := db.FindCases(workerA, fristad.CaseFilter{}); err != nil || len(list) != 1 || list[0].Person.Alias != "Maria" || list[0].Person.Name != "" {
			t.Errorf("the lead's list: %v %v (lists show the alias, never the name)", list, err)
		}
		denials, _ := db.FindAuditEvents(dpo(t), fristad.AuditFilter{ObjectID: &c.ID})
		var denied int
		for _, e := range denials {
			if e.Action == "case.read" && e.Result == "denied" {
				denied++
			}
		}
		if denied != 4 {
			t.Errorf("%d denied reads audited; want 4", denied)
		}

		// A partner of the lead organisation reads but may not change.
		partnerA := f.actor(t, f.orgA, "partner-a", false, fristad.RolePartner)
		if _, err := db.FindCaseByID(partnerA, c.ID); err != nil {
			t.Errorf("a partner of the lead reading: %v", err)
		}
		ev := &fristad.StatusEvent{Status: fristad.StatusReasonableGrounds, DecidedOn: "2026-05-04", Basis: "Polisens bedömning"}
		if err := db.AddStatus(partnerA, c.ID, ev); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a partner changing the status = %v; want EFORBIDDEN", err)
		}
		if err := db.AddStatus(f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker), c.ID, ev); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another organisation changing the status = %v; want ENOTFOUND", err)
		}
		if err := db.AddStatus(workerA, c.ID, ev); err != nil {
			t.Fatal(err)
		}
		got, _ = db.FindCaseByID(workerA, c.ID)
		if got.Status != fristad.StatusReasonableGrounds || len(got.History) != 2 || got.History[0].Basis != "Polisens bedömning" || got.Version != 2 {
			t.Errorf("after the status change: %+v %+v", got, got.History[0])
		}

		if db.Engine() == sqlstore.SQLite {
			if dump := sqlstoretest.DumpSQLite(t, db.DB); strings.Contains(dump, "CANARY") || strings.Contains(dump, "19900101") || strings.Contains(dump, "Polisens bedömning") {
				t.Error("a sealed field is in the database files in clear")
			}
		}
	})
}

func TestBreakGlass(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		c := newCase("Ana", "", "", "")
		if err := db.CreateCase(f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker), c); err != nil {
			t.Fatal(err)
		}
		stale := f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker)
		if err := db.BreakGlass(stale, c.ID, "Akut placering i natt, socialjouren ringer"); fristad.ErrorCode(err) != fristad.ESTEPUP {
			t.Errorf("break-glass without a fresh second factor = %v; want ESTEPUP", err)
		}
		fresh := f.actor(t, f.orgB, "worker-b", true, fristad.RoleCaseWorker)
		if err := db.BreakGlass(fresh, c.ID, "behövs"); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("break-glass with no real reason = %v; want EINVALID", err)
		}
		if err := db.BreakGlass(fresh, "NO-SUCH-CASE", "Akut placering i natt, socialjouren ringer"); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("break-glass on a missing case = %v; want ENOTFOUND", err)
		}
		if err := db.BreakGlass(f.actor(t, f.orgB, "partner-b", true, fristad.RolePartner), c.ID, "Akut placering i natt, socialjouren ringer"); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("break-glass by a partner = %v; want ENOTFOUND", err)
		}
		if err := db.BreakGlass(fresh, c.ID, "Akut placering i natt, socialjouren ringer"); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindCaseByID(fresh, c.ID)
		if err != nil || got.Access != "break-glass" || got.BreakGlassUntil == nil {
			t.Fatalf("reading after break-glass: %+v, %v", got, err)
		}
		f.clk.Add(fristad.BreakGlassTTL + time.Second)
		if _, err := db.FindCaseByID(fresh, c.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("reading after the break-glass expired = %v; want ENOTFOUND", err)
		}
		events, _ := db.FindAuditEvents(dpo(t), fristad.AuditFilter{ObjectID: &c.ID})
		var found bool
		for _, e := range events {
			found = found || (e.Action == "case.break_glass" && e.Result == "ok" && e.ActorID == "worker-b")
		}
		if !found {
			t.Error("the break-glass is not in the audit trail")
		}
		notes, err := db.Notifications(f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker))
		if err != nil || len(notes) != 1 || notes[0].Kind != "break_glass" || notes[0].CaseReference != c.Reference || notes[0].ActorID != "worker-b" {
			t.Errorf("the lead organisation's notifications: %+v, %v", notes, err)
		}
		if notes, _ := db.Notifications(f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker)); len(notes) != 0 {
			t.Errorf("another organisation sees the notification: %+v", notes)
		}
	})
}

func TestProtectedIdentity(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		c := newCase("Skyddad", "Sara Hemlig", "", "")
		c.Person.Protection = fristad.ProtectionRegistration
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		if err := db.CreateCase(worker, c); err != nil {
			t.Fatal(err)
		}
		list, _ := db.FindCases(worker, fristad.CaseFilter{})
		if len(list) != 1 || list[0].Person.Alias != "" || !list[0].Person.Hidden {
			t.Errorf("the list shows a protected person: %+v", list[0].Person)
		}
		got, _ := db.FindCaseByID(worker, c.ID)
		if got.Person.Name != "" || got.Person.Alias != "" || !got.Person.Hidden {
			t.Errorf("the case shows a protected person: %+v", got.Person)
		}
		if _, err := db.RevealPerson(worker, c.ID); fristad.ErrorCode(err) != fristad.ESTEPUP {
			t.Errorf("reveal without a fresh second factor = %v; want ESTEPUP", err)
		}
		p, err := db.RevealPerson(f.actor(t, f.orgA, "worker-a", true, fristad.RoleCaseWorker), c.ID)
		if err != nil || p.Name != "Sara Hemlig" {
			t.Errorf("reveal with a fresh second factor = %+v, %v", p, err)
		}
		if _, err := db.RevealPerson(f.actor(t, f.orgB, "worker-b", true, fristad.RoleCaseWorker), c.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("reveal by another organisation = %v; want ENOTFOUND", err)
		}
	})
}

func TestDuplicates(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		workerA := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		workerB := f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker)
		if err := db.CreateCase(workerA, newCase("Elena", "Elena Popescu", "19900101-1234", "1990-01-01")); err != nil {
			t.Fatal(err)
		}
		for i := range 20 {
			db.CreateCase(workerA, newCase("Annan", "Person "+itoa(i), "", "1991-02-0"+itoa(i%9+1)))
		}
		check, err := db.FindDuplicates(workerA, &fristad.Person{IdentityNumber: "199001011234"})
		if err != nil || len(check.Cases) != 1 || check.KnownElsewhere {
			t.Errorf("the lead's search = %+v, %v", check, err)
		}
		check, err = db.FindDuplicates(workerB, &fristad.Person{Name: "  elena   POPESCU ", BirthDate: "1990-01-01"})
		if err != nil || len(check.Cases) != 0 || !check.KnownElsewhere {
			t.Errorf("another organisation's search = %+v, %v; want known elsewhere, nothing shown", check, err)
		}
		check, err = db.FindDuplicates(workerB, &fristad.Person{Name: "Elena Popescu", BirthDate: "1990-01-02"})
		if err != nil || len(check.Cases) != 0 || check.KnownElsewhere {
			t.Errorf("a different person = %+v, %v", check, err)
		}
	})
}

func TestPresumedChild(t *testing.T) {
	p := &fristad.Person{Alias: "Liten", AgeBand: "15-17"}
	if err := p.Validate(); err != nil || !p.PresumedChild {
		t.Errorf("a 15-17 year old is not presumed a child (CH-01): %+v %v", p, err)
	}
}

// TestUpdateCase checks changing where a case stands: from the version
// read, a stale one refused with nothing changed, a new pathway asking for
// a risk assessment the same day (AS-05), and who may change it.
func TestUpdateCase(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		c := newCase("Maria", "", "", "")
		if err := db.CreateCase(worker, c); err != nil {
			t.Fatal(err)
		}
		step, pathway := "acute_protection", "return"
		types := []string{"forced_labour", "forced_criminality", "forced_labour"}
		if err := db.UpdateCase(worker, c.ID, &fristad.CaseUpdate{Step: &step, Pathway: &pathway, ExploitationTypes: &types, Version: 1}); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindCaseByID(worker, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Step != step || got.Pathway != pathway || strings.Join(got.ExploitationTypes, ",") != "forced_criminality,forced_labour" || got.Version != 2 {
			t.Errorf("after the update: %+v", got)
		}
		if tasks, _ := db.FindTasks(worker, c.ID); strings.Join(kinds(tasks), ",") != "reassessment@2026-05-04" {
			t.Errorf("a new pathway's tasks: %v", kinds(tasks))
		}

		// A second writer from version 1 is refused; nothing changes.
		stay := "stay"
		err = db.UpdateCase(worker, c.ID, &fristad.CaseUpdate{Pathway: &stay, Version: 1})
		if fristad.ErrorCode(err) != fristad.ECONFLICT {
			t.Errorf("a stale update = %v; want ECONFLICT", err)
		}
		if again, _ := db.FindCaseByID(worker, c.ID); again.Pathway != pathway || again.Version != 2 {
			t.Errorf("a stale update changed the case: %+v", again)
		}
		// Changing nothing keeps the version, whatever version it names.
		if err := db.UpdateCase(worker, c.ID, &fristad.CaseUpdate{Step: &step, Version: 1}); err != nil {
			t.Fatal(err)
		}
		if again, _ := db.FindCaseByID(worker, c.ID); again.Version != 2 {
			t.Errorf("an update that changes nothing made version %d", again.Version)
		}

		bad := "somewhere"
		for name, u := range map[string]*fristad.CaseUpdate{
			"an unknown step":    {Step: &bad, Version: 2},
			"an unknown pathway": {Pathway: &bad, Version: 2},
			"an unknown form":    {ExploitationTypes: &[]string{"bad"}, Version: 2},
			"no version":         {Step: &step},
		} {
			if err := db.UpdateCase(worker, c.ID, u); fristad.ErrorCode(err) != fristad.EINVALID {
				t.Errorf("%s = %v; want EINVALID", name, err)
			}
		}
		partner := f.actor(t, f.orgA, "partner-a", false, fristad.RolePartner)
		if err := db.UpdateCase(partner, c.ID, &fristad.CaseUpdate{Pathway: &stay, Version: 2}); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a partner updating = %v; want EFORBIDDEN", err)
		}
		other := f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker)
		if err := db.UpdateCase(other, c.ID, &fristad.CaseUpdate{Pathway: &stay, Version: 2}); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another organisation updating = %v; want ENOTFOUND", err)
		}
	})
}

// TestDependants checks accompanying children as records of their own,
// linked to their mother's case (ID-11): the child's case gets a child's
// tasks (CH-04), both cases show the link, and a reader who may not see
// one of them sees no link to it.
func TestDependants(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		mother := newCase("Grace", "", "", "")
		if err := db.CreateCase(worker, mother); err != nil {
			t.Fatal(err)
		}
		child := &fristad.Case{Person: &fristad.Person{Alias: "Mira", AgeBand: "0-14", Sex: "female"}}
		if err := db.AddDependant(worker, mother.ID, "child", child); err != nil {
			t.Fatal(err)
		}
		if child.ID == "" || !child.Person.PresumedChild || child.LeadOrganisation != f.orgA.ID {
			t.Errorf("the child's case: %+v %+v", child, child.Person)
		}
		got, err := db.FindCaseByID(worker, mother.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Links) != 1 || got.Links[0].CaseID != child.ID || got.Links[0].Alias != "Mira" || got.Links[0].Relation != "child" || got.Links[0].Inverse {
			t.Errorf("the mother's links: %+v", got.Links)
		}
		got, err = db.FindCaseByID(worker, child.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Links) != 1 || got.Links[0].CaseID != mother.ID || got.Links[0].Alias != "Grace" || !got.Links[0].Inverse {
			t.Errorf("the child's links: %+v", got.Links)
		}
		if tasks, _ := db.FindTasks(worker, child.ID); strings.Join(kinds(tasks), ",") != "child_protection@2026-05-05" {
			t.Errorf("the child's tasks: %v", kinds(tasks))
		}

		// Another organisation joins the child's team only: it sees the
		// child's case, and no link to the mother's.
		addTeamMember(t, db, child.ID, f.orgB.ID)
		other := f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker)
		got, err = db.FindCaseByID(other, child.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Links) != 0 {
			t.Errorf("a link to a case the reader may not see: %+v", got.Links)
		}
		if err := db.AddDependant(other, mother.ID, "child", &fristad.Case{Person: &fristad.Person{Alias: "X", AgeBand: "0-14"}}); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("adding a dependant to a case one may not see = %v; want ENOTFOUND", err)
		}
		if err := db.AddDependant(worker, mother.ID, "cousin", &fristad.Case{Person: &fristad.Person{Alias: "X", AgeBand: "0-14"}}); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("an unknown relation = %v; want EINVALID", err)
		}
		partner := f.actor(t, f.orgA, "partner-a", false, fristad.RolePartner)
		if err := db.AddDependant(partner, mother.ID, "child", &fristad.Case{Person: &fristad.Person{Alias: "X", AgeBand: "0-14"}}); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a partner adding a dependant = %v; want EFORBIDDEN", err)
		}
		if list, _ := db.FindCases(worker, fristad.CaseFilter{}); len(list) != 2 {
			t.Errorf("%d cases; want the mother's and the child's: nothing half-written", len(list))
		}
	})
}
