package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// addTeamMember puts an organisation on a case's team, as the team
// management to come will.
func addTeamMember(t *testing.T, db *sqlstoretest.Store, caseID, orgID string) {
	t.Helper()
	err := db.Write(t.Context(), func(tx *sqlstore.Tx) error {
		_, err := tx.ExecContext(t.Context(), `INSERT INTO case_team (case_id, org_id, level, added_at) VALUES ($1, $2, 'member', $3)`, caseID, orgID, tx.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// bodies returns the bodies of notes, in order.
func bodies(notes []*fristad.Note) []string {
	var out []string
	for _, n := range notes {
		out = append(out, n.Body)
	}
	return out
}

// TestNoteSensitivity checks who reads which notes: a note for the team
// reaches everyone on it; a note kept to an organisation reaches only
// that organisation's staff, and never a police liaison, not even of the
// author's own organisation. The rule is applied inside the SQL.
func TestNoteSensitivity(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		orgC := mustCreateOrg(t, db, "Polisen Region Syd", "police")
		workerA := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		c := newCase("Maria", "", "", "")
		if err := db.CreateCase(workerA, c); err != nil {
			t.Fatal(err)
		}
		addTeamMember(t, db, c.ID, f.orgB.ID)
		addTeamMember(t, db, c.ID, orgC.ID)

		team := &fristad.Note{Body: "Möte med Maria.\nHon vill byta boende.", Sensitivity: fristad.SensitivityTeam}
		if err := db.CreateNote(workerA, c.ID, team); err != nil {
			t.Fatal(err)
		}
		f.clk.Add(time.Minute)
		therapy := &fristad.Note{Body: "CANARY Samtalsanteckning: mardrömmar varje natt.", Sensitivity: fristad.SensitivityOrganisation}
		if err := db.CreateNote(workerA, c.ID, therapy); err != nil {
			t.Fatal(err)
		}
		if therapy.AuthorOrganisation != f.orgA.ID || therapy.AuthorID != "worker-a" || therapy.ID == "" || !therapy.CreatedAt.Equal(f.clk.Now()) {
			t.Errorf("the note as written: %+v", therapy)
		}
		f.clk.Add(time.Minute)
		workerB := f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker)
		shelter := &fristad.Note{Body: "Jourens egen anteckning.", Sensitivity: fristad.SensitivityOrganisation}
		if err := db.CreateNote(workerB, c.ID, shelter); err != nil {
			t.Fatal(err)
		}

		for name, want := range map[string]struct {
			org   *fristad.Organisation
			roles []fristad.Role
			notes []string
		}{
			"case worker of the author's organisation": {f.orgA, []fristad.Role{fristad.RoleCaseWorker}, []string{therapy.Body, team.Body}},
			"partner of the author's organisation":     {f.orgA, []fristad.Role{fristad.RolePartner}, []string{therapy.Body, team.Body}},
			"coordinator of the author's organisation": {f.orgA, []fristad.Role{fristad.RoleCoordinator}, []string{therapy.Body, team.Body}},
			"police liaison of the author's org":       {f.orgA, []fristad.Role{fristad.RolePoliceLiaison}, []string{team.Body}},
			"police liaison who is also a case worker": {f.orgA, []fristad.Role{fristad.RoleCaseWorker, fristad.RolePoliceLiaison}, []string{team.Body}},
			"case worker of another team organisation": {f.orgB, []fristad.Role{fristad.RoleCaseWorker}, []string{shelter.Body, team.Body}},
			"police liaison of a police team member":   {orgC, []fristad.Role{fristad.RolePoliceLiaison}, []string{team.Body}},
			"guardian of another team organisation":    {orgC, []fristad.Role{fristad.RoleGuardian}, []string{team.Body}},
		} {
			notes, err := db.FindNotes(f.actor(t, want.org, "reader", false, want.roles...), c.ID)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if got := bodies(notes); strings.Join(got, "|") != strings.Join(want.notes, "|") {
				t.Errorf("%s reads %q; want %q", name, got, want.notes)
			}
		}

		// Nobody writes what they could not read.
		policeWorker := f.actor(t, f.orgA, "pw", false, fristad.RoleCaseWorker, fristad.RolePoliceLiaison)
		if err := db.CreateNote(policeWorker, c.ID, &fristad.Note{Body: "Förhör bokat.", Sensitivity: fristad.SensitivityOrganisation}); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a police liaison keeping a note to the organisation = %v; want EFORBIDDEN", err)
		}
		if err := db.CreateNote(policeWorker, c.ID, &fristad.Note{Body: "Förhör bokat.", Sensitivity: fristad.SensitivityTeam}); err != nil {
			t.Errorf("a police liaison who is a case worker writing for the team: %v", err)
		}
		police := f.actor(t, orgC, "police-c", false, fristad.RolePoliceLiaison)
		if err := db.CreateNote(police, c.ID, &fristad.Note{Body: "Förhör bokat.", Sensitivity: fristad.SensitivityTeam}); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a police liaison writing in the journal = %v; want EFORBIDDEN", err)
		}
		partnerB := f.actor(t, f.orgB, "partner-b", false, fristad.RolePartner)
		if err := db.CreateNote(partnerB, c.ID, &fristad.Note{Body: "Följde med till vårdcentralen.", Sensitivity: fristad.SensitivityTeam}); err != nil {
			t.Errorf("a partner of a team organisation recording what they did: %v", err)
		}
		reader := fristad.NewContextWithActor(t.Context(), &fristad.Actor{UserID: "token-a", OrganisationID: f.orgA.ID, Roles: []fristad.Role{fristad.RoleCaseWorker}, TokenScope: fristad.ScopeRead})
		if _, err := db.FindNotes(reader, c.ID); err != nil {
			t.Errorf("a read-scoped token reading notes: %v", err)
		}
		if err := db.CreateNote(reader, c.ID, &fristad.Note{Body: "x", Sensitivity: fristad.SensitivityTeam}); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a read-scoped token writing a note = %v; want EFORBIDDEN", err)
		}

		// A correction refers back to a note its writer can read.
		if err := db.CreateNote(workerB, c.ID, &fristad.Note{Body: "Rättelse.", Sensitivity: fristad.SensitivityTeam, RefersTo: therapy.ID}); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("correcting a note one cannot read = %v; want EINVALID", err)
		}
		if err := db.CreateNote(workerA, c.ID, &fristad.Note{Body: "Rättelse.", Sensitivity: fristad.SensitivityTeam, RefersTo: therapy.ID}); fristad.ErrorCode(err) != fristad.EINVALID || fieldOf(err) != "sensitivity" {
			t.Errorf("sharing a correction of a note kept to the organisation with the team = %v; want EINVALID on sensitivity", err)
		}
		f.clk.Add(time.Minute)
		fix := &fristad.Note{Body: "Rättelse: mardrömmar några nätter i veckan.", Sensitivity: fristad.SensitivityOrganisation, RefersTo: therapy.ID}
		if err := db.CreateNote(workerA, c.ID, fix); err != nil {
			t.Fatal(err)
		}
		if notes := must(db.FindNotes(workerA, c.ID)); notes[0].RefersTo != therapy.ID {
			t.Errorf("the correction reads back as %+v", notes[0])
		}
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestNoteAccessAndAudit checks that a case the actor may not see has no
// journal, answered exactly as a missing case and audited; that reads
// and writes are audited; that the body is sealed; and that a note
// cannot be changed, not even with SQL.
func TestNoteAccessAndAudit(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		workerA := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		c := newCase("Maria", "", "", "")
		if err := db.CreateCase(workerA, c); err != nil {
			t.Fatal(err)
		}
		n := &fristad.Note{Body: "CANARY-NOTE \u0627\u0644\u0633\u0644\u0627\u0645 123 Hej", Sensitivity: fristad.SensitivityTeam}
		if err := db.CreateNote(workerA, c.ID, n); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindNotes(workerA, c.ID); err != nil {
			t.Fatal(err)
		}
		_, missingErr := db.FindNotes(workerA, "NO-SUCH-CASE")
		for name, ctx := range map[string]func() (any, error){
			"another organisation reads": func() (any, error) {
				return db.FindNotes(f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker), c.ID)
			},
			"another organisation writes": func() (any, error) {
				return nil, db.CreateNote(f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker), c.ID, &fristad.Note{Body: "x", Sensitivity: fristad.SensitivityTeam})
			},
			"an administrator reads": func() (any, error) {
				return db.FindNotes(f.actor(t, f.orgA, "admin-a", false, fristad.RoleAdministrator), c.ID)
			},
		} {
			_, err := ctx()
			if fristad.ErrorCode(err) != fristad.ENOTFOUND || !sqlstoretest.SameRefusal(err, missingErr) {
				t.Errorf("%s = %v; want exactly what a missing case gives (%v)", name, err, missingErr)
			}
		}
		events, err := db.FindAuditEvents(dpo(t), fristad.AuditFilter{ObjectID: &c.ID})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range events {
			count[e.Action+"/"+e.Result]++
			if e.Action == "note.create" && e.Result == "ok" && e.Purpose != n.ID {
				t.Errorf("note.create names %q; want the note %q", e.Purpose, n.ID)
			}
		}
		for key, want := range map[string]int{"note.create/ok": 1, "note.list/ok": 1, "note.read/denied": 2, "note.create/denied": 1} {
			if count[key] != want {
				t.Errorf("%d %s events; want %d (all: %v)", count[key], key, want, count)
			}
		}

		for name, bad := range map[string]*fristad.Note{
			"empty":               {Body: "  \n ", Sensitivity: fristad.SensitivityTeam},
			"too long":            {Body: strings.Repeat("a", fristad.MaxNoteBody+1), Sensitivity: fristad.SensitivityTeam},
			"terminal escape":     {Body: "hej\x1b[2J", Sensitivity: fristad.SensitivityTeam},
			"bidi override":       {Body: "hej \u202e", Sensitivity: fristad.SensitivityTeam},
			"zero-width space":    {Body: "hej\u200bdå", Sensitivity: fristad.SensitivityTeam},
			"unknown sensitivity": {Body: "hej", Sensitivity: "police"},
			"no sensitivity":      {Body: "hej"},
			"unknown correction":  {Body: "hej", Sensitivity: fristad.SensitivityTeam, RefersTo: "NOSUCHNOTE"},
		} {
			if err := db.CreateNote(workerA, c.ID, bad); fristad.ErrorCode(err) != fristad.EINVALID {
				t.Errorf("%s: CreateNote = %v; want EINVALID", name, err)
			}
		}
		// Her words in Dari keep the non-joiners its spelling needs.
		dari := &fristad.Note{Body: "او می\u200cخواهد به خانه برگردد.", Sensitivity: fristad.SensitivityTeam}
		if err := db.CreateNote(workerA, c.ID, dari); err != nil {
			t.Errorf("a note in Dari: %v", err)
		}
		long := &fristad.Note{Body: strings.Repeat("å", fristad.MaxNoteBody), Sensitivity: fristad.SensitivityTeam}
		if err := db.CreateNote(workerA, c.ID, long); err != nil {
			t.Errorf("a note of the longest length: %v", err)
		}

		err = db.Write(t.Context(), func(tx *sqlstore.Tx) error {
			_, err := tx.ExecContext(t.Context(), `UPDATE case_notes SET sensitivity = 'organisation' WHERE id = $1`, n.ID)
			return err
		})
		if err == nil {
			t.Error("a note was changed with SQL; notes are never changed")
		}
		if db.Engine() == sqlstore.SQLite {
			if strings.Contains(sqlstoretest.DumpSQLite(t, db.DB), "CANARY-NOTE") {
				t.Error("a note's body is in the database files in clear")
			}
		}
	})
}
