// Package portal is the public website: what the support programmes offer
// and how to get help, in the languages of the people they are for. It is
// safe to visit: no cookies, no tracking, no request to any other host, a
// quick exit on every page, and it works without JavaScript.
//
// Every page is rendered once per language when the portal starts, and
// again when editors publish a new edition of the content, and is then
// served from memory, gzipped and with an ETag, so it stays fast on a
// small server and cheap on a prepaid phone. The pages' text is data
// (see content.go), edited and published in the staff workspace through
// internal/content (edition.go); the templates only lay it out.
//
// The portal never imports packages that can reach case data (a test
// enforces it), and holds the database only as the few functions it
// needs (readonly.go): whatever happens to the public site, it holds
// nothing about the people the programme supports.
package portal

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
	// Directory is where the service directory comes from; nil for a
	// portal without one (it then lists no providers).
	Directory *Directory
	// Now is the clock, for the day certifications are checked on;
	// default time.Now.
	Now func() time.Time
	// Callbacks takes call-back requests in (callback.go); without it
	// the form says to call instead.
	Callbacks *Inbox
	// Content is where the editions editors publish come from (IN-10);
	// nil for a portal that shows the release's own text only.
	Content *Editions
}

// Handler serves the portal.
type Handler struct {
	cfg     Config
	catalog *i18n.Catalog
	release *Content // the content as the release ships it
	engine  *render.Engine
	matcher *languageMatcher
	clones  map[string]*template.Template // the page templates for rendering ahead of time; read-only after New

	site      atomic.Pointer[site] // the content pages as served
	rendering sync.Mutex           // serialises new content and new snapshots of the directory

	dir             atomic.Pointer[snapshot] // the service directory as served
	dirTemplate     *template.Template       // the directory's, for rendering while serving
	progTemplate    *template.Template       // the programmes page's
	leafletTemplate *template.Template       // the leaflets'
	form            *callbackForm            // the call-back form's state
}

// site is one edition of the content with its pages rendered.
type site struct {
	content *Content
	edition int                        // the edition it shows; 0 for the release's text
	pages   map[string]*response       // by address: /sv/, /sv/help…
	roots   map[language.Tag]*response // the root, /, in each language
	addrs   []string                   // every page address, in site order per language
}

// content returns the content as served.
func (h *Handler) content() *Content { return h.site.Load().content }

// New renders every page in every language and returns the portal's
// handler. It fails when a language of the catalog has no content file or
// the other way round, or when a page does not render.
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
	content, err := LoadContent(contentFS, "content")
	if err != nil {
		return nil, err
	}
	h := &Handler{
		cfg:     cfg,
		catalog: i18n.Portal(),
		release: content,
		engine:  engine,
		clones:  map[string]*template.Template{},
		form:    newCallbackForm(cfg.Callbacks),
	}
	h.matcher = newLanguageMatcher(h.catalog.Languages())
	for _, tag := range h.catalog.Languages() {
		if content.Texts[tag] == nil {
			return nil, fmt.Errorf("portal: language %s has a catalog but no content file", tag)
		}
	}
	for tag := range content.Texts {
		if !h.catalog.Has(tag) {
			return nil, fmt.Errorf("portal: language %s has a content file but no catalog", tag)
		}
	}
	for _, name := range append(slices.Clone(pageTemplates), "choose") {
		orig := h.engine.Template(name)
		if orig == nil {
			return nil, fmt.Errorf("portal: no template %q", name)
		}
		if h.clones[name], err = orig.Clone(); err != nil {
			return nil, err
		}
	}
	s, err := h.renderSite(content, 0)
	if err != nil {
		return nil, err
	}
	h.site.Store(s)
	if h.dirTemplate, err = h.cloneTemplate("directory"); err != nil {
		return nil, err
	}
	if h.progTemplate, err = h.cloneTemplate("programmes"); err != nil {
		return nil, err
	}
	if h.leafletTemplate, err = h.cloneTemplate("leaflet"); err != nil {
		return nil, err
	}
	if _, err := h.setDirectory(nil, nil, false); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.Refresh(ctx); err != nil {
		// The portal starts with what it has; Run tries again.
		slog.Warn("portal: the published content or the service directory is not available yet", "err", err)
	}
	if site := h.content().Site; !cfg.Demo && cfg.Content != nil && site.Address == h.release.Site.Address && strings.HasSuffix(hostOf(site.Address), ".example") {
		slog.Warn("portal: the portal's address is still the release's placeholder; set it under Portal content before the portal opens",
			"address", site.Address)
	}
	if due := h.content().Site.Overdue(time.Now()); len(due) > 0 {
		var ids []string
		for _, p := range due {
			ids = append(ids, p.ID)
		}
		slog.Warn("portal: pages are past their review date", "pages", strings.Join(ids, ","))
	}
	return h, nil
}

