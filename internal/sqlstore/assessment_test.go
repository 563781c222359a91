package sqlstore_test

import (
	"slices"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

func TestAssessments(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		c := newCase("Maria", "", "", "")
		if err := db.CreateCase(worker, c); err != nil {
			t.Fatal(err)
		}
		needs := &fristad.NeedsAssessment{AssessedOn: "2026-05-04", Needs: map[string]string{"housing": "urgent", "health": "significant"}, HerView: "CANARY Jag vill bo nära min syster."}
		if err := db.AddNeedsAssessment(worker, c.ID, needs); err != nil {
			t.Fatal(err)
		}
		bad := &fristad.RiskAssessment{AssessedOn: "2026-05-04", Reason: "intake", Level: "extreme", ReassessOn: "2026-06-04"}
		if _, err := db.AddRiskAssessment(worker, c.ID, bad); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("an unknown level = %v; want EINVALID", err)
		}
		low := &fristad.RiskAssessment{AssessedOn: "2026-05-04", Reason: "intake", Level: "medium", Factors: []string{"debt_bondage"}, ReassessOn: "2026-06-04"}
		prompts, err := db.AddRiskAssessment(worker, c.ID, low)
		if err != nil || len(prompts) != 0 {
			t.Fatalf("medium risk: prompts %v, %v", prompts, err)
		}
		high := &fristad.RiskAssessment{AssessedOn: "2026-05-10", Reason: "incident", Level: "high", Factors: []string{"location_known", "threats_to_her"}, ReassessOn: "2026-05-17", HerView: "Han vet var jag bor."}
		prompts, err = db.AddRiskAssessment(worker, c.ID, high)
		if err != nil || !slices.Contains(prompts, "update_safety_plan") {
			t.Fatalf("a risk rising to high: prompts %v, %v; want protective actions (AS-03)", prompts, err)
		}
		again := &fristad.RiskAssessment{AssessedOn: "2026-05-17", Reason: "scheduled", Level: "high", ReassessOn: "2026-05-24"}
		if prompts, _ := db.AddRiskAssessment(worker, c.ID, again); len(prompts) != 0 {
			t.Errorf("a risk staying high prompts again: %v", prompts)
		}
		got, err := db.Assessments(worker, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Needs) != 1 || got.Needs[0].Needs["housing"] != "urgent" || !strings.Contains(got.Needs[0].HerView, "syster") {
			t.Errorf("needs: %+v", got.Needs)
		}
		if len(got.Risk) != 3 || got.Risk[0].Level != "high" || got.Risk[1].HerView != "Han vet var jag bor." || got.Risk[2].Level != "medium" {
			t.Errorf("risk history (newest first): %+v", got.Risk)
		}
		list, _ := db.FindCases(worker, fristad.CaseFilter{RiskLevel: new("high")})
		if len(list) != 1 || list[0].RiskLevel != "high" {
			t.Errorf("filtering the list by risk level: %+v", list)
		}
		other := f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker)
		if _, err := db.Assessments(other, c.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another organisation reading assessments = %v; want ENOTFOUND", err)
		}
		partner := f.actor(t, f.orgA, "partner-a", false, fristad.RolePartner)
		if _, err := db.AddRiskAssessment(partner, c.ID, again); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a partner assessing = %v; want EFORBIDDEN", err)
		}
		if db.Engine() == sqlstore.SQLite && strings.Contains(sqlstoretest.DumpSQLite(t, db.DB), "CANARY") {
			t.Error("an assessment is stored in clear")
		}
	})
}

// TestSafetyPlanVersions checks that a plan saved by two people at once
// keeps both: the second is refused, not silently overwritten.
func TestSafetyPlanVersions(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		c := newCase("Maria", "", "", "")
		if err := db.CreateCase(worker, c); err != nil {
			t.Fatal(err)
		}
		if p, err := db.SafetyPlan(worker, c.ID); err != nil || p != nil {
			t.Fatalf("no plan yet: %v %v", p, err)
		}
		if err := db.SaveSafetyPlan(worker, c.ID, &fristad.SafetyPlan{}, 0); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("a plan without a crisis plan = %v", err)
		}
		if err := db.SaveSafetyPlan(worker, c.ID, &fristad.SafetyPlan{CrisisPlan: "Ring 112.", SafeChannels: []string{"sms"}, UnsafeChannels: []string{"sms"}}, 0); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("a channel both safe and unsafe = %v", err)
		}
		first := &fristad.SafetyPlan{CrisisPlan: "Ring 112 och jouren.", SafeChannels: []string{"via_shelter"}, UnsafeChannels: []string{"sms"}, CoProduced: true}
		if err := db.SaveSafetyPlan(worker, c.ID, first, 0); err != nil {
			t.Fatal(err)
		}
		alice := &fristad.SafetyPlan{CrisisPlan: "Ny plan A", ReviewReason: "incident"}
		bob := &fristad.SafetyPlan{CrisisPlan: "Ny plan B"}
		if err := db.SaveSafetyPlan(worker, c.ID, alice, 1); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveSafetyPlan(worker, c.ID, bob, 1); fristad.ErrorCode(err) != fristad.ECONFLICT {
			t.Fatalf("a save based on an old version = %v; want ECONFLICT", err)
		}
		got, err := db.SafetyPlan(worker, c.ID)
		if err != nil || got.Version != 2 || got.CrisisPlan != "Ny plan A" || got.ReviewReason != "incident" {
			t.Errorf("current plan: %+v, %v", got, err)
		}
	})
}
