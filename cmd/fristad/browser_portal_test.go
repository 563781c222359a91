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

	"fristad/internal/i18n"
	"fristad/internal/portal"
	"fristad/internal/render"
	"fristad/internal/seal"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/browsertest"
	"fristad/internal/testing/sqlstoretest"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
	"golang.org/x/text/language"
)

// The public portal in headless Chromium: every page in every language
// through browsertest's Check (axe-core WCAG 2.1 A/AA in the page, the Nu
// HTML Checker on the bytes the server sent), the keyboard order, the
// writing direction, the Content-Security-Policy, and the quick exit with
// and without JavaScript. The helpers they share with the staff tests
// (networkLog, wantFirstTab, wantInjectionBlocked, setScripts…) are in
// browser_test.go.

// portalAddresses returns the address of every page of the portal in
// every language, the root first, as the portal itself lists them.
func portalAddresses(t *testing.T) []string {
	t.Helper()
	assets, err := render.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	h, err := portal.New(portal.Config{Assets: assets})
	if err != nil {
		t.Fatal(err)
	}
	return h.Addresses()
}

// portalLanguages returns the portal's languages as BCP 47 tags, in the
// catalog's order.
func portalLanguages() []string {
	var langs []string
	for _, tag := range i18n.Portal().Languages() {
		langs = append(langs, tag.String())
	}
	return langs
}

// rtlLanguages are the portal languages written right to left.
var rtlLanguages = map[string]bool{"ar": true, "fa-AF": true}