// hostOf returns the host of an address, or "".
func hostOf(addr string) string {
	u, err := url.Parse(addr)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

func (h *Handler) now() time.Time {
	if h.cfg.Now != nil {
		return h.cfg.Now()
	}
	return time.Now()
}

// Engine returns the parsed templates, for template checks.
func (h *Handler) Engine() *render.Engine { return h.engine }

// Addresses returns the address of every page in every language, the
// root first, for tests that visit them all.
func (h *Handler) Addresses() []string { return append([]string{"/"}, h.site.Load().addrs...) }

// The patterns of the content pages, which Rendered notes as the mux
// would.
const (
	startPattern = "GET /{lang}/{$}"       // a language's start page
	pagePattern  = "GET /{lang}/{page...}" // its other pages
)

// Register adds the portal's routes to mux. Every route of the public
// portal is listed here.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET /{$}", h.handle(h.handleRoot))
	h.registerCallback(mux)
	mux.Handle(startPattern, h.handle(h.handlePage))
	h.registerHSDS(mux)
	mux.Handle(pagePattern, h.handle(h.handlePage))
	mux.Handle("GET /{lang}", h.handle(h.handleLanguageRoot))
	mux.Handle("GET /", h.handle(h.handleNotFound))
}

// Rendered returns a handler that answers a request for a content page
// rendered ahead of time straight from memory, and passes every other
// request on to routes, the public site's mux with the portal's routes.
// A content page is what the mux would send to handlePage and handlePage
// would find among the pages; only its matching is skipped, which costs
// more than the rest of the answer (it allocates for the path values and
// matches a path that ends in a {page...} wildcard twice, to see whether
// the same path with a slash would match better). The pattern the mux
// would have matched is noted on the request, for logs and metrics.
//
// Only a path sent as the portal writes its links is taken: one with
// escapes (RawPath) or to be cleaned is the mux's, as before.
func (h *Handler) Rendered(routes http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && r.URL.RawPath == "" {
			if res, ok := h.site.Load().pages[r.URL.Path]; ok {
				r.Pattern = pagePattern
				if strings.HasSuffix(r.URL.Path, "/") {
					r.Pattern = startPattern
				}
				res.ServeHTTP(w, r)
				return
			}
		}
		routes.ServeHTTP(w, r)
	})
}

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (h *Handler) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.serveError(w, r, err)
		}
	})
}

// handleRoot answers / in the browser's language, and lists all the
// others, each named in itself.
func (h *Handler) handleRoot(w http.ResponseWriter, r *http.Request) error {
	h.site.Load().roots[h.matcher.match(r.Header.Get("Accept-Language"))].ServeHTTP(w, r)
	return nil
}

