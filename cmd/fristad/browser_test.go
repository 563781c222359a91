package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fristad/internal/browsertest"
	"fristad/internal/i18n"
	"fristad/internal/seal"
	"fristad/internal/sqlstore"
	"fristad/internal/sqlstore/sqlstoretest"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// These tests drive the real binary's two sites in headless Chromium, the
// way a person does: with the mouse, with the keyboard only, and without
// JavaScript. Every page they visit goes through browsertest's Check
// (axe-core WCAG 2.1 A/AA in the page, the Nu HTML Checker on the bytes
// the server sent).

// runDemoWithQuickExit is MustRunDemo (keep the two in step) with the
// portal's quick exit leading to quickExitURL: the default leaves for a
// real website, which the closed test network cannot reach.
func runDemoWithQuickExit(tb testing.TB, quickExitURL string) *ServeCommand {
	tb.Helper()
	ctx := context.Background()
	c := &ServeCommand{Config: DefaultConfig()}
	c.Config.Demo = true
	c.Config.StaffAddr = "127.0.0.1:0"
	c.Config.PublicAddr = "127.0.0.1:0"
	c.Config.QuickExitURL = quickExitURL
	kr, err := seal.GenerateKeyring()
	if err != nil {
		tb.Fatal(err)
	}
	db, err := prepareDemo(ctx, sqlstoretest.NewDSN(tb, sqlstore.SQLite), kr)
	if err != nil {
		tb.Fatal(err)
	}
	c.DB = db
	if _, err := seedDemo(ctx, db); err != nil {
		tb.Fatal(err)
	}
	if err := c.Open(ctx); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := c.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return c
}

// loggedRequest is one request the browser made.
type loggedRequest struct {
	url, kind string
}

// networkLog records every request the tab makes and the status of every
// document it loads, from the DevTools protocol's network events. Events
// arrive on chromedp's reader goroutine, so everything is under mu.
type networkLog struct {
	mu        sync.Mutex
	requests  []loggedRequest
	docStatus map[string]int64 // document URL → HTTP status of the last load
	docCSP    map[string]string
}

// logNetwork starts recording the tab's network events until the test ends.
// Call it before the first navigation.
func logNetwork(t *testing.T, b *browsertest.Browser) *networkLog {
	t.Helper()
	l := &networkLog{docStatus: map[string]int64{}, docCSP: map[string]string{}}
	browsertest.RunValue(b, func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		// The action's context ends with the action; the listener must
		// outlive it, and stop when the test ends.
		lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		t.Cleanup(cancel)
		return chromedp.Void{}, chromedp.Listen(lctx, l.record)
	})
	return l
}

func (l *networkLog) record(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		if e.Request != nil {
			l.requests = append(l.requests, loggedRequest{url: e.Request.URL, kind: string(e.Type)})
		}
	case *network.EventResponseReceived:
		if e.Type == network.ResourceTypeDocument && e.Response != nil {
			l.docStatus[e.Response.URL] = e.Response.Status
			var csp string
			for name, v := range e.Response.Headers {
				if strings.EqualFold(name, "Content-Security-Policy") {
					csp, _ = v.(string)
				}
			}
			l.docCSP[e.Response.URL] = csp
		}
	}
}

func (l *networkLog) all() []loggedRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.requests)
}

// status returns the HTTP status of the last load of the document at u.
func (l *networkLog) status(u string) (int64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.docStatus[u]
	return s, ok
}

func (l *networkLog) csp(u string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.docCSP[u]
}

// wantStatus checks the HTTP status of the document now shown.
func wantStatus(t *testing.T, b *browsertest.Browser, l *networkLog, want int64) {
	t.Helper()
	u := b.Location()
	got, ok := l.status(u)
	if !ok {
		t.Errorf("no response recorded for the document %s", u)
		return
	}
	if got != want {
		t.Errorf("%s answered %d, want %d", u, got, want)
	}
}

