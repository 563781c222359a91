package api

import (
	"net/http"
	"net/url"
	"time"

	"fristad"
)

// PersonRecordJSON is a person record: the person, and the cases of the
// person the caller may reach. A record merged into another answers with
// merged_into, the survivor's reference, and nothing else of the person.
type PersonRecordJSON struct {
	Reference  string        `json:"reference"`
	MergedInto string        `json:"merged_into,omitempty"`
	MergedAt   *time.Time    `json:"merged_at,omitempty"`
	Person     *PersonJSON   `json:"person,omitempty"`
	Cases      []CaseRefJSON `json:"cases"`
	CanMerge   bool          `json:"can_merge"`
}

// CaseRefJSON names a case.
type CaseRefJSON struct {
	ID        string `json:"id"`
	Reference string `json:"reference"`
}

// MergeJSON is the body of POST /persons/{ref}/merge.
type MergeJSON struct {
	From    string            `json:"from"`
	Keep    map[string]string `json:"keep"`
	Confirm bool              `json:"confirm"`
}

func personRecordJSON(rec *fristad.PersonRecord) PersonRecordJSON {
	out := PersonRecordJSON{Reference: rec.Reference, MergedInto: rec.MergedInto, MergedAt: rec.MergedAt, Cases: []CaseRefJSON{}, CanMerge: rec.CanMerge}
	if p := rec.Person; p != nil {
		pj := caseJSON(&fristad.Case{Person: p}).Person
		out.Person = &pj
	}
	for _, c := range rec.Cases {
		out.Cases = append(out.Cases, CaseRefJSON{ID: c.ID, Reference: c.Reference})
	}
	return out
}

// handlePerson answers with a person record; a tombstone redirects to
// its survivor (ID-10).
func (h *Handler) handlePerson(w http.ResponseWriter, r *http.Request) error {
	rec, err := h.cfg.Cases.FindPerson(r.Context(), r.PathValue("ref"))
	if err != nil {
		return err
	}
	status := http.StatusOK
	if rec.MergedInto != "" {
		w.Header().Set("Location", Prefix+"persons/"+url.PathEscape(rec.MergedInto))
		status = http.StatusMovedPermanently
	}
	writeJSON(w, status, personRecordJSON(rec))
	return nil
}

// handleMerge merges the record named in the body into the one in the
// path, and answers with the survivor.
func (h *Handler) handleMerge(w http.ResponseWriter, r *http.Request) error {
	var in MergeJSON
	if err := decode(r, &in); err != nil {
		return err
	}
	rec, err := h.cfg.Cases.MergePersons(r.Context(), &fristad.PersonMerge{Into: r.PathValue("ref"), From: in.From, Keep: in.Keep, Confirmed: in.Confirm})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, personRecordJSON(rec))
	return nil
}
