package fristad

import (
	"time"
	_ "time/tzdata" // Swedish days also where the system has no time zone database
)

// stockholm is the time zone of Swedish calendar days: the days tasks
// are due on, consents expire on and deadlines fall on.
var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// StockholmDay returns the calendar day in Sweden at t, YYYY-MM-DD,
// whatever the time zone t is in.
func StockholmDay(t time.Time) string { return t.In(stockholm).Format(time.DateOnly) }

// stockholmDayAfter returns the Swedish calendar day n days after the
// one at t (before it, for a negative n). It counts calendar days, not
// 24 hours, which on the nights the clocks change would reach a day too
// far or too short from the last hour before Swedish midnight.
func stockholmDayAfter(t time.Time, n int) string {
	y, m, d := t.In(stockholm).Date()
	return time.Date(y, m, d+n, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// RuleEvent names a change on a case that rules answer with tasks.
type RuleEvent string

// The changes rules answer.
const (
	// RuleCaseCreated is a new case, with its person.
	RuleCaseCreated RuleEvent = "case.created"
	// RulePersonMerged is a merge of two records of her person, seen
	// from one case of either: the case's record may now say she may be
	// a child where it did not.
	RulePersonMerged RuleEvent = "person.merged"
	// RuleCaseUpdated is a change of where a case stands: its step,
	// pathway or forms of exploitation.
	RuleCaseUpdated RuleEvent = "case.updated"
	// RuleRiskAssessed is a new risk assessment.
	RuleRiskAssessed RuleEvent = "risk.assessed"
	// RulePlanReviewed is a review of her support plan.
	RulePlanReviewed RuleEvent = "plan.reviewed"
	// RulePlanEnded is the end of her support plan.
	RulePlanEnded RuleEvent = "plan.ended"
)

// RuleChange describes a change on one case, as much of it as the task
// rules read.
type RuleChange struct {
	Event RuleEvent
	// Organisation leads the case; the tasks a rule adds are its.
	Organisation string
	// PresumedChild says whether her person may be a child after the
	// change (CH-01), WasPresumedChild whether the case's record said so
	// before it; a new case said nothing before.
	PresumedChild, WasPresumedChild bool
	// Pathway is the case's pathway after the change, PreviousPathway
	// the one before it.
	Pathway, PreviousPathway string
	// NextOn is the day (YYYY-MM-DD) the change sets for the next of its
	// kind: a risk assessment's day to assess again, a review's day of
	// the next review; "" for none.
	NextOn string
}

// RuleTask is a task a rule adds to a case: what is to be done, by when,
// and by which organisation (anyone of it).
type RuleTask struct {
	Kind         string // one of the task kinds other than TaskOwn
	DueOn        string // YYYY-MM-DD, a Swedish calendar day
	Organisation string
}

// RuleTasks returns the tasks a change adds to its case at now:
//
//   - a new case with a person who may be a child, or a merge that makes
//     a case's person one, asks for her protection assessment the same
//     day or at the latest the next (CH-01, CH-04): due the next Swedish
//     calendar day;
//   - a risk assessment asks for the next on the day it set (AS-02,
//     AS-05);
//   - a change of pathway is a point to assess the risk again, the same
//     Swedish day (AS-05);
//   - a review of the support plan asks for the next on the day it set
//     (SP-01).
//
// The tasks RuleTasksClosed names are closed before these are added.
func RuleTasks(c RuleChange, now time.Time) []RuleTask {
	task := func(kind, due string) []RuleTask {
		return []RuleTask{{Kind: kind, DueOn: due, Organisation: c.Organisation}}
	}
	switch c.Event {
	case RuleCaseCreated, RulePersonMerged:
		if c.PresumedChild && !c.WasPresumedChild {
			return task(TaskChildProtection, stockholmDayAfter(now, 1))
		}
	case RuleCaseUpdated:
		if c.Pathway != c.PreviousPathway {
			return task(TaskReassessment, StockholmDay(now))
		}
	case RuleRiskAssessed:
		if c.NextOn != "" {
			return task(TaskReassessment, c.NextOn)
		}
	case RulePlanReviewed:
		if c.NextOn != "" {
			return task(TaskPlanReview, c.NextOn)
		}
	}
	return nil
}

// RuleTasksClosed returns the kinds of rule task whose open tasks on a
// case an event does what they asked for, so it closes them: a risk
// assessment closes the re-assessments (AS-02, AS-05); a review of the
// plan closes the reviews asked for, and so does its end, as an ended
// plan is reviewed no more.
func RuleTasksClosed(e RuleEvent) []string {
	switch e {
	case RuleRiskAssessed:
		return []string{TaskReassessment}
	case RulePlanReviewed, RulePlanEnded:
		return []string{TaskPlanReview}
	}
	return nil
}

// DeadlineUntil returns the last due day (YYYY-MM-DD) of the open tasks a
// case list's deadline filter keeps at now: for "week", those due within
// a week from today, overdue ones included; otherwise ("overdue") those
// due before today. Days are Swedish calendar days.
func DeadlineUntil(deadline string, now time.Time) string {
	if deadline == "week" {
		return stockholmDayAfter(now, 7)
	}
	return stockholmDayAfter(now, -1)
}