// cspWatchJS runs in every document before the page's own scripts (it comes
// through the DevTools protocol, which the page's CSP does not govern) and
// collects the page's Content-Security-Policy violations.
const cspWatchJS = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e => {
	window.__cspViolations.push(e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " in " + e.sourceFile + ":" + e.lineNumber);
}, true);`

// watchCSP makes every later document in the tab collect its CSP
// violations; see cspViolations.
func watchCSP(b *browsertest.Browser) {
	browsertest.RunValue(b, func(ctx context.Context, t *chromedp.Target) (page.AddScriptToEvaluateOnNewDocumentResult, error) {
		return chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatchJS})
	})
}

// cspViolations returns the CSP violations of the current document so far.
func cspViolations(t *testing.T, b *browsertest.Browser) []string {
	t.Helper()
	v := browsertest.RunValue(b, chromedp.Evaluate[[]string](`window.__cspViolations === undefined ? ["(CSP watcher not installed)"] : window.__cspViolations`))
	return v
}

// wantNoCSPViolations fails when the current page broke its own CSP: an
// inline script or style, or a resource from elsewhere, that the browser
// refused.
func wantNoCSPViolations(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	if v := cspViolations(t, b); len(v) > 0 {
		t.Errorf("%s: the browser refused what the page asked for under its CSP:\n  %s", b.Location(), strings.Join(v, "\n  "))
	}
}

// evalString evaluates a JavaScript expression that gives a string.
func evalString(b *browsertest.Browser, expr string) string {
	return browsertest.RunValue(b, chromedp.Evaluate[string](expr))
}

// tabTo presses Tab until the focused element satisfies want, and fails
// the test, naming the elements it passed, when none does within max
// presses.
func tabTo(t *testing.T, b *browsertest.Browser, what string, max int, want func(browsertest.Element) bool) {
	t.Helper()
	var passed []string
	for range max {
		b.Press("Tab")
		e := b.FocusedElement()
		if want(e) {
			return
		}
		passed = append(passed, e.String())
	}
	t.Fatalf("%s: no %s after %d presses of Tab; focus went to:\n  %s", b.Location(), what, max, strings.Join(passed, "\n  "))
}

// wantFirstTab checks that the first press of Tab on a freshly loaded page
// focuses the element that want accepts.
func wantFirstTab(t *testing.T, b *browsertest.Browser, what string, want func(browsertest.Element) bool) {
	t.Helper()
	if e := b.FocusedElement(); e.Tag != "body" {
		t.Fatalf("%s: %s has the focus before any key was pressed", b.Location(), e)
	}
	b.Press("Tab")
	if e := b.FocusedElement(); !want(e) {
		t.Errorf("%s: the first Tab focuses %s, want %s", b.Location(), e, what)
	}
}

// urlPath returns the path of an absolute URL.
func urlPath(t *testing.T, u string) string {
	t.Helper()
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatalf("location %q: %v", u, err)
	}
	return pu.Path
}

func TestBrowserStaffWorkspace(t *testing.T) {
	c := MustRunDemo(t, sqlstore.SQLite)
	staff := c.Server.StaffURL()
	b := browsertest.New(t)
	netlog := logNetwork(t, b)
	watchCSP(b)
	// A Swedish staff member's browser. (Headless Chromium asks for en-US,
	// which the workspace rightly follows when no language was chosen.)
	setAcceptLanguage(b, "sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7")

	// The start page, in Swedish.
	b.Navigate(staff + "/")
	b.Check()
	wantStatus(t, b, netlog, http.StatusOK)
	if got := b.Attr("html", "lang"); got != "sv" {
		t.Errorf("<html lang> = %q, want sv", got)
	}
	if got := b.Text("h1"); got != "Välkommen till Fristad" {
		t.Errorf("heading = %q, want the Swedish start page", got)
	}
	wantDemoBanner(t, b)
	wantStaffPageSecure(t, b, netlog)

	// The first Tab reaches the skip link, and Enter on it moves the focus
	// to the main content.
	wantFirstTab(t, b, `the skip link "Hoppa till innehållet"`, func(e browsertest.Element) bool {
		return e.Tag == "a" && e.Href == "#main" && e.Text == "Hoppa till innehållet"
	})
	if b.Text(".skip") != "Hoppa till innehållet" {
		t.Errorf("skip link text = %q", b.Text(".skip"))
	}
	b.Press("Enter")
	if e := b.FocusedElement(); e.Tag != "main" || e.ID != "main" {
		t.Errorf("after Enter on the skip link the focus is on %s, want main#main", e)
	}

	// Keyboard only: Tab to the English button and press Enter.
	b.Navigate(staff + "/")
	b.Check()
	tabTo(t, b, `"English" button`, 10, func(e browsertest.Element) bool {
		return e.Tag == "button" && e.Text == "English"
	})
	b.PressAndWait("Enter")
	b.Check()
	wantStatus(t, b, netlog, http.StatusOK)
	if got := urlPath(t, b.Location()); got != "/" {
		t.Errorf("after switching to English the browser is at %s, want /", got)
	}
	if got := b.Attr("html", "lang"); got != "en" {
		t.Errorf("after switching to English <html lang> = %q, want en", got)
	}
	if got := b.Text("h1"); got != "Welcome to Fristad" {
		t.Errorf("after switching to English the heading is %q", got)
	}
	if got := b.Text(".skip"); got != "Skip to content" {
		t.Errorf("after switching to English the skip link says %q", got)
	}
	wantStaffPageSecure(t, b, netlog)

	// The choice sticks, over the browser's preference for Swedish: a new
	// visit is still in English.
	b.Navigate(staff + "/")
	b.Check()
	if got := b.Attr("html", "lang"); got != "en" {
		t.Errorf("on a new visit after choosing English <html lang> = %q, want en", got)
	}

	// Back to Swedish with the mouse.
	b.ClickAndWait(`.langs button[lang="sv"]`)
	b.Check()
	if got := urlPath(t, b.Location()); got != "/" {
		t.Errorf("after switching to Swedish the browser is at %s, want /", got)
	}
	if got := b.Attr("html", "lang"); got != "sv" {
		t.Errorf("after switching to Swedish <html lang> = %q, want sv", got)
	}
	if got := b.Text("h1"); got != "Välkommen till Fristad" {
		t.Errorf("after switching to Swedish the heading is %q", got)
	}

	// An unknown address gives the translated "not found" page, and the
	// language switch there returns to the same address.
	b.Navigate(staff + "/no-such-page")
	b.Check()
	wantStatus(t, b, netlog, http.StatusNotFound)
	if got := b.Attr("html", "lang"); got != "sv" {
		t.Errorf("404 page: <html lang> = %q, want sv", got)
	}
	if got := b.Text("h1"); got != "Sidan finns inte" {
		t.Errorf("404 page heading = %q, want %q", got, "Sidan finns inte")
	}
	if got := b.Attr("main a", "href"); got != "/" {
		t.Errorf("404 page: the way back links to %q, want /", got)
	}
	wantDemoBanner(t, b)
	wantStaffPageSecure(t, b, netlog)

	b.ClickAndWait(`.langs button[lang="en"]`)
	b.Check()
	wantStatus(t, b, netlog, http.StatusNotFound)
	if got := urlPath(t, b.Location()); got != "/no-such-page" {
		t.Errorf("switching language on /no-such-page went to %s", got)
	}
	if got := b.Text("h1"); got != "Page not found" {
		t.Errorf("English 404 page heading = %q, want %q", got, "Page not found")
	}
	if got := b.Attr("html", "lang"); got != "en" {
		t.Errorf("English 404 page: <html lang> = %q, want en", got)
	}
	wantStaffPageSecure(t, b, netlog)

	// The policy is really in force: markup injected into the page the
	// server sent cannot run script or restyle the page.
	wantInjectionBlocked(t, b, staff+"/")
}

// wantDemoBanner checks that the page shows the DEMO banner.
func wantDemoBanner(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	if evalString(b, `String(document.querySelector(".demo") !== null)`) != "true" {
		t.Errorf("%s: no DEMO banner (.demo) on a demo installation", b.Location())
		return
	}
	b.WaitVisible(".demo")
	if got := b.Text(".demo"); !strings.HasPrefix(got, "DEMO") {
		t.Errorf("%s: DEMO banner says %q", b.Location(), got)
	}
}

// injectedMarkup is what wantInjectionBlocked adds to the head of a page,
// as an attacker who found an HTML injection would: an inline script and
// an inline style, both without the nonce.
const injectedMarkup = `<script data-injected>window.__injected = true;</script>` +
	`<style data-injected>html { background: rgb(255, 0, 0) !important; }</style>`

// wantInjectionBlocked loads page (a URL without a query) with
// injectedMarkup added to the HTML the server sent, under the server's own
// headers, and checks that the browser refused to run or apply it and
// reported both to the page. The markup goes in through the DevTools
// protocol's Fetch domain at the response stage, so the injected elements
// are parser-inserted, exactly as injected HTML would be. (An inline
// script that a test adds with document.createElement would run: the
// policy's 'strict-dynamic' trusts every script that is not
// parser-inserted.)
func wantInjectionBlocked(t *testing.T, b *browsertest.Browser, page string) {
	t.Helper()
	probe := page + "?csp-probe"
	injected := make(chan error, 1)
	browsertest.RunValue(b, func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		t.Cleanup(cancel)
		paused := chromedp.Events(lctx, fetch.RequestPaused)
		go func() {
			for e, err := range paused {
				if err == nil {
					err = injectMarkup(lctx, e)
				}
				injected <- err
				return
			}
		}()
		_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{
			URLPattern: strings.ReplaceAll(probe, "?", `\?`), ResourceType: network.ResourceTypeDocument, RequestStage: fetch.RequestStageResponse,
		}}})
		return chromedp.Void{}, err
	})
	b.Navigate(probe)
	select {
	case err := <-injected:
		if err != nil {
			t.Fatalf("inject markup into %s: %v", probe, err)
		}
	case <-time.After(browsertest.ActionTimeout):
		t.Fatalf("inject markup into %s: the request was never intercepted", probe)
	}
	b.Run(func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, fetch.Disable, cdp.Empty{})
		return chromedp.Void{}, err
	})
	b.Check()

	if n := evalString(b, `String(document.querySelectorAll("head > [data-injected]").length)`); n != "2" {
		t.Fatalf("%s: %s injected element(s) in the head, want 2; the probe did not work", probe, n)
	}
	if ran := evalString(b, `String(window.__injected)`); ran != "undefined" {
		t.Errorf("%s: an injected inline script without the nonce ran; the CSP does not protect the page", probe)
	}
	if bg := evalString(b, `getComputedStyle(document.documentElement).backgroundColor`); bg == "rgb(255, 0, 0)" {
		t.Errorf("%s: an injected inline style without the nonce applied; the CSP does not protect the page", probe)
	}
	// The violations reach the page's securitypolicyviolation event, which
	// also shows that wantNoCSPViolations would see one.
	var v []string
	deadline := time.Now().Add(5 * time.Second)
	for {
		v = cspViolations(t, b)
		if slices.ContainsFunc(v, func(s string) bool { return strings.HasPrefix(s, "script-src") }) &&
			slices.ContainsFunc(v, func(s string) bool { return strings.HasPrefix(s, "style-src") }) {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("%s: the browser reported %v, want a script-src and a style-src violation", probe, v)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// injectMarkup answers a request paused at the response stage with its
// own status, headers and body, with injectedMarkup added before </head>.
func injectMarkup(ctx context.Context, e fetch.EventRequestPaused) error {
	body, err := chromedp.Call(ctx, fetch.GetResponseBody, fetch.GetResponseBodyParams{RequestID: e.RequestID})
	if err != nil {
		return err
	}
	html := string(body.Body)
	head := strings.Index(html, "</head>")
	if head < 0 {
		return fmt.Errorf("no </head> in the page")
	}
	html = html[:head] + injectedMarkup + html[head:]
	var headers []*fetch.HeaderEntry
	for _, h := range e.ResponseHeaders {
		// The body is decoded and longer now.
		if !strings.EqualFold(h.Name, "Content-Length") && !strings.EqualFold(h.Name, "Content-Encoding") {
			headers = append(headers, h)
		}
	}
	_, err = chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
		RequestID: e.RequestID, ResponseCode: e.ResponseStatusCode, ResponseHeaders: headers, Body: []byte(html),
	})
	return err
}

// wantNonceCSP checks that the current page came with a
// Content-Security-Policy that allows scripts and styles by a nonce, and
// that every script and stylesheet of the page carries that nonce. (The
// injection probe checks that the browser enforces it.)
func wantNonceCSP(t *testing.T, b *browsertest.Browser, netlog *networkLog) {
	t.Helper()
	loc := b.Location()
	csp := netlog.csp(loc)
	directives := map[string][]string{}
	for d := range strings.SplitSeq(csp, ";") {
		if f := strings.Fields(d); len(f) > 0 {
			directives[strings.ToLower(f[0])] = f[1:]
		}
	}
	nonceOf := func(name string) string {
		for _, src := range directives[name] {
			if n, ok := strings.CutPrefix(src, "'nonce-"); ok {
				return strings.TrimSuffix(n, "'")
			}
		}
		return ""
	}
	nonce := nonceOf("script-src")
	if nonce == "" || nonceOf("style-src") != nonce {
		t.Errorf("%s: Content-Security-Policy %q: want one nonce in script-src and style-src", loc, csp)
		return
	}
	if slices.Contains(directives["script-src"], "'unsafe-eval'") {
		t.Errorf("%s: Content-Security-Policy %q allows eval", loc, csp)
	}
	// The nonce content attribute is hidden from the DOM after parsing;
	// the nonce property keeps it.
	bad := browsertest.RunValue(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("script, style, link[rel~=stylesheet]")]
		.filter(el => el.nonce !== "`+nonce+`").map(el => el.outerHTML)`))
	for _, el := range bad {
		t.Errorf("%s: %s does not carry the response's nonce", loc, el)
	}
	if n := evalString(b, `String(document.querySelectorAll("[style]").length)`); n != "0" {
		t.Errorf("%s: %s style attribute(s), which the CSP refuses", loc, n)
	}
}

