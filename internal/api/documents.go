package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"fristad"
)

// DocumentJSON is a document of a case in the API, without its content.
type DocumentJSON struct {
	ID                     string    `json:"id"`
	CaseID                 string    `json:"case_id"`
	Filename               string    `json:"filename"`
	ContentType            string    `json:"content_type"`
	Size                   int64     `json:"size"`
	Description            string    `json:"description"`
	Sensitivity            string    `json:"sensitivity"`
	UploadedBy             string    `json:"uploaded_by"`
	UploadedByOrganisation string    `json:"uploaded_by_organisation_id"`
	CreatedAt              time.Time `json:"created_at"`
}

func documentJSON(d *fristad.Document) DocumentJSON {
	return DocumentJSON{ID: d.ID, CaseID: d.CaseID, Filename: d.Filename, ContentType: d.ContentType, Size: d.Size,
		Description: d.Description, Sensitivity: d.Sensitivity, UploadedBy: d.UploadedBy,
		UploadedByOrganisation: d.UploadedByOrganisation, CreatedAt: d.CreatedAt}
}

func (h *Handler) handleDocuments(w http.ResponseWriter, r *http.Request) error {
	docs, err := h.cfg.Documents.FindDocuments(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := struct {
		Documents []DocumentJSON `json:"documents"`
	}{Documents: []DocumentJSON{}}
	for _, d := range docs {
		out.Documents = append(out.Documents, documentJSON(d))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handleCreateDocument takes a multipart/form-data upload: the file in
// the field "file", and the fields "description" and "sensitivity". The
// form is read in memory only, so no part of the document is ever
// written to a temporary file in clear.
func (h *Handler) handleCreateDocument(w http.ResponseWriter, r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return fristad.Errorf(fristad.EINVALID, "the body must be multipart/form-data")
	}
	if err := r.ParseMultipartForm(fristad.MaxDocumentUpload); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return fristad.Errorf(fristad.ETOOLARGE, "the body is too large")
		}
		return fristad.Errorf(fristad.EINVALID, "the body is not a valid multipart form")
	}
	var name string
	var content []byte
	f, header, err := r.FormFile("file")
	switch {
	case errors.Is(err, http.ErrMissingFile):
	case err != nil:
		return fristad.Errorf(fristad.EINVALID, "the file cannot be read")
	default:
		defer f.Close()
		if content, err = io.ReadAll(io.LimitReader(f, fristad.MaxDocumentSize+1)); err != nil {
			return fristad.Errorf(fristad.EINVALID, "the file cannot be read")
		}
		name = header.Filename
	}
	d := &fristad.Document{Filename: name, Description: r.PostForm.Get("description"), Sensitivity: r.PostForm.Get("sensitivity")}
	if err := h.cfg.Documents.CreateDocument(r.Context(), r.PathValue("id"), d, content); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, documentJSON(d))
	return nil
}

// handleDownloadDocument answers a document's content as a download:
// never shown inline, never sniffed as another type, never cached.
func (h *Handler) handleDownloadDocument(w http.ResponseWriter, r *http.Request) error {
	d, content, err := h.cfg.Documents.OpenDocument(r.Context(), r.PathValue("id"), r.PathValue("docID"))
	if err != nil {
		return err
	}
	hdr := w.Header()
	hdr.Set("Content-Type", d.ContentType)
	hdr.Set("Content-Length", strconv.Itoa(len(content)))
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename})
	if disposition == "" {
		disposition = "attachment"
	}
	hdr.Set("Content-Disposition", disposition)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	w.Write(content)
	return nil
}
