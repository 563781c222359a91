// Package web is the staff workspace: the server-rendered pages where case
// workers, coordinators, partners and administrators do their work. It
// speaks Swedish (the default) and English, works without JavaScript, and
// reaches data only through the services of package fristad.
package web

import (
	"embed"
	"errors"
	"net/http"
	"strings"
	"time"

	"fristad"
	"fristad/internal/i18n"
	"fristad/internal/render"
)

//go:embed templates
var templates embed.FS

// langCookie holds a staff member's explicit language choice. The __Host-
// prefix makes the browser insist on Secure, Path=/ and no Domain.
const langCookie = "__Host-fristad-lang"

// Config configures the staff workspace.
type Config struct {
	Demo   bool // show the DEMO banner on every page
	Assets *render.Assets
}

// Handler serves the staff workspace.
type Handler struct {
	cfg     Config
	catalog *i18n.Catalog
	engine  *render.Engine
}

// New parses the templates and returns the workspace's handler.
func New(cfg Config) (*Handler, error) {
	engine, err := render.NewEngine(templates, "templates/layout", "templates/pages", cfg.Assets, nil)
	if err != nil {
		return nil, err
	}
	return &Handler{cfg: cfg, catalog: i18n.Staff(), engine: engine}, nil
}

// Engine returns the parsed templates, for template checks.
func (h *Handler) Engine() *render.Engine { return h.engine }

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle turns a handlerFunc into an http.Handler that shows any error it
// returns as the translated error page.
func (h *Handler) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.engine.Error(w, r, err, h.page(r))
		}
	})
}

// printer returns the printer for the request's language: the staff
// member's explicit choice, then the browser's preference, then Swedish.
func (h *Handler) printer(r *http.Request) *i18n.Printer {
	var explicit string
	if c, err := r.Cookie(langCookie); err == nil {
		explicit = c.Value
	}
	return h.catalog.Printer(h.catalog.Match(explicit, r.Header.Get("Accept-Language")))
}

// page returns the common page data for the request.
func (h *Handler) page(r *http.Request) render.Page {
	p := h.printer(r)
	page := render.NewPage(r, p, h.cfg.Demo)
	page.Languages = render.LanguagesOf(h.catalog, p)
	return page
}

// HomePage is the start page.
type HomePage struct {
	render.Page
}

func (h *Handler) handleHome(w http.ResponseWriter, r *http.Request) error {
	page := HomePage{Page: h.page(r)}
	page.Title = page.T("home.title")
	return h.engine.Render(w, r, http.StatusOK, "home", &page)
}

func (h *Handler) handleNotFound(w http.ResponseWriter, r *http.Request) error {
	return fristad.Errorf(fristad.ENOTFOUND, "no page at this address")
}

// handleLanguage stores an explicit language choice and returns to the
// page it was made on.
func (h *Handler) handleLanguage(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	tag, ok := h.catalog.Parse(r.PostForm.Get("lang"))
	if !ok {
		return fristad.Errorf(fristad.EINVALID, "unknown language")
	}
	http.SetCookie(w, &http.Cookie{
		Name:     langCookie,
		Value:    tag.String(),
		Path:     "/",
		MaxAge:   int((365 * 24 * time.Hour).Seconds()),
		Secure:   true,
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
	})
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}

// localPath returns p if it is a path on this site, and "/" otherwise, so
// a form cannot redirect a user to another host.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}

// formError turns a failure to read a form into a fristad error.
func formError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return fristad.Errorf(fristad.ETOOLARGE, "the form is too large")
	}
	return fristad.Errorf(fristad.EINVALID, "the form cannot be read")
}
