package web

import (
	"net/http"

	"fristad"
	"fristad/internal/render"
)

// NotesPage is a case's journal: the notes the user may read, newest
// first, and a form for a new one. Notes are never changed; a correction
// is a new note that refers back.
type NotesPage struct {
	render.Page
	CaseHeader
	Notes         []*fristad.Note
	Organisations map[string]string
	// Sensitivities are those the user may write; with none, there is
	// no form.
	Sensitivities []string
	Form          NoteForm
	Correcting    *fristad.Note // the note the form corrects, if any
	Error         *FormError
}

// NoteForm is the new-note form as typed.
type NoteForm struct{ Body, Sensitivity, RefersTo string }

// organisationNames maps organisation ids to names, for showing who did
// what.
func (h *Handler) organisationNames(r *http.Request) (map[string]string, error) {
	orgs, err := h.cfg.Organisations.FindOrganisations(r.Context(), fristad.OrganisationFilter{})
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	return names, nil
}

func (h *Handler) renderNotes(w http.ResponseWriter, r *http.Request, page *NotesPage, status int) error {
	id := r.PathValue("id")
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), id)
	if err != nil {
		return err
	}
	if page.Notes, err = h.cfg.Notes.FindNotes(r.Context(), id); err != nil {
		return err
	}
	if page.Organisations, err = h.organisationNames(r); err != nil {
		return err
	}
	page.CaseHeader = caseHeader(c, "notes")
	actor := fristad.ActorFromContext(r.Context())
	for _, s := range fristad.Sensitivities {
		if fristad.Can(actor, fristad.ActionNoteCreate, &fristad.NoteAccess{Case: c.Reach(), Sensitivity: s, AuthorOrganisation: actor.OrganisationID}) {
			page.Sensitivities = append(page.Sensitivities, s)
		}
	}
	if page.Form.Sensitivity == "" && len(page.Sensitivities) > 0 {
		// The narrowest the user may write: sharing wider is a choice.
		page.Form.Sensitivity = page.Sensitivities[len(page.Sensitivities)-1]
	}
	page.Correcting = nil
	for _, n := range page.Notes {
		if n.ID == page.Form.RefersTo {
			page.Correcting = n
		}
	}
	if page.Correcting == nil {
		page.Form.RefersTo = ""
	}
	page.Title = page.T("notes.title", "Ref", c.Reference)
	return h.engine.Render(w, r, status, "notes", page)
}

func (h *Handler) handleNotes(w http.ResponseWriter, r *http.Request) error {
	page := &NotesPage{Page: h.page(w, r), Form: NoteForm{RefersTo: r.URL.Query().Get("correct")}}
	return h.renderNotes(w, r, page, http.StatusOK)
}

func (h *Handler) handleCreateNote(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	f := r.PostForm
	form := NoteForm{Body: f.Get("body"), Sensitivity: f.Get("sensitivity"), RefersTo: f.Get("refers_to")}
	n := &fristad.Note{Body: form.Body, Sensitivity: form.Sensitivity, RefersTo: form.RefersTo}
	err := h.cfg.Notes.CreateNote(r.Context(), id, n)
	if fristad.ErrorCode(err) == fristad.EINVALID {
		page := &NotesPage{Page: h.page(w, r), Form: form}
		page.Error, _ = formErrorFor(&page.Page, err)
		return h.renderNotes(w, r, page, http.StatusBadRequest)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+id+"/notes", http.StatusSeeOther)
	return nil
}
