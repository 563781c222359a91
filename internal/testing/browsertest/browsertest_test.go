package browsertest

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// strictCSP is the kind of policy the application sends: no inline script
// without the nonce, no eval.
const strictCSP = "default-src 'none'; style-src 'self'; script-src 'nonce-abc'; frame-ancestors 'none'"

// fakeTB records what the harness reports instead of failing the real test.
// Fatalf and Skipf end the calling goroutine, as testing.T does.
type fakeTB struct {
	real *testing.T

	mu       sync.Mutex
	errs     []string
	fatals   []string
	skips    []string
	logs     []string
	failed   bool
	cleanups []func()
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) record(list *[]string, fail bool, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	f.real.Logf("(fake) %s", msg)
	f.mu.Lock()
	defer f.mu.Unlock()
	*list = append(*list, msg)
	if fail {
		f.failed = true
	}
}

func (f *fakeTB) Errorf(format string, args ...any) { f.record(&f.errs, true, format, args...) }
func (f *fakeTB) Logf(format string, args ...any)   { f.record(&f.logs, false, format, args...) }

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.record(&f.fatals, true, format, args...)
	runtime.Goexit()
}

func (f *fakeTB) Skipf(format string, args ...any) {
	f.record(&f.skips, false, format, args...)
	runtime.Goexit()
}

func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}

func (f *fakeTB) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}

func (f *fakeTB) Name() string    { return f.real.Name() }
func (f *fakeTB) TempDir() string { return f.real.TempDir() }

// runFake runs body against a fake TB on its own goroutine, then runs the
// registered cleanups in reverse order, and returns the fake for
// inspection.
func runFake(t *testing.T, body func(tb *fakeTB)) *fakeTB {
	t.Helper()
	f := &fakeTB{real: t}
	goexitSafe(func() { body(f) })
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		goexitSafe(f.cleanups[i])
	}
	return f
}

// goexitSafe runs fn on a new goroutine and waits for it, so that
// runtime.Goexit in fn ends only that goroutine.
func goexitSafe(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
}

// joined returns all messages of a list as one string.
func (f *fakeTB) joined(list []string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(list, "\n")
}

// artifactsInTemp sends screenshots of the test to its temp directory.
func artifactsInTemp(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv(EnvArtifacts, dir)
	return dir
}

