package fristad_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"fristad"
)

// at returns an instant given in UTC, "2006-01-02T15:04".
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse("2006-01-02T15:04", s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestStockholmDay checks the Swedish calendar day of an instant: across
// midnight in Stockholm, which is not midnight UTC, in summer and winter
// time and on the days the clocks change (2026-03-29 at 01:00 UTC, to
// UTC+2; 2026-10-25 at 01:00 UTC, back to UTC+1).
func TestStockholmDay(t *testing.T) {
	for _, tt := range []struct {
		utc, want string
	}{
		{"2026-05-04T08:00", "2026-05-04"},
		{"2026-05-04T21:59", "2026-05-04"}, // 23:59 summer time
		{"2026-05-04T22:00", "2026-05-05"}, // midnight summer time, still the 4th in UTC
		{"2026-05-04T23:59", "2026-05-05"},
		{"2026-01-15T22:59", "2026-01-15"}, // 23:59 winter time
		{"2026-01-15T23:00", "2026-01-16"},
		{"2025-12-31T23:00", "2026-01-01"}, // a new year an hour before UTC's
		{"2026-03-28T22:59", "2026-03-28"}, // the night the clocks go forward
		{"2026-03-28T23:00", "2026-03-29"},
		{"2026-03-29T00:59", "2026-03-29"}, // 01:59, just before 02:00 becomes 03:00
		{"2026-03-29T01:00", "2026-03-29"}, // 03:00 summer time
		{"2026-03-29T21:59", "2026-03-29"}, // the day had 23 hours
		{"2026-03-29T22:00", "2026-03-30"},
		{"2026-10-24T21:59", "2026-10-24"}, // the night the clocks go back
		{"2026-10-24T22:00", "2026-10-25"},
		{"2026-10-25T00:30", "2026-10-25"}, // 02:30 summer time
		{"2026-10-25T01:30", "2026-10-25"}, // 02:30 again, winter time
		{"2026-10-25T22:59", "2026-10-25"}, // the day had 25 hours
		{"2026-10-25T23:00", "2026-10-26"},
	} {
		if got := fristad.StockholmDay(at(t, tt.utc)); got != tt.want {
			t.Errorf("StockholmDay(%s UTC) = %s; want %s", tt.utc, got, tt.want)
		}
	}
	// The zone the instant comes in does not matter.
	ny := time.FixedZone("UTC-5", -5*3600)
	if got := fristad.StockholmDay(time.Date(2026, 5, 4, 19, 30, 0, 0, ny)); got != "2026-05-05" {
		t.Errorf("StockholmDay(19:30 at UTC-5) = %s; want 2026-05-05", got)
	}
}

// TestRuleTasks checks which tasks a change adds, due when and for whom:
// a presumed child's protection assessment by the next Swedish day
// (CH-01, CH-04), a re-assessment on the day set and the same day as a
// pathway change (AS-02, AS-05), and the next plan review (SP-01).
func TestRuleTasks(t *testing.T) {
	const lead = "org-lead"
	child := func(due string) []fristad.RuleTask {
		return []fristad.RuleTask{{Kind: fristad.TaskChildProtection, DueOn: due, Organisation: lead}}
	}
	reassess := func(due string) []fristad.RuleTask {
		return []fristad.RuleTask{{Kind: fristad.TaskReassessment, DueOn: due, Organisation: lead}}
	}
	for _, tt := range []struct {
		name   string
		change fristad.RuleChange
		now    string // UTC
		want   []fristad.RuleTask
	}{
		{"a new case of an adult adds nothing",
			fristad.RuleChange{Event: fristad.RuleCaseCreated, Organisation: lead}, "2026-05-04T08:00", nil},
		{"a new case of a possible child: her protection is assessed by the next day",
			fristad.RuleChange{Event: fristad.RuleCaseCreated, Organisation: lead, PresumedChild: true}, "2026-05-04T08:00", child("2026-05-05")},
		{"late in the Swedish evening the next day is still tomorrow",
			fristad.RuleChange{Event: fristad.RuleCaseCreated, Organisation: lead, PresumedChild: true}, "2026-05-04T21:30", child("2026-05-05")},
		{"after midnight in Stockholm, before midnight UTC, the next day is the Swedish one",
			fristad.RuleChange{Event: fristad.RuleCaseCreated, Organisation: lead, PresumedChild: true}, "2026-05-04T22:30", child("2026-05-06")},
		{"the day the clocks go forward",
			fristad.RuleChange{Event: fristad.RuleCaseCreated, Organisation: lead, PresumedChild: true}, "2026-03-29T10:00", child("2026-03-30")},
		{"the day the clocks go back",
			fristad.RuleChange{Event: fristad.RuleCaseCreated, Organisation: lead, PresumedChild: true}, "2026-10-25T10:00", child("2026-10-26")},
		// In the last hour before Swedish midnight on the night the
		// clocks go forward, 24 hours on is already two days on.
		{"the last hour before the clocks go forward: the next day, not the one after",
			fristad.RuleChange{Event: fristad.RuleCaseCreated, Organisation: lead, PresumedChild: true}, "2026-03-28T22:30", child("2026-03-29")},
		{"the first hour of the short day",
			fristad.RuleChange{Event: fristad.RuleCaseCreated, Organisation: lead, PresumedChild: true}, "2026-03-28T23:30", child("2026-03-30")},
		{"the last hour of the short day",
			fristad.RuleChange{Event: fristad.RuleCaseCreated, Organisation: lead, PresumedChild: true}, "2026-03-29T21:30", child("2026-03-30")},
		// In the first hour of the day the clocks go back, 24 hours on
		// is still the same day.
		{"the first hour of the long day: the next day, not the same",
			fristad.RuleChange{Event: fristad.RuleCaseCreated, Organisation: lead, PresumedChild: true}, "2026-10-24T22:30", child("2026-10-26")},
		{"the last hour of the long day",
			fristad.RuleChange{Event: fristad.RuleCaseCreated, Organisation: lead, PresumedChild: true}, "2026-10-25T22:30", child("2026-10-26")},
		{"a merge late on the long day",
			fristad.RuleChange{Event: fristad.RulePersonMerged, Organisation: lead, PresumedChild: true}, "2026-10-24T22:30", child("2026-10-26")},
		{"a merge that makes the record's person a possible child",
			fristad.RuleChange{Event: fristad.RulePersonMerged, Organisation: lead, PresumedChild: true}, "2026-05-04T08:00", child("2026-05-05")},
		{"a merge into a record that said so already adds nothing",
			fristad.RuleChange{Event: fristad.RulePersonMerged, Organisation: lead, PresumedChild: true, WasPresumedChild: true}, "2026-05-04T08:00", nil},
		{"a merge of two adults adds nothing",
			fristad.RuleChange{Event: fristad.RulePersonMerged, Organisation: lead}, "2026-05-04T08:00", nil},
		{"a risk assessment asks for the next on its day",
			fristad.RuleChange{Event: fristad.RuleRiskAssessed, Organisation: lead, NextOn: "2026-06-04"}, "2026-05-04T08:00", reassess("2026-06-04")},
		{"a risk assessment without a day asks for nothing",
			fristad.RuleChange{Event: fristad.RuleRiskAssessed, Organisation: lead}, "2026-05-04T08:00", nil},
		{"a change of pathway asks for a re-assessment the same day",
			fristad.RuleChange{Event: fristad.RuleCaseUpdated, Organisation: lead, Pathway: "return", PreviousPathway: "undecided"}, "2026-05-04T08:00", reassess("2026-05-04")},
		{"the same day is the Swedish one",
			fristad.RuleChange{Event: fristad.RuleCaseUpdated, Organisation: lead, Pathway: "return", PreviousPathway: "undecided"}, "2026-05-04T22:30", reassess("2026-05-05")},
		{"a change of step alone asks for nothing",
			fristad.RuleChange{Event: fristad.RuleCaseUpdated, Organisation: lead, Pathway: "stay", PreviousPathway: "stay"}, "2026-05-04T08:00", nil},
		{"a plan review asks for the next on its day",
			fristad.RuleChange{Event: fristad.RulePlanReviewed, Organisation: lead, NextOn: "2026-08-01"}, "2026-05-04T08:00",
			[]fristad.RuleTask{{Kind: fristad.TaskPlanReview, DueOn: "2026-08-01", Organisation: lead}}},
		{"a last review asks for none",
			fristad.RuleChange{Event: fristad.RulePlanReviewed, Organisation: lead}, "2026-05-04T08:00", nil},
		{"the end of a plan adds nothing",
			fristad.RuleChange{Event: fristad.RulePlanEnded, Organisation: lead, NextOn: "2026-08-01"}, "2026-05-04T08:00", nil},
		{"a day set is not for another event",
			fristad.RuleChange{Event: fristad.RuleCaseCreated, Organisation: lead, NextOn: "2026-08-01"}, "2026-05-04T08:00", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := fristad.RuleTasks(tt.change, at(t, tt.now)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("RuleTasks = %+v; want %+v", got, tt.want)
			}
		})
	}
}

