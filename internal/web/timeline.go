package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"fristad"
	"fristad/internal/render"
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

// excerpt returns the first line of s, cut to n characters.
func excerpt(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// forbidden reports a part of a case the user's role may not read at
// all; the timeline leaves it out.
func forbidden(err error) bool { return fristad.ErrorCode(err) == fristad.EFORBIDDEN }

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
	base := "/cases/" + c.ID
	add := func(at time.Time, kind, href, key string, args ...any) *TimelineEvent {
		page.Events = append(page.Events, TimelineEvent{At: at, Kind: kind, Href: base + href, Text: page.T(key, args...)})
		return &page.Events[len(page.Events)-1]
	}
	for i, e := range c.History {
		key := "timeline.status"
		if i == 0 {
			key = "timeline.opened"
		}
		add(e.RecordedAt, "status", "", key, "Status", page.Label("status", e.Status), "On", e.DecidedOn, "Org", orgs[e.DecidingOrg])
	}
	as, err := h.cfg.Assessments.Assessments(ctx, id)
	if err != nil {
		return err
	}
	for _, a := range as.Risk {
		add(a.CreatedAt, "assessment", "/assessments", "timeline.risk", "Level", page.Label("risk", a.Level), "On", a.AssessedOn)
	}
	for _, a := range as.Needs {
		add(a.CreatedAt, "assessment", "/assessments", "timeline.needs", "On", a.AssessedOn)
	}
	plan, err := h.cfg.Assessments.SafetyPlan(ctx, id)
	if err != nil {
		return err
	}
	if plan != nil {
		add(plan.CreatedAt, "safety", "/safety", "timeline.safety", "Version", plan.Version)
	}
	residences, err := h.cfg.Cases.Residences(ctx, id)
	if err != nil {
		return err
	}
	for _, res := range residences {
		// The kind and the day, never the address (DP-08).
		add(res.RecordedAt, "residence", "/residence", "timeline.residence", "Kind", page.Label("residence.kind", res.Kind), "Since", res.Since)
	}
	notes, err := h.cfg.Notes.FindNotes(ctx, id)
	if err != nil && !forbidden(err) {
		return err
	}
	for _, n := range notes {
		e := add(n.CreatedAt, "note", "/notes#note-"+n.ID, "timeline.note", "Org", orgs[n.AuthorOrganisation], "Who", page.Label("sensitivity", n.Sensitivity))
		e.Excerpt = excerpt(n.Body, 120)
	}
	documents, err := h.cfg.Documents.FindDocuments(ctx, id)
	if err != nil && !forbidden(err) {
		return err
	}
	for _, d := range documents {
		add(d.CreatedAt, "document", "/documents#document-"+d.ID, "timeline.document", "Name", d.Filename, "Org", orgs[d.UploadedByOrganisation])
	}
	consents, err := h.cfg.Consents.FindConsents(ctx, id)
	if err != nil && !forbidden(err) {
		return err
	}
	for _, k := range consents {
		add(k.RecordedAt, "consent", "/consents#consent-"+k.ID, "timeline.consent", "Purpose", page.Label("purpose", k.Purpose), "Org", orgs[k.RecipientOrganisation])
		if k.WithdrawnAt != nil {
			add(*k.WithdrawnAt, "consent", "/consents#consent-"+k.ID, "timeline.withdrawn", "Purpose", page.Label("purpose", k.Purpose), "Org", orgs[k.RecipientOrganisation])
		}
	}
	disclosures, err := h.cfg.Consents.FindDisclosures(ctx, id)
	if err != nil && !forbidden(err) {
		return err
	}
	for _, d := range disclosures {
		add(d.RecordedAt, "disclosure", "/consents", "timeline.disclosure", "Org", orgs[d.RecipientOrganisation], "Basis", page.Label("legalbasis", d.LegalBasis))
	}
	tasks, err := h.cfg.Tasks.FindTasks(ctx, id)
	if err != nil {
		return err
	}
	for _, t := range tasks {
		title := t.Title
		if t.Kind != fristad.TaskOwn {
			title = page.Label("task.kind", t.Kind)
		}
		if t.DoneAt != nil {
			add(*t.DoneAt, "task", "/tasks", "timeline.task.done", "Task", title)
		} else if t.Kind == fristad.TaskOwn {
			add(t.CreatedAt, "task", "/tasks", "timeline.task", "Task", title, "Due", t.DueOn)
		}
	}
	events, err := h.cfg.Cases.FindEvents(ctx, id)
	if err != nil {
		return err
	}
	for _, e := range events {
		period := page.T("events.period.unknown")
		if e.From != "" || e.To != "" {
			period = cmp.Or(e.From, "?") + " – " + cmp.Or(e.To, "?")
		}
		add(e.CreatedAt, "event", "#event-"+e.ID, "timeline.event", "Kind", page.Label("event.kind", e.Kind), "Country", cmp.Or(e.Country, "–"), "Period", period)
	}
	slices.SortStableFunc(page.Events, func(a, b TimelineEvent) int { return b.At.Compare(a.At) })
	page.Title = page.T("timeline.title", "Ref", c.Reference)
	return h.engine.Render(w, r, http.StatusOK, "timeline", page)
}