func TestBrowserPortal(t *testing.T) {
	browsertest.Require(t)
	c := MustRunDemo(t, sqlstore.SQLite)
	base := c.Server.PublicURL()
	baseURL, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	addrs := portalAddresses(t)
	langs := portalLanguages()
	b := browsertest.New(t)
	netlog := logNetwork(t, b)
	watchCSP(b)

	// The root, with Chromium's own Accept-Language (en-US): English, and
	// a way on to the English start page and to every other language.
	b.Navigate(base + "/")
	b.Check()
	wantStatus(t, b, netlog, http.StatusOK)
	if got := b.Attr("html", "lang"); got != "en" {
		t.Errorf("/ with Chromium's default Accept-Language: <html lang> = %q, want en", got)
	}
	if got := b.Attr("main a", "href"); got != "/en/" {
		t.Errorf("/: the continue link goes to %q, want /en/", got)
	}
	wantPortalPage(t, b, netlog, "en", langs, "")

	// The root follows Accept-Language, and never takes plain Swedish for
	// easy-to-read Swedish.
	for _, tc := range []struct{ accept, want string }{
		{"sv-SE,sv;q=0.9,en;q=0.5", "sv"},
		{"en-GB,en;q=0.9", "en"},
		{"de-DE,de;q=0.9", "sv"}, // no German: the base language
		{"prs-AF,prs;q=0.9", "fa-AF"},
		{"ar-MA,ar;q=0.9,fr;q=0.5", "ar"},
		{"th-TH", "th"},
	} {
		setAcceptLanguage(b, tc.accept)
		b.Navigate(base + "/")
		b.Check()
		if got := b.Attr("html", "lang"); got != tc.want {
			t.Errorf("/ with Accept-Language %q: <html lang> = %q, want %q", tc.accept, got, tc.want)
		}
		want := i18n.Portal().Printer(mustTag(t, tc.want)).T("choose.title")
		if got := b.Text("h1"); got != want {
			t.Errorf("/ with Accept-Language %q: heading %q, want %q", tc.accept, got, want)
		}
		wantPortalPage(t, b, netlog, tc.want, langs, "")
	}
	setAcceptLanguage(b, "")

	// Every page in every language.
	start := time.Now()
	for _, addr := range addrs {
		if addr == "/" {
			continue
		}
		lang, path, _ := strings.Cut(strings.TrimPrefix(addr, "/"), "/")
		b.Navigate(base + addr)
		b.Check()
		wantStatus(t, b, netlog, http.StatusOK)
		if got := b.Attr("html", "lang"); got != lang {
			t.Errorf("%s: <html lang> = %q, want %q", addr, got, lang)
		}
		wantDir := "ltr"
		if rtlLanguages[lang] {
			wantDir = "rtl"
		}
		if got := b.Attr("html", "dir"); got != wantDir {
			t.Errorf("%s: <html dir> = %q, want %q", addr, got, wantDir)
		}
		if b.Text("h1") == "" || !strings.HasSuffix(b.Title(), " – Fristad") {
			t.Errorf("%s: heading %q, title %q", addr, b.Text("h1"), b.Title())
		}
		if path == "" && (lang == "ar" || lang == "th") {
			t.Logf("screenshot of %s: %s", addr, b.Screenshot("portal-home-"+lang))
		}
		wantPortalPage(t, b, netlog, lang, langs, path)
		if rtlLanguages[lang] {
			wantNumbersLeftToRight(t, b)
		}
	}
	t.Logf("visited %d pages in %d languages in %v", len(addrs)-1, len(langs), time.Since(start).Round(time.Second))

	// An unknown address: the not-found page in the language of the path.
	b.Navigate(base + "/ar/no-such-page")
	b.Check()
	wantStatus(t, b, netlog, http.StatusNotFound)
	if got := b.Attr("html", "lang") + " " + b.Attr("html", "dir"); got != "ar rtl" {
		t.Errorf("/ar/no-such-page: <html lang dir> = %q, want ar rtl", got)
	}
	if got, want := b.Text("h1"), i18n.Portal().Printer(mustTag(t, "ar")).T("error.not_found.title"); got != want {
		t.Errorf("/ar/no-such-page: heading %q, want %q", got, want)
	}
	wantPortalPage(t, b, netlog, "ar", langs, "")

	// A reload revalidates the page with its ETag: the server answers 304
	// and the browser shows its copy, under the same policy, which allows
	// its stylesheet and script as the site's own files.
	b.Navigate(base + "/en/help")
	b.Run(chromedp.Reload())
	bg := evalString(b, `getComputedStyle(document.querySelector("a.quick-exit")).backgroundColor`)
	if bg == "" || bg == "transparent" || bg == "rgba(0, 0, 0, 0)" {
		t.Errorf("/en/help after a reload: a.quick-exit background is %q; the stylesheet did not apply", bg)
	}
	wantNoCSPViolations(t, b)

	// The policy is in force on the portal's pages rendered ahead of time.
	wantInjectionBlocked(t, b, base+"/en/")

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
		if err != nil || u.Scheme != "http" || u.Host != baseURL.Host {
			t.Errorf("the portal made the browser request %s (%s); it must only talk to %s", r.url, r.kind, baseURL.Host)
			continue
		}
		sawCSS = sawCSS || (r.kind == string(network.ResourceTypeStylesheet) && strings.HasPrefix(u.Path, "/static/style."))
		sawJS = sawJS || (r.kind == string(network.ResourceTypeScript) && strings.HasPrefix(u.Path, "/static/quick-exit."))
	}
	if !sawCSS || !sawJS {
		t.Errorf("the network log saw stylesheet=%v, script=%v; it must see the subresources", sawCSS, sawJS)
	}
	t.Logf("%d requests, all to %s", len(reqs), baseURL.Host)
}

// telOrderJS measures where the first and the last character of each
// telephone-number link and date are drawn.
const telOrderJS = `[...document.querySelectorAll("a.tel, time")].map(a => {
	const text = a.firstChild, r = document.createRange();
	r.setStart(text, 0); r.setEnd(text, 1);
	const first = r.getBoundingClientRect().left;
	r.setStart(text, text.length - 1); r.setEnd(text, text.length);
	return {number: a.textContent, first: first, last: r.getBoundingClientRect().left};
})`

// wantNumbersLeftToRight checks, on a right-to-left page, that every
// telephone number and date is drawn left to right as written
// ("020-50 50 50", "2026-11-28"), not as the bidirectional algorithm draws
// a bare one in Arabic script ("50 50 020-50", "28-11-2026").
func wantNumbersLeftToRight(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	type drawn struct {
		Number string  `json:"number"`
		First  float64 `json:"first"`
		Last   float64 `json:"last"`
	}
	for _, d := range browsertest.RunValue(b, chromedp.Evaluate[[]drawn](telOrderJS)) {
		if len(d.Number) > 1 && d.First >= d.Last {
			t.Errorf("%s: %q is drawn right to left (first character at x=%.0f, last at x=%.0f)", b.Location(), d.Number, d.First, d.Last)
		}
	}
}

