package web

import (
	"errors"
	"net/http"

	"fristad"
	"fristad/internal/guard"
	"fristad/internal/render"
)

// FormError is a translated error shown on a form: a summary at the top
// linking to the field it concerns.
type FormError struct {
	Field   string // the input's id, or "" for the form as a whole
	Message string
}

// formErrorFor translates err for a form page. Errors a user can act on
// are shown on the form; others (internal, unavailable) return false and
// go to the error page.
func formErrorFor(p *render.Page, err error) (*FormError, bool) {
	switch fristad.ErrorCode(err) {
	case fristad.EINVALID, fristad.EUNAUTHORIZED, fristad.ERATELIMIT, fristad.ENOTFOUND, fristad.ECONFLICT:
	default:
		return nil, false
	}
	fe := &FormError{Message: render.ErrorText(p, err)}
	if e, ok := errors.AsType[*fristad.Error](err); ok {
		fe.Field = e.Field
	}
	return fe, true
}

// LoginPage asks for an e-mail address and a password.
type LoginPage struct {
	render.Page
	Email     string
	Next      string
	Error     *FormError
	Activated bool // the account was just activated
}

func (h *Handler) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	if fristad.ActorFromContext(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	page := LoginPage{Page: h.page(w, r), Next: localPath(r.URL.Query().Get("next")), Activated: r.URL.Query().Get("activated") == "1"}
	page.Title = page.T("login.title")
	return h.engine.Render(w, r, http.StatusOK, "login", &page)
}

func (h *Handler) handleLogin(w http.ResponseWriter, r *http.Request) error {
	email, password := r.PostForm.Get("email"), r.PostForm.Get("password")
	next := localPath(r.PostForm.Get("next"))
	pending, err := h.cfg.Auth.Login(r.Context(), email, password, client(r))
	if err != nil {
		page := LoginPage{Page: h.page(w, r), Email: email, Next: next}
		page.Title = page.T("login.title")
		fe, ok := formErrorFor(&page.Page, err)
		if !ok {
			return err
		}
		if fe.Field == "" {
			fe.Field = "email"
		}
		page.Error = fe
		status := fristad.ErrorStatus(err)
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "900")
		}
		return h.engine.Render(w, r, status, "login", &page)
	}
	setCookie(w, pendingCookie, pending, fristad.PendingLoginTTL)
	http.Redirect(w, r, "/login/code?next="+next, http.StatusSeeOther)
	return nil
}

// CodePage asks for the code from the authenticator app.
type CodePage struct {
	render.Page
	Next  string
	Error *FormError
}

func (h *Handler) handleCodeForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := r.Cookie(pendingCookie); err != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	page := CodePage{Page: h.page(w, r), Next: localPath(r.URL.Query().Get("next"))}
	page.Title = page.T("login.code.title")
	return h.engine.Render(w, r, http.StatusOK, "login_code", &page)
}

func (h *Handler) handleCode(w http.ResponseWriter, r *http.Request) error {
	next := localPath(r.PostForm.Get("next"))
	c, err := r.Cookie(pendingCookie)
	if err != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	session, err := h.cfg.Auth.VerifyTOTP(r.Context(), c.Value, r.PostForm.Get("code"), client(r))
	if err != nil {
		page := CodePage{Page: h.page(w, r), Next: next}
		page.Title = page.T("login.code.title")
		fe, ok := formErrorFor(&page.Page, err)
		if !ok {
			return err
		}
		fe.Field = "code"
		page.Error = fe
		return h.engine.Render(w, r, fristad.ErrorStatus(err), "login_code", &page)
	}
	clearCookie(w, pendingCookie)
	setCookie(w, sessionCookie, session, 0)
	// A new form token for the new session.
	clearCookie(w, guard.CSRFCookie)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// handleLogout ends the session and asks the browser to forget
// everything this site stored (SR-12).
func (h *Handler) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := h.cfg.Auth.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	clearCookie(w, sessionCookie)
	w.Header().Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
