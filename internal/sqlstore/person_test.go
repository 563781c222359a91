package sqlstore_test

import (
	"slices"
	"testing"

	"fristad"
	"fristad/internal/testing/sqlstoretest"
)

// TestMergePersons merges two records of one person (ID-10): the
// survivor takes the chosen values and the other record's cases with
// their sealed content, the other record stays as a tombstone that
// answers with the survivor, a search by either identity finds the
// survivor, and the merge is audited.
func TestMergePersons(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		worker := f.actor(t, f.orgA, "worker-a", true, fristad.RoleCaseWorker)
		first := newCase("Maria", "", "", "")
		first.Person.AgeBand = "unknown"
		second := newCase("Mia", "Maria Popescu", "X1234567", "1990-04-02")
		second.Person.Citizenships = []string{"md"}
		for _, c := range []*fristad.Case{first, second} {
			if err := db.CreateCase(worker, c); err != nil {
				t.Fatal(err)
			}
		}
		// Content sealed on the second record's case, before the merge.
		note := &fristad.Note{Body: "Berättade om resan.", Sensitivity: fristad.SensitivityTeam}
		if err := db.CreateNote(worker, second.ID, note); err != nil {
			t.Fatal(err)
		}
		if err := db.AddStatus(worker, second.ID, &fristad.StatusEvent{Status: fristad.StatusReasonableGrounds, DecidedOn: "2026-05-04", Basis: "Polisens bedömning."}); err != nil {
			t.Fatal(err)
		}

		// Not confirmed, into itself: nothing happens.
		m := &fristad.PersonMerge{Into: first.Person.Reference, From: second.Person.Reference, Keep: map[string]string{"alias": "into"}}
		if _, err := db.MergePersons(worker, m); fieldOf(err) != "confirm" {
			t.Errorf("an unconfirmed merge = %v; want EINVALID on confirm", err)
		}
		self := &fristad.PersonMerge{Into: first.Person.Reference, From: first.Reference, Confirmed: true}
		if _, err := db.MergePersons(worker, self); fristad.ErrorCode(err) != fristad.ECONFLICT {
			t.Errorf("merging a record into itself = %v; want ECONFLICT", err)
		}
		// Without a fresh second factor: step up first (SR-13).
		m.Confirmed = true
		if _, err := db.MergePersons(f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker), m); fristad.ErrorCode(err) != fristad.ESTEPUP {
			t.Errorf("a merge without a fresh second factor = %v; want ESTEPUP", err)
		}
		if rec, err := db.FindPerson(worker, second.Person.Reference); err != nil || rec.MergedInto != "" {
			t.Fatalf("after refused merges the second record = %+v, %v; want it untouched", rec, err)
		}

		rec, err := db.MergePersons(worker, m)
		if err != nil {
			t.Fatal(err)
		}
		p := rec.Person
		if p.Reference != first.Person.Reference || p.Alias != "Maria" || p.Name != "Maria Popescu" || p.IdentityNumber != "X1234567" ||
			p.AgeBand != "25-34" || !slices.Equal(p.Citizenships, []string{"MD", "RO"}) || len(rec.Cases) != 2 {
			t.Errorf("the survivor: %+v with %d cases", p, len(rec.Cases))
		}
		// The moved case opens, its content sealed before the merge too.
		got, err := db.FindCaseByID(worker, second.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Person.Reference != first.Person.Reference || got.Person.Name != "Maria Popescu" || got.History[0].Basis != "Polisens bedömning." {
			t.Errorf("the moved case: person %+v, history %+v", got.Person, got.History[0])
		}
		notes, err := db.FindNotes(worker, second.ID)
		if err != nil || len(notes) != 1 || notes[0].Body != note.Body {
			t.Errorf("the moved case's notes: %v, %v", bodies(notes), err)
		}
		// New content on the moved case is sealed under its key as before.
		if err := db.CreateNote(worker, second.ID, &fristad.Note{Body: "Efter sammanslagningen.", Sensitivity: fristad.SensitivityTeam}); err != nil {
			t.Fatal(err)
		}
		if notes, err := db.FindNotes(worker, second.ID); err != nil || len(notes) != 2 {
			t.Errorf("notes after the merge: %v, %v", bodies(notes), err)
		}

		// Both cases tell of the merge on their timelines; only the moved
		// one says it came with the record merged away.
		for _, tc := range []struct {
			c     *fristad.Case
			moved bool
		}{{first, false}, {second, true}} {
			ms, err := db.FindMerges(worker, tc.c.ID)
			if err != nil || len(ms) != 1 || ms[0].From != second.Person.Reference || ms[0].Into != first.Person.Reference || ms[0].Moved != tc.moved || ms[0].MergedAt.IsZero() {
				t.Errorf("the merges of case %s: %+v, %v", tc.c.Reference, ms, err)
			}
		}
		if _, err := db.FindMerges(f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker), first.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another organisation reading the merges: %v", err)
		}

		// The tombstone answers with the survivor; merging it again, or
		// into it, is a conflict.
		tomb, err := db.FindPerson(worker, second.Person.Reference)
		if err != nil || tomb.MergedInto != first.Person.Reference || tomb.Person != nil {
			t.Errorf("the tombstone = %+v, %v", tomb, err)
		}
		third := newCase("Tredje", "", "", "")
		if err := db.CreateCase(worker, third); err != nil {
			t.Fatal(err)
		}
		for _, again := range []*fristad.PersonMerge{
			{Into: second.Person.Reference, From: third.Person.Reference, Confirmed: true},
			{Into: third.Person.Reference, From: second.Person.Reference, Confirmed: true},
		} {
			if _, err := db.MergePersons(worker, again); fristad.ErrorCode(err) != fristad.ECONFLICT {
				t.Errorf("merging with a tombstone = %v; want ECONFLICT", err)
			}
		}

		// A search by the identity the second record had finds the
		// survivor's cases, and nothing "elsewhere".
		check, err := db.FindDuplicates(worker, &fristad.Person{IdentityNumber: "X1234567"})
		if err != nil || len(check.Cases) != 2 || check.KnownElsewhere || check.Cases[0].Person.Reference != first.Person.Reference {
			t.Errorf("duplicates by the merged identity: %+v, %v", check, err)
		}

		events, err := db.FindAuditEvents(dpo(t), fristad.AuditFilter{ObjectID: &second.ID})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(events, func(e *fristad.AuditEvent) bool { return e.Action == "case.person_merged" }) {
			t.Error("the moved case's audit trail does not show the merge")
		}
		pid := rec.Cases[0].Person.ID
		events, err = db.FindAuditEvents(dpo(t), fristad.AuditFilter{ObjectID: &pid})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(events, func(e *fristad.AuditEvent) bool { return e.Action == "person.merge" && e.Result == "ok" }) {
			t.Error("no person.merge event on the survivor")
		}

		// Erasing the survivor erases what was merged into it: the moved
		// case's content no longer opens (SR-63).
		if err := db.ShredSubject(dpo(t), pid, "DPO-2026-21"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindNotes(worker, second.ID); err == nil {
			t.Error("the moved case's notes open after the survivor was erased")
		}
	})
}

