// Package browsertest drives a headless Chromium from Go tests, the way a
// person uses a page: navigate, click, type, press keys, read text. It also
// checks every page that a test asks for with axe-core (accessibility, WCAG
// 2.1 A and AA) and with the Nu HTML Checker (valid HTML).
//
// A typical test:
//
//	func TestSignIn(t *testing.T) {
//		browsertest.Require(t)
//		srv := httptest.NewServer(handler)
//		t.Cleanup(srv.Close)
//		b := browsertest.New(t)
//		b.Navigate(srv.URL + "/signin")
//		b.Check()
//		b.SendKeys("#email", "ada@example.com")
//		b.ClickAndWait("button[type=submit]")
//		b.Check()
//		if got := b.Text("h1"); got != "Welcome" {
//			t.Errorf("heading = %q", got)
//		}
//	}
//
// The harness needs Chromium, Java, and the npm packages of tools/npm:
//
//	apt-get install -y chromium default-jre-headless
//	npm ci --prefix tools/npm
//
// When one of them is missing, [Require] skips the test, or fails it when
// the environment variable CI is non-empty. A test calls Require first,
// before it starts the server, database or demo that the browser visits,
// so that a test that cannot run stops before it has cost anything.
//
// The environment variables FRISTAD_CHROMIUM, FRISTAD_AXE_JS and
// FRISTAD_VNU_JAR override the locations, and FRISTAD_TEST_ARTIFACTS sets
// the directory for screenshots.
//
// Selectors are CSS selectors. An action uses the first element that
// matches, and waits for it up to [ActionTimeout].
//
// Problems with the page (an accessibility violation, invalid HTML) are
// reported with Errorf, so the test goes on and reports them all. Problems
// with driving the browser (no element matches, a navigation fails) stop the
// test with Fatalf. Whenever the harness reports a failure, and when the
// test has failed by the end, it saves a full-page PNG screenshot and logs
// its path.
package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// ActionTimeout bounds every single browser action, such as a navigation, a
// click or a wait for an element.
const ActionTimeout = 30 * time.Second

const (
	startTimeout = 30 * time.Second
	closeTimeout = 10 * time.Second
	shotTimeout  = 10 * time.Second
)

// tb is the part of testing.TB that the harness uses. Its own tests supply a
// fake to observe failures.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
	Skipf(format string, args ...any)
	Cleanup(func())
	Failed() bool
	Name() string
	TempDir() string
}

// Browser is one headless Chromium with one tab, owned by one test. Its
// methods must be called from the test's goroutine.
type Browser struct {
	t     tb
	tools Tools
	ctx   context.Context // the tab; no deadline
	stop  func()          // closes the tab, the browser and the allocator

	axeSource string
	pageDir   string // where captured documents are written for vnu

	mu   sync.Mutex
	docs map[cdp.LoaderID]docResponse // main and sub documents, by loader

	pages   []checkedPage // documents queued for the Nu HTML Checker
	actions int           // actions run so far
	shotAt  int           // value of actions at the last failure screenshot, -1 if none
}

// docResponse is the network response that delivered a document.
type docResponse struct {
	requestID network.RequestID
	url       string
}

// checkedPage is a document that Check captured for the Nu HTML Checker.
type checkedPage struct {
	url       string
	file      string
	requestID network.RequestID
}

// New starts a headless Chromium for the test and closes it when the test
// ends. Before it closes the browser, it runs the Nu HTML Checker over the
// pages that [Browser.Check] captured, and it saves a screenshot when the test
// has failed.
//
// New looks for the tools as [Require] does, and skips or fails the test
// the same way when one is missing; a test calls Require first all the
// same, so that it does not start what the browser would visit in vain.
func New(t testing.TB) *Browser {
	t.Helper()
	return newBrowser(t)
}

func newBrowser(t tb) *Browser {
	t.Helper()
	ts, ok := requireTools(t)
	if !ok {
		return nil
	}
	axe, err := os.ReadFile(ts.AxeJS)
	if err != nil {
		t.Fatalf("browsertest: read axe-core: %v", err)
		return nil
	}
	pageDir := filepath.Join(t.TempDir(), "pages")
	if err := os.MkdirAll(pageDir, 0o755); err != nil {
		t.Fatalf("browsertest: %v", err)
		return nil
	}

	b := &Browser{
		t:         t,
		tools:     ts,
		axeSource: string(axe),
		pageDir:   pageDir,
		docs:      make(map[cdp.LoaderID]docResponse),
		shotAt:    -1,
	}
	if err := b.start(); err != nil {
		t.Fatalf("browsertest: start chromium %s: %s", ts.Chromium, strings.TrimSpace(err.Error()))
		return nil
	}
	t.Cleanup(b.cleanup)
	return b
}

