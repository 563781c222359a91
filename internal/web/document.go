package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"fristad"
	"fristad/internal/render"
)

// DocumentsPage is a case's documents: those the user may read, newest
// first, and a form to upload one.
type DocumentsPage struct {
	render.Page
	CaseHeader
	Documents     []*fristad.Document
	Organisations map[string]string
	// Sensitivities are those the user may upload; with none, there is
	// no form.
	Sensitivities []string
	Form          DocumentForm
	Error         *FormError
}

// DocumentForm is the upload form as typed. The file is never shown
// again: after an error it is chosen anew.
type DocumentForm struct{ Description, Sensitivity string }

// Size shows a number of bytes for people: kB below a megabyte, MB with
// one decimal above.
func (p *DocumentsPage) Size(n int64) string {
	if n < 1000*1000 {
		return p.T("documents.size.kb", "N", (n+999)/1000)
	}
	tenths := (n + 50*1000) / (100 * 1000)
	return p.T("documents.size.mb", "Whole", tenths/10, "Tenth", tenths%10)
}

// parseForm reads the body of a form: a multipart one (an upload) in
// memory only, up to the largest upload, so that no part of a document
// is ever written to a temporary file in clear; any other one as usual.
// The body was limited before (see the server's limitBody).
func parseForm(r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		return r.ParseMultipartForm(fristad.MaxDocumentUpload)
	}
	return r.ParseForm()
}

func (h *Handler) renderDocuments(w http.ResponseWriter, r *http.Request, page *DocumentsPage, status int) error {
	id := r.PathValue("id")
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), id)
	if err != nil {
		return err
	}
	if page.Documents, err = h.cfg.Documents.FindDocuments(r.Context(), id); err != nil {
		return err
	}
	if page.Organisations, err = h.organisationNames(r); err != nil {
		return err
	}
	page.CaseHeader = caseHeader(c, "documents")
	actor := fristad.ActorFromContext(r.Context())
	if canUpdateCase(r, c) {
		for _, s := range fristad.Sensitivities {
			if fristad.Can(actor, fristad.ActionNoteRead, &fristad.NoteAccess{Case: c.Reach(), Sensitivity: s, AuthorOrganisation: actor.OrganisationID}) {
				page.Sensitivities = append(page.Sensitivities, s)
			}
		}
	}
	if page.Form.Sensitivity == "" && len(page.Sensitivities) > 0 {
		// The narrowest the user may choose: sharing wider is a choice.
		page.Form.Sensitivity = page.Sensitivities[len(page.Sensitivities)-1]
	}
	page.Title = page.T("documents.title", "Ref", c.Reference)
	return h.engine.Render(w, r, status, "documents", page)
}

func (h *Handler) handleDocuments(w http.ResponseWriter, r *http.Request) error {
	return h.renderDocuments(w, r, &DocumentsPage{Page: h.page(w, r)}, http.StatusOK)
}

// readUpload returns the file of an upload form's field, its name and
// its content, read to one byte over the limit so a larger one shows.
// Without a file, the content is nil.
func readUpload(r *http.Request, field string) (string, []byte, error) {
	f, header, err := r.FormFile(field)
	if err == http.ErrMissingFile || err == http.ErrNotMultipart {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, formError(err)
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, fristad.MaxDocumentSize+1))
	if err != nil {
		return "", nil, formError(err)
	}
	return header.Filename, content, nil
}

func (h *Handler) handleCreateDocument(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	form := DocumentForm{Description: r.PostForm.Get("description"), Sensitivity: r.PostForm.Get("sensitivity")}
	name, content, err := readUpload(r, "file")
	if err != nil {
		return err
	}
	d := &fristad.Document{Filename: name, Description: form.Description, Sensitivity: form.Sensitivity}
	err = h.cfg.Documents.CreateDocument(r.Context(), id, d, content)
	if code := fristad.ErrorCode(err); code == fristad.EINVALID || code == fristad.ETOOLARGE {
		page := &DocumentsPage{Page: h.page(w, r), Form: form}
		page.Error = &FormError{Message: render.ErrorText(&page.Page, err), Field: "file"}
		if fe, ok := formErrorFor(&page.Page, err); ok {
			page.Error = fe
		}
		status := http.StatusBadRequest
		if code == fristad.ETOOLARGE {
			status = http.StatusRequestEntityTooLarge
		}
		return h.renderDocuments(w, r, page, status)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/cases/"+id+"/documents", http.StatusSeeOther)
	return nil
}

func (h *Handler) handleDownloadDocument(w http.ResponseWriter, r *http.Request) error {
	d, content, err := h.cfg.Documents.OpenDocument(r.Context(), r.PathValue("id"), r.PathValue("docID"))
	if err != nil {
		return err
	}
	writeDocument(w, d, content)
	return nil
}

// writeDocument answers a document's content as a download: never shown
// in the browser, never sniffed as another type, never cached.
func writeDocument(w http.ResponseWriter, d *fristad.Document, content []byte) {
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(content)))
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename})
	if disposition == "" {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	w.Write(content)
}

// documentAccept is what the file input offers to choose; the server
// decides on the content.
var documentAccept = strings.Join([]string{".pdf", ".jpg", ".jpeg", ".png", ".txt", "application/pdf", "image/jpeg", "image/png", "text/plain"}, ",")

// Accept is the file input's accept attribute.
func (p *DocumentsPage) Accept() string { return documentAccept }
