// Package portal is the public website: what the support programmes offer
// and how to get help, in the languages of the people they are for. It is
// safe to visit: no cookies, no tracking, no request to any other host, a
// quick exit on every page, and it works without JavaScript.
//
// The portal never imports packages that can reach case data (a test
// enforces it): whatever happens to the public site, it holds nothing
// about the people the programme supports.
package portal

import (
	"embed"
	"html/template"
	"net/http"
	"strings"

	"fristad"
	"fristad/internal/i18n"
	"fristad/internal/render"

	"golang.org/x/text/language"
)

//go:embed templates
var templates embed.FS

// DefaultQuickExitURL is where quick exit leaves for: a neutral page that
// is ordinary to be seen visiting.
const DefaultQuickExitURL = "https://www.smhi.se/"

// Config configures the portal.
type Config struct {
	Demo         bool // show the DEMO banner on every page
	Assets       *render.Assets
	QuickExitURL string // default DefaultQuickExitURL
}

// Handler serves the portal.
type Handler struct {
	cfg     Config
	catalog *i18n.Catalog
	engine  *render.Engine
}

// New parses the templates and returns the portal's handler.
func New(cfg Config) (*Handler, error) {
	if cfg.QuickExitURL == "" {
		cfg.QuickExitURL = DefaultQuickExitURL
	}
	exit := cfg.QuickExitURL
	engine, err := render.NewEngine(templates, "templates/layout", "templates/pages", cfg.Assets, template.FuncMap{
		"quickExitURL": func() string { return exit },
	})
	if err != nil {
		return nil, err
	}
	engine.Compress = true // portal pages hold no secrets
	return &Handler{cfg: cfg, catalog: i18n.Portal(), engine: engine}, nil
}

// Engine returns the parsed templates, for template checks.
func (h *Handler) Engine() *render.Engine { return h.engine }

// Register adds the portal's routes to mux. Every route of the public
// portal is listed here.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET /{$}", h.handle(h.handleChoose))
	mux.Handle("GET /{lang}/{$}", h.handle(h.handleHome))
	mux.Handle("GET /{lang}", h.handle(h.handleLanguageRoot))
	mux.Handle("GET /", h.handle(h.handleNotFound))
}

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (h *Handler) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			w.Header().Set("Cache-Control", "no-store")
			h.engine.Error(w, r, err, h.page(r, h.requestLanguage(r)))
		}
	})
}

// requestLanguage returns the language a request is in: the one its path
// starts with, or else the browser's preference.
func (h *Handler) requestLanguage(r *http.Request) language.Tag {
	first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if tag, ok := h.catalog.Parse(first); ok {
		return tag
	}
	return h.catalog.Match("", r.Header.Get("Accept-Language"))
}

func (h *Handler) page(r *http.Request, tag language.Tag) render.Page {
	p := h.catalog.Printer(tag)
	page := render.NewPage(r, p, h.cfg.Demo)
	page.Languages = render.LanguagesOf(h.catalog, p)
	return page
}

// HomePage is a language's start page.
type HomePage struct {
	render.Page
}

func (h *Handler) handleHome(w http.ResponseWriter, r *http.Request) error {
	tag, ok := h.catalog.Parse(r.PathValue("lang"))
	if !ok || tag.String() != r.PathValue("lang") {
		return fristad.Errorf(fristad.ENOTFOUND, "no such language")
	}
	page := HomePage{Page: h.page(r, tag)}
	page.Title = page.T("home.title")
	w.Header().Set("Cache-Control", "public, max-age=300")
	return h.engine.Render(w, r, http.StatusOK, "home", &page)
}

// ChoosePage is the site's root: it speaks the browser's preferred
// language and lists all the others, each named in itself.
type ChoosePage struct {
	render.Page
}

func (h *Handler) handleChoose(w http.ResponseWriter, r *http.Request) error {
	page := ChoosePage{Page: h.page(r, h.requestLanguage(r))}
	page.Title = page.T("choose.title")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Add("Vary", "Accept-Language")
	return h.engine.Render(w, r, http.StatusOK, "choose", &page)
}

// handleLanguageRoot sends /sv on to /sv/, and anything else that is one
// word long to the not-found page.
func (h *Handler) handleLanguageRoot(w http.ResponseWriter, r *http.Request) error {
	tag, ok := h.catalog.Parse(r.PathValue("lang"))
	if !ok || tag.String() != r.PathValue("lang") {
		return fristad.Errorf(fristad.ENOTFOUND, "no such language")
	}
	http.Redirect(w, r, "/"+tag.String()+"/", http.StatusMovedPermanently)
	return nil
}

func (h *Handler) handleNotFound(w http.ResponseWriter, r *http.Request) error {
	return fristad.Errorf(fristad.ENOTFOUND, "no page at this address")
}