// Require finds Chromium, axe-core, the Nu HTML Checker and Java and
// returns their locations. When one of them is missing, it skips the test
// with a one-line reason, or fails it when the environment variable CI is
// non-empty.
//
// Call it first in a browser test, before anything the test starts (a
// server, a database, a demo), so that a test that cannot run is skipped
// at once rather than after its setup.
func Require(t testing.TB) Tools {
	t.Helper()
	ts, _ := requireTools(t)
	return ts
}

// requireTools finds the tools, or skips the test (fails it when CI is set)
// with a one-line reason.
func requireTools(t tb) (Tools, bool) {
	t.Helper()
	ts, err := findTools()
	if err == nil {
		return ts, true
	}
	if os.Getenv(EnvCI) != "" {
		t.Fatalf("browsertest: %v; required because %s is set", err, EnvCI)
	} else {
		t.Skipf("browsertest: %v; set %s to require it", err, EnvCI)
	}
	return ts, false
}

// start launches Chromium, opens the tab and starts recording document
// responses.
func (b *Browser) start() error {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(b.tools.Chromium),
		// Every flag the harness relies on is named here, also those that
		// DefaultExecAllocatorOptions has, so that they stay if that list
		// changes. They keep Chromium headless, away from Google hosts (the
		// test network is closed), and free of the need for a sandbox, a GPU
		// or a large /dev/shm. chromedp adds a fresh temporary
		// --user-data-dir and removes it when the browser stops.
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.WindowSize(1280, 800),
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx,
		chromedp.WithLogf(func(string, ...any) {}),
		chromedp.WithErrorf(func(string, ...any) {}),
	)
	b.ctx = ctx
	b.stop = func() {
		cctx, ccancel := context.WithTimeout(ctx, closeTimeout)
		defer ccancel()
		_ = chromedp.Cancel(cctx) // a failed graceful close is followed by a kill
		cancel()
		allocCancel()
	}

	// The first Run starts the browser and must not carry a deadline, since
	// that would end the browser with it. Bound the start from outside.
	started := make(chan error, 1)
	go func() {
		err := chromedp.Listen(ctx, b.record)
		started <- err
	}()
	select {
	case err := <-started:
		if err != nil {
			b.stop()
			return err
		}
		return nil
	case <-time.After(startTimeout):
		b.stop()
		<-started
		return fmt.Errorf("no answer within %v", startTimeout)
	}
}

// record keeps the response of every document, so that Check can fetch the
// bytes that the server sent. It runs in chromedp's event loop and must not
// block.
func (b *Browser) record(ev any) {
	e, ok := ev.(*network.EventResponseReceived)
	if !ok || e.Type != network.ResourceTypeDocument || e.Response == nil {
		return
	}
	b.mu.Lock()
	b.docs[e.LoaderID] = docResponse{requestID: e.RequestID, url: e.Response.URL}
	b.mu.Unlock()
}

// cleanup runs the Nu HTML Checker, takes a screenshot of a failed test and
// closes the browser.
func (b *Browser) cleanup() {
	b.validateQueued()
	if b.t.Failed() && b.shotAt != b.actions {
		b.screenshotOnFailure("end")
	}
	b.stop()
}

// run runs one action with ActionTimeout. It stops the test when the action
// fails. what describes the action for the message.
func (b *Browser) run(what string, action chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if _, err := runAction(b, action); err != nil {
		b.fatalf("%s: %v", what, err)
	}
}

// runSel is run for an action on the element that the CSS selector sel
// matches; on failure it says why the element could not be used.
func (b *Browser) runSel(what, sel string, action chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if _, err := runAction(b, action); err != nil {
		b.failSel(what, sel, err)
	}
}

// failSel stops the test after a failed action on sel, and adds what the
// page says about sel to the message.
func (b *Browser) failSel(what, sel string, err error) {
	b.t.Helper()
	if hint := b.explain(sel); hint != "" {
		err = fmt.Errorf("%s: %w", hint, err)
	}
	b.fatalf("%s: %v", what, err)
}

const explainJS = `((sel) => {
	let el;
	try { el = document.querySelector(sel); } catch (e) { return "invalid CSS selector: " + e.message; }
	if (!el) return "no element matches " + sel;
	const r = el.getBoundingClientRect();
	if (r.width === 0 && r.height === 0) return "the element that matches " + sel + " is not visible";
	return "";
})(%s)`

// explain says why sel may not be usable, or "" when it looks fine.
func (b *Browser) explain(sel string) string {
	arg, err := json.Marshal(sel)
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(b.ctx, shotTimeout)
	defer cancel()
	hint, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(explainJS, arg)))
	if err != nil {
		return ""
	}
	return hint
}

// runAction runs one action with ActionTimeout and returns its value.
func runAction[T any](b *Browser, action chromedp.Action[T]) (T, error) {
	b.actions++
	ctx, cancel := context.WithTimeout(b.ctx, ActionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("gave up after %v: %w", ActionTimeout, err)
	}
	return v, err
}

