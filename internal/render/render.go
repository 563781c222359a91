// Package render is what the staff workspace and the public portal share to
// draw HTML: templates parsed once and executed with typed page structs,
// embedded static files served under content-hashed URLs, and the
// per-response Content-Security-Policy nonce.
package render

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"path"
	"strconv"
	"time"
	_ "time/tzdata" // the time zone, also where the system has no database

	"fristad"
	"fristad/internal/i18n"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Engine holds one site's parsed page templates. Each page is the site's
// layout plus the partials plus one page file, parsed once at start-up.
type Engine struct {
	pages  map[string]*template.Template
	assets *Assets

	// Compress gzips pages for clients that accept it. Only for pages
	// without secrets: compressing a secret next to text an attacker
	// controls leaks the secret through the compressed size (BREACH).
	Compress bool
}

// NewEngine parses the templates in fsys: every file in layoutDir (the
// layout and its partials, defining the "layout" template) is combined
// with each file in pageDir. A page file defines "title" and "content";
// the page's name is its file name without ".html". Templates can call
// asset (the hashed URL of a static file) and the site's own funcs.
func NewEngine(fsys fs.FS, layoutDir, pageDir string, assets *Assets, siteFuncs template.FuncMap) (*Engine, error) {
	funcs := template.FuncMap{
		"asset": assets.URL,
	}
	maps.Copy(funcs, siteFuncs)
	layouts, err := fs.Glob(fsys, path.Join(layoutDir, "*.html"))
	if err != nil {
		return nil, err
	}
	pageFiles, err := fs.Glob(fsys, path.Join(pageDir, "*.html"))
	if err != nil {
		return nil, err
	}
	e := &Engine{pages: map[string]*template.Template{}, assets: assets}
	for _, file := range pageFiles {
		name := path.Base(file)
		name = name[:len(name)-len(".html")]
		t, err := template.New(name).Funcs(funcs).ParseFS(fsys, append(layouts, file)...)
		if err != nil {
			return nil, fmt.Errorf("render: page %s: %w", name, err)
		}
		if t.Lookup("layout") == nil {
			return nil, fmt.Errorf("render: page %s: no \"layout\" template in %s", name, layoutDir)
		}
		e.pages[name] = t
	}
	return e, nil
}

// Pages returns the names of the parsed pages.
func (e *Engine) Pages() []string {
	names := make([]string, 0, len(e.pages))
	for name := range e.pages {
		names = append(names, name)
	}
	return names
}

// Template returns the parsed template of a page, for template checks.
func (e *Engine) Template(name string) *template.Template { return e.pages[name] }

