package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fristad/internal/sqlstore"
	"fristad/internal/testing/browsertest"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// These tests drive the real binary's two sites in headless Chromium, the
// way a person does: with the mouse, with the keyboard only, and without
// JavaScript. Every page they visit goes through browsertest's Check
// (axe-core WCAG 2.1 A/AA in the page, the Nu HTML Checker on the bytes
// the server sent).

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
	browsertest.Require(t)
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
