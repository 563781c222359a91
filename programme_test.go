package fristad

import (
	"slices"
	"testing"
)

func TestPhaseStatus(t *testing.T) {
	rest := Phase{Code: "initial_rest", MaxDays: 30}
	rehab := Phase{Code: "rehabilitation", MaxDays: 90, Renewals: 3}
	for _, tt := range []struct {
		name     string
		phase    Phase
		started  string
		renewals int
		today    string
		want     PhaseClock
	}{
		{"first day", rest, "2026-05-01", 0, "2026-05-01",
			PhaseClock{Phase: "initial_rest", Day: 1, Limit: 30, DaysLeft: 29}},
		{"a week before the limit warns", rest, "2026-05-01", 0, "2026-05-24",
			PhaseClock{Phase: "initial_rest", Day: 24, Limit: 30, DaysLeft: 6, Warning: true}},
		{"the last day warns, not overrun", rest, "2026-05-01", 0, "2026-05-30",
			PhaseClock{Phase: "initial_rest", Day: 30, Limit: 30, DaysLeft: 0, Warning: true}},
		{"the day after is an overrun", rest, "2026-05-01", 0, "2026-05-31",
			PhaseClock{Phase: "initial_rest", Day: 31, Limit: 30, DaysLeft: -1, Overrun: true}},
		{"rest cannot be renewed", rest, "2026-05-01", 0, "2026-05-02",
			PhaseClock{Phase: "initial_rest", Day: 2, Limit: 30, DaysLeft: 28}},
		{"rehabilitation renewable three times", rehab, "2026-01-01", 0, "2026-01-10",
			PhaseClock{Phase: "rehabilitation", Day: 10, Limit: 90, DaysLeft: 80, CanRenew: true, RenewalsLeft: 3}},
		{"one renewal doubles the limit", rehab, "2026-01-01", 1, "2026-04-01",
			PhaseClock{Phase: "rehabilitation", Day: 91, Limit: 180, DaysLeft: 89, CanRenew: true, RenewalsLeft: 2}},
		{"all renewals taken", rehab, "2026-01-01", 3, "2026-12-25",
			PhaseClock{Phase: "rehabilitation", Day: 359, Limit: 360, DaysLeft: 1, Warning: true}},
		{"over the last renewal", rehab, "2026-01-01", 3, "2027-01-01",
			PhaseClock{Phase: "rehabilitation", Day: 366, Limit: 360, DaysLeft: -6, Overrun: true}},
		{"a malformed date gives a zero clock", rest, "1 May", 0, "2026-05-01",
			PhaseClock{Phase: "initial_rest"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := PhaseStatus(tt.phase, tt.started, tt.renewals, tt.today); got != tt.want {
				t.Errorf("PhaseStatus = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func testVersion() *ProgrammeVersion {
	return &ProgrammeVersion{
		Status:      ProgrammePublished,
		Name:        map[string]string{"sv": "Stödprogram 2026", "en": "Support programme 2026"},
		Description: map[string]string{"sv": "", "en": ""},
		TargetGroup: "adults",
		Phases:      []Phase{{"initial_rest", 30, 0}, {"rehabilitation", 90, 3}, {"move_on", 45, 0}},
		Types:       []string{"accommodation", "swedish_tuition"},
		Funding:     []string{"programme", "municipality"},
		Eligibility: Eligibility{MinStatus: StatusReasonableGrounds},
		Budget:      2000000,
		ValidFrom:   "2026-01-01",
		ValidTo:     "2026-12-31",
	}
}

func TestCheckEligibility(t *testing.T) {
	adult := func(status, pathway string) *Case {
		return &Case{Status: status, Pathway: pathway, Person: &Person{AgeBand: "25-34"}}
	}
	child := &Case{Status: StatusReasonableGrounds, Pathway: "undecided", Person: &Person{AgeBand: "15-17", PresumedChild: true}}
	for _, tt := range []struct {
		name     string
		edit     func(v *ProgrammeVersion)
		c        *Case
		day      string
		eligible bool
		against  []string // the reasons that speak against
	}{
		{"adult with reasonable grounds", nil, adult(StatusReasonableGrounds, "stay"), "2026-05-04", true, nil},
		{"adult with a later status", nil, adult(StatusInjuredParty, "stay"), "2026-05-04", true, nil},
		{"indication only", nil, adult(StatusIndication, "stay"), "2026-05-04", false, []string{"eligibility.status.not"}},
		{"closed identification", nil, adult(StatusClosed, "stay"), "2026-05-04", false, []string{"eligibility.status.not"}},
		{"no status asked", func(v *ProgrammeVersion) { v.Eligibility.MinStatus = "" }, adult(StatusIndication, "stay"), "2026-05-04", true, nil},
		{"a presumed child in an adult programme", nil, child, "2026-05-04", false, []string{"eligibility.child.not"}},
		{"a presumed child in a children's programme", func(v *ProgrammeVersion) { v.TargetGroup = "children" }, child, "2026-05-04", true, nil},
		{"an adult in a children's programme", func(v *ProgrammeVersion) { v.TargetGroup = "children" }, adult(StatusReasonableGrounds, "stay"), "2026-05-04", false, []string{"eligibility.adult.not"}},
		{"returning, on the return pathway", func(v *ProgrammeVersion) { v.TargetGroup = "returning" }, adult(StatusReasonableGrounds, "return"), "2026-05-04", true, nil},
		{"returning, staying", func(v *ProgrammeVersion) { v.TargetGroup = "returning" }, adult(StatusReasonableGrounds, "stay"), "2026-05-04", false, []string{"eligibility.returning.not"}},
		{"outside the validity period", nil, adult(StatusReasonableGrounds, "stay"), "2027-01-01", false, []string{"eligibility.expired"}},
		{"a draft", func(v *ProgrammeVersion) { v.Status = ProgrammeDraft }, adult(StatusReasonableGrounds, "stay"), "2026-05-04", false, []string{"eligibility.draft"}},
		{"pathway rule", func(v *ProgrammeVersion) { v.Eligibility.Pathways = []string{"stay"} }, adult(StatusReasonableGrounds, "undecided"), "2026-05-04", false, []string{"eligibility.pathway.not"}},
		{"everything wrong", func(v *ProgrammeVersion) { v.Status = ProgrammeDraft }, child, "2025-12-31", false,
			[]string{"eligibility.draft", "eligibility.expired", "eligibility.child.not"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := testVersion()
			if tt.edit != nil {
				tt.edit(v)
			}
			res := v.CheckEligibility(tt.c, tt.day)
			var against []string
			for _, r := range res.Reasons {
				if !r.OK {
					against = append(against, r.Key)
				}
			}
			if res.Eligible != tt.eligible || !slices.Equal(against, tt.against) {
				t.Errorf("eligible %v, against %v; want %v, %v", res.Eligible, against, tt.eligible, tt.against)
			}
			if len(res.Reasons) < 4 {
				t.Errorf("%d reasons: every rule must say why, for or against", len(res.Reasons))
			}
		})
	}
}

func TestProgrammeValidate(t *testing.T) {
	for _, tt := range []struct {
		name  string
		edit  func(v *ProgrammeVersion)
		field string // "" for valid
	}{
		{"valid", func(v *ProgrammeVersion) {}, ""},
		{"no English name", func(v *ProgrammeVersion) { v.Name["en"] = " " }, "name_en"},
		{"no phases", func(v *ProgrammeVersion) { v.Phases = nil }, "phases"},
		{"repeated phase", func(v *ProgrammeVersion) { v.Phases = append(v.Phases, Phase{"move_on", 10, 0}) }, "phases"},
		{"zero days", func(v *ProgrammeVersion) { v.Phases[0].MaxDays = 0 }, "phases"},
		{"unknown type", func(v *ProgrammeVersion) { v.Types = []string{"spa"} }, "types"},
		{"no funding", func(v *ProgrammeVersion) { v.Funding = nil }, "funding"},
		{"support conditional on cooperation (SP-07)", func(v *ProgrammeVersion) { v.Eligibility.MinStatus = StatusInjuredParty }, "min_status"},
		{"negative budget", func(v *ProgrammeVersion) { v.Budget = -1 }, "budget"},
		{"ends before it starts", func(v *ProgrammeVersion) { v.ValidTo = "2025-01-01" }, "valid_to"},
		{"open-ended", func(v *ProgrammeVersion) { v.ValidTo = "" }, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := testVersion()
			tt.edit(v)
			err := v.Validate()
			var field string
			if e, ok := err.(*Error); ok {
				field = e.Field
			} else if err != nil {
				t.Fatal(err)
			}
			if field != tt.field {
				t.Errorf("Validate() = %v, want field %q", err, tt.field)
			}
		})
	}
}

func TestInterventionValidate(t *testing.T) {
	v := testVersion()
	for _, tt := range []struct {
		name  string
		in    Intervention
		field string
	}{
		{"planned tuition", Intervention{Type: "swedish_tuition", FundingSource: "programme", Phase: "rehabilitation", PlannedStart: "2026-05-04"}, ""},
		{"one-off", Intervention{Type: "accommodation", FundingSource: "programme", Phase: PhaseOneOff, PlannedStart: "2026-05-04"}, ""},
		{"the programme does not fund it", Intervention{Type: "job_coaching", FundingSource: "programme", Phase: "move_on", PlannedStart: "2026-05-04"}, "funding_source"},
		{"the municipality pays for it", Intervention{Type: "job_coaching", FundingSource: "municipality", Phase: "move_on", PlannedStart: "2026-05-04"}, ""},
		{"a phase the version lacks", Intervention{Type: "accommodation", FundingSource: "region", Phase: "follow_up", PlannedStart: "2026-05-04"}, "phase"},
		{"cancelled without a reason", Intervention{Type: "accommodation", FundingSource: "region", Phase: PhaseOneOff, PlannedStart: "2026-05-04", Status: InterventionCancelled}, "cancel_reason"},
		{"ends before it starts", Intervention{Type: "accommodation", FundingSource: "region", Phase: PhaseOneOff, PlannedStart: "2026-05-04", PlannedEnd: "2026-05-01"}, "planned_end"},
		{"negative cost", Intervention{Type: "accommodation", FundingSource: "region", Phase: PhaseOneOff, PlannedStart: "2026-05-04", CostSpent: -5}, "cost_committed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate(v)
			var field string
			if e, ok := err.(*Error); ok {
				field = e.Field
			}
			if field != tt.field {
				t.Errorf("Validate() = %v, want field %q", err, tt.field)
			}
		})
	}
}
