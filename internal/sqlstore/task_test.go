package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// kinds returns the kind and due date of tasks, in order.
func kinds(tasks []*fristad.Task) []string {
	var out []string
	for _, t := range tasks {
		s := t.Kind + "@" + t.DueOn
		if t.DoneAt != nil {
			s += " done"
		}
		out = append(out, s)
	}
	return out
}

// TestTaskRules checks the tasks rules add and close: the protection
// assessment of a presumed child by the next day (CH-04), and a
// re-assessment on the date the last risk assessment set, closed by the
// next one (AS-02, AS-05).
func TestTaskRules(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		child := newCase("Ana", "", "", "")
		child.Person.AgeBand = "15-17"
		if err := db.CreateCase(worker, child); err != nil {
			t.Fatal(err)
		}
		tasks, err := db.FindTasks(worker, child.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The fixture's clock stands at 2026-05-04 10:00 in Stockholm.
		if got := strings.Join(kinds(tasks), ","); got != "child_protection@2026-05-05" {
			t.Errorf("a presumed child's tasks: %s", got)
		}
		if tasks[0].Organisation != f.orgA.ID || tasks[0].CreatedBy != "" || tasks[0].CaseRef != child.Reference {
			t.Errorf("the rule task: %+v", tasks[0])
		}

		adult := newCase("Maria", "", "", "")
		if err := db.CreateCase(worker, adult); err != nil {
			t.Fatal(err)
		}
		risk := &fristad.RiskAssessment{AssessedOn: "2026-05-04", Reason: "intake", Level: "medium", ReassessOn: "2026-06-04"}
		if _, err := db.AddRiskAssessment(worker, adult.ID, risk); err != nil {
			t.Fatal(err)
		}
		f.clk.Add(time.Hour)
		again := &fristad.RiskAssessment{AssessedOn: "2026-05-04", Reason: "incident", Level: "high", ReassessOn: "2026-05-11"}
		if _, err := db.AddRiskAssessment(worker, adult.ID, again); err != nil {
			t.Fatal(err)
		}
		tasks, err = db.FindTasks(worker, adult.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(kinds(tasks), ","); got != "reassessment@2026-05-11,reassessment@2026-06-04 done" {
			t.Errorf("after two risk assessments: %s", got)
		}
		if tasks[1].DoneBy != "worker-a" || !tasks[1].DoneAt.Equal(f.clk.Now()) {
			t.Errorf("the closed re-assessment: %+v", tasks[1])
		}
		if err := db.CompleteTask(worker, adult.ID, tasks[0].ID); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("ticking off a re-assessment = %v; want EINVALID: a new assessment closes it", err)
		}
	})
}

