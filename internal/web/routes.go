package web

import "net/http"

// Register adds the workspace's routes to mux. Every route of the staff
// workspace is listed here.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET /{$}", h.handle(h.handleHome))
	mux.Handle("POST /language", h.handle(h.handleLanguage))
	mux.Handle("GET /", h.handle(h.handleNotFound))
}