// wantStaffPageSecure checks that the current staff page carries a CSP with
// a nonce that its scripts and stylesheets carry, that the stylesheet
// applied under that policy, and that the page broke none of it.
func wantStaffPageSecure(t *testing.T, b *browsertest.Browser, netlog *networkLog) {
	t.Helper()
	loc := b.Location()
	wantNonceCSP(t, b, netlog)
	// No script without a nonce attribute, as the staff pages promise.
	if n := evalString(b, `String(document.querySelectorAll("script:not([nonce])").length)`); n != "0" {
		t.Errorf("%s: %s script element(s) without a nonce", loc, n)
	}
	// The stylesheet applied: the header has its colour, not the
	// browser's transparent default.
	bg := evalString(b, `getComputedStyle(document.querySelector(".site-header")).backgroundColor`)
	if bg == "" || bg == "transparent" || bg == "rgba(0, 0, 0, 0)" {
		t.Errorf("%s: .site-header background is %q; the stylesheet did not apply", loc, bg)
	}
	wantNoCSPViolations(t, b)
}

func TestBrowserPortal(t *testing.T) {
	c := MustRunDemo(t, sqlstore.SQLite)
	portal := c.Server.PublicURL()
	portalURL, err := url.Parse(portal)
	if err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	netlog := logNetwork(t, b)
	watchCSP(b)

	var langs []string
	for _, tag := range i18n.Portal().Languages() {
		langs = append(langs, tag.String())
	}

	// The root, with Chromium's own Accept-Language: it speaks one of the
	// portal's languages and leads on to that language's start page.
	b.Navigate(portal + "/")
	b.Check()
	wantStatus(t, b, netlog, http.StatusOK)
	lang := b.Attr("html", "lang")
	if !slices.Contains(langs, lang) {
		t.Errorf("/ with Chromium's default Accept-Language: <html lang> = %q, want one of %v", lang, langs)
	}
	if got := b.Attr("main a", "href"); got != "/"+lang+"/" {
		t.Errorf("/: the continue link goes to %q, want /%s/", got, lang)
	}
	wantPortalPage(t, b, netlog, lang, langs)

	// The root follows Accept-Language.
	for _, tc := range []struct{ accept, want, heading string }{
		{"sv-SE,sv;q=0.9,en;q=0.5", "sv", "Välj språk"},
		{"en-GB,en;q=0.9", "en", "Choose a language"},
		{"de-DE,de;q=0.9", "sv", "Välj språk"}, // no German: the base language
	} {
		setAcceptLanguage(b, tc.accept)
		b.Navigate(portal + "/")
		b.Check()
		if got := b.Attr("html", "lang"); got != tc.want {
			t.Errorf("/ with Accept-Language %q: <html lang> = %q, want %q", tc.accept, got, tc.want)
		}
		if got := b.Text("h1"); got != tc.heading {
			t.Errorf("/ with Accept-Language %q: heading %q, want %q", tc.accept, got, tc.heading)
		}
		wantPortalPage(t, b, netlog, tc.want, langs)
	}
	setAcceptLanguage(b, "")

	// Each language's start page.
	for _, tc := range []struct{ lang, heading string }{
		{"sv", "Stöd till dig som utsatts för människohandel"},
		{"en", "Support for you if you have been trafficked"},
	} {
		b.Navigate(portal + "/" + tc.lang + "/")
		b.Check()
		wantStatus(t, b, netlog, http.StatusOK)
		if got := b.Attr("html", "lang"); got != tc.lang {
			t.Errorf("/%s/: <html lang> = %q", tc.lang, got)
		}
		if got := b.Text("h1"); got != tc.heading {
			t.Errorf("/%s/: heading %q, want %q", tc.lang, got, tc.heading)
		}
		wantPortalPage(t, b, netlog, tc.lang, langs)
	}

	// An unknown address: the 404 page in the language of the path.
	b.Navigate(portal + "/en/no-such-page")
	b.Check()
	wantStatus(t, b, netlog, http.StatusNotFound)
	if got := b.Text("h1"); got != "Page not found" {
		t.Errorf("/en/no-such-page: heading %q, want %q", got, "Page not found")
	}
	if got := b.Attr("html", "lang"); got != "en" {
		t.Errorf("/en/no-such-page: <html lang> = %q, want en", got)
	}
	wantPortalPage(t, b, netlog, "en", langs)

	// The policy is in force on the portal too.
	wantInjectionBlocked(t, b, portal+"/en/")

	// The visit left nothing behind in the browser.
	cookies := browsertest.RunValue(b, func(ctx context.Context, _ *chromedp.Target) (storage.GetCookiesResult, error) {
		return chromedp.CallBrowser(ctx, storage.GetCookies, storage.GetCookiesParams{})
	})
	for _, ck := range cookies.Cookies {
		t.Errorf("the browser holds a cookie after visiting the portal: %s=%s (domain %s, path %s)", ck.Name, ck.Value, ck.Domain, ck.Path)
	}
	if got := evalString(b, `document.cookie + "|" + localStorage.length + "|" + sessionStorage.length`); got != "|0|0" {
		t.Errorf("portal storage after the visit: document.cookie|localStorage.length|sessionStorage.length = %q, want |0|0", got)
	}

	// Every request went to the portal itself, and the log did see the
	// subresources, so that a request elsewhere would have shown.
	reqs := netlog.all()
	var sawCSS, sawJS bool
	for _, r := range reqs {
		u, err := url.Parse(r.url)
		if err != nil || u.Scheme != "http" || u.Host != portalURL.Host {
			t.Errorf("the portal made the browser request %s (%s); it must only talk to %s", r.url, r.kind, portalURL.Host)
			continue
		}
		sawCSS = sawCSS || (r.kind == string(network.ResourceTypeStylesheet) && strings.HasPrefix(u.Path, "/static/style."))
		sawJS = sawJS || (r.kind == string(network.ResourceTypeScript) && strings.HasPrefix(u.Path, "/static/quick-exit."))
	}
	if !sawCSS || !sawJS {
		t.Errorf("the network log saw stylesheet=%v, script=%v; it must see the subresources. Requests: %v", sawCSS, sawJS, reqs)
	}
	t.Logf("%d requests, all to %s", len(reqs), portalURL.Host)
}

