package web

import (
	"net/http"

	"fristad"
	"fristad/internal/render"
)

// SessionsPage lists the user's own sessions.
type SessionsPage struct {
	render.Page
	Sessions []*fristad.Session
}

func (h *Handler) handleSessions(w http.ResponseWriter, r *http.Request) error {
	sessions, err := h.cfg.Auth.Sessions(r.Context())
	if err != nil {
		return err
	}
	page := SessionsPage{Page: h.page(w, r), Sessions: sessions}
	page.Title = page.T("sessions.title")
	return h.engine.Render(w, r, http.StatusOK, "sessions", &page)
}

func (h *Handler) handleEndSession(w http.ResponseWriter, r *http.Request) error {
	if err := h.cfg.Auth.EndSession(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/account/sessions", http.StatusSeeOther)
	return nil
}
