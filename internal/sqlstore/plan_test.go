package sqlstore_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// newProgramme returns a programme version like the national support
// programme's 2022 rules.
func newProgramme(name string) *fristad.ProgrammeVersion {
	return &fristad.ProgrammeVersion{
		Name:        map[string]string{"sv": name, "en": name + " (en)"},
		Description: map[string]string{"sv": "Stöd till vuxna.", "en": "Support for adults."},
		TargetGroup: "adults",
		Phases:      []fristad.Phase{{Code: "initial_rest", MaxDays: 30}, {Code: "rehabilitation", MaxDays: 90, Renewals: 3}, {Code: "move_on", MaxDays: 45}},
		Types:       []string{"accommodation", "psychological", "swedish_tuition", "job_coaching"},
		Funding:     []string{"programme", "municipality", "region"},
		Eligibility: fristad.Eligibility{MinStatus: fristad.StatusReasonableGrounds},
		Budget:      1000000,
		ValidFrom:   "2026-01-01",
	}
}

// mustPublish creates and publishes a programme version as coordinator.
func mustPublish(t *testing.T, db *sqlstoretest.Store, coord context.Context, v *fristad.ProgrammeVersion) {
	t.Helper()
	if err := db.CreateProgrammeVersion(coord, v); err != nil {
		t.Fatal(err)
	}
	if err := db.PublishProgrammeVersion(coord, v.ID); err != nil {
		t.Fatal(err)
	}
}

func TestProgrammes(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		coord := f.actor(t, f.orgA, "coord-a", false, fristad.RoleCoordinator)
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		admin := f.actor(t, f.orgA, "admin-a", false, fristad.RoleAdministrator)

		v1 := newProgramme("NSP 2026")
		if err := db.CreateProgrammeVersion(worker, v1); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("a case worker designing a programme = %v; want ENOTFOUND", err)
		}
		if _, err := db.FindProgrammeVersions(admin, fristad.ProgrammeFilter{}); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("an administrator reading programmes = %v; want ENOTFOUND", err)
		}
		bad := newProgramme("Villkorat")
		bad.Eligibility.MinStatus = fristad.StatusInjuredParty
		if err := db.CreateProgrammeVersion(coord, bad); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("support conditional on a police report = %v; want EINVALID (SP-07)", err)
		}
		if err := db.CreateProgrammeVersion(coord, v1); err != nil {
			t.Fatal(err)
		}
		v1.Budget = 1500000
		if err := db.UpdateProgrammeVersion(coord, v1); err != nil {
			t.Fatal(err)
		}
		if err := db.PublishProgrammeVersion(coord, v1.ID); err != nil {
			t.Fatal(err)
		}
		v1.Budget = 1
		if err := db.UpdateProgrammeVersion(coord, v1); fristad.ErrorCode(err) != fristad.ECONFLICT {
			t.Errorf("changing a published version = %v; want ECONFLICT", err)
		}
		if err := db.PublishProgrammeVersion(coord, v1.ID); fristad.ErrorCode(err) != fristad.ECONFLICT {
			t.Errorf("publishing twice = %v; want ECONFLICT", err)
		}
		v2 := newProgramme("NSP 2026")
		v2.ProgrammeID = v1.ProgrammeID
		v2.Phases[1].MaxDays = 60
		if err := db.CreateProgrammeVersion(coord, v2); err != nil || v2.Version != 2 {
			t.Fatalf("second version: %d, %v", v2.Version, err)
		}
		got, err := db.FindProgrammeVersionByID(worker, v1.ID)
		if err != nil || got.Budget != 1500000 || got.Status != fristad.ProgrammePublished || got.Name["en"] != "NSP 2026 (en)" || len(got.Phases) != 3 {
			t.Errorf("read back v1: %+v, %v", got, err)
		}
		published, _ := db.FindProgrammeVersions(worker, fristad.ProgrammeFilter{Published: true})
		if len(published) != 1 {
			t.Errorf("%d published versions; want 1 (the draft is not)", len(published))
		}

		// The provider registry, with one certification expired.
		if err := db.SaveProvider(coord, &fristad.Provider{OrganisationID: f.orgB.ID, Certification: "certified", CertifiedUntil: "2026-01-31",
			Services: []string{"accommodation"}, Languages: []string{"ro"}, Regions: []string{"Skåne, västra"}, Places: 6, TakesChildren: true}); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveProvider(worker, &fristad.Provider{OrganisationID: f.orgA.ID, Certification: "pending"}); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("a case worker keeping the registry = %v", err)
		}
		if err := db.SaveProvider(coord, &fristad.Provider{OrganisationID: "NOSUCH", Certification: "pending"}); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("an unknown organisation = %v", err)
		}
		providers, err := db.FindProviders(worker)
		if err != nil || len(providers) != 1 || providers[0].Name != "Kvinnojouren B" || providers[0].Regions[0] != "Skåne, västra" || providers[0].CertifiedOn("2026-05-04") {
			t.Errorf("providers: %+v, %v (certification expired on 2026-01-31)", providers, err)
		}
	})
}

