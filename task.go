package fristad

import (
	"context"
	"time"
)

// Kinds of task. People add their own; rules add the others when
// something happens on a case, and close them when what they ask for is
// done.
const (
	// TaskOwn is a task someone wrote: a title, a due date, and who is to
	// do it.
	TaskOwn = "own"
	// TaskReassessment asks for the risk assessment again on the date its
	// last one set (AS-02, AS-05). A new risk assessment closes it.
	TaskReassessment = "reassessment"
	// TaskChildProtection asks for the protection assessment of a
	// presumed child the same day or at the latest the next (CH-01,
	// CH-04). A case worker closes it when it is done.
	TaskChildProtection = "child_protection"
	// TaskPlanReview asks for the review of her support plan on the date
	// the last review set (SP-01). The next review closes it, as does
	// ending the plan.
	TaskPlanReview = "plan_review"
)

// TaskKinds lists the kinds of task.
var TaskKinds = []string{TaskOwn, TaskReassessment, TaskChildProtection, TaskPlanReview}

// ClosedIn returns the part of the case where what a rule task asks for is
// done, such as "/assessments", for a task that only doing it closes; ""
// for a task people mark as done.
func (t *Task) ClosedIn() string {
	switch t.Kind {
	case TaskReassessment:
		return "/assessments"
	case TaskPlanReview:
		return "/plan"
	}
	return ""
}

// MaxTaskTitle is the longest title of a task, in characters.
const MaxTaskTitle = 300

// Task is something to do on a case by a date: by one user, or by anyone
// of an organisation on the case team. The title of an own task may say
// something about her, so it is sealed under her data key; rule tasks
// have no title but their kind.
type Task struct {
	ID           string
	CaseID       string
	CaseRef      string // the case's pseudonymous reference, for lists across cases
	Kind         string
	Title        string // own tasks only
	DueOn        string // YYYY-MM-DD
	Organisation string // the organisation that is to do it
	AssigneeID   string // a user of that organisation, or "" for anyone of it
	CreatedBy    string // a user id, or "" for a rule
	CreatedAt    time.Time
	DoneAt       *time.Time
	DoneBy       string
}

// Overdue reports whether the task is open after its due date, on the
// calendar day today (YYYY-MM-DD).
func (t *Task) Overdue(today string) bool { return t.DoneAt == nil && t.DueOn < today }

// Validate checks a new own task and normalises it in place.
func (t *Task) Validate() error {
	if err := checkText("title", "task.title.invalid", &t.Title, MaxTaskTitle); err != nil {
		return err
	}
	if t.Title == "" {
		return invalid("title", "task.title.required", "a task needs a title")
	}
	d, err := time.Parse(time.DateOnly, t.DueOn)
	if err != nil || d.Year() < 2000 || d.Year() > 2200 {
		return invalid("due_on", "task.due.invalid", "due_on must be a date, YYYY-MM-DD")
	}
	return nil
}

// TaskFilter selects the deadlines of the actor across cases.
type TaskFilter struct {
	// Until is the last due date (YYYY-MM-DD) to include; overdue tasks
	// are always included. "" means no limit.
	Until string
	Limit int
}

// TaskService keeps the tasks and deadlines of cases. Reading a case's
// tasks follows reading the case; adding or closing one follows changing
// it. A case the actor may not read is ENOTFOUND (SR-21); every read and
// write is audited.
type TaskService interface {
	// FindTasks returns the tasks of a case, open ones first by due date,
	// then the done ones, newest first.
	FindTasks(ctx context.Context, caseID string) ([]*Task, error)
	// CreateTask adds an own task to a case, for the actor's
	// organisation: for the actor alone when AssigneeID is the actor's
	// id, or for anyone of the organisation when it is "".
	CreateTask(ctx context.Context, caseID string, t *Task) error
	// CompleteTask closes an open task of a case. Closing a closed task
	// changes nothing; a re-assessment is EINVALID, as only a new risk
	// assessment closes it.
	CompleteTask(ctx context.Context, caseID, taskID string) error
	// MyDeadlines returns the open tasks for the actor, across the cases
	// of the actor's organisation: those assigned to the actor and those
	// for anyone of the organisation, by due date.
	MyDeadlines(ctx context.Context, filter TaskFilter) ([]*Task, error)
}
