package api

import (
	"net/http"
	"time"

	"fristad"
)

// NoteJSON is a journal note in the API.
type NoteJSON struct {
	ID                 string    `json:"id"`
	Body               string    `json:"body"`
	Sensitivity        string    `json:"sensitivity"`
	RefersTo           string    `json:"refers_to,omitempty"`
	AuthorID           string    `json:"author_id"`
	AuthorOrganisation string    `json:"author_organisation_id"`
	CreatedAt          time.Time `json:"created_at"`
}

// NewNoteJSON is the body of POST /cases/{id}/notes. The author and the
// time are the server's to set: a body naming them is refused.
type NewNoteJSON struct {
	Body        string `json:"body"`
	Sensitivity string `json:"sensitivity"`
	RefersTo    string `json:"refers_to"`
}

func noteJSON(n *fristad.Note) NoteJSON {
	return NoteJSON{ID: n.ID, Body: n.Body, Sensitivity: n.Sensitivity, RefersTo: n.RefersTo,
		AuthorID: n.AuthorID, AuthorOrganisation: n.AuthorOrganisation, CreatedAt: n.CreatedAt}
}

func (h *Handler) handleNotes(w http.ResponseWriter, r *http.Request) error {
	notes, err := h.cfg.Notes.FindNotes(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := struct {
		Notes []NoteJSON `json:"notes"`
	}{Notes: []NoteJSON{}}
	for _, n := range notes {
		out.Notes = append(out.Notes, noteJSON(n))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) handleCreateNote(w http.ResponseWriter, r *http.Request) error {
	var in NewNoteJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	n := &fristad.Note{Body: in.Body, Sensitivity: in.Sensitivity, RefersTo: in.RefersTo}
	if err := h.cfg.Notes.CreateNote(r.Context(), r.PathValue("id"), n); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, noteJSON(n))
	return nil
}
