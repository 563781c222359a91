package fristad

import "testing"

// TestCheckPhaseChange checks renewing and advancing a plan's phase by
// its programme version's limits (SP-04): 30 days of rest, then 90 of
// rehabilitation renewable three times, then 45 to move on.
func TestCheckPhaseChange(t *testing.T) {
	plan := func(phase, started string, renewals int) *Plan {
		return &Plan{Status: "active", Programme: testVersion(), Phase: phase, PhaseStartedOn: started, Renewals: renewals}
	}
	for _, tt := range []struct {
		name string
		plan *Plan
		ch   PhaseChange
		next string // the phase after the change
		key  string // the refusal's key
	}{
		{"advance from rest within its limit", plan("initial_rest", "2026-05-01", 0),
			PhaseChange{Kind: "advance", On: "2026-05-20"}, "rehabilitation", ""},
		{"advance on the limit's last day needs no reason", plan("initial_rest", "2026-05-01", 0),
			PhaseChange{Kind: "advance", On: "2026-05-30"}, "rehabilitation", ""},
		{"advance the day after the limit needs a reason", plan("initial_rest", "2026-05-01", 0),
			PhaseChange{Kind: "advance", On: "2026-05-31"}, "", "plan.phase.overrun"},
		{"advance after the limit with a reason", plan("initial_rest", "2026-05-01", 0),
			PhaseChange{Kind: "advance", On: "2026-05-31", Reason: "no place in housing"}, "rehabilitation", ""},
		{"no phase after the last", plan("move_on", "2026-05-01", 0),
			PhaseChange{Kind: "advance", On: "2026-05-10"}, "", "plan.phase.last"},
		{"a change before the phase started", plan("initial_rest", "2026-05-01", 0),
			PhaseChange{Kind: "advance", On: "2026-04-30"}, "", "plan.phase.date"},
		{"rest cannot be renewed", plan("initial_rest", "2026-05-01", 0),
			PhaseChange{Kind: "renew", On: "2026-05-20", Reason: "more rest"}, "", "plan.phase.norenew"},
		{"renew rehabilitation", plan("rehabilitation", "2026-01-01", 0),
			PhaseChange{Kind: "renew", On: "2026-03-25", Reason: "training goes on"}, "rehabilitation", ""},
		{"a renewal needs a reason", plan("rehabilitation", "2026-01-01", 0),
			PhaseChange{Kind: "renew", On: "2026-03-25"}, "", "plan.phase.reason.required"},
		{"the third renewal is the last", plan("rehabilitation", "2026-01-01", 2),
			PhaseChange{Kind: "renew", On: "2026-08-01", Reason: "court case"}, "rehabilitation", ""},
		{"no fourth renewal", plan("rehabilitation", "2026-01-01", 3),
			PhaseChange{Kind: "renew", On: "2026-12-01", Reason: "court case"}, "", "plan.phase.norenew"},
		{"advance after all renewals ran over", plan("rehabilitation", "2026-01-01", 3),
			PhaseChange{Kind: "advance", On: "2027-01-01"}, "", "plan.phase.overrun"},
		{"an unknown kind", plan("rehabilitation", "2026-01-01", 0),
			PhaseChange{Kind: "skip", On: "2026-02-01"}, "", "plan.phase.kind"},
		{"a plan without its rules cannot move", &Plan{Status: "active", Phase: "rehabilitation", PhaseStartedOn: "2026-01-01"},
			PhaseChange{Kind: "advance", On: "2026-02-01"}, "", "plan.phase.last"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			next, err := tt.plan.CheckPhaseChange(&tt.ch)
			var key string
			if e, ok := err.(*Error); ok {
				key = e.Key
			}
			if next.Code != tt.next || key != tt.key || (tt.key == "") != (err == nil) {
				t.Errorf("CheckPhaseChange = %q, %v; want %q, %s", next.Code, err, tt.next, tt.key)
			}
		})
	}
	// The overrun says by how many days.
	_, err := plan("initial_rest", "2026-05-01", 0).CheckPhaseChange(&PhaseChange{Kind: "advance", On: "2026-06-01"})
	if e, ok := err.(*Error); !ok || e.Args["Days"] != 2 {
		t.Errorf("overrun = %#v; want Days 2", err)
	}
}