// handlePage serves a page of one language from memory. The service
// directory (/sv/services) and the programmes (/sv/programmes) are among
// them, but take their own handlers: they have no patterns of their
// own, since /{lang}/services would clash with /static/{file}.
func (h *Handler) handlePage(w http.ResponseWriter, r *http.Request) error {
	switch r.PathValue("page") {
	case DirectoryPath:
		return h.handleDirectory(w, r)
	case ProgrammesPath:
		return h.handleProgrammes(w, r)
	case callbackPath:
		return h.handleCallbackForm(w, r) // rendered for each request
	}
	if rest, ok := strings.CutPrefix(r.PathValue("page"), ProgrammesPath+"/"); ok && strings.HasSuffix(rest, "/"+leafletPath) {
		return h.handleLeaflet(w, r)
	}
	res, ok := h.site.Load().pages[r.URL.Path]
	if !ok {
		return fristad.Errorf(fristad.ENOTFOUND, "no page at this address")
	}
	res.ServeHTTP(w, r)
	return nil
}

// handleLanguageRoot sends /sv on to /sv/ (also /SV and /fa-af to their
// language), and anything else that is one word long to the not-found
// page.
func (h *Handler) handleLanguageRoot(w http.ResponseWriter, r *http.Request) error {
	tag, ok := h.catalog.Parse(r.PathValue("lang"))
	if !ok {
		return fristad.Errorf(fristad.ENOTFOUND, "no such language")
	}
	http.Redirect(w, r, "/"+tag.String()+"/", http.StatusMovedPermanently)
	return nil
}

func (h *Handler) handleNotFound(w http.ResponseWriter, r *http.Request) error {
	return fristad.Errorf(fristad.ENOTFOUND, "no page at this address")
}

// requestLanguage returns the language a request is in: the one its path
// starts with, or else the browser's preference.
func (h *Handler) requestLanguage(r *http.Request) language.Tag {
	first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if tag, ok := h.catalog.Parse(first); ok {
		return tag
	}
	return h.matcher.match(r.Header.Get("Accept-Language"))
}

// ErrorPage is the portal's error page. Unlike the content pages it is
// rendered for each request, with its request id, and never cached.
type ErrorPage struct {
	Page
	Status int
	Code   string
	Text   string
}

func (h *Handler) serveError(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, HSDSPrefix) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		hsdsWriteError(w, http.StatusNotFound, "not_found", "no such endpoint")
		return
	}
	tag := h.requestLanguage(r)
	base := h.newPage(h.content(), r, tag, nil)
	rep := render.NewErrorPage(r, err, base.Page)
	ep := ErrorPage{Page: base, Status: rep.Status, Code: rep.Code, Text: rep.Text}
	ep.Title = rep.Title
	w.Header().Set("Cache-Control", "no-store")
	if rerr := h.engine.Render(w, r, ep.Status, "error", &ep); rerr != nil {
		slog.ErrorContext(r.Context(), "render error page", "err", rerr, "request_id", ep.RequestID)
		http.Error(w, http.StatusText(ep.Status), ep.Status)
	}
}

// Page holds what every portal page shows around its content: the menu,
// the same page in the other languages, the footer links, and whether
// the translation still waits for a native speaker's review.
type Page struct {
	render.Page
	// Alternates links to this page in every language, each named in
	// itself; empty on the root, which lists the languages in its content.
	Alternates []Alternate
	FooterNav  []render.NavLink
	// Unreviewed says that no native speaker has reviewed the language's
	// text yet (the catalog's meta.reviewed is not "yes").
	Unreviewed bool
	// Class is the class of <html>, such as the paper size of a leaflet.
	Class string
	// Preview frames a page shown to its editors before it is published.
	Preview *fristad.ContentPreview
}

// frame returns the frame of any page that embeds it.
func (p *Page) frame() *Page { return p }

// Alternate is a link to a page in one language.
type Alternate struct {
	Href    string
	Tag     string // BCP 47
	Name    string // the language's name in itself
	Dir     string
	Current bool
}

// ReviewedKey is the catalog message that says whether a native speaker
// has reviewed the language's translation: "yes" or "no". Only a person
// who did the review may set it to "yes".
const ReviewedKey = "meta.reviewed"