// fatalf saves a screenshot and stops the test.
func (b *Browser) fatalf(format string, args ...any) {
	b.t.Helper()
	b.screenshotOnFailure("fatal")
	b.t.Fatalf("browsertest: "+format, args...)
}

// errorf saves a screenshot and marks the test failed.
func (b *Browser) errorf(format string, args ...any) {
	b.t.Helper()
	b.screenshotOnFailure("error")
	b.t.Errorf("browsertest: "+format, args...)
}

var (
	shotSeq      atomic.Int64
	unsafeInName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)
)

// screenshotOnFailure saves a full-page screenshot to the artifact directory
// and logs its path. Errors are logged, not reported as failures.
func (b *Browser) screenshotOnFailure(label string) {
	b.t.Helper()
	b.shotAt = b.actions
	name := fmt.Sprintf("%s-%s-%d.png", unsafeInName.ReplaceAllString(b.t.Name(), "_"), label, shotSeq.Add(1))
	path, err := b.saveScreenshot(filepath.Join(artifactDir(), name))
	if err != nil {
		b.t.Logf("browsertest: no screenshot: %v", err)
		return
	}
	b.t.Logf("browsertest: screenshot of %s saved to %s", b.currentURL(), path)
}

// saveScreenshot writes a full-page PNG to path.
func (b *Browser) saveScreenshot(path string) (string, error) {
	ctx, cancel := context.WithTimeout(b.ctx, shotTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return "", fmt.Errorf("capture: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("artifact directory: %w", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return "", fmt.Errorf("write: %w", err)
	}
	return path, nil
}

// currentURL returns the location of the tab, or a placeholder when the
// browser does not answer.
func (b *Browser) currentURL() string {
	ctx, cancel := context.WithTimeout(b.ctx, shotTimeout)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown page)"
	}
	return u
}

// Navigate loads url in the tab and waits until the page has loaded.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	b.run("navigate to "+url, chromedp.Navigate(url))
}

// Click clicks the first element that matches the CSS selector sel, after
// waiting for it to be visible. It does not wait for a navigation that the
// click may start; use [Browser.ClickAndWait] for that.
func (b *Browser) Click(sel string) {
	b.t.Helper()
	b.runSel("click "+sel, sel, chromedp.Click(chromedp.CSS(sel)))
}

// ClickAndWait clicks the first element that matches sel, such as a link or
// a submit button, and waits until the page it leads to has loaded. It
// fails when no new page loads within ActionTimeout.
func (b *Browser) ClickAndWait(sel string) {
	b.t.Helper()
	b.runAndWait("click "+sel+" and wait for the next page", sel, chromedp.Click(chromedp.CSS(sel)))
}

