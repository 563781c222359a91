package main

import (
	"context"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
)

// seedDemoPlans adds the programme office to the demo: two versions of
// a support programme, a provider registry with one expired
// certification, and support plans at different phases. cases are the
// demo cases in the order of demoCases; wctx acts as the demo case
// worker, coordinator as the coordinator.
func seedDemoPlans(ctx, wctx, coordinator context.Context, db *sqlstore.DB, cases []*fristad.Case) error {
	svc := sqlstore.NewServices(db)
	now := time.Now()
	day := func(d int) string { return now.AddDate(0, 0, d).Format(time.DateOnly) }

	v1 := &fristad.ProgrammeVersion{
		Name:        map[string]string{"sv": "Nationellt stödprogram (demo)", "en": "National support programme (demo)"},
		Description: map[string]string{"sv": "Påhittat program efter NSP:s modell: vila, rehabilitering, utslussning.", "en": "A made-up programme on the NSP model: rest, rehabilitation, move-on."},
		TargetGroup: "adults",
		Phases:      []fristad.Phase{{Code: "initial_rest", MaxDays: 30}, {Code: "rehabilitation", MaxDays: 90, Renewals: 2}, {Code: "move_on", MaxDays: 45}},
		Types:       []string{"accommodation", "subsistence", "psychological", "interpreting", "legal_help", "swedish_tuition"},
		Funding:     []string{"programme", "municipality", "region"},
		Eligibility: fristad.Eligibility{MinStatus: fristad.StatusReasonableGrounds},
		Budget:      2000000, ValidFrom: day(-730), ValidTo: day(-120), Public: true,
	}
	if err := svc.Programmes.CreateProgrammeVersion(coordinator, v1); err != nil {
		return err
	}
	if err := svc.Programmes.PublishProgrammeVersion(coordinator, v1.ID); err != nil {
		return err
	}
	// The second version adds the forward-looking interventions and a
	// renewal; plans made under the first keep its rules.
	v2 := *v1
	v2.ID, v2.ProgrammeID, v2.ValidFrom, v2.ValidTo, v2.Budget = "", v1.ProgrammeID, day(-119), "", 2500000
	v2.Phases = []fristad.Phase{{Code: "initial_rest", MaxDays: 30}, {Code: "rehabilitation", MaxDays: 90, Renewals: 3}, {Code: "move_on", MaxDays: 45}}
	v2.Types = append(v2.Types, "validation", "vocational_training", "job_coaching", "internship", "debt_counselling", "housing_transition")
	if err := svc.Programmes.CreateProgrammeVersion(coordinator, &v2); err != nil {
		return err
	}
	if err := svc.Programmes.PublishProgrammeVersion(coordinator, v2.ID); err != nil {
		return err
	}

	// The registry: a shelter whose certification has run out. Four
	// providers are listed in the public directory; the shelter too, but
	// its certification does not hold, so the portal leaves it out.
	orgs, err := svc.Organisations.FindOrganisations(ctx, fristad.OrganisationFilter{})
	if err != nil {
		return err
	}
	byName := map[string]string{}
	for _, o := range orgs {
		byName[o.Name] = o.ID
	}
	for _, o := range []fristad.Organisation{
		{Name: "Skyddat boende Påhittat", Type: "shelter", Region: "Demolän"},
		{Name: "Språkskolan Exempel", Type: "school", Region: "Demolän"},
		{Name: "Mansmottagningen Exempel", Type: "ngo", Region: "Grannlän"},
	} {
		if err := svc.Organisations.CreateOrganisation(ctx, &o); err != nil {
			return err
		}
		byName[o.Name] = o.ID
	}
	for _, p := range []*fristad.Provider{
		{OrganisationID: byName["Kvinnojouren Fiktiva"], Certification: "certified", CertifiedUntil: day(300), Services: []string{"accommodation", "psychological", "rights_counselling"},
			Languages: []string{"sv", "ro", "en"}, Regions: []string{"Demolän"}, Places: 6, TakesChildren: true, TakesWomen: true, Accessible: true, Contact: "Jourtelefon 010-000 00 01 (påhittad)",
			Listed: true, PublicDescription: "Jour dygnet runt för kvinnor och deras barn: skyddat boende, samtal och råd om dina rättigheter. Påhittad verksamhet i demon.", PublicPhone: "010-000 00 01"},
		{OrganisationID: byName["Skyddat boende Påhittat"], Certification: "certified", CertifiedUntil: day(-10), Services: []string{"accommodation"},
			Languages: []string{"sv", "en", "th"}, Regions: []string{"Demolän", "Grannlän"}, Places: 4, TakesMen: true, TakesWomen: true, Contact: "Växel 010-000 00 02 (påhittad)",
			Listed: true, PublicDescription: "Skyddat boende för kvinnor och män.", PublicPhone: "010-000 00 02"},
		{OrganisationID: byName["Språkskolan Exempel"], Certification: "certified", CertifiedUntil: day(500), Services: []string{"swedish_tuition", "validation", "vocational_training"},
			Languages: []string{"sv", "en", "ar", "ro"}, Regions: []string{"Demolän"}, Places: 30, TakesMen: true, TakesWomen: true, Accessible: true, Contact: "Expedition 010-000 00 03, vardagar 9–12 (påhittad)",
			Listed: true, PublicDescription: "Svenska från första dagen, validering av det du redan kan och yrkesutbildning. Påhittad skola i demon.", PublicPhone: "010-000 00 03"},
		{OrganisationID: byName["Mansmottagningen Exempel"], Certification: "certified", CertifiedUntil: day(400), Services: []string{"accommodation", "psychological", "legal_help", "job_coaching"},
			Languages: []string{"sv", "en", "uk", "ru", "bg"}, Regions: []string{"Grannlän", "Demolän"}, Places: 5, TakesMen: true, Contact: "Mottagningen 010-000 00 04 (påhittad)",
			Listed: true, PublicDescription: "Boende och stöd för män som utnyttjats i arbete eller på annat sätt. Påhittad verksamhet i demon.", PublicPhone: "010-000 00 04"},
	} {
		if err := svc.Programmes.SaveProvider(coordinator, p); err != nil {
			return err
		}
	}

	// Plans at different phases: Grace under the first version, moving
	// on; Andreea in rehabilitation, renewed once; Sara near the end of
	// her rest.
	type plan struct {
		c             *fristad.Case
		v             string
		enrolled      int
		goals         []fristad.Goal
		interventions []*fristad.Intervention
		phases        []fristad.PhaseChange
	}
	for _, p := range []plan{
		{cases[2], v1.ID, -200, []fristad.Goal{{Text: "I want to go home safely and open a small shop.", Language: "en"}},
			[]*fristad.Intervention{
				{Type: "accommodation", ProviderID: byName["Kvinnojouren Fiktiva"], FundingSource: "programme", Phase: "initial_rest", PlannedStart: day(-200), ActualStart: day(-200), ActualEnd: day(-60), Status: "done", CostCommitted: 84000, CostSpent: 84000},
				{Type: "legal_help", FundingSource: "region", Phase: fristad.PhaseOneOff, PlannedStart: day(-150), Status: "done", CostSpent: 6000, Responsible: "Målsägandebiträdet"},
			},
			[]fristad.PhaseChange{{Kind: "advance", On: day(-171)}, {Kind: "advance", On: day(-20), Reason: "Väntade på rättegången."}}},
		{cases[0], v2.ID, -100, []fristad.Goal{{Text: "Să învăț suedeză și să lucrez într-o bucătărie.", Language: "ro"}, {Text: "Să am locuința mea.", Language: "ro"}},
			[]*fristad.Intervention{
				{Type: "accommodation", ProviderID: byName["Kvinnojouren Fiktiva"], FundingSource: "programme", Phase: "initial_rest", PlannedStart: day(-100), ActualStart: day(-100), Status: "started", CostCommitted: 120000, CostSpent: 60000},
				{Type: "swedish_tuition", ProviderID: byName["Språkskolan Exempel"], FundingSource: "municipality", Phase: "rehabilitation", PlannedStart: day(-40), ActualStart: day(-38), Status: "started", Responsible: "Läraren Eva, tisdagar och torsdagar"},
				{Type: "job_coaching", FundingSource: "programme", Phase: "move_on", PlannedStart: day(40), CostCommitted: 15000, Responsible: "Arbetsförmedlingens coach"},
			},
			[]fristad.PhaseChange{{Kind: "advance", On: day(-71)}}},
		{cases[3], v2.ID, -25, []fristad.Goal{{Text: "ฉันอยากนอนหลับได้อีกครั้ง", Language: "th"}},
			[]*fristad.Intervention{
				{Type: "accommodation", ProviderID: byName["Skyddat boende Påhittat"], FundingSource: "programme", Phase: "initial_rest", PlannedStart: day(-25), ActualStart: day(-25), Status: "started", CostCommitted: 36000, CostSpent: 25000},
				{Type: "psychological", FundingSource: "region", Phase: "initial_rest", PlannedStart: day(-10), Status: "cancelled", CancelReason: "Hon ville vänta."},
			}, nil},
	} {
		if _, err := svc.Plans.Enrol(wctx, p.c.ID, &fristad.Enrolment{VersionID: p.v, EnrolledOn: day(p.enrolled), Goals: p.goals, Contact: "Handläggare Demo, 010-000 00 00 (påhittad)"}); err != nil {
			return err
		}
		for _, in := range p.interventions {
			if err := svc.Plans.SaveIntervention(wctx, p.c.ID, in); err != nil {
				return err
			}
		}
		for _, ch := range p.phases {
			if err := svc.Plans.ChangePhase(wctx, p.c.ID, &ch); err != nil {
				return err
			}
		}
	}
	// Andreea's rehabilitation is renewed, and reviewed.
	if err := svc.Plans.ChangePhase(wctx, cases[0].ID, &fristad.PhaseChange{Kind: "renew", On: day(-5), Reason: "Behandlingen hos terapeuten fortsätter."}); err != nil {
		return err
	}
	pl, err := svc.Plans.Plan(wctx, cases[0].ID)
	if err != nil {
		return err
	}
	return svc.Plans.AddReview(wctx, cases[0].ID, &fristad.Review{HeldOn: day(-5), Attainment: map[string]string{pl.Goals[0].ID: "in_progress", pl.Goals[1].ID: "not_started"},
		Outcomes: []string{"language_tuition"}, Notes: "Klarade kurs A i svenska. (Påhittad.)", NextReviewOn: day(25)})
}