// setAcceptLanguage makes the tab send accept as its Accept-Language, or
// its own again when accept is "".
func setAcceptLanguage(b *browsertest.Browser, accept string) {
	headers := network.Headers{}
	if accept != "" {
		headers["Accept-Language"] = accept
	}
	browsertest.RunValue(b, func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: headers})
		return chromedp.Void{}, err
	})
}

// portalLink is a link of the portal's language list.
type portalLink struct {
	Href     string `json:"href"`
	Lang     string `json:"lang"`
	Hreflang string `json:"hreflang"`
	Current  string `json:"current"`
	Text     string `json:"text"`
}

// wantPortalPage checks what every portal page must do: quick exit first in
// the keyboard order, the skip link second, the stylesheet applied, no CSP
// violation, and a footer that links to every language.
func wantPortalPage(t *testing.T, b *browsertest.Browser, netlog *networkLog, lang string, langs []string) {
	t.Helper()
	loc := b.Location()
	wantFirstTab(t, b, "a.quick-exit", func(e browsertest.Element) bool {
		return e.Tag == "a" && evalString(b, `String(document.activeElement.matches("a.quick-exit"))`) == "true"
	})
	b.Press("Tab")
	if got := evalString(b, `document.activeElement.className`); got != "skip" {
		t.Errorf("%s: the second Tab focuses %s, want the skip link", loc, b.FocusedElement())
	}
	wantNonceCSP(t, b, netlog)
	bg := evalString(b, `getComputedStyle(document.querySelector("a.quick-exit")).backgroundColor`)
	if bg == "" || bg == "transparent" || bg == "rgba(0, 0, 0, 0)" {
		t.Errorf("%s: a.quick-exit background is %q; the stylesheet did not apply", loc, bg)
	}
	wantNoCSPViolations(t, b)

	links := browsertest.RunValue(b, chromedp.Evaluate[[]portalLink](`[...document.querySelectorAll("footer .lang-list a")].map(a => ({
		href: a.getAttribute("href") || "", lang: a.getAttribute("lang") || "", hreflang: a.getAttribute("hreflang") || "",
		current: a.getAttribute("aria-current") || "", text: a.innerText.trim(),
	}))`))
	var got []string
	for _, l := range links {
		got = append(got, l.Lang)
		if l.Lang == "" || l.Hreflang != l.Lang || l.Href != "/"+l.Lang+"/" || l.Text == "" {
			t.Errorf("%s: language link %+v: want href /LANG/, lang and hreflang LANG, and a name", loc, l)
		}
		if (l.Lang == lang) != (l.Current == "page") {
			t.Errorf("%s (in %s): language link %+v has aria-current=%q", loc, lang, l, l.Current)
		}
	}
	if !slices.Equal(got, langs) {
		t.Errorf("%s: the language list links to %v, want %v", loc, got, langs)
	}
}

