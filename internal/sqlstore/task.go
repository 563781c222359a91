package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"fristad"
	"fristad/internal/audit"
	"fristad/internal/auth"
	"fristad/internal/seal"
)

// TaskService keeps tasks and deadlines.
type TaskService struct{ db *DB }

var (
	_ fristad.TaskService = (*TaskService)(nil)
)

// NewTaskService returns the task service over db.
func NewTaskService(db *DB) *TaskService { return &TaskService{db: db} }

const taskColumns = `t.id, t.case_id, c.reference, c.seal_subject, t.kind, t.title_ct, t.due_on, t.org_id, t.assignee_id,
	t.created_by, t.created_at, t.done_at, t.done_by`

// scanTask reads a task row; its sealed title is returned to be opened
// with the person's key.
func scanTask(row interface{ Scan(...any) error }) (t *fristad.Task, personID string, title []byte, err error) {
	t = &fristad.Task{}
	var done anyTime
	err = row.Scan(&t.ID, &t.CaseID, &t.CaseRef, &personID, &t.Kind, &title, &t.DueOn, &t.Organisation, &t.AssigneeID,
		&t.CreatedBy, &t.CreatedAt, &done, &t.DoneBy)
	if done.Valid {
		at := done.Time
		t.DoneAt = &at
	}
	return t, personID, title, err
}

func openTaskTitle(dk *seal.DataKey, t *fristad.Task, title []byte) error {
	if title == nil {
		return nil
	}
	b, err := dk.Open(title, "tasks", "title_ct", t.ID)
	if err != nil {
		return err
	}
	t.Title = string(b)
	return nil
}

// addRuleTask adds a task of a rule to a case.
func addRuleTask(ctx context.Context, tx *Tx, caseID string, t fristad.RuleTask) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO tasks (id, case_id, kind, due_on, org_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		auth.NewID(), caseID, t.Kind, t.DueOn, t.Organisation, tx.now)
	return err
}

// addRuleTasks adds the tasks the rules ask for (fristad.RuleTasks) to a
// case.
func addRuleTasks(ctx context.Context, tx *Tx, caseID string, tasks []fristad.RuleTask) error {
	for _, t := range tasks {
		if err := addRuleTask(ctx, tx, caseID, t); err != nil {
			return err
		}
	}
	return nil
}

// closeRuleTasks closes the open tasks of the kinds on a case
// (fristad.RuleTasksClosed): what they asked for has been done, by the
// actor.
func closeRuleTasks(ctx context.Context, tx *Tx, caseID string, kinds []string, by string) error {
	for _, kind := range kinds {
		_, err := tx.ExecContext(ctx, `UPDATE tasks SET done_at = $1, done_by = $2 WHERE case_id = $3 AND kind = $4 AND done_at IS NULL`,
			tx.now, by, caseID, kind)
		if err != nil {
			return err
		}
	}
	return nil
}

// FindTasks returns the tasks of a case: open ones by due date, then the
// done ones, the latest first.
func (s *TaskService) FindTasks(ctx context.Context, caseID string) (_ []*fristad.Task, err error) {
	defer wrapErr(&err, "TaskService.FindTasks")
	var tasks []*fristad.Task
	err = s.db.readCase(ctx, caseID, fristad.ActionCaseRead, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT `+taskColumns+`
			FROM tasks t JOIN cases c ON c.id = t.case_id
			WHERE t.case_id = $1
			ORDER BY CASE WHEN t.done_at IS NULL THEN 0 ELSE 1 END, t.due_on, t.created_at`, c.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		var done []*fristad.Task
		for rows.Next() {
			t, _, title, err := scanTask(rows)
			if err != nil {
				return err
			}
			if err := openTaskTitle(dk, t, title); err != nil {
				return err
			}
			if t.DoneAt != nil {
				done = append([]*fristad.Task{t}, done...)
				continue
			}
			tasks = append(tasks, t)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		tasks = append(tasks, done...)
		return s.db.audit(ctx, tx, auditEvent{Action: "task.list", ObjectType: "case", ObjectID: c.ID, Purpose: c.Access})
	})
	if err != nil {
		return nil, err
	}
	return tasks, nil
}

// CreateTask adds an own task to a case.
func (s *TaskService) CreateTask(ctx context.Context, caseID string, t *fristad.Task) (err error) {
	defer wrapErr(&err, "TaskService.CreateTask")
	return s.db.onCase(ctx, caseID, fristad.ActionCaseUpdate, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		actor := fristad.ActorFromContext(ctx)
		if actor.OrganisationID == "" {
			return fristad.Errorf(fristad.EFORBIDDEN, "a task is for an organisation")
		}
		if err := t.Validate(); err != nil {
			return err
		}
		if t.AssigneeID != "" && t.AssigneeID != actor.UserID {
			return &fristad.Error{Code: fristad.EINVALID, Field: "assignee", Key: "task.assignee.invalid", Message: "a task is for you or for anyone of your organisation"}
		}
		t.ID, t.CaseID, t.CaseRef, t.Kind, t.Organisation = auth.NewID(), c.ID, c.Reference, fristad.TaskOwn, actor.OrganisationID
		t.CreatedBy, t.CreatedAt, t.DoneAt, t.DoneBy = actor.UserID, tx.now, nil, ""
		title, err := dk.Seal([]byte(t.Title), "tasks", "title_ct", t.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO tasks (id, case_id, kind, title_ct, due_on, org_id, assignee_id, created_by, created_at)
			VALUES ($1, $2, 'own', $3, $4, $5, $6, $7, $8)`,
			t.ID, t.CaseID, title, t.DueOn, t.Organisation, t.AssigneeID, t.CreatedBy, tx.now)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "task.create", ObjectType: "case", ObjectID: c.ID, Purpose: t.ID})
	})
}

