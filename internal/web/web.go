// Package web is the staff workspace: the server-rendered pages where case
// workers, coordinators, partners and administrators do their work. It
// speaks Swedish (the default) and English, works without JavaScript, and
// reaches data only through the services of package fristad.
package web

import (
	"embed"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"fristad"
	"fristad/internal/guard"
	"fristad/internal/i18n"
	"fristad/internal/render"
)

//go:embed templates
var templates embed.FS

// Cookies. The __Host- prefix makes the browser insist on Secure, Path=/
// and no Domain, so no other site or subdomain can set or read them. The
// form token's cookie is guard.CSRFCookie.
const (
	langCookie    = "__Host-fristad-lang"    // an explicit language choice
	sessionCookie = "__Host-fristad-session" // the session token
	pendingCookie = "__Host-fristad-pending" // a checked password awaiting its code
)

// Config configures the staff workspace.
type Config struct {
	Demo     bool // show the DEMO banner on every page
	Assets   *render.Assets
	StaffURL string // where staff reach the workspace, for links; default: from the request
	// Services are the domain services the workspace answers from.
	fristad.Services
	// Content is where coordinators edit the public portal's content
	// (IN-10); nil for a workspace without it.
	Content fristad.ContentEditor
	// Now is the clock; it defaults to time.Now.
	Now func() time.Time
	// Profiling serves the Go runtime's profiles under /debug/pprof/ to
	// administrators (serve --pprof); without it those paths do not exist.
	Profiling bool
}

// Handler serves the staff workspace.
type Handler struct {
	cfg     Config
	catalog *i18n.Catalog
	engine  *render.Engine
	print   *render.Engine // her printed plan, in a layout of its own
	rp      relyingParty
}

// New parses the templates and returns the workspace's handler.
func New(cfg Config) (*Handler, error) {
	engine, err := render.NewEngine(templates, "templates/layout", "templates/pages", cfg.Assets, nil)
	if err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &Handler{cfg: cfg, catalog: i18n.Staff(), engine: engine}
	if h.print, err = render.NewEngine(templates, "templates/print/layout", "templates/print/pages", cfg.Assets, nil); err != nil {
		return nil, err
	}
	if cfg.StaffURL != "" {
		if err := h.SetStaffURL(cfg.StaffURL); err != nil {
			return nil, err
		}
	}
	return h, nil
}

func (h *Handler) now() time.Time { return h.cfg.Now() }

// Engine returns the parsed templates, for template checks.
func (h *Handler) Engine() *render.Engine { return h.engine }

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle turns a handlerFunc into an http.Handler: it identifies the
// actor from the session cookie, checks the form token of every
// state-changing request, and shows any error as the translated error
// page.
func (h *Handler) handle(fn handlerFunc) http.Handler {
	return h.handleWith(fn, func(w http.ResponseWriter, r *http.Request, err error) {
		h.engine.Error(w, r, err, h.page(w, r))
	})
}

// handleWith is handle with the given way to show an error: the error
// page, or JSON for a page's script.
func (h *Handler) handleWith(fn handlerFunc, fail func(http.ResponseWriter, *http.Request, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h.authenticate(w, r)
		if err == nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
			err = guard.CheckCSRF(r, readForm)
		}
		if err == nil {
			err = fn(w, r)
		}
		if err != nil {
			if fristad.ErrorCode(err) == fristad.ERATELIMIT {
				w.Header().Set("Retry-After", "900")
			}
			fail(w, r, err)
		}
	})
}

// authenticate puts the actor of the request's session, if any, into the
// request's context. An ended session is forgotten, not an error: the
// request goes on anonymously and pages that need a login ask for one.
func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request) error {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	actor, err := h.cfg.Auth.Authenticate(r.Context(), c.Value)
	if fristad.ErrorCode(err) == fristad.EUNAUTHORIZED {
		clearCookie(w, sessionCookie)
		return nil
	}
	if err != nil {
		return err
	}
	*r = *r.WithContext(fristad.NewContextWithActor(r.Context(), actor))
	return nil
}

func setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   int(maxAge.Seconds()),
		Secure:   true,
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
	})
}

func clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
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
func (h *Handler) page(w http.ResponseWriter, r *http.Request) render.Page {
	p := h.printer(r)
	page := render.NewPage(r, p, h.cfg.Demo)
	page.Languages = render.LanguagesOf(h.catalog, p)
	page.CSRF = guard.CSRFToken(w, r)
	if a := fristad.ActorFromContext(r.Context()); a != nil {
		page.User = a.Email
		for _, l := range menu {
			if l.action == "" || fristad.Can(a, l.action, nil) {
				page.Nav = append(page.Nav, render.NavLink{Href: l.href, Label: p.T(l.key), Current: r.URL.Path == l.href})
			}
		}
	}
	return page
}

// menu is the main menu; each entry shows to those allowed its action.
var menu = []struct {
	href, key string
	action    fristad.Action
}{
	{"/", "nav.home", ""},
	{"/cases", "cases.title", fristad.ActionCaseRead},
	{"/tasks", "deadlines.title", fristad.ActionCaseRead},
	{"/admin/organisations", "admin.orgs.title", fristad.ActionOrganisationCreate},
	{"/admin/users", "admin.users.title", fristad.ActionUserList},
	{"/programmes", "programmes.title", fristad.ActionProgrammeRead},
	{"/callbacks", "callbacks.title", fristad.ActionCallbackRead},
	{"/portal-content", "content.title", fristad.ActionContentEdit},
	{"/audit", "audit.title", fristad.ActionAuditRead},
	{"/account/sessions", "sessions.title", ""},
}

// client describes the request's origin for throttling.
func client(r *http.Request) fristad.Client {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return fristad.Client{IP: host, UserAgent: r.UserAgent()}
}

// localPath returns p if it is a path on this site, and "/" otherwise, so
// a form cannot redirect a user to another host.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}

// readForm reads the form of a state-changing request, for its form
// token to be checked (SR-51); a form that cannot be read is answered as
// formError says.
func readForm(r *http.Request) error {
	if err := parseForm(r); err != nil {
		return formError(err)
	}
	return nil
}

// formError turns a failure to read a form into a fristad error.
func formError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return fristad.Errorf(fristad.ETOOLARGE, "the form is too large")
	}
	return fristad.Errorf(fristad.EINVALID, "the form cannot be read")
}