// neutralSite is a stand-in for the rest of the web: the quick exit's
// neutral page (/weather) and a page visited before the portal (/news). It
// records the Referer of each request.
type neutralSite struct {
	*httptest.Server
	mu       sync.Mutex
	referers []string
}

const neutralHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>%[1]s</title>
</head>
<body>
<main>
<h1>%[1]s</h1>
<p>Nothing to see here.</p>
</main>
</body>
</html>
`

// Headings of the neutral site's pages.
const (
	weatherHeading = "Weather forecast"
	newsHeading    = "Local news"
)

func startNeutralSite(t *testing.T) *neutralSite {
	t.Helper()
	n := &neutralSite{}
	n.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var heading string
		switch r.URL.Path {
		case "/weather":
			heading = weatherHeading
		case "/news":
			heading = newsHeading
		default:
			http.NotFound(w, r)
			return
		}
		n.mu.Lock()
		n.referers = append(n.referers, r.URL.Path+" Referer: "+r.Header.Get("Referer"))
		n.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintf(w, neutralHTML, heading)
	}))
	t.Cleanup(n.Close)
	return n
}

func (n *neutralSite) weather() string { return n.URL + "/weather" }
func (n *neutralSite) news() string    { return n.URL + "/news" }

// wantNoReferer checks that the neutral site was never told where its
// visitors came from.
func (n *neutralSite) wantNoReferer(t *testing.T, minVisits int) {
	t.Helper()
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.referers) < minVisits {
		t.Errorf("the neutral site saw %d request(s), want at least %d", len(n.referers), minVisits)
	}
	for _, r := range n.referers {
		if !strings.HasSuffix(r, "Referer: ") {
			t.Errorf("the neutral site was told where the visitor came from: %s", r)
		}
	}
}

// wantOnPage checks that the tab shows the page at u with the heading.
func wantOnPage(t *testing.T, b *browsertest.Browser, u, heading, how string) {
	t.Helper()
	if got := b.Location(); got != u {
		t.Fatalf("%s: the browser is at %s, want %s", how, got, u)
	}
	if got := b.Text("h1"); got != heading {
		t.Errorf("%s: the page shows %q, want %q", how, got, heading)
	}
}

// tabHistory returns the tab's session history: the URLs and the index of the
// current entry.
func tabHistory(b *browsertest.Browser) ([]string, int) {
	h := browsertest.RunValue(b, chromedp.NavigationEntries())
	var urls []string
	for _, e := range h.Entries {
		urls = append(urls, e.URL)
	}
	return urls, int(h.CurrentIndex)
}

// wantPortalNotInHistory checks that no entry of the tab's history is a
// portal page, so Back cannot return there.
func wantPortalNotInHistory(t *testing.T, b *browsertest.Browser, portal, how string) {
	t.Helper()
	urls, _ := tabHistory(b)
	for _, u := range urls {
		if strings.HasPrefix(u, portal+"/") {
			t.Errorf("%s: the tab's history still holds the portal page %s, so Back returns to it; history: %v", how, u, urls)
		}
	}
}

// goBack goes one step back in the history, as the Back button does, and
// returns the URL and the heading of the page it shows. It reads them with
// JavaScript: after a restore from the back/forward cache chromedp's DOM
// queries (Text, WaitVisible) hang, as the restore's DOM.documentUpdated
// comes before its Page.frameNavigated.
func goBack(t *testing.T, b *browsertest.Browser) (location, heading string) {
	t.Helper()
	urls, cur := tabHistory(b)
	if cur == 0 {
		t.Fatalf("Back: nothing to go back to; history: %v", urls)
	}
	b.Run(chromedp.Evaluate[chromedp.Void](`history.back()`))
	deadline := time.Now().Add(browsertest.ActionTimeout)
	for {
		if _, now := tabHistory(b); now == cur-1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Back: the history stayed at entry %d of %v", cur, urls)
		}
		time.Sleep(20 * time.Millisecond)
	}
	type shown struct {
		Location string `json:"location"`
		Heading  string `json:"heading"`
		State    string `json:"state"`
	}
	for {
		p, err := tryEval[shown](b, `({location: location.href, heading: document.querySelector("h1")?.innerText ?? "", state: document.readyState})`)
		if err == nil && p.State == "complete" {
			return p.Location, p.Heading
		}
		if time.Now().After(deadline) {
			t.Fatalf("Back: the page did not finish loading: %+v, %v", p, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tryEval evaluates expr in the page like chromedp.Evaluate, and returns
// the error instead of failing the test, for a page that may be between
// documents.
func tryEval[T any](b *browsertest.Browser, expr string) (T, error) {
	type result struct {
		v   T
		err error
	}
	r := browsertest.RunValue(b, func(ctx context.Context, tg *chromedp.Target) (result, error) {
		v, err := chromedp.Evaluate[T](expr)(ctx, tg)
		return result{v, err}, nil
	})
	return r.v, r.err
}

// historyLength returns window.history.length.
func historyLength(b *browsertest.Browser) int {
	return browsertest.RunValue(b, chromedp.Evaluate[int](`history.length`))
}

func TestBrowserPortalQuickExit(t *testing.T) {
	neutral := startNeutralSite(t)
	c := runDemoWithQuickExit(t, neutral.weather())
	portal := c.Server.PublicURL()
	b := browsertest.New(t)

	// The visitor comes from another site.
	b.Navigate(neutral.news())
	b.Check()
	b.Navigate(portal + "/en/")
	b.Check()
	if got := b.Attr("a.quick-exit", "href"); got != neutral.weather() {
		t.Fatalf("a.quick-exit links to %q, want the configured %q", got, neutral.weather())
	}

	// Escape leaves at once, and the neutral page takes the portal's place
	// in the history.
	before := historyLength(b)
	b.PressAndWait("Escape")
	wantOnPage(t, b, neutral.weather(), weatherHeading, "Escape on /en/")
	b.Check()
	if after := historyLength(b); after != before {
		t.Errorf("Escape: history.length went from %d to %d; the portal must be replaced, not kept", before, after)
	}
	wantPortalNotInHistory(t, b, portal, "after Escape")
	// Back goes to the page before the portal.
	if loc, heading := goBack(t, b); loc != neutral.news() || heading != newsHeading {
		t.Errorf("Back after the quick exit shows %s %q, want the page before the portal, %s %q", loc, heading, neutral.news(), newsHeading)
	}

	// A click on the link does the same.
	b.Navigate(portal + "/sv/")
	b.Check()
	before = historyLength(b)
	b.ClickAndWait("a.quick-exit")
	wantOnPage(t, b, neutral.weather(), weatherHeading, "click on the quick exit of /sv/")
	b.Check()
	if after := historyLength(b); after != before {
		t.Errorf("click: history.length went from %d to %d; the portal must be replaced, not kept", before, after)
	}
	wantPortalNotInHistory(t, b, portal, "after the click")

	neutral.wantNoReferer(t, 3) // /news, and /weather twice; Back restores /news from the back/forward cache
}

// setScripts switches the page's JavaScript on or off.
func setScripts(b *browsertest.Browser, on bool) {
	b.Run(func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return chromedp.Void{}, err
	})
}

// checkWithoutJS runs Check on a page loaded without JavaScript. axe-core
// needs JavaScript, so it is on for the check; the page's own scripts,
// skipped at load, stay unrun.
func checkWithoutJS(b *browsertest.Browser) {
	setScripts(b, true)
	b.Check()
	setScripts(b, false)
}

func TestBrowserPortalQuickExitWithoutJavaScript(t *testing.T) {
	neutral := startNeutralSite(t)
	c := runDemoWithQuickExit(t, neutral.weather())
	portal := c.Server.PublicURL()
	b := browsertest.New(t)
	setScripts(b, false)

	b.Navigate(portal + "/en/")
	checkWithoutJS(b)
	// Escape is a shortcut of the script. That it does nothing here shows
	// that the page's script really is off.
	b.Press("Escape")
	b.Run(chromedp.Sleep(300 * time.Millisecond))
	if got := b.Location(); got != portal+"/en/" {
		t.Fatalf("with JavaScript off, Escape went to %s; is JavaScript really off?", got)
	}
	if hidden := browsertest.RunValue(b, chromedp.Evaluate[bool](`document.body.hidden`)); hidden {
		t.Fatalf("with JavaScript off, Escape hid the page; is JavaScript really off?")
	}

	// The link itself still leaves, by the keyboard…
	wantFirstTab(t, b, "a.quick-exit", func(e browsertest.Element) bool {
		return e.Tag == "a" && e.Href == neutral.weather()
	})
	b.PressAndWait("Enter")
	wantOnPage(t, b, neutral.weather(), weatherHeading, "Enter on the quick exit without JavaScript")
	checkWithoutJS(b)

	// …and by the mouse.
	b.Navigate(portal + "/sv/")
	checkWithoutJS(b)
	b.ClickAndWait("a.quick-exit")
	wantOnPage(t, b, neutral.weather(), weatherHeading, "click on the quick exit without JavaScript")
	checkWithoutJS(b)

	// Without the script the link is an ordinary link: the portal stays in
	// the history (the portal's safety text says so). That it is there
	// also shows the click was not the script's.
	urls, _ := tabHistory(b)
	if !slices.ContainsFunc(urls, func(u string) bool { return strings.HasPrefix(u, portal+"/") }) {
		t.Errorf("without JavaScript the portal is not in the history %v; did the script run?", urls)
	}

	neutral.wantNoReferer(t, 2)
}