// Render executes page with data and writes it with status. The page is
// rendered into a buffer first, so a template failure never sends half a
// page: it becomes an error for the caller, before anything is written.
func (e *Engine) Render(w http.ResponseWriter, r *http.Request, status int, page string, data any) error {
	t, ok := e.pages[page]
	if !ok {
		return fmt.Errorf("render: no page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render: page %s: %w", page, err)
	}
	body := buf.Bytes()
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if e.Compress {
		h.Add("Vary", "Accept-Encoding")
		if AcceptsGzip(r) {
			var zbuf bytes.Buffer
			zw := gzip.NewWriter(&zbuf)
			zw.Write(body)
			zw.Close()
			body = zbuf.Bytes()
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := w.Write(body)
	if err != nil {
		slog.Debug("render: write failed", "page", page, "err", err)
	}
	return nil
}

// Page holds what every page of both sites shows: the language, the
// title, the DEMO banner, the CSP nonce. Site page structs embed it.
type Page struct {
	Title     string // the page's own title, translated
	Demo      bool   // show the DEMO banner
	Nonce     string // the response's CSP nonce, for <script> and <link>
	RequestID string
	Path      string // the request path, for language links and forms
	Languages []Language
	CSRF      string // the form token (staff workspace only)
	User      string // who is logged in, by e-mail address (staff workspace only)
	Nav       []NavLink

	p *i18n.Printer
}

// NavLink is an entry of a site's main menu.
type NavLink struct {
	Href    string
	Label   string // translated
	Current bool
}

// Language is one entry of a language switcher.
type Language struct {
	Tag     string // BCP 47
	Name    string // in its own language
	Dir     string
	Current bool
}

// NewPage returns a Page for the request, speaking p's language.
func NewPage(r *http.Request, p *i18n.Printer, demo bool) Page {
	return Page{
		Demo:      demo,
		Nonce:     NonceFromContext(r.Context()),
		RequestID: fristad.RequestIDFromContext(r.Context()),
		Path:      r.URL.Path,
		p:         p,
	}
}

// T translates a message key; see i18n.Printer.T.
func (p *Page) T(key string, args ...any) string { return p.p.T(key, args...) }

// Label translates a code from a code list — prefix "role", code
// "case_worker" is message "role.case_worker" — and shows the code itself
// when the list has grown a code the catalog does not know yet.
func (p *Page) Label(prefix string, value any) string {
	code := fmt.Sprint(value)
	key := prefix + "." + code
	if s := p.p.T(key); s != key {
		return s
	}
	return code
}

// Plural translates a message key with a count; see i18n.Printer.Plural.
func (p *Page) Plural(key string, n int, args ...any) string { return p.p.Plural(key, n, args...) }

// Lang returns the page's language, for <html lang>.
func (p *Page) Lang() string { return p.p.Lang() }

// Dir returns the page's writing direction, for <html dir>.
func (p *Page) Dir() string { return p.p.Dir() }

// DateTime formats a time (a time.Time or a *time.Time) for staff in
// Sweden, to the minute; nil is empty.
func (p *Page) DateTime(v any) string {
	var t time.Time
	switch v := v.(type) {
	case time.Time:
		t = v
	case *time.Time:
		if v == nil {
			return ""
		}
		t = *v
	default:
		return ""
	}
	return t.In(stockholm).Format("2006-01-02 15:04")
}

var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// Country names a country by its ISO 3166-1 code in the page's
// language, "Rumänien" for RO on a Swedish page; an unknown code is
// shown as it is.
func (p *Page) Country(code string) string {
	region, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if name := display.Regions(p.p.Tag()).Name(region); name != "" {
		return name
	}
	return code
}

// Printer returns the page's printer.
func (p *Page) Printer() *i18n.Printer { return p.p }

// LanguagesOf lists the catalog's languages for a switcher, marking cur.
func LanguagesOf(c *i18n.Catalog, cur *i18n.Printer) []Language {
	var langs []Language
	for _, tag := range c.Languages() {
		langs = append(langs, Language{
			Tag:     tag.String(),
			Name:    c.LanguageName(tag),
			Dir:     i18n.Dir(tag),
			Current: tag == cur.Tag(),
		})
	}
	return langs
}

type contextKey int

const nonceContextKey contextKey = iota

// NewContextWithNonce returns a copy of ctx carrying the response's CSP
// nonce.
func NewContextWithNonce(ctx context.Context, nonce string) context.Context {
	return context.WithValue(ctx, nonceContextKey, nonce)
}

// NonceFromContext returns the CSP nonce carried by ctx, or "".
func NonceFromContext(ctx context.Context) string {
	n, _ := ctx.Value(nonceContextKey).(string)
	return n
}

// ErrorPage is the data of a site's "error" page.
type ErrorPage struct {
	Page
	Status int
	Code   string
	Text   string // what happened and what to do, translated
}

// Error writes err as the site's "error" page, with the status its code
// maps to. Internal errors are logged with the request id and shown only
// as a generic message with that id, never their details. page is the
// site's page base for the request.
func (e *Engine) Error(w http.ResponseWriter, r *http.Request, err error, page Page) {
	ep := NewErrorPage(r, err, page)
	if rerr := e.Render(w, r, ep.Status, "error", &ep); rerr != nil {
		slog.ErrorContext(r.Context(), "render error page", "err", rerr, "request_id", page.RequestID)
		http.Error(w, http.StatusText(ep.Status), ep.Status)
	}
}

// NewErrorPage classifies err for the error page and logs it if it is
// internal.
func NewErrorPage(r *http.Request, err error, page Page) ErrorPage {
	code := fristad.ErrorCode(err)
	status := fristad.ErrorStatus(err)
	if status >= 500 {
		slog.ErrorContext(r.Context(), "request failed", "code", code, "err", err,
			"request_id", page.RequestID, "method", r.Method, "pattern", r.Pattern)
	}
	ep := ErrorPage{Page: page, Status: status, Code: code}
	ep.Title = page.T("error." + code + ".title")
	ep.Text = ErrorText(&page, err)
	return ep
}

// ErrorText returns what err means for the user, in the page's language:
// its own catalog message if it names one, else the text for its code.
func ErrorText(page *Page, err error) string {
	if fe, ok := errors.AsType[*fristad.Error](err); ok && fe.Key != "" {
		return page.T(fe.Key, flatten(fe.Args)...)
	}
	return page.T("error." + fristad.ErrorCode(err) + ".text")
}

func flatten(m map[string]any) []any {
	var args []any
	for k, v := range m {
		args = append(args, k, v)
	}
	return args
}