func TestPlan(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		coord := f.actor(t, f.orgA, "coord-a", false, fristad.RoleCoordinator)
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		v1 := newProgramme("NSP 2026")
		mustPublish(t, db, coord, v1)
		if err := db.SaveProvider(coord, &fristad.Provider{OrganisationID: f.orgB.ID, Certification: "certified", CertifiedUntil: "2026-01-31"}); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveProvider(coord, &fristad.Provider{OrganisationID: f.orgA.ID, Certification: "certified", CertifiedUntil: "2027-12-31"}); err != nil {
			t.Fatal(err)
		}
		c := newCase("Maria", "", "", "")
		if err := db.CreateCase(worker, c); err != nil {
			t.Fatal(err)
		}

		// Indication only: not yet eligible, and told why.
		enrol := &fristad.Enrolment{VersionID: v1.ID, EnrolledOn: "2026-05-04",
			Goals:   []fristad.Goal{{Text: "CANARY Să învăț suedeză și să lucrez ca bucătăreasă.", Language: "ro"}, {Text: "Ett eget boende."}},
			Contact: "Handläggare Anna, 010-000 00 00"}
		res, err := db.Enrol(worker, c.ID, enrol)
		if fristad.ErrorCode(err) != fristad.EINVALID || res == nil || res.Eligible {
			t.Fatalf("enrolling at indication = %+v, %v; want ineligible", res, err)
		}
		var against []string
		for _, r := range res.Reasons {
			if !r.OK {
				against = append(against, r.Key)
			}
		}
		if strings.Join(against, ",") != "eligibility.status.not" {
			t.Errorf("reasons against: %v", against)
		}
		if err := db.AddStatus(worker, c.ID, &fristad.StatusEvent{Status: fristad.StatusReasonableGrounds, DecidedOn: "2026-05-03"}); err != nil {
			t.Fatal(err)
		}
		if res, err := db.CheckEligibility(worker, c.ID, v1.ID, "2026-05-04"); err != nil || !res.Eligible {
			t.Fatalf("eligibility after reasonable grounds: %+v, %v", res, err)
		}
		if _, err := db.Enrol(worker, c.ID, enrol); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Enrol(worker, c.ID, enrol); fristad.ErrorCode(err) != fristad.ECONFLICT {
			t.Errorf("a second active plan = %v; want ECONFLICT", err)
		}

		// Interventions with costs, one at a provider whose
		// certification has run out.
		for _, in := range []*fristad.Intervention{
			{Type: "accommodation", ProviderID: f.orgB.ID, FundingSource: "programme", Phase: "initial_rest", PlannedStart: "2026-05-04", CostCommitted: 30000, CostSpent: 12000, Status: "started"},
			{Type: "swedish_tuition", ProviderID: f.orgA.ID, FundingSource: "municipality", Phase: "rehabilitation", PlannedStart: "2026-06-04", CostCommitted: 8000},
			{Type: "psychological", FundingSource: "region", Phase: fristad.PhaseOneOff, PlannedStart: "2026-05-10", CostCommitted: 5000, CostSpent: 1500, Status: "cancelled", CancelReason: "Hon ville vänta."},
		} {
			if err := db.SaveIntervention(worker, c.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		notFunded := &fristad.Intervention{Type: "internship", FundingSource: "programme", Phase: "move_on", PlannedStart: "2026-09-01"}
		if err := db.SaveIntervention(worker, c.ID, notFunded); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("an intervention the programme does not fund, paid by it = %v", err)
		}

		// Phases: rest cannot be renewed; rehabilitation can, with a
		// reason; an overrun is not left silently.
		if err := db.ChangePhase(worker, c.ID, &fristad.PhaseChange{Kind: "renew", On: "2026-05-20", Reason: "Behöver mer tid."}); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("renewing the rest phase = %v", err)
		}
		if err := db.ChangePhase(worker, c.ID, &fristad.PhaseChange{Kind: "advance", On: "2026-06-10"}); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("leaving an overrun phase without a reason = %v", err)
		}
		if err := db.ChangePhase(worker, c.ID, &fristad.PhaseChange{Kind: "advance", On: "2026-06-10", Reason: "Väntade på tolk."}); err != nil {
			t.Fatal(err)
		}
		if err := db.ChangePhase(worker, c.ID, &fristad.PhaseChange{Kind: "renew", On: "2026-09-01"}); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("a renewal without a reason = %v", err)
		}
		if err := db.ChangePhase(worker, c.ID, &fristad.PhaseChange{Kind: "renew", On: "2026-09-01", Reason: "Traumabehandlingen fortsätter."}); err != nil {
			t.Fatal(err)
		}

		p, err := db.Plan(worker, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Phase != "rehabilitation" || p.PhaseStartedOn != "2026-06-10" || p.Renewals != 1 || len(p.Events) != 3 || p.Events[1].Reason != "Väntade på tolk." {
			t.Errorf("phases: %s from %s, %d renewals, events %+v", p.Phase, p.PhaseStartedOn, p.Renewals, p.Events)
		}
		if clock := p.Clock("2026-11-10"); clock.Limit != 180 || clock.RenewalsLeft != 2 || clock.Overrun {
			t.Errorf("clock: %+v", clock)
		}
		if len(p.Goals) != 2 || p.Goals[0].Language != "ro" || !strings.Contains(p.Goals[0].Text, "suedeză") || p.Contact == "" {
			t.Errorf("goals: %+v", p.Goals)
		}
		if len(p.Interventions) != 3 || !p.Interventions[0].ProviderFlag || p.Interventions[2].ProviderFlag || p.Interventions[1].CancelReason != "Hon ville vänta." {
			t.Errorf("interventions: %+v %+v %+v", p.Interventions[0], p.Interventions[1], p.Interventions[2])
		}

		// A review, with goal attainment and outcomes.
		review := &fristad.Review{HeldOn: "2026-09-02", Attainment: map[string]string{p.Goals[0].ID: "in_progress"}, Outcomes: []string{"language_tuition"}, NextReviewOn: "2026-10-02", Notes: "Går SFI kurs B."}
		if err := db.AddReview(worker, c.ID, review); err != nil {
			t.Fatal(err)
		}
		// The next review is a deadline of the lead organisation (SP-01).
		if tasks, _ := db.FindTasks(worker, c.ID); strings.Join(kinds(tasks), ",") != "plan_review@2026-10-02" {
			t.Errorf("tasks after a review: %v", kinds(tasks))
		} else if err := db.CompleteTask(worker, c.ID, tasks[0].ID); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("ticking off a plan review = %v; want EINVALID: the review closes it", err)
		}
		if err := db.AddReview(worker, c.ID, &fristad.Review{HeldOn: "2026-09-02", Attainment: map[string]string{"NOSUCHGOAL": "achieved"}}); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("attainment of an unknown goal = %v", err)
		}

		// Goals are saved against the version read; a stale one is a conflict.
		p, _ = db.Plan(worker, c.ID)
		if err := db.SaveGoals(worker, c.ID, append(p.Goals, fristad.Goal{Text: "Körkort."}), p.Contact, p.Version-1); fristad.ErrorCode(err) != fristad.ECONFLICT {
			t.Errorf("saving goals on an old version = %v", err)
		}
		if err := db.SaveGoals(worker, c.ID, append(p.Goals, fristad.Goal{Text: "Körkort."}), p.Contact, p.Version); err != nil {
			t.Fatal(err)
		}
		versions, err := db.PlanVersions(worker, c.ID)
		// enrol, 3 interventions, 2 phase changes, a review, the goals.
		if err != nil || len(versions) != 8 || versions[0].Change != "goals" || versions[7].Change != "enrol" {
			t.Errorf("%d plan versions, %v", len(versions), err)
		}

		// Every kept version opens as it stood (SP-01: plan versions kept).
		first, info, err := db.PlanVersion(worker, c.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if info.Change != "enrol" || len(first.Goals) != 2 || len(first.Interventions) != 0 || first.Programme == nil || first.Programme.ID != v1.ID {
			t.Errorf("version 1 = %+v, %+v", info, first)
		}
		last, info, err := db.PlanVersion(worker, c.ID, 8)
		if err != nil || info.Change != "goals" || len(last.Goals) != 3 || len(last.Interventions) != 3 || last.Goals[2].Text != "Körkort." {
			t.Errorf("version 8 = %+v, %+v, %v", info, last, err)
		}
		if _, _, err := db.PlanVersion(worker, c.ID, 9); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("a version not yet made = %v, want not found", err)
		}
		outsider := f.actor(t, f.orgB, "worker-b-versions", false, fristad.RoleCaseWorker)
		if _, _, err := db.PlanVersion(outsider, c.ID, 1); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another organisation's worker read a plan version: %v", err)
		}

		// Two people change the same intervention: the second, who read
		// it before the first saved, gets a conflict, not an overwrite.
		p, _ = db.Plan(worker, c.ID)
		one, two := *p.Interventions[0], *p.Interventions[0]
		f.clk.Add(time.Minute)
		one.Outcome = "Flyttade in."
		if err := db.SaveIntervention(worker, c.ID, &one); err != nil {
			t.Fatal(err)
		}
		two.Outcome = "Flyttar nästa vecka."
		if err := db.SaveIntervention(worker, c.ID, &two); fristad.ErrorCode(err) != fristad.ECONFLICT {
			t.Errorf("a change from a stale read = %v, want a conflict", err)
		}
		p, _ = db.Plan(worker, c.ID)
		if got := p.Interventions[0].Outcome; got != "Flyttade in." {
			t.Errorf("outcome after the conflict = %q", got)
		}

		// A new programme version leaves the plan under the old one.
		v2 := newProgramme("NSP 2026")
		v2.ProgrammeID = v1.ProgrammeID
		v2.Phases = []fristad.Phase{{Code: "rehabilitation", MaxDays: 30}}
		mustPublish(t, db, coord, v2)
		p, _ = db.Plan(worker, c.ID)
		if p.VersionID != v1.ID || len(p.Programme.Phases) != 3 || p.Clock("2026-11-10").Limit != 180 {
			t.Errorf("the plan moved to the new version: %s %+v", p.VersionID, p.Programme.Phases)
		}

		// Budgets add up.
		b, err := db.Budget(coord)
		if err != nil {
			t.Fatal(err)
		}
		sum := func(lines []fristad.BudgetLine, key string) (int64, int64) {
			for _, l := range lines {
				if l.Key == key {
					return l.Committed, l.Spent
				}
			}
			return -1, -1
		}
		for _, tt := range []struct {
			name             string
			lines            []fristad.BudgetLine
			key              string
			committed, spent int64
		}{
			{"programme v1: what the programme pays", b.Programmes, v1.ID, 18000, 12000},
			{"programme v2", b.Programmes, v2.ID, 0, 0},
			{"provider B", b.Providers, f.orgB.ID, 18000, 12000},
			{"provider A", b.Providers, f.orgA.ID, 8000, 0},
			{"no provider", b.Providers, "", 0, 1500},
			{"programme funding", b.Funding, "programme", 18000, 12000},
			{"region funding", b.Funding, "region", 0, 1500},
		} {
			if c, s := sum(tt.lines, tt.key); c != tt.committed || s != tt.spent {
				t.Errorf("%s: committed %d, spent %d; want %d, %d", tt.name, c, s, tt.committed, tt.spent)
			}
		}
		if _, err := db.Budget(worker); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("a case worker reading the budget = %v", err)
		}

		// The case's policy: other organisations see nothing, partners read.
		other := f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker)
		if _, err := db.Plan(other, c.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another organisation reading the plan = %v", err)
		}
		partner := f.actor(t, f.orgA, "partner-a", false, fristad.RolePartner)
		if _, err := db.Plan(partner, c.ID); err != nil {
			t.Errorf("a partner of the team reading the plan = %v", err)
		}
		if err := db.AddReview(partner, c.ID, &fristad.Review{HeldOn: "2026-10-02"}); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a partner reviewing = %v; want EFORBIDDEN", err)
		}

		// Ending the plan keeps it, with her outcomes at exit.
		// Two case workers saving her goals from the same version at the
		// same moment: one wins, the other is told of the change.
		p, err = db.Plan(worker, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		saved := make(chan error, 6)
		for i := range 6 {
			wg.Go(func() {
				saved <- db.SaveGoals(worker, c.ID, append(slices.Clone(p.Goals), fristad.Goal{Text: "Mål " + strconv.Itoa(i)}), p.Contact, p.Version)
			})
		}
		wg.Wait()
		close(saved)
		won := 0
		for err := range saved {
			switch fristad.ErrorCode(err) {
			case "":
				won++
			case fristad.ECONFLICT:
			default:
				t.Errorf("a concurrent save of goals: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d of 6 saves of goals from one version won; want 1", won)
		}
		if err := db.EndPlan(worker, c.ID, &fristad.PlanEnd{On: "2026-12-01", Reason: "goals_met", Outcomes: []string{"employed", "own_income"}}); err != nil {
			t.Fatal(err)
		}
		if tasks, _ := db.FindTasks(worker, c.ID); strings.Join(kinds(tasks), ",") != "plan_review@2026-10-02 done" {
			t.Errorf("the review task after the plan ended: %v", kinds(tasks))
		}
		p, _ = db.Plan(worker, c.ID)
		if p.Status != "ended" || p.ExitReason != "goals_met" || len(p.ExitOutcomes) != 2 {
			t.Errorf("ended plan: %+v", p)
		}
		if err := db.AddReview(worker, c.ID, &fristad.Review{HeldOn: "2026-12-02"}); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("reviewing an ended plan = %v", err)
		}
		if db.Engine() == sqlstore.SQLite {
			dump := sqlstoretest.DumpSQLite(t, db.DB)
			for _, s := range []string{"CANARY", "Väntade på tolk", "Går SFI", "Hon ville vänta"} {
				if strings.Contains(dump, s) {
					t.Errorf("%q is stored in clear", s)
				}
			}
		}
	})
}