// TestRuleTasksClosed checks which open tasks an event closes: only
// doing what they ask for does.
func TestRuleTasksClosed(t *testing.T) {
	for _, tt := range []struct {
		event fristad.RuleEvent
		want  []string
	}{
		{fristad.RuleRiskAssessed, []string{fristad.TaskReassessment}},
		{fristad.RulePlanReviewed, []string{fristad.TaskPlanReview}},
		{fristad.RulePlanEnded, []string{fristad.TaskPlanReview}},
		{fristad.RuleCaseCreated, nil},
		{fristad.RuleCaseUpdated, nil},
		{fristad.RulePersonMerged, nil},
	} {
		if got := fristad.RuleTasksClosed(tt.event); !slices.Equal(got, tt.want) {
			t.Errorf("RuleTasksClosed(%s) = %v; want %v", tt.event, got, tt.want)
		}
	}
	// A child's protection assessment is never closed by a rule: a case
	// worker marks it done.
	for _, e := range []fristad.RuleEvent{fristad.RuleCaseCreated, fristad.RulePersonMerged, fristad.RuleCaseUpdated,
		fristad.RuleRiskAssessed, fristad.RulePlanReviewed, fristad.RulePlanEnded} {
		if slices.Contains(fristad.RuleTasksClosed(e), fristad.TaskChildProtection) {
			t.Errorf("%s closes the protection assessment", e)
		}
	}
}