// SendKeys focuses the first element that matches sel and types text into
// it, key by key, as a person would. A "\n" in text is the Enter key.
func (b *Browser) SendKeys(sel, text string) {
	b.t.Helper()
	b.runSel(fmt.Sprintf("type %q into %s", text, sel), sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// Press presses one key on whatever element has the focus. key is a DOM key
// name such as "Tab", "Enter", "Escape", "Space", "ArrowDown" or "a", with
// optional modifiers in front: "Shift+Tab", "Control+a". Press does not
// wait for a navigation; use [Browser.PressAndWait] for that.
func (b *Browser) Press(key string) {
	b.t.Helper()
	action, err := keyAction(key)
	if err != nil {
		b.fatalf("press %s: %v", key, err)
		return
	}
	b.run("press "+key, action)
}

// PressAndWait is like [Browser.Press], and then waits until the page that
// the key leads to has loaded, for example Enter on a focused link.
func (b *Browser) PressAndWait(key string) {
	b.t.Helper()
	action, err := keyAction(key)
	if err != nil {
		b.fatalf("press %s: %v", key, err)
		return
	}
	b.runAndWait("press "+key+" and wait for the next page", "", action)
}

// runAndWait runs action and waits for the page load it causes. sel, when
// not empty, is the element the action uses.
func (b *Browser) runAndWait(what, sel string, action chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.actions++
	ctx, cancel := context.WithTimeout(b.ctx, ActionTimeout)
	defer cancel()
	_, err := chromedp.RunResponse(ctx, action)
	if err == nil {
		return
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("no page loaded within %v: %w", ActionTimeout, err)
	}
	if sel != "" {
		b.failSel(what, sel, err)
		return
	}
	b.fatalf("%s: %v", what, err)
}

// WaitVisible waits until the first element that matches sel is visible.
func (b *Browser) WaitVisible(sel string) {
	b.t.Helper()
	b.runSel("wait for "+sel+" to be visible", sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// Text returns the visible text (innerText) of the first element that
// matches sel.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	s, err := runAction(b, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.failSel("text of "+sel, sel, err)
	}
	return s
}

// Value returns the current value of the form field that matches sel.
func (b *Browser) Value(sel string) string {
	b.t.Helper()
	s, err := runAction(b, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.failSel("value of "+sel, sel, err)
	}
	return s
}

// Attr returns the attribute name of the first element that matches sel, or
// "" when the element has no such attribute.
func (b *Browser) Attr(sel, name string) string {
	b.t.Helper()
	r, err := runAction(b, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		b.failSel(fmt.Sprintf("attribute %s of %s", name, sel), sel, err)
	}
	return r.Value
}

// Title returns the title of the current page.
func (b *Browser) Title() string {
	b.t.Helper()
	s, err := runAction(b, chromedp.Title())
	if err != nil {
		b.fatalf("title: %v", err)
	}
	return s
}

// Location returns the URL of the current page.
func (b *Browser) Location() string {
	b.t.Helper()
	s, err := runAction(b, chromedp.Location())
	if err != nil {
		b.fatalf("location: %v", err)
	}
	return s
}

// Element describes an element of the page, such as the focused one.
type Element struct {
	Tag   string // lower-case tag name, such as "a" or "input"; "body" when nothing has the focus
	ID    string // id attribute
	Name  string // name attribute
	Type  string // type attribute
	Href  string // href attribute, as written in the page
	Text  string // visible text, trimmed and cut at 200 characters; empty for body
	Label string // aria-label, or the text of the first associated label element
}

// String describes the element in one line, for example
// `a#home[href="/"] "Home"`.
func (e Element) String() string {
	var sb strings.Builder
	sb.WriteString(e.Tag)
	if e.ID != "" {
		sb.WriteString("#" + e.ID)
	}
	for _, a := range [...]struct{ name, value string }{{"name", e.Name}, {"type", e.Type}, {"href", e.Href}} {
		if a.value != "" {
			fmt.Fprintf(&sb, "[%s=%q]", a.name, a.value)
		}
	}
	if e.Label != "" {
		fmt.Fprintf(&sb, " label=%q", e.Label)
	}
	if e.Text != "" {
		fmt.Fprintf(&sb, " %q", e.Text)
	}
	return sb.String()
}

const focusedJS = `(() => {
	const el = document.activeElement;
	if (!el) return {tag: ""};
	const attr = n => el.getAttribute(n) || "";
	const isBody = el === document.body;
	const label = attr("aria-label") || (el.labels && el.labels.length ? el.labels[0].innerText : "");
	return {
		tag: el.tagName.toLowerCase(), id: el.id, name: attr("name"), type: attr("type"), href: attr("href"),
		text: isBody ? "" : (el.innerText || "").trim().slice(0, 200),
		label: label.trim(),
	};
})()`

type elementJSON struct {
	Tag   string `json:"tag"`
	ID    string `json:"id"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	Href  string `json:"href"`
	Text  string `json:"text"`
	Label string `json:"label"`
}

// FocusedElement describes document.activeElement, the element that has the
// keyboard focus. Use it with [Browser.Press] to check the keyboard order.
func (b *Browser) FocusedElement() Element {
	b.t.Helper()
	e, err := runAction(b, chromedp.Evaluate[elementJSON](focusedJS))
	if err != nil {
		b.fatalf("focused element: %v", err)
	}
	return Element(e)
}

// Run runs chromedp actions against the tab, each with ActionTimeout. It is
// the way to do what the other methods do not offer; see also [RunValue].
func (b *Browser) Run(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	for i, a := range actions {
		b.run(fmt.Sprintf("action %d of %d", i+1, len(actions)), a)
	}
}

// RunValue runs one chromedp action that returns a value, with
// ActionTimeout, and returns the value. For example:
//
//	n := browsertest.RunValue(b, chromedp.Evaluate[int](`document.forms.length`))
func RunValue[T any](b *Browser, action chromedp.Action[T]) T {
	b.t.Helper()
	v, err := runAction(b, action)
	if err != nil {
		b.fatalf("action: %v", err)
	}
	return v
}

// SaveArtifact writes data, such as a PDF the page printed to, as name in
// the artifact directory and returns its path.
func (b *Browser) SaveArtifact(name string, data []byte) string {
	b.t.Helper()
	path := filepath.Join(artifactDir(), unsafeInName.ReplaceAllString(name, "_"))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.fatalf("artifact directory: %v", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.fatalf("artifact: %v", err)
	}
	return path
}

// Screenshot saves a full-page PNG of the current page as name.png in the
// artifact directory and returns its path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	path, err := b.saveScreenshot(filepath.Join(artifactDir(), unsafeInName.ReplaceAllString(name, "_")+".png"))
	if err != nil {
		b.fatalf("screenshot: %v", err)
	}
	return path
}
