package fristad

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Sensitivities of a journal note: who on the case may read it.
const (
	// SensitivityTeam is a note for everyone who may read the case:
	// every case role of an organisation on the case team, and whoever
	// holds a live break-glass.
	SensitivityTeam = "team"
	// SensitivityOrganisation is a note for the author's organisation
	// only, such as a therapy note. Police liaisons never read one, not
	// even their own organisation's.
	SensitivityOrganisation = "organisation"
)

// Sensitivities lists the note sensitivities, the narrowest last.
var Sensitivities = []string{SensitivityTeam, SensitivityOrganisation}

// MaxNoteBody is the longest note, in characters.
const MaxNoteBody = 20000

// Note is an entry of a case's journal. Its body is sealed under the
// person's data key. A note is never changed or deleted once written: a
// correction is a new note that refers back to the one it corrects.
type Note struct {
	ID                 string
	CaseID             string
	Body               string // plain text; newlines allowed
	Sensitivity        string
	RefersTo           string // the id of the note this one corrects, or ""
	AuthorID           string
	AuthorOrganisation string
	CreatedAt          time.Time
}

// Validate checks a new note and normalises it in place.
func (n *Note) Validate() error {
	n.RefersTo = strings.TrimSpace(n.RefersTo)
	n.Body = NormalizeNewlines(n.Body)
	if err := checkText("body", "note.body.invalid", &n.Body, MaxNoteBody); err != nil {
		return err
	}
	if n.Body == "" {
		return invalid("body", "note.body.required", "a note needs a text")
	}
	if !slices.Contains(Sensitivities, n.Sensitivity) {
		return invalid("sensitivity", "note.sensitivity.invalid", "choose who may read the note: team or organisation")
	}
	if len(n.RefersTo) > 64 || !IsCleanText(n.RefersTo) || strings.ContainsAny(n.RefersTo, " \t\n") {
		return invalid("refers_to", "note.refers.invalid", "the note it corrects is not a note of this case")
	}
	return nil
}

// Actions on a case's journal. On a *CaseAccess they decide whether the
// actor may use the journal of the case at all; on a *NoteAccess, one
// note of a given sensitivity.
const (
	ActionNoteRead   Action = "note.read"
	ActionNoteCreate Action = "note.create"
)

// NoteAccess is what the policy knows about one note: how the actor
// reaches its case, its sensitivity and the organisation of its author
// (for a new note, the actor's).
type NoteAccess struct {
	Case               CaseAccess
	Sensitivity        string
	AuthorOrganisation string
}

// NoteService keeps the journal of a case. A case the actor may not read
// is ENOTFOUND, exactly like one that does not exist (SR-21); every read
// and write is audited.
type NoteService interface {
	// FindNotes returns the notes of a case that the actor may read,
	// newest first: those for the team, and those kept to the actor's
	// own organisation (never to a police liaison).
	FindNotes(ctx context.Context, caseID string) ([]*Note, error)
	// CreateNote adds a note to a case, written by the actor. It is
	// EFORBIDDEN for a role that reads the case but does not write in
	// its journal, or writes a sensitivity it could not read, and
	// EINVALID for a note that refers to one the actor cannot read on
	// the same case.
	CreateNote(ctx context.Context, caseID string, n *Note) error
}
