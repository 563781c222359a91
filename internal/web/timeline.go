package web

import (
	"cmp"
	"net/http"
	"time"

	"fristad"
	"fristad/internal/render"
	"fristad/internal/timeline"
)

// TimelinePage is a case's timeline: everything that happened on it that
// the user may read, newest first, each with a link to where it is kept.
type TimelinePage struct {
	render.Page
	CaseHeader
	Events []TimelineEvent
}

// TimelineEvent is one thing that happened on a case.
type TimelineEvent struct {
	At      time.Time
	Kind    string // status, assessment, safety, residence, note, document, consent, disclosure, task
	Text    string // translated
	Excerpt string // the start of a note, when the user may read it
	Href    string // where it is kept
}

// handleTimeline gathers the case's history from its services, each of
// which applies the policy and audits the read: notes the user may not
// read never reach the timeline.
func (h *Handler) handleTimeline(w http.ResponseWriter, r *http.Request) error {
	ctx, id := r.Context(), r.PathValue("id")
	c, err := h.cfg.Cases.FindCaseByID(ctx, id)
	if err != nil {
		return err
	}
	page := &TimelinePage{Page: h.page(w, r), CaseHeader: caseHeader(c, "timeline")}
	orgs, err := h.organisationNames(r)
	if err != nil {
		return err
	}
	entries, err := timeline.Build(ctx, h.cfg.Services, c)
	if err != nil {
		return err
	}
	base := "/cases/" + c.ID
	for _, e := range entries {
		ev := TimelineEvent{At: e.At}
		say := func(kind, href, key string, args ...any) {
			ev.Kind, ev.Href, ev.Text = kind, base+href, page.T(key, args...)
		}
		switch e.Kind {
		case "opened", "status":
			say("status", "", "timeline."+e.Kind, "Status", page.Label("status", e.Code), "On", e.Day, "Org", orgs[e.Org])
		case "risk":
			say("assessment", "/assessments", "timeline.risk", "Level", page.Label("risk", e.Code), "On", e.Day)
		case "needs":
			say("assessment", "/assessments", "timeline.needs", "On", e.Day)
		case "safety":
			say("safety", "/safety", "timeline.safety", "Version", e.Version)
		case "residence":
			say("residence", "/residence", "timeline.residence", "Kind", page.Label("residence.kind", e.Code), "Since", e.Day)
		case "event":
			period := page.T("events.period.unknown")
			if e.Day != "" || e.Until != "" {
				period = cmp.Or(e.Day, "?") + " – " + cmp.Or(e.Until, "?")
			}
			country := "–"
			if e.Text != "" {
				country = page.Country(e.Text)
			}
			say("event", "#event-"+e.ID, "timeline.event", "Kind", page.Label("event.kind", e.Code), "Country", country, "Period", period)
		case "merge":
			say("merge", "", "timeline.merge."+e.Code, "From", e.Text, "Into", e.Into)
		case "note":
			say("note", "/notes#note-"+e.ID, "timeline.note", "Org", orgs[e.Org], "Who", page.Label("sensitivity", e.Code))
			ev.Excerpt = e.Text
		case "document":
			say("document", "/documents#document-"+e.ID, "timeline.document", "Name", e.Text, "Org", orgs[e.Org])
		case "consent", "withdrawn":
			key := "timeline.consent"
			if e.Kind == "withdrawn" {
				key = "timeline.withdrawn"
			}
			say("consent", "/consents#consent-"+e.ID, key, "Purpose", page.Label("purpose", e.Code), "Org", orgs[e.Org])
		case "disclosure":
			say("disclosure", "/consents", "timeline.disclosure", "Org", orgs[e.Org], "Basis", page.Label("legalbasis", e.Code))
		case "task", "task_done":
			title := e.Text
			if e.Code != fristad.TaskOwn {
				title = page.Label("task.kind", e.Code)
			}
			if e.Kind == "task_done" {
				say("task", "/tasks", "timeline.task.done", "Task", title)
			} else {
				say("task", "/tasks", "timeline.task", "Task", title, "Due", e.Day)
			}
		default:
			continue
		}
		page.Events = append(page.Events, ev)
	}
	page.Title = page.T("timeline.title", "Ref", c.Reference)
	return h.engine.Render(w, r, http.StatusOK, "timeline", page)
}