// TestMergeAccess checks who may merge (ID-10, DP-02): a record the actor
// cannot reach does not exist for them, and one with a case on another
// team may be read but not merged whole.
func TestMergeAccess(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		workerA := f.actor(t, f.orgA, "worker-a", true, fristad.RoleCaseWorker)
		workerB := f.actor(t, f.orgB, "worker-b", true, fristad.RoleCaseWorker)
		mine, theirs, shared := newCase("A", "", "", ""), newCase("B", "", "", ""), newCase("C", "", "", "")
		if err := db.CreateCase(workerA, mine); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*fristad.Case{theirs, shared} {
			if err := db.CreateCase(workerB, c); err != nil {
				t.Fatal(err)
			}
		}
		addTeamMember(t, db, shared.ID, f.orgA.ID)

		missing, missingErr := db.MergePersons(workerA, &fristad.PersonMerge{Into: mine.Person.Reference, From: "P-NOSUCH1", Confirmed: true})
		got, err := db.MergePersons(workerA, &fristad.PersonMerge{Into: mine.Person.Reference, From: theirs.Person.Reference, Confirmed: true})
		if got != nil || fristad.ErrorCode(err) != fristad.ENOTFOUND || !sqlstoretest.SameRefusal(err, missingErr) || missing != nil {
			t.Errorf("merging another organisation's record = %v; want what a missing one gives (%v)", err, missingErr)
		}
		if _, err := db.FindPerson(workerA, theirs.Person.Reference); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("reading another organisation's record = %v; want ENOTFOUND", err)
		}
		// A partner reads the records but may not merge them.
		partner := f.actor(t, f.orgA, "partner-a", true, fristad.RolePartner)
		if _, err := db.MergePersons(partner, &fristad.PersonMerge{Into: shared.Person.Reference, From: mine.Person.Reference, Confirmed: true}); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a partner merging = %v; want EFORBIDDEN", err)
		}
		// The survivor's record has a case organisation A cannot reach:
		// it may not be merged whole.
		addTeamMember(t, db, theirs.ID, f.orgA.ID)
		rec, err := db.FindPerson(workerA, theirs.Person.Reference)
		if err != nil || !rec.CanMerge {
			t.Fatalf("a member's view of the record: %+v, %v", rec, err)
		}
		// Move a case only B reaches onto the shared person, through a
		// merge by B.
		only := newCase("Endast B", "", "", "")
		if err := db.CreateCase(workerB, only); err != nil {
			t.Fatal(err)
		}
		if _, err := db.MergePersons(workerB, &fristad.PersonMerge{Into: shared.Person.Reference, From: only.Person.Reference, Confirmed: true}); err != nil {
			t.Fatal(err)
		}
		rec, err = db.FindPerson(workerA, shared.Person.Reference)
		if err != nil || rec.CanMerge || len(rec.Cases) != 1 {
			t.Fatalf("A's view of a record with a case beyond its team: %+v, %v", rec, err)
		}
		if _, err := db.MergePersons(workerA, &fristad.PersonMerge{Into: mine.Person.Reference, From: shared.Person.Reference, Confirmed: true}); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("merging a record with a case beyond the team = %v; want EFORBIDDEN", err)
		}
		if rec, _ := db.FindPerson(workerA, mine.Person.Reference); rec == nil || len(rec.Cases) != 1 {
			t.Errorf("a refused merge changed the record: %+v", rec)
		}
	})
}