// TestOwnTasks checks tasks people add: sealed titles, who may add and
// close them, and whose deadlines they are.
func TestOwnTasks(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		worker := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		colleague := f.actor(t, f.orgA, "worker-a2", false, fristad.RoleCaseWorker)
		c := newCase("Maria", "", "", "")
		if err := db.CreateCase(worker, c); err != nil {
			t.Fatal(err)
		}
		mine := &fristad.Task{Title: "Ring CANARY-TASK advokaten om uppehållstillståndet", DueOn: "2026-05-06", AssigneeID: "worker-a"}
		if err := db.CreateTask(worker, c.ID, mine); err != nil {
			t.Fatal(err)
		}
		ours := &fristad.Task{Title: "Boka tolk på rumänska", DueOn: "2026-05-20"}
		if err := db.CreateTask(worker, c.ID, ours); err != nil {
			t.Fatal(err)
		}
		late := &fristad.Task{Title: "Skicka intyg till Migrationsverket", DueOn: "2026-05-01"}
		if err := db.CreateTask(worker, c.ID, late); err != nil {
			t.Fatal(err)
		}
		if mine.Kind != fristad.TaskOwn || mine.Organisation != f.orgA.ID || mine.CreatedBy != "worker-a" || mine.CaseRef != c.Reference {
			t.Errorf("the task as added: %+v", mine)
		}
		if !late.Overdue("2026-05-04") || mine.Overdue("2026-05-04") {
			t.Error("overdue is open past the due date")
		}
		if db.Engine() == sqlstore.SQLite && strings.Contains(sqlstoretest.DumpSQLite(t, db.DB), "CANARY-TASK") {
			t.Error("a task title is stored in clear")
		}

		for name, bad := range map[string]*fristad.Task{
			"no title":         {DueOn: "2026-05-06"},
			"no date":          {Title: "Ring"},
			"a malformed date": {Title: "Ring", DueOn: "6 maj"},
			"a control char":   {Title: "Ring\x00", DueOn: "2026-05-06"},
			"someone else":     {Title: "Ring", DueOn: "2026-05-06", AssigneeID: "worker-a2"},
		} {
			if err := db.CreateTask(worker, c.ID, bad); fristad.ErrorCode(err) != fristad.EINVALID {
				t.Errorf("a task with %s = %v; want EINVALID", name, err)
			}
		}
		other := f.actor(t, f.orgB, "worker-b", false, fristad.RoleCaseWorker)
		if err := db.CreateTask(other, c.ID, &fristad.Task{Title: "Ring", DueOn: "2026-05-06"}); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another organisation adding a task = %v; want ENOTFOUND", err)
		}
		if _, err := db.FindTasks(other, c.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another organisation reading tasks = %v; want ENOTFOUND", err)
		}
		partner := f.actor(t, f.orgA, "partner-a", false, fristad.RolePartner)
		if err := db.CreateTask(partner, c.ID, &fristad.Task{Title: "Ring", DueOn: "2026-05-06"}); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a partner adding a task = %v; want EFORBIDDEN", err)
		}
		if err := db.CompleteTask(partner, c.ID, ours.ID); fristad.ErrorCode(err) != fristad.EFORBIDDEN {
			t.Errorf("a partner closing a task = %v; want EFORBIDDEN", err)
		}
		if err := db.CompleteTask(other, c.ID, ours.ID); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("another organisation closing a task = %v; want ENOTFOUND", err)
		}

		// Deadlines: a colleague sees the organisation's tasks but not
		// mine; the list runs to a date, overdue first.
		deadlines := func(ctx context.Context, until string) string {
			t.Helper()
			tasks, err := db.MyDeadlines(ctx, fristad.TaskFilter{Until: until})
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, t := range tasks {
				titles = append(titles, t.Title)
			}
			return strings.Join(titles, " | ")
		}
		if got, want := deadlines(worker, ""), late.Title+" | "+mine.Title+" | "+ours.Title; got != want {
			t.Errorf("my deadlines:\n%s\nwant\n%s", got, want)
		}
		if got, want := deadlines(worker, "2026-05-10"), late.Title+" | "+mine.Title; got != want {
			t.Errorf("my deadlines to a date:\n%s\nwant\n%s", got, want)
		}
		if got, want := deadlines(colleague, ""), late.Title+" | "+ours.Title; got != want {
			t.Errorf("a colleague's deadlines:\n%s\nwant\n%s", got, want)
		}
		if got := deadlines(other, ""); got != "" {
			t.Errorf("another organisation's deadlines: %s", got)
		}
		if _, err := db.MyDeadlines(worker, fristad.TaskFilter{Until: "snart"}); fristad.ErrorCode(err) != fristad.EINVALID {
			t.Errorf("a malformed date = %v; want EINVALID", err)
		}

		if err := db.CompleteTask(colleague, c.ID, late.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.CompleteTask(worker, c.ID, late.ID); err != nil {
			t.Errorf("closing a closed task again: %v", err)
		}
		if err := db.CompleteTask(worker, c.ID, "no-such-task"); fristad.ErrorCode(err) != fristad.ENOTFOUND {
			t.Errorf("closing a task that is not there = %v; want ENOTFOUND", err)
		}
		if got, want := deadlines(worker, ""), mine.Title+" | "+ours.Title; got != want {
			t.Errorf("my deadlines after one is done:\n%s\nwant\n%s", got, want)
		}
		tasks, err := db.FindTasks(worker, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) != 3 || tasks[2].ID != late.ID || tasks[2].DoneBy != "worker-a2" || tasks[0].Title != mine.Title {
			t.Errorf("the case's tasks: %v", kinds(tasks))
		}
	})
}
