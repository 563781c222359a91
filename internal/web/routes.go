package web

import "net/http"

// Register adds the workspace's routes to mux. Every route of the staff
// workspace is listed here.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET /{$}", h.handle(h.handleHome))
	mux.Handle("POST /language", h.handle(h.handleLanguage))

	mux.Handle("GET /login", h.handle(h.handleLoginForm))
	mux.Handle("POST /login", h.handle(h.handleLogin))
	mux.Handle("GET /login/code", h.handle(h.handleCodeForm))
	mux.Handle("POST /login/code", h.handle(h.handleCode))
	mux.Handle("POST /logout", h.handle(h.handleLogout))

	mux.Handle("GET /activate", h.handle(h.handleActivateForm))
	mux.Handle("POST /activate", h.handle(h.handleActivatePassword))
	mux.Handle("POST /activate/code", h.handle(h.handleActivateCode))

	mux.Handle("GET /account/sessions", h.handle(requireActor(h.handleSessions)))
	mux.Handle("POST /account/sessions/{id}/end", h.handle(requireActor(h.handleEndSession)))

	mux.Handle("GET /", h.handle(h.handleNotFound))
}