func htmlPage(title, body string) string {
	return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>` + title + `</title>
</head>
<body>
<main>
` + body + `
</main>
</body>
</html>
`
}

// newServer serves the test pages, every one with the strict CSP.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	serve := func(pattern, body string) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, body)
		})
	}
	serve("GET /clean", htmlPage("Clean page", `<h1>Clean</h1>
<p id="inline">inline script blocked</p>
<p id="nonced">nonce script did not run</p>
<script>document.getElementById("inline").textContent = "inline script ran";</script>
<script nonce="abc">document.getElementById("nonced").textContent = "nonce script ran";</script>`))
	serve("GET /unlabelled", htmlPage("Unlabelled field", `<h1>Search</h1>
<form action="/clean" method="get">
<input type="text" name="q">
<button type="submit">Search</button>
</form>`))
	serve("GET /stray", htmlPage("Stray end tag", `<h1>Stray</h1>
<p>One paragraph.</p>
</div>`))
	serve("GET /form", htmlPage("Form", `<h1>Sign up</h1>
<form action="/submit" method="post">
<label for="name">Name</label>
<input type="text" id="name" name="name">
<button type="submit">Send</button>
</form>`))
	// A GET of /submit gives a valid page, so only the captured POST
	// response can make the checker complain.
	serve("GET /submit", htmlPage("Submit", `<h1>Nothing posted</h1>`))
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, htmlPage("Thanks", `<h1>Thanks, `+html.EscapeString(r.PostFormValue("name"))+`</h1>
<p id="dup">First.</p>
<p id="dup">Second.</p>`))
	})
	serve("GET /links", htmlPage("Links", `<h1>Links</h1>
<p><a href="/one" id="first">First</a> and <a href="/two" id="second">second</a>.</p>`))
	serve("GET /one", htmlPage("Page one", `<h1>One</h1>`))
	serve("GET /two", htmlPage("Page two", `<h1>Two</h1>`))

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", strictCSP)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCleanPagePasses(t *testing.T) {
	Require(t)
	srv := newServer(t)
	artifacts := artifactsInTemp(t)

	var inline, nonced string
	var pages []string
	f := runFake(t, func(tb *fakeTB) {
		b := newBrowser(tb)
		b.Navigate(srv.URL + "/clean")
		inline, nonced = b.Text("#inline"), b.Text("#nonced")
		b.Check()
		b.Check() // a second check of the same document queues it once
		pages = b.Pages()
	})

	if msgs := f.joined(append(append(f.errs, f.fatals...), f.skips...)); msgs != "" {
		t.Fatalf("clean page reported problems:\n%s", msgs)
	}
	// The page's CSP is in force, and Check ran axe-core under it.
	if inline != "inline script blocked" || nonced != "nonce script ran" {
		t.Errorf("CSP not in force: inline=%q nonced=%q", inline, nonced)
	}
	if want := []string{srv.URL + "/clean"}; fmt.Sprint(pages) != fmt.Sprint(want) {
		t.Errorf("Pages() = %v, want %v", pages, want)
	}
	if logs := f.joined(f.logs); !strings.Contains(logs, "Nu HTML Checker found no errors in 1 page(s)") {
		t.Errorf("vnu did not report a clean run; logs:\n%s", logs)
	}
	if shots, _ := filepath.Glob(filepath.Join(artifacts, "*.png")); len(shots) != 0 {
		t.Errorf("screenshots of a passing test: %v", shots)
	}
}

func TestAxeViolationIsReported(t *testing.T) {
	Require(t)
	srv := newServer(t)
	artifacts := artifactsInTemp(t)

	f := runFake(t, func(tb *fakeTB) {
		b := newBrowser(tb)
		b.Navigate(srv.URL + "/unlabelled")
		b.Check()
	})

	if len(f.fatals) != 0 {
		t.Fatalf("unexpected fatal: %s", f.joined(f.fatals))
	}
	errs := f.joined(f.errs)
	for _, want := range []string{"axe-core found", "/unlabelled", "label: Form elements must have labels", "at input: <input type=\"text\" name=\"q\">"} {
		if !strings.Contains(errs, want) {
			t.Errorf("report lacks %q:\n%s", want, errs)
		}
	}
	if strings.Contains(errs, "Nu HTML Checker") {
		t.Errorf("valid HTML reported by vnu:\n%s", errs)
	}
	shots, _ := filepath.Glob(filepath.Join(artifacts, "*.png"))
	if len(shots) == 0 {
		t.Errorf("no screenshot saved in %s", artifacts)
	}
	if logs := f.joined(f.logs); !strings.Contains(logs, "screenshot of ") {
		t.Errorf("screenshot path not logged:\n%s", logs)
	}
}

func TestHTMLErrorIsReported(t *testing.T) {
	Require(t)
	srv := newServer(t)
	artifactsInTemp(t)

	f := runFake(t, func(tb *fakeTB) {
		b := newBrowser(tb)
		b.Navigate(srv.URL + "/stray")
		b.Check()
	})

	if len(f.fatals) != 0 {
		t.Fatalf("unexpected fatal: %s", f.joined(f.fatals))
	}
	errs := f.joined(f.errs)
	for _, want := range []string{"Nu HTML Checker found 1 error(s)", srv.URL + "/stray:11:", "Stray end tag"} {
		if !strings.Contains(errs, want) {
			t.Errorf("report lacks %q:\n%s", want, errs)
		}
	}
	if strings.Contains(errs, "axe-core") {
		t.Errorf("accessible page reported by axe:\n%s", errs)
	}
}

func TestFormPostIsValidated(t *testing.T) {
	Require(t)
	srv := newServer(t)
	artifactsInTemp(t)

	var heading, location string
	var pages []string
	f := runFake(t, func(tb *fakeTB) {
		b := newBrowser(tb)
		b.Navigate(srv.URL + "/form")
		b.Check()
		b.SendKeys("#name", "Ada")
		b.ClickAndWait("button[type=submit]")
		heading, location = b.Text("h1"), b.Location()
		b.Check()
		pages = b.Pages()
	})

	if len(f.fatals) != 0 {
		t.Fatalf("unexpected fatal: %s", f.joined(f.fatals))
	}
	if heading != "Thanks, Ada" || location != srv.URL+"/submit" {
		t.Errorf("after POST: heading %q at %s", heading, location)
	}
	if want := []string{srv.URL + "/form", srv.URL + "/submit"}; fmt.Sprint(pages) != fmt.Sprint(want) {
		t.Errorf("Pages() = %v, want %v", pages, want)
	}
	errs := f.joined(f.errs)
	if !strings.Contains(errs, srv.URL+"/submit:") || !strings.Contains(errs, "Duplicate ID") {
		t.Errorf("duplicate id in the POST response not reported:\n%s", errs)
	}
	if strings.Contains(errs, srv.URL+"/form:") {
		t.Errorf("valid form page reported:\n%s", errs)
	}
}

func TestKeyboardNavigation(t *testing.T) {
	Require(t)
	srv := newServer(t)
	artifactsInTemp(t)
	b := New(t)

	b.Navigate(srv.URL + "/links")
	b.Check()
	if got := b.FocusedElement(); got.Tag != "body" {
		t.Errorf("focus before any key = %s, want body", got)
	}
	b.Press("Tab")
	if got := b.FocusedElement(); got.ID != "first" || got.Text != "First" || got.Href != "/one" {
		t.Errorf("after Tab, focus = %s, want the first link", got)
	}
	b.Press("Tab")
	if got := b.FocusedElement(); got.ID != "second" {
		t.Errorf("after Tab Tab, focus = %s, want the second link", got)
	}
	b.Press("Shift+Tab")
	if got := b.FocusedElement(); got.ID != "first" {
		t.Errorf("after Shift+Tab, focus = %s, want the first link", got)
	}
	b.PressAndWait("Enter")
	if got, want := b.Location(), srv.URL+"/one"; got != want {
		t.Errorf("Enter on the first link led to %s, want %s", got, want)
	}
	if got := b.Title(); got != "Page one" {
		t.Errorf("title = %q", got)
	}
	if got := b.Attr("html", "lang"); got != "en" {
		t.Errorf("lang = %q", got)
	}
}

func TestRequireReturnsTools(t *testing.T) {
	dir := t.TempDir()
	want := Tools{
		Chromium: filepath.Join(dir, "chromium"),
		AxeJS:    filepath.Join(dir, "axe.min.js"),
		VNUJar:   filepath.Join(dir, "vnu.jar"),
		Java:     filepath.Join(dir, "java"),
	}
	for name, mode := range map[string]os.FileMode{want.Chromium: 0o755, want.AxeJS: 0o644, want.VNUJar: 0o644, want.Java: 0o755} {
		if err := os.WriteFile(name, nil, mode); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(EnvChromium, want.Chromium)
	t.Setenv(EnvAxeJS, want.AxeJS)
	t.Setenv(EnvVNUJar, want.VNUJar)
	t.Setenv("PATH", dir)
	if got := Require(t); got != want {
		t.Errorf("Require = %+v, want %+v", got, want)
	}
}

func TestMissingChromiumSkips(t *testing.T) {
	t.Setenv(EnvChromium, "/nonexistent")
	t.Setenv(EnvCI, "")
	f := runFake(t, func(tb *fakeTB) { newBrowser(tb) })
	if len(f.skips) != 1 || len(f.errs)+len(f.fatals) != 0 {
		t.Fatalf("want one skip and no failure; skips %q, errors %q, fatals %q", f.skips, f.errs, f.fatals)
	}
	if msg := f.skips[0]; strings.Contains(msg, "\n") || !strings.Contains(msg, "chromium not found at /nonexistent") {
		t.Errorf("skip reason = %q", msg)
	}
}

func TestMissingChromiumFailsUnderCI(t *testing.T) {
	t.Setenv(EnvChromium, "/nonexistent")
	t.Setenv(EnvCI, "1")
	f := runFake(t, func(tb *fakeTB) { newBrowser(tb) })
	if len(f.fatals) != 1 || len(f.skips) != 0 {
		t.Fatalf("want one fatal; skips %q, fatals %q", f.skips, f.fatals)
	}
	if msg := f.fatals[0]; strings.Contains(msg, "\n") || !strings.Contains(msg, "chromium not found") {
		t.Errorf("fatal reason = %q", msg)
	}
}

func TestMissingAxeSkips(t *testing.T) {
	t.Setenv(EnvAxeJS, filepath.Join(t.TempDir(), "axe.min.js"))
	t.Setenv(EnvCI, "")
	if _, err := findChromium(); err != nil {
		t.Skip("chromium is checked first")
	}
	f := runFake(t, func(tb *fakeTB) { newBrowser(tb) })
	if len(f.skips) != 1 || !strings.Contains(f.skips[0], "axe-core not found") {
		t.Fatalf("skips %q, fatals %q", f.skips, f.fatals)
	}
}

func TestVNUFailureToStartIsReported(t *testing.T) {
	java, err := findJava()
	if err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	bogus := filepath.Join(dir, "vnu.jar")
	file := filepath.Join(dir, "page-001.html")
	for name, content := range map[string]string{bogus: "not a jar", file: htmlPage("x", "<p>x</p>")} {
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pages := []checkedPage{{url: "http://example.test/x", file: file}}
	if _, err := runVNU(context.Background(), java, bogus, pages); err == nil {
		t.Fatal("runVNU with a corrupt jar returned no error")
	}

	f := runFake(t, func(tb *fakeTB) {
		b := &Browser{t: tb, tools: Tools{Java: java, VNUJar: bogus}, pages: pages}
		b.validateQueued()
	})
	if errs := f.joined(f.errs); !strings.Contains(errs, "Nu HTML Checker did not run") {
		t.Errorf("failure to start not reported; errors:\n%s", errs)
	}

	f = runFake(t, func(tb *fakeTB) {
		b := &Browser{t: tb, tools: Tools{Java: filepath.Join(dir, "no-java")}, pages: pages}
		b.validateQueued()
	})
	if errs := f.joined(f.errs); !strings.Contains(errs, "Nu HTML Checker did not run") {
		t.Errorf("missing java not reported; errors:\n%s", errs)
	}
}

func TestKeyAction(t *testing.T) {
	for _, key := range []string{"Tab", "Shift+Tab", "Enter", "Escape", "Space", "ArrowDown", "a", "Control+a", "Control++"} {
		if _, err := keyAction(key); err != nil {
			t.Errorf("keyAction(%q): %v", key, err)
		}
	}
	for _, key := range []string{"Nope", "Hyperdrive+Tab"} {
		if _, err := keyAction(key); err == nil {
			t.Errorf("keyAction(%q) accepted", key)
		}
	}
}

func TestElementString(t *testing.T) {
	e := Element{Tag: "a", ID: "home", Href: "/", Text: "Home"}
	if got, want := e.String(), `a#home[href="/"] "Home"`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
}
