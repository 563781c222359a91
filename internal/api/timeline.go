package api

import (
	"net/http"

	"fristad/internal/timeline"
)

// handleTimeline answers everything on the case the caller may read,
// newest first, as codes and ids (the workspace's timeline in words).
func (h *Handler) handleTimeline(w http.ResponseWriter, r *http.Request) error {
	c, err := h.cfg.Cases.FindCaseByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	entries, err := timeline.Build(r.Context(), h.cfg.Services, c)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []timeline.Entry{}
	}
	writeJSON(w, http.StatusOK, struct {
		Entries []timeline.Entry `json:"entries"`
	}{entries})
	return nil
}