// TestDeadlineUntil checks the last due day of a case list's deadline
// filters, in Swedish days.
func TestDeadlineUntil(t *testing.T) {
	for _, tt := range []struct {
		deadline, now, want string
	}{
		{"overdue", "2026-05-04T08:00", "2026-05-03"},
		{"week", "2026-05-04T08:00", "2026-05-11"},
		{"overdue", "2026-05-04T22:30", "2026-05-04"}, // already the 5th in Stockholm
		{"week", "2026-05-04T22:30", "2026-05-12"},
		{"overdue", "2026-01-01T10:00", "2025-12-31"},
		// Around the clock changes a day is 23 or 25 hours: the window
		// counts Swedish calendar days.
		{"week", "2026-03-28T22:30", "2026-04-04"},    // 23:30 on the 28th
		{"overdue", "2026-03-29T22:30", "2026-03-29"}, // 00:30 on the 30th
		{"week", "2026-10-24T22:30", "2026-11-01"},    // 00:30 on the 25th
		{"overdue", "2026-10-25T22:30", "2026-10-24"}, // 23:30 on the 25th: a task due today is not overdue
		{"week", "2026-12-28T10:00", "2027-01-04"},
	} {
		if got := fristad.DeadlineUntil(tt.deadline, at(t, tt.now)); got != tt.want {
			t.Errorf("DeadlineUntil(%s, %s UTC) = %s; want %s", tt.deadline, tt.now, got, tt.want)
		}
	}
}
