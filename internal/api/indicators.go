package api

import (
	"net/http"
	"time"

	"fristad"
)

// IndicatorsJSON is a filling-in of a case's indicator checklist (ID-04).
type IndicatorsJSON struct {
	ID          string     `json:"id,omitempty"`
	Indicators  []string   `json:"indicators"`
	Control     []string   `json:"control"`
	Recruitment []string   `json:"recruitment"`
	Account     string     `json:"account"`
	RecordedBy  string     `json:"recorded_by,omitempty"`
	CreatedAt   *time.Time `json:"created_at,omitempty"`
}

func indicatorsJSON(in *fristad.Indicators) IndicatorsJSON {
	at := in.CreatedAt
	return IndicatorsJSON{in.ID, nonNil(in.Indicators), nonNil(in.Control), nonNil(in.Recruitment), in.Account, in.RecordedBy, &at}
}

func (h *Handler) handleIndicators(w http.ResponseWriter, r *http.Request) error {
	records, err := h.cfg.Indicators.FindIndicators(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := struct {
		Records []IndicatorsJSON `json:"records"`
	}{Records: []IndicatorsJSON{}}
	for _, in := range records {
		out.Records = append(out.Records, indicatorsJSON(in))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handleSaveIndicators records a new filling-in; the id, author and time
// are the server's to set.
func (h *Handler) handleSaveIndicators(w http.ResponseWriter, r *http.Request) error {
	var body IndicatorsJSON
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.ID != "" || body.RecordedBy != "" || body.CreatedAt != nil {
		return &fristad.Error{Code: fristad.EINVALID, Field: "id", Message: "id, recorded_by and created_at are set by the server"}
	}
	in := &fristad.Indicators{Indicators: body.Indicators, Control: body.Control, Recruitment: body.Recruitment, Account: body.Account}
	if err := h.cfg.Indicators.SaveIndicators(r.Context(), r.PathValue("id"), in); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, indicatorsJSON(in))
	return nil
}
