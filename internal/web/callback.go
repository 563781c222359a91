package web

import (
	"net/http"

	"fristad"
	"fristad/internal/render"
)

// CallbacksPage is a coordinator's call-back inbox (IN-08): the open
// requests they take, oldest first, with only what plans the call. The
// contact details show only when one is opened.
type CallbacksPage struct {
	render.Page
	Requests []*fristad.CallbackRequest
	Handled  bool // one was just marked as handled
}

// CountyName names a county code.
func (p *CallbacksPage) CountyName(code string) string { return fristad.CountyName(code) }

func (h *Handler) handleCallbacks(w http.ResponseWriter, r *http.Request) error {
	page := &CallbacksPage{Page: h.page(w, r), Handled: r.URL.Query().Get("handled") == "1"}
	var err error
	if page.Requests, err = h.cfg.Callbacks.FindCallbacks(r.Context()); err != nil {
		return err
	}
	page.Title = page.T("callbacks.title")
	return h.engine.Render(w, r, http.StatusOK, "callbacks", page)
}

// CallbackPage is one call-back request, opened: how and when to reach
// her, and the form to mark it handled.
type CallbackPage struct {
	render.Page
	Request  *fristad.CallbackRequest
	Outcomes []string
	Outcome  string
	Error    *FormError
}

// CountyName names a county code.
func (p *CallbackPage) CountyName(code string) string { return fristad.CountyName(code) }

func (h *Handler) renderCallback(w http.ResponseWriter, r *http.Request, page *CallbackPage, status int) error {
	var err error
	if page.Request, err = h.cfg.Callbacks.FindCallbackByID(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	page.Outcomes = fristad.CallbackOutcomes
	page.Title = page.T("callback.title")
	return h.engine.Render(w, r, status, "callback", page)
}

func (h *Handler) handleCallback(w http.ResponseWriter, r *http.Request) error {
	return h.renderCallback(w, r, &CallbackPage{Page: h.page(w, r)}, http.StatusOK)
}

// handleHandleCallback marks a request handled; its contact details are
// erased at once.
func (h *Handler) handleHandleCallback(w http.ResponseWriter, r *http.Request) error {
	outcome := r.PostForm.Get("outcome")
	err := h.cfg.Callbacks.HandleCallback(r.Context(), r.PathValue("id"), outcome)
	switch fristad.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/callbacks?handled=1", http.StatusSeeOther)
		return nil
	case fristad.EINVALID, fristad.ECONFLICT:
		page := &CallbackPage{Page: h.page(w, r), Outcome: outcome}
		page.Error, _ = formErrorFor(&page.Page, err)
		status := http.StatusUnprocessableEntity
		if fristad.ErrorCode(err) == fristad.ECONFLICT {
			status = http.StatusConflict
		}
		return h.renderCallback(w, r, page, status)
	}
	return err
}

// callbackCount counts the call-back requests waiting for a coordinator,
// for the start page.
func (h *Handler) callbackCount(r *http.Request, page *HomePage) error {
	if h.cfg.Callbacks == nil || !fristad.Can(fristad.ActorFromContext(r.Context()), fristad.ActionCallbackRead, nil) {
		return nil
	}
	n, err := h.cfg.Callbacks.CountCallbacks(r.Context())
	if err != nil {
		return err
	}
	page.TakesCallbacks, page.Callbacks = true, n
	return nil
}