// reviewed reports whether a native speaker has reviewed language tag of
// content c: as editors recorded it, or else as its catalog says.
func (h *Handler) reviewed(c *Content, tag language.Tag) bool {
	if f := c.Reviews[tag]; f != nil {
		return f.Reviewed
	}
	return h.catalog.Printer(tag).T(ReviewedKey) == "yes"
}

// newPage returns the frame of a page of content c in language tag; p is
// the page shown, or nil for the root and error pages.
func (h *Handler) newPage(c *Content, r *http.Request, tag language.Tag, p *PageInfo) Page {
	pr := h.catalog.Printer(tag)
	page := Page{Page: render.NewPage(r, pr, h.cfg.Demo)}
	page.Unreviewed = !h.reviewed(c, pr.Tag())
	text := c.Texts[pr.Tag()]
	lang := pr.Tag().String()
	for _, info := range c.Site.Pages {
		link := render.NavLink{Href: pageHref(lang, info.Path), Label: text.Pages[info.ID].Title, Current: info == p}
		switch {
		case info.Nav:
			page.Nav = append(page.Nav, link)
		case info.Footer:
			page.FooterNav = append(page.FooterNav, link)
		}
	}
	page.Nav = append(page.Nav,
		render.NavLink{Href: pageHref(lang, ProgrammesPath), Label: pr.T("programmes.nav")},
		render.NavLink{Href: pageHref(lang, DirectoryPath), Label: pr.T("directory.nav")})
	if p == nil {
		return page
	}
	for _, other := range h.catalog.Languages() {
		page.Alternates = append(page.Alternates, Alternate{
			Href:    pageHref(other.String(), p.Path),
			Tag:     other.String(),
			Name:    h.catalog.LanguageName(other),
			Dir:     i18n.Dir(other),
			Current: other == tag,
		})
	}
	return page
}

// renderSite renders every page of content c in every language, and the
// root in every language, into memory.
func (h *Handler) renderSite(c *Content, edition int) (*site, error) {
	s := &site{content: c, edition: edition, pages: map[string]*response{}, roots: map[language.Tag]*response{}}
	for _, tag := range h.catalog.Languages() {
		if c.Texts[tag] == nil {
			return nil, fmt.Errorf("portal: language %s has a catalog but no content", tag)
		}
		lang := tag.String()
		for _, p := range c.Site.Pages {
			addr := pageHref(lang, p.Path)
			body, err := h.execute(p.Template, h.pageData(c, tag, p))
			if err != nil {
				return nil, fmt.Errorf("portal: %s: %w", addr, err)
			}
			s.pages[addr] = newResponse(body, cacheContent)
			s.addrs = append(s.addrs, addr)
		}
		s.addrs = append(s.addrs, pageHref(lang, ProgrammesPath), pageHref(lang, DirectoryPath)) // rendered with each snapshot
		body, err := h.execute("choose", h.rootData(c, tag))
		if err != nil {
			return nil, fmt.Errorf("portal: / in %s: %w", lang, err)
		}
		s.roots[tag] = newResponse(body, cacheRoot, "Accept-Language")
	}
	return s, nil
}

// execute renders a page template with data. It executes a clone, made
// in New, so the engine's templates stay as parsed, for the template
// checks (html/template rewrites a template when it first executes it).
func (h *Handler) execute(name string, data any) ([]byte, error) {
	t, ok := h.clones[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fakeRequest stands for the visitor when a page is rendered ahead of
// time: it has the address, and no request id and no CSP nonce, so the
// page is the same bytes for everyone. The public site's policy allows
// the portal's stylesheet and script as files of its own ('self'), so
// they need no nonce (SR-50).
func fakeRequest(addr string) *http.Request {
	return &http.Request{Method: http.MethodGet, URL: &url.URL{Path: addr}, Header: http.Header{}}
}
