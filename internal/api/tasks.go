package api

import (
	"net/http"
	"time"

	"fristad"
)

// TaskJSON is a task of a case in the API.
type TaskJSON struct {
	ID             string     `json:"id"`
	CaseID         string     `json:"case_id"`
	CaseReference  string     `json:"case_reference"`
	Kind           string     `json:"kind"`
	Title          string     `json:"title,omitempty"`
	DueOn          string     `json:"due_on"`
	OrganisationID string     `json:"organisation_id"`
	AssigneeID     string     `json:"assignee_id,omitempty"`
	CreatedBy      string     `json:"created_by,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	DoneAt         *time.Time `json:"done_at,omitempty"`
	DoneBy         string     `json:"done_by,omitempty"`
}

// NewTaskJSON is the body of POST /cases/{id}/tasks. A task is for the
// caller (for_me) or for anyone of the caller's organisation.
type NewTaskJSON struct {
	Title string `json:"title"`
	DueOn string `json:"due_on"`
	ForMe bool   `json:"for_me"`
}

func taskJSON(t *fristad.Task) TaskJSON {
	return TaskJSON{ID: t.ID, CaseID: t.CaseID, CaseReference: t.CaseRef, Kind: t.Kind, Title: t.Title, DueOn: t.DueOn,
		OrganisationID: t.Organisation, AssigneeID: t.AssigneeID, CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt, DoneAt: t.DoneAt, DoneBy: t.DoneBy}
}

func writeTasks(w http.ResponseWriter, tasks []*fristad.Task) {
	out := struct {
		Tasks []TaskJSON `json:"tasks"`
	}{Tasks: []TaskJSON{}}
	for _, t := range tasks {
		out.Tasks = append(out.Tasks, taskJSON(t))
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *Handler) handleTasks(w http.ResponseWriter, r *http.Request) error {
	tasks, err := h.cfg.Tasks.FindTasks(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeTasks(w, tasks)
	return nil
}

func (h *Handler) handleCreateTask(w http.ResponseWriter, r *http.Request) error {
	var in NewTaskJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	t := &fristad.Task{Title: in.Title, DueOn: in.DueOn}
	if in.ForMe {
		t.AssigneeID = fristad.ActorFromContext(r.Context()).UserID
	}
	if err := h.cfg.Tasks.CreateTask(r.Context(), r.PathValue("id"), t); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, taskJSON(t))
	return nil
}

func (h *Handler) handleCompleteTask(w http.ResponseWriter, r *http.Request) error {
	id, taskID := r.PathValue("id"), r.PathValue("taskID")
	if err := h.cfg.Tasks.CompleteTask(r.Context(), id, taskID); err != nil {
		return err
	}
	tasks, err := h.cfg.Tasks.FindTasks(r.Context(), id)
	if err != nil {
		return err
	}
	for _, t := range tasks {
		if t.ID == taskID {
			writeJSON(w, http.StatusOK, taskJSON(t))
			return nil
		}
	}
	return fristad.Errorf(fristad.ENOTFOUND, "not found")
}

// handleDeadlines answers the caller's open tasks across cases, to a
// date (?until=YYYY-MM-DD; overdue ones always).
func (h *Handler) handleDeadlines(w http.ResponseWriter, r *http.Request) error {
	tasks, err := h.cfg.Tasks.MyDeadlines(r.Context(), fristad.TaskFilter{Until: r.URL.Query().Get("until")})
	if err != nil {
		return err
	}
	writeTasks(w, tasks)
	return nil
}
