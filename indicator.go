package fristad

import (
	"context"
	"time"
)

// IndicatorGroup is a part of the indicator checklist: the indicators of
// one form of exploitation, or the general ones.
type IndicatorGroup struct {
	Name       string
	Indicators []string
}

// IndicatorGroups is the indicator checklist (ID-04): signs that a person
// may have been trafficked, by form of exploitation. It supports the
// assessment and never decides it: indicators present or absent do not
// make a case, her own account and a holistic judgement do.
var IndicatorGroups = []IndicatorGroup{
	{"general", []string{"documents_withheld", "not_free_to_leave", "debt_to_recruiter", "controlled_by_others", "does_not_know_address", "fear_of_authorities", "injuries", "isolated"}},
	{"sexual", []string{"sells_sex_under_control", "earnings_taken", "moved_between_places", "advertised_online", "lives_at_workplace"}},
	{"labour", []string{"excessive_hours", "little_or_no_pay", "unsafe_conditions", "housed_by_employer", "recruitment_fees"}},
	{"begging", []string{"begs_in_groups", "transported_to_spots", "hands_over_money"}},
	{"criminality", []string{"forced_theft", "forced_drug_crime", "punished_for_low_takings"}},
	{"marriage", []string{"married_without_consent", "married_as_child"}},
	{"surrogacy", []string{"pregnancy_under_control"}},
	{"adoption", []string{"child_given_for_payment"}},
}

// MethodsOfControl is the code list of how she was controlled, after
// HTCDS 2.0 vic_MethodsOfControl (ID-05).
var MethodsOfControl = []string{"physical_threats", "threats_law_enforcement", "threatens_children_family", "debt_bondage", "false_promises",
	"physical_abuse", "sexual_abuse", "takes_earnings", "restricts_financial_access", "restricts_medical_care", "withholds_necessities",
	"psychological_abuse", "psychoactive_substance", "excessive_working_hours", "withholds_documents", "other"}

// RecruitmentMethods is the code list of how she was recruited, after
// HTCDS 2.0 vic_MethodOfRecruitment.
var RecruitmentMethods = []string{"place_of_business", "educational_institution", "at_work", "online_social_networks", "online_advertisement",
	"television_advert", "newspaper_advert", "family", "friends_or_social_events", "other"}

// Indicators is one filling-in of the checklist for a case, with how she
// was controlled and recruited and her own account. Each save is a new
// record; the earlier ones stay. Everything in it is sealed.
type Indicators struct {
	ID          string
	CaseID      string
	Indicators  []string
	Control     []string
	Recruitment []string
	Account     string // her own account, in brief
	RecordedBy  string
	CreatedAt   time.Time
}

// allIndicators lists every indicator of the checklist.
func allIndicators() []string {
	var all []string
	for _, g := range IndicatorGroups {
		all = append(all, g.Indicators...)
	}
	return all
}

// Validate checks a record and normalises it in place.
func (in *Indicators) Validate() error {
	var err error
	if in.Indicators, err = checkCodes("indicators", "indicators.invalid", in.Indicators, allIndicators()); err != nil {
		return err
	}
	if in.Control, err = checkCodes("control", "indicators.invalid", in.Control, MethodsOfControl); err != nil {
		return err
	}
	if in.Recruitment, err = checkCodes("recruitment", "indicators.invalid", in.Recruitment, RecruitmentMethods); err != nil {
		return err
	}
	return checkText("account", "indicators.account.invalid", &in.Account, MaxAssessmentText)
}

// IndicatorService keeps the indicator checklists of a case. Reading
// follows reading the case, saving follows changing it; every read and
// write is audited.
type IndicatorService interface {
	// FindIndicators returns the case's records, newest first.
	FindIndicators(ctx context.Context, caseID string) ([]*Indicators, error)
	// SaveIndicators records a new filling-in of the checklist.
	SaveIndicators(ctx context.Context, caseID string, in *Indicators) error
}
