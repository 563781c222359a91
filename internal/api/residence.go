package api

import (
	"net/http"
	"time"

	"fristad"
)

// ResidenceJSON is where she lives from a day on. A protected address is
// never in the API: it shows only in the workspace, revealed after a
// fresh second factor, which a token cannot give (DP-05, DP-08).
type ResidenceJSON struct {
	ID         string     `json:"id,omitempty"`
	Kind       string     `json:"kind"`
	Since      string     `json:"since"`
	Address    string     `json:"address,omitempty"`
	Protected  bool       `json:"protected"`
	HasAddress bool       `json:"has_address"`
	RecordedBy string     `json:"recorded_by,omitempty"`
	RecordedAt *time.Time `json:"recorded_at,omitempty"`
}

func residenceJSON(r *fristad.Residence, withAddress bool) ResidenceJSON {
	out := ResidenceJSON{ID: r.ID, Kind: r.Kind, Since: r.Since, Protected: r.Protected, HasAddress: r.HasAddress,
		RecordedBy: r.RecordedBy, RecordedAt: &r.RecordedAt}
	if withAddress && !r.Protected {
		out.Address = r.Address
	}
	return out
}

func (h *Handler) handleResidences(w http.ResponseWriter, r *http.Request) error {
	list, err := h.cfg.Residences.Residences(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := struct {
		Residences []ResidenceJSON `json:"residences"`
	}{Residences: []ResidenceJSON{}}
	for _, res := range list {
		out.Residences = append(out.Residences, residenceJSON(res, true))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handleRecordResidence records where she lives; the answer never echoes
// a protected address.
func (h *Handler) handleRecordResidence(w http.ResponseWriter, r *http.Request) error {
	var body ResidenceJSON
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.ID != "" || body.RecordedBy != "" || body.RecordedAt != nil {
		return &fristad.Error{Code: fristad.EINVALID, Field: "id", Message: "id, recorded_by and recorded_at are set by the server"}
	}
	res := &fristad.Residence{Kind: body.Kind, Since: body.Since, Address: body.Address, Protected: body.Protected}
	if err := h.cfg.Residences.RecordResidence(r.Context(), r.PathValue("id"), res); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, residenceJSON(res, true))
	return nil
}
