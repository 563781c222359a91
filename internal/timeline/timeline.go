// Package timeline gathers everything that happened on a case from the
// services that keep it, each of which applies the policy and audits the
// read: what the reader may not see never reaches the timeline. Entries
// are codes and ids; each site says them in its own words.
package timeline

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"fristad"
)

// Entry is one thing that happened on a case.
type Entry struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"` // opened, status, risk, needs, safety, residence, event, merge, note, document, consent, withdrawn, disclosure, task, task_done
	ID   string    `json:"id,omitempty"`
	// Code is the entry's code: the status, the risk level, the kind of
	// residence or event, the note's sensitivity, the consent's purpose,
	// the disclosure's legal basis, the task's kind; for a merge "moved"
	// when the case came with the record merged away, else "joined".
	Code    string `json:"code,omitempty"`
	Day     string `json:"day,omitempty"`   // the day it speaks of: decided, assessed, since, due, from
	Until   string `json:"until,omitempty"` // an event's end
	Org     string `json:"organisation_id,omitempty"`
	Version int    `json:"version,omitempty"`
	// Text is words the reader may read: the start of a note, a
	// document's name, an own task's title, an event's country, the
	// reference of a person record merged away. Never an address.
	Text string `json:"text,omitempty"`
	// Into is the reference of the person record a merge went into.
	Into string `json:"into,omitempty"`
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

// forbidden reports a part of a case the reader's role may not read at
// all; the timeline leaves it out.
func forbidden(err error) bool { return fristad.ErrorCode(err) == fristad.EFORBIDDEN }

// Build returns the timeline of case c, read through the actor in ctx,
// newest first.
func Build(ctx context.Context, src fristad.Services, c *fristad.Case) ([]Entry, error) {
	var out []Entry
	add := func(e Entry) { out = append(out, e) }
	for i, e := range c.History {
		kind := "status"
		if i == 0 {
			kind = "opened"
		}
		add(Entry{At: e.RecordedAt, Kind: kind, Code: e.Status, Day: e.DecidedOn, Org: e.DecidingOrg})
	}
	as, err := src.Assessments.Assessments(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range as.Risk {
		add(Entry{At: a.CreatedAt, Kind: "risk", Code: a.Level, Day: a.AssessedOn})
	}
	for _, a := range as.Needs {
		add(Entry{At: a.CreatedAt, Kind: "needs", Day: a.AssessedOn})
	}
	plan, err := src.Assessments.SafetyPlan(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if plan != nil {
		add(Entry{At: plan.CreatedAt, Kind: "safety", Version: plan.Version})
	}
	residences, err := src.Residences.Residences(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range residences {
		// The kind and the day, never the address (DP-08).
		add(Entry{At: r.RecordedAt, Kind: "residence", ID: r.ID, Code: r.Kind, Day: r.Since})
	}
	events, err := src.Cases.FindEvents(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		add(Entry{At: e.CreatedAt, Kind: "event", ID: e.ID, Code: e.Kind, Day: e.From, Until: e.To, Text: e.Country})
	}
	merges, err := src.Cases.FindMerges(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range merges {
		code := "joined"
		if m.Moved {
			code = "moved"
		}
		add(Entry{At: m.MergedAt, Kind: "merge", ID: m.ID, Code: code, Text: m.From, Into: m.Into})
	}
	notes, err := src.Notes.FindNotes(ctx, c.ID)
	if err != nil && !forbidden(err) {
		return nil, err
	}
	for _, n := range notes {
		add(Entry{At: n.CreatedAt, Kind: "note", ID: n.ID, Code: n.Sensitivity, Org: n.AuthorOrganisation, Text: excerpt(n.Body, 120)})
	}
	documents, err := src.Documents.FindDocuments(ctx, c.ID)
	if err != nil && !forbidden(err) {
		return nil, err
	}
	for _, d := range documents {
		add(Entry{At: d.CreatedAt, Kind: "document", ID: d.ID, Org: d.UploadedByOrganisation, Text: d.Filename})
	}
	consents, err := src.Consents.FindConsents(ctx, c.ID)
	if err != nil && !forbidden(err) {
		return nil, err
	}
	for _, k := range consents {
		add(Entry{At: k.RecordedAt, Kind: "consent", ID: k.ID, Code: k.Purpose, Org: k.RecipientOrganisation})
		if k.WithdrawnAt != nil {
			add(Entry{At: *k.WithdrawnAt, Kind: "withdrawn", ID: k.ID, Code: k.Purpose, Org: k.RecipientOrganisation})
		}
	}
	disclosures, err := src.Consents.FindDisclosures(ctx, c.ID)
	if err != nil && !forbidden(err) {
		return nil, err
	}
	for _, d := range disclosures {
		add(Entry{At: d.RecordedAt, Kind: "disclosure", ID: d.ID, Code: d.LegalBasis, Org: d.RecipientOrganisation})
	}
	tasks, err := src.Tasks.FindTasks(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		e := Entry{ID: t.ID, Code: t.Kind}
		if t.Kind == fristad.TaskOwn {
			e.Text = t.Title
		}
		switch {
		case t.DoneAt != nil:
			e.At, e.Kind = *t.DoneAt, "task_done"
		case t.Kind == fristad.TaskOwn:
			e.At, e.Kind, e.Day = t.CreatedAt, "task", t.DueOn
		default:
			continue
		}
		add(e)
	}
	slices.SortStableFunc(out, func(a, b Entry) int { return b.At.Compare(a.At) })
	return out, nil
}
