package web

import (
	"net/http"
	"time"

	"fristad"
	"fristad/internal/render"
)

// HomePage is the start page: for a signed-in user, what their
// organisation must know.
type HomePage struct {
	render.Page
	Notifications []*fristad.Notification
	Notices       []*fristad.Notice // about the user's own account
}

func (h *Handler) handleHome(w http.ResponseWriter, r *http.Request) error {
	page := HomePage{Page: h.page(w, r)}
	if fristad.ActorFromContext(r.Context()) != nil {
		var err error
		if page.Notifications, err = h.cfg.Cases.Notifications(r.Context()); err != nil {
			return err
		}
		if page.Notices, err = h.cfg.Auth.Notices(r.Context()); err != nil {
			return err
		}
	}
	page.Title = page.T("home.title")
	return h.engine.Render(w, r, http.StatusOK, "home", &page)
}

func (h *Handler) handleNotFound(w http.ResponseWriter, r *http.Request) error {
	return fristad.Errorf(fristad.ENOTFOUND, "no page at this address")
}

// handleLanguage stores an explicit language choice and returns to the
// page it was made on.
func (h *Handler) handleLanguage(w http.ResponseWriter, r *http.Request) error {
	tag, ok := h.catalog.Parse(r.PostForm.Get("lang"))
	if !ok {
		return fristad.Errorf(fristad.EINVALID, "unknown language")
	}
	setCookie(w, langCookie, tag.String(), 365*24*time.Hour)
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}