func mustTag(t *testing.T, s string) language.Tag {
	t.Helper()
	tag, ok := i18n.Portal().Parse(s)
	if !ok {
		t.Fatalf("the portal has no language %q", s)
	}
	return tag
}

// portalLink is a link to a language: in the footer of a page, or in the
// root's list.
type portalLink struct {
	Href     string `json:"href"`
	Lang     string `json:"lang"`
	Dir      string `json:"dir"`
	Hreflang string `json:"hreflang"`
	Current  string `json:"current"`
	Text     string `json:"text"`
}

// wantStaticCSP checks that the current portal page came with a
// Content-Security-Policy that allows scripts and styles only as the
// site's own files ('self'), with no nonce, no inline code and no eval,
// and that the page's scripts and stylesheets are such files, under
// /static/, with no inline script or style and no style attribute. (The
// injection probe checks that the browser enforces it.)
func wantStaticCSP(t *testing.T, b *browsertest.Browser, netlog *networkLog) {
	t.Helper()
	loc := b.Location()
	csp := netlog.csp(loc)
	directives := map[string][]string{}
	for d := range strings.SplitSeq(csp, ";") {
		if f := strings.Fields(d); len(f) > 0 {
			directives[strings.ToLower(f[0])] = f[1:]
		}
	}
	for _, name := range []string{"script-src", "style-src"} {
		if !slices.Equal(directives[name], []string{"'self'"}) {
			t.Errorf("%s: Content-Security-Policy %q: want %s 'self' and nothing else", loc, csp, name)
		}
	}
	if !slices.Equal(directives["default-src"], []string{"'none'"}) || !slices.Equal(directives["frame-ancestors"], []string{"'none'"}) {
		t.Errorf("%s: Content-Security-Policy %q: want default-src and frame-ancestors 'none'", loc, csp)
	}
	bad := browsertest.RunValue(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("script, style, link[rel~=stylesheet]")]
		.filter(el => !((el.tagName === "SCRIPT" && el.src.startsWith(location.origin + "/static/")) ||
			(el.tagName === "LINK" && el.href.startsWith(location.origin + "/static/")))).map(el => el.outerHTML)`))
	for _, el := range bad {
		t.Errorf("%s: %s is not a file of the site's own", loc, el)
	}
	if n := evalString(b, `String(document.querySelectorAll("[nonce], [style]").length)`); n != "0" {
		t.Errorf("%s: %s element(s) with a nonce or a style attribute", loc, n)
	}
}

// wantPortalPage checks what every portal page must do: quick exit first in
// the keyboard order and the skip link second, a CSP that allows scripts
// and styles only as the site's own files and no inline code (the pages
// are rendered ahead of time and carry no nonce), the stylesheet applied,
// no CSP violation, and
// links to the page (path under the language; "" for the start page) in
// every language, each in its own language and direction. The root lists
// the languages' start pages in its content; the error pages list none.
func wantPortalPage(t *testing.T, b *browsertest.Browser, netlog *networkLog, lang string, langs []string, path string) {
	t.Helper()
	loc := b.Location()
	wantFirstTab(t, b, "a.quick-exit", func(e browsertest.Element) bool {
		return e.Tag == "a" && evalString(b, `String(document.activeElement.matches("a.quick-exit"))`) == "true"
	})
	b.Press("Tab")
	if got := evalString(b, `document.activeElement.className`); got != "skip" {
		t.Errorf("%s: the second Tab focuses %s, want the skip link", loc, b.FocusedElement())
	}
	wantStaticCSP(t, b, netlog)
	bg := evalString(b, `getComputedStyle(document.querySelector("a.quick-exit")).backgroundColor`)
	if bg == "" || bg == "transparent" || bg == "rgba(0, 0, 0, 0)" {
		t.Errorf("%s: a.quick-exit background is %q; the stylesheet did not apply", loc, bg)
	}
	wantNoCSPViolations(t, b)

	status, _ := netlog.status(loc)
	root := urlPath(t, loc) == "/"
	sel := "footer .lang-list a"
	if root {
		sel = "main .lang-choice a"
	}
	links := browsertest.RunValue(b, chromedp.Evaluate[[]portalLink](`[...document.querySelectorAll("`+sel+`")].map(a => ({
		href: a.getAttribute("href") || "", lang: a.getAttribute("lang") || "", dir: a.getAttribute("dir") || "",
		hreflang: a.getAttribute("hreflang") || "", current: a.getAttribute("aria-current") || "", text: a.innerText.trim(),
	}))`))
	if status != http.StatusOK {
		if len(links) != 0 {
			t.Errorf("%s: an error page lists languages: %v", loc, links)
		}
		return
	}
	var got []string
	for _, l := range links {
		got = append(got, l.Lang)
		wantDir := "ltr"
		if rtlLanguages[l.Lang] {
			wantDir = "rtl"
		}
		if l.Lang == "" || l.Hreflang != l.Lang || l.Href != "/"+l.Lang+"/"+path || l.Dir != wantDir || l.Text == "" {
			t.Errorf("%s: language link %+v: want href /LANG/%s, lang and hreflang LANG, dir %s, and a name", loc, l, path, wantDir)
		}
		if !root && (l.Lang == lang) != (l.Current == "page") {
			t.Errorf("%s (in %s): language link %+v has aria-current=%q", loc, lang, l, l.Current)
		}
	}
	if !slices.Equal(got, langs) {
		t.Errorf("%s: the languages listed are %v, want %v", loc, got, langs)
	}
}

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
	browsertest.Require(t)
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

	// The same in a right-to-left language, from a page deeper in the site.
	b.Navigate(portal + "/fa-AF/rights/reflection-period")
	b.Check()
	before = historyLength(b)
	b.PressAndWait("Escape")
	wantOnPage(t, b, neutral.weather(), weatherHeading, "Escape on /fa-AF/rights/reflection-period")
	if after := historyLength(b); after != before {
		t.Errorf("Escape in Dari: history.length went from %d to %d; the portal must be replaced, not kept", before, after)
	}
	wantPortalNotInHistory(t, b, portal, "after Escape in Dari")

	neutral.wantNoReferer(t, 4) // /news, and /weather three times; Back restores /news from the back/forward cache
}

func TestBrowserPortalQuickExitWithoutJavaScript(t *testing.T) {
	browsertest.Require(t)
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

// TestBrowserPortalDirectory filters the service directory without
// JavaScript: the filters are a GET form, the result a page of its own
// with the choices kept, and the provider whose certification ran out is
// not there, though the coordinator listed it.
func TestBrowserPortalDirectory(t *testing.T) {
	browsertest.Require(t)
	c := MustRunDemo(t, sqlstore.SQLite)
	base := c.Server.PublicURL()
	b := browsertest.New(t)
	setScripts(b, false)

	listed := func() []string {
		setScripts(b, true)
		defer setScripts(b, false)
		return browsertest.RunValue(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("main li h3")].map(h => h.innerText.trim())`))
	}
	b.Navigate(base + "/en/services")
	checkWithoutJS(b)
	if got := listed(); !slices.Equal(got, []string{"Kvinnojouren Fiktiva", "Mansmottagningen Exempel", "Språkskolan Exempel"}) {
		t.Errorf("/en/services lists %v; want the three listed providers whose certification holds", got)
	}

	b.SendKeys("#group", "Men")
	b.SendKeys("#service", "Legal")
	b.ClickAndWait("form.filters button")
	checkWithoutJS(b)
	u, err := url.Parse(b.Location())
	if err != nil || u.Path != "/en/services" || u.Query().Get("group") != "men" || u.Query().Get("service") != "legal_help" {
		t.Fatalf("the form sent the browser to %s; want /en/services?…group=men&service=legal_help", b.Location())
	}
	if got := listed(); !slices.Equal(got, []string{"Mansmottagningen Exempel"}) {
		t.Errorf("men, legal help: %v; want Mansmottagningen Exempel", got)
	}
	if b.Value("#group") != "men" || b.Value("#service") != "legal_help" || b.Value("#region") != "" {
		t.Errorf("the form lost the choices: group %q, service %q, region %q", b.Value("#group"), b.Value("#service"), b.Value("#region"))
	}
	if got := b.Text("#results"); got != "Organisations found: 1" {
		t.Errorf("the result says %q", got)
	}

	// The same filter in Arabic: right to left, the phone number left to
	// right.
	b.Navigate(base + "/ar/services?group=men&service=legal_help")
	checkWithoutJS(b)
	if got := b.Attr("html", "dir"); got != "rtl" {
		t.Errorf("/ar/services: dir %q", got)
	}
	setScripts(b, true)
	wantNumbersLeftToRight(t, b)
}