// CompleteTask closes an open task of a case.
func (s *TaskService) CompleteTask(ctx context.Context, caseID, taskID string) (err error) {
	defer wrapErr(&err, "TaskService.CompleteTask")
	notFound := false
	err = s.db.onCase(ctx, caseID, fristad.ActionCaseUpdate, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		var done anyTime
		var kind string
		err := tx.QueryRowContext(ctx, `SELECT kind, done_at FROM tasks WHERE id = $1 AND case_id = $2`, taskID, c.ID).Scan(&kind, &done)
		if errors.Is(err, sql.ErrNoRows) {
			notFound = true
			return s.db.audit(ctx, tx, auditEvent{Action: "task.complete", ObjectType: "case", ObjectID: c.ID, Purpose: "no such task", Result: audit.ResultDenied})
		}
		if err != nil || done.Valid {
			return err
		}
		switch kind {
		case fristad.TaskReassessment:
			return &fristad.Error{Code: fristad.EINVALID, Field: "task", Key: "task.complete.reassessment", Message: "a re-assessment is done by recording a new risk assessment"}
		case fristad.TaskPlanReview:
			return &fristad.Error{Code: fristad.EINVALID, Field: "task", Key: "task.complete.plan_review", Message: "a plan review is done by recording the review"}
		}
		by := fristad.ActorFromContext(ctx).UserID
		if _, err := tx.ExecContext(ctx, `UPDATE tasks SET done_at = $1, done_by = $2 WHERE id = $3`, tx.now, by, taskID); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "task.complete", ObjectType: "case", ObjectID: c.ID, Purpose: taskID})
	})
	if err == nil && notFound {
		err = fristad.Errorf(fristad.ENOTFOUND, "not found")
	}
	return err
}

// myDeadlinesSQL is the query of an actor's open tasks: for the actor or
// anyone of the organisation, on cases the organisation is on the team
// of, overdue or due by a date, by due date. The partial index on open
// tasks by organisation and due date serves it.
const myDeadlinesSQL = `
	SELECT ` + taskColumns + `
	FROM tasks t
	JOIN cases c ON c.id = t.case_id
	JOIN case_team m ON m.case_id = t.case_id AND m.org_id = t.org_id
	JOIN persons p ON p.id = c.person_id
	WHERE t.org_id = $1 AND t.done_at IS NULL AND t.due_on <= $2
	  AND (t.assignee_id = '' OR t.assignee_id = $3)
	  AND p.erased_at IS NULL
	ORDER BY t.due_on, t.created_at
	LIMIT $4`

// MyDeadlines returns the open tasks for the actor across cases.
func (s *TaskService) MyDeadlines(ctx context.Context, filter fristad.TaskFilter) (_ []*fristad.Task, err error) {
	defer wrapErr(&err, "TaskService.MyDeadlines")
	actor, err := s.db.caseActor(ctx, "", fristad.ActionCaseRead)
	if fristad.ErrorCode(err) == fristad.ENOTFOUND {
		return nil, nil // no case role: no deadlines
	}
	if err != nil {
		return nil, err
	}
	if actor.OrganisationID == "" {
		return nil, nil
	}
	until := filter.Until
	if until == "" {
		until = "9999-12-31"
	} else if _, err := time.Parse(time.DateOnly, until); err != nil {
		return nil, &fristad.Error{Code: fristad.EINVALID, Field: "until", Key: "task.until.invalid", Message: "until must be a date, YYYY-MM-DD"}
	}
	limit := filter.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	var tasks []*fristad.Task
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, myDeadlinesSQL, actor.OrganisationID, until, actor.UserID, limit)
		if err != nil {
			return err
		}
		var persons []string
		var titles [][]byte
		for rows.Next() {
			t, personID, title, err := scanTask(rows)
			if err != nil {
				rows.Close()
				return err
			}
			tasks, persons, titles = append(tasks, t), append(persons, personID), append(titles, title)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// One query for the keys of the list, not one per row.
		keys, err := s.db.dataKeys(ctx, tx, persons)
		if err != nil {
			return err
		}
		for i, t := range tasks {
			if dk := keys[persons[i]]; dk != nil {
				if err := openTaskTitle(dk, t, titles[i]); err != nil {
					return err
				}
			}
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "task.deadlines", ObjectType: "task", Purpose: itoa(len(tasks))})
	})
	if err != nil {
		return nil, err
	}
	return tasks, nil
}
