package web

import (
	"net/http"
	"time"

	"fristad"
	"fristad/internal/render"
)

// TasksPage is a case's tasks and deadlines: the open ones by due date,
// the done ones after them, and a form for a new one.
type TasksPage struct {
	render.Page
	CaseHeader
	Tasks     []*fristad.Task
	Today     string
	CanUpdate bool
	Form      TaskForm
	Error     *FormError
}

// TaskForm is the new-task form as typed.
type TaskForm struct {
	Title, DueOn string
	ForMe        bool
}

// today is the calendar day in Sweden.
func (h *Handler) today() string { return h.cfg.Now().In(stockholm).Format(time.DateOnly) }

var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.UTC
	}
	return loc
}()

func (h *Handler) renderTasks(w http.ResponseWriter, r *http.Request, page *TasksPage, status int) error {
	id := r.PathValue("id")
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), id)
	if err != nil {
		return err
	}
	if page.Tasks, err = h.cfg.Tasks.FindTasks(r.Context(), id); err != nil {
		return err
	}
	page.CaseHeader = caseHeader(c, "tasks")
	page.CanUpdate = canUpdateCase(r, c)
	page.Today = h.today()
	page.Title = page.T("tasks.title", "Ref", c.Reference)
	return h.engine.Render(w, r, status, "tasks", page)
}

func (h *Handler) handleTasks(w http.ResponseWriter, r *http.Request) error {
	return h.renderTasks(w, r, &TasksPage{Page: h.page(w, r), Form: TaskForm{ForMe: true}}, http.StatusOK)
}

func (h *Handler) handleCreateTask(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	f := r.PostForm
	form := TaskForm{Title: f.Get("title"), DueOn: f.Get("due_on"), ForMe: f.Get("for") != "organisation"}
	t := &fristad.Task{Title: form.Title, DueOn: form.DueOn}
	if form.ForMe {
		t.AssigneeID = fristad.ActorFromContext(r.Context()).UserID
	}
	err := h.cfg.Tasks.CreateTask(r.Context(), id, t)
	if fristad.ErrorCode(err) == fristad.EINVALID {
		page := &TasksPage{Page: h.page(w, r), Form: form}
		page.Error, _ = formErrorFor(&page.Page, err)
		return h.renderTasks(w, r, page, http.StatusBadRequest)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+id+"/tasks", http.StatusSeeOther)
	return nil
}

func (h *Handler) handleCompleteTask(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := h.cfg.Tasks.CompleteTask(r.Context(), id, r.PathValue("taskID")); err != nil {
		return err
	}
	next := "/cases/" + id + "/tasks"
	if r.PostForm.Get("next") == "deadlines" {
		next = "/tasks"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// DeadlinesPage is "my deadlines": the open tasks for the user and for
// anyone of the user's organisation, across its cases, overdue first.
type DeadlinesPage struct {
	render.Page
	Groups  []DeadlineGroup // overdue, due today, upcoming
	Within  string          // "7", "30" or "all": how far ahead
	Windows []string
	Count   int
}

// DeadlineGroup is a part of "my deadlines".
type DeadlineGroup struct {
	ID, Key string
	Tasks   []*fristad.Task
}

// deadlineWindows are how far ahead "my deadlines" may look, in days.
var deadlineWindows = map[string]int{"7": 7, "30": 30, "all": 0}

func (h *Handler) handleDeadlines(w http.ResponseWriter, r *http.Request) error {
	page := &DeadlinesPage{Page: h.page(w, r), Within: r.URL.Query().Get("within"), Windows: []string{"7", "30", "all"}}
	days, ok := deadlineWindows[page.Within]
	if !ok {
		page.Within, days = "30", 30
	}
	filter := fristad.TaskFilter{}
	if days > 0 {
		filter.Until = h.cfg.Now().In(stockholm).AddDate(0, 0, days).Format(time.DateOnly)
	}
	tasks, err := h.cfg.Tasks.MyDeadlines(r.Context(), filter)
	if err != nil {
		return err
	}
	today := h.today()
	page.Groups = []DeadlineGroup{{ID: "overdue", Key: "deadlines.overdue"}, {ID: "today", Key: "deadlines.today"}, {ID: "upcoming", Key: "deadlines.upcoming"}}
	for _, t := range tasks {
		switch {
		case t.DueOn < today:
			page.Groups[0].Tasks = append(page.Groups[0].Tasks, t)
		case t.DueOn == today:
			page.Groups[1].Tasks = append(page.Groups[1].Tasks, t)
		default:
			page.Groups[2].Tasks = append(page.Groups[2].Tasks, t)
		}
	}
	page.Count = len(tasks)
	page.Title = page.T("deadlines.title")
	return h.engine.Render(w, r, http.StatusOK, "deadlines", page)
}
