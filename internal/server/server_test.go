package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"fristad/internal/server"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"
)

func mustStartMigrated(t *testing.T) *server.Server {
	t.Helper()
	return sitetest.StartOn(t, sqlstoretest.MustOpen(t, sqlstore.SQLite))
}

var nonceRE = regexp.MustCompile(`'nonce-([A-Za-z0-9_-]{20,})'`)

// TestSecurityHeaders checks every kind of response of both sites (pages,
// errors, assets, probes, the API) for the security headers (SR-50).
func TestSecurityHeaders(t *testing.T) {
	s := mustStartMigrated(t)
	staff, public := s.StaffURL(), s.PublicURL()
	for _, tt := range []struct {
		method, url string
		status      int
	}{
		{"GET", staff + "/", 200},
		{"GET", staff + "/no-such-page", 404},
		{"GET", staff + "/healthz", 200},
		{"GET", staff + "/readyz", 200},
		{"GET", staff + "/metrics", 200},
		{"GET", staff + "/api/v1/openapi.json", 200},
		{"GET", staff + "/api/v1/no-such-endpoint", 404},
		{"POST", staff + "/language", 403},
		{"TRACE", staff + "/", 405},
		{"GET", public + "/", 200},
		{"GET", public + "/sv/", 200},
		{"GET", public + "/en/", 200},
		{"GET", public + "/en/services", 200},
		{"GET", public + "/fa-AF/services?group=women", 200},
		{"GET", public + "/xx/", 404},
		{"GET", public + "/healthz", 200},
		{"DELETE", public + "/sv/", 405},
	} {
		t.Run(tt.method+" "+tt.url, func(t *testing.T) {
			resp, _ := sitetest.Do(t, tt.method, tt.url, nil, nil)
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d; want %d", resp.StatusCode, tt.status)
			}
			h := resp.Header
			csp := h.Get("Content-Security-Policy")
			for _, directive := range []string{"default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'", "form-action 'self'"} {
				if !strings.Contains(csp, directive) {
					t.Errorf("CSP %q lacks %q", csp, directive)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") || strings.Contains(csp, "strict-dynamic") || strings.Contains(csp, "http") {
				t.Errorf("CSP %q allows inline code, eval, scripts added by scripts, or another host", csp)
			}
			if strings.HasPrefix(tt.url, public) {
				// The portal's pages are the same for everyone: scripts
				// and styles only as the site's own files, no nonce.
				if !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "style-src 'self';") || strings.Contains(csp, "nonce") {
					t.Errorf("public CSP %q: want scripts and styles from 'self' only", csp)
				}
			} else if !nonceRE.MatchString(csp) || !strings.Contains(csp, "script-src 'nonce-") {
				t.Errorf("CSP %q has no nonce", csp)
			}
			for name, want := range map[string]string{
				"X-Content-Type-Options":       "nosniff",
				"Referrer-Policy":              "no-referrer",
				"X-Frame-Options":              "DENY",
				"Cross-Origin-Opener-Policy":   "same-origin",
				"Cross-Origin-Resource-Policy": "same-origin",
			} {
				if got := h.Get(name); got != want {
					t.Errorf("%s = %q; want %q", name, got, want)
				}
			}
			for _, name := range []string{"Strict-Transport-Security", "Permissions-Policy", "X-Request-Id", "Cache-Control"} {
				if h.Get(name) == "" {
					t.Errorf("no %s header", name)
				}
			}
			for _, name := range []string{"Server", "X-Powered-By", "Access-Control-Allow-Origin"} {
				if h.Get(name) != "" {
					t.Errorf("%s header present: %q", name, h.Get(name))
				}
			}
			if strings.HasPrefix(tt.url, public) && len(resp.Cookies()) > 0 {
				t.Errorf("the portal set a cookie: %v", resp.Cookies())
			}
		})
	}
}

// TestNonce checks that each response of the workspace has its own nonce
// and that the page uses that one, and that the portal's pages, rendered
// ahead of time, need none: the same policy and the same bytes on every
// response, with the stylesheet and script as the site's own files.
func TestNonce(t *testing.T) {
	s := mustStartMigrated(t)
	seen := map[string]bool{}
	for _, u := range []string{s.StaffURL() + "/", s.StaffURL() + "/"} {
		resp, body := sitetest.Do(t, "GET", u, nil, nil)
		m := nonceRE.FindStringSubmatch(resp.Header.Get("Content-Security-Policy"))
		if m == nil {
			t.Fatalf("%s: no nonce", u)
		}
		if seen[m[1]] {
			t.Errorf("%s: nonce %s used twice", u, m[1])
		}
		seen[m[1]] = true
		if !strings.Contains(body, `nonce="`+m[1]+`"`) {
			t.Errorf("%s: the page does not carry the response's nonce", u)
		}
	}
	u := s.PublicURL() + "/sv/"
	first, body := sitetest.Do(t, "GET", u, nil, nil)
	again, body2 := sitetest.Do(t, "GET", u, nil, nil)
	csp := first.Header.Get("Content-Security-Policy")
	if csp == "" || again.Header.Get("Content-Security-Policy") != csp || body2 != body {
		t.Errorf("%s: two answers differ in their policy (%q, %q) or bytes", u, csp, again.Header.Get("Content-Security-Policy"))
	}
	if strings.Contains(csp, "nonce") || strings.Contains(body, "nonce") {
		t.Errorf("%s: a nonce in the policy %q or the page", u, csp)
	}
	if !regexp.MustCompile(`<link rel="stylesheet" href="/static/style\.[0-9a-f]+\.css">`).MatchString(body) ||
		!regexp.MustCompile(`<script src="/static/quick-exit\.[0-9a-f]+\.js" defer></script>`).MatchString(body) ||
		strings.Count(body, "<script") != 1 || strings.Contains(body, "<style") {
		t.Errorf("%s: want the stylesheet and the quick exit's script as the site's files and nothing inline", u)
	}
}

// TestCrossOrigin checks that state-changing requests from another site
// are refused (SR-51).
func TestCrossOrigin(t *testing.T) {
	s := mustStartMigrated(t)
	form, token := sitetest.FormToken(t, s)
	with := func(k, v string) map[string]string {
		m := map[string]string{k: v}
		for fk, fv := range form {
			m[fk] = fv
		}
		return m
	}
	for _, tt := range []struct {
		name   string
		header map[string]string
		status int
	}{
		{"cross-site fetch metadata", with("Sec-Fetch-Site", "cross-site"), 403},
		{"foreign origin", with("Origin", "https://evil.example"), 403},
		{"same origin", with("Sec-Fetch-Site", "same-origin"), 303},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := sitetest.Do(t, "POST", s.StaffURL()+"/language", strings.NewReader(token+"lang=en&next=/"), tt.header)
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d; want %d", resp.StatusCode, tt.status)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	s := mustStartMigrated(t)
	form, token := sitetest.FormToken(t, s)
	big := token + "lang=en&next=/" + strings.Repeat("x", 2<<20)
	resp, _ := sitetest.Do(t, "POST", s.StaffURL()+"/language", strings.NewReader(big), form)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("declared 2 MiB body: status %d; want 413", resp.StatusCode)
	}
	// Without a declared length, reading stops at the limit.
	resp, body := sitetest.Do(t, "POST", s.StaffURL()+"/language", io.MultiReader(strings.NewReader(big)), form)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "<html") {
		t.Errorf("streamed 2 MiB body: status %d; want 413 with the error page", resp.StatusCode)
	}
}

func TestErrorPages(t *testing.T) {
	s := mustStartMigrated(t)
	for _, tt := range []struct {
		url, lang, status, want string
	}{
		{s.StaffURL() + "/no-such-page", "", "404", "Sidan finns inte"},
		{s.StaffURL() + "/no-such-page", "en", "404", "Page not found"},
		{s.PublicURL() + "/no-such-page", "en", "404", "Page not found"},
		{s.PublicURL() + "/sv/no-such-page", "en", "404", "Sidan finns inte"},
		{s.PublicURL() + "/xx/", "", "404", "Sidan finns inte"},
	} {
		resp, body := sitetest.Do(t, "GET", tt.url, nil, map[string]string{"Accept-Language": tt.lang})
		if got := resp.Status[:3]; got != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s (%s) = %s; want %s with %q", tt.url, tt.lang, got, tt.status, tt.want)
		}
	}
	resp, body := sitetest.Do(t, "POST", s.StaffURL()+"/api/v1/no-such-endpoint", nil, map[string]string{"Sec-Fetch-Site": "same-origin"})
	if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/json" ||
		!strings.Contains(body, `{"error":{"code":"not_found","message":`) {
		t.Errorf("API 404 = %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestMetricsOnlyOnStaff(t *testing.T) {
	s := mustStartMigrated(t)
	sitetest.Do(t, "GET", s.PublicURL()+"/sv/", nil, nil)
	resp, body := sitetest.Do(t, "GET", s.StaffURL()+"/metrics", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `fristad_http_requests_total{code="200",pattern="GET /{lang}/{$}",site="public"} 1`) {
		t.Errorf("staff /metrics = %d, lacks the portal request count", resp.StatusCode)
	}
	resp, _ = sitetest.Do(t, "GET", s.PublicURL()+"/metrics", nil, nil)
	if resp.StatusCode == 200 {
		t.Error("the portal serves /metrics")
	}
}

// TestReadiness checks that /readyz fails while the schema is behind and
// /healthz does not.
func TestReadiness(t *testing.T) {
	s := sitetest.StartOn(t, sqlstoretest.MustOpenEmpty(t, sqlstore.SQLite))
	for _, base := range []string{s.StaffURL(), s.PublicURL()} {
		if resp, _ := sitetest.Do(t, "GET", base+"/healthz", nil, nil); resp.StatusCode != 200 {
			t.Errorf("%s/healthz = %d; want 200", base, resp.StatusCode)
		}
		resp, body := sitetest.Do(t, "GET", base+"/readyz", nil, nil)
		if resp.StatusCode != 503 || strings.Contains(body, "migrate") {
			t.Errorf("%s/readyz = %d %q; want 503 without details", base, resp.StatusCode, body)
		}
	}
}

func TestStaticAssets(t *testing.T) {
	s := mustStartMigrated(t)
	_, page := sitetest.Do(t, "GET", s.PublicURL()+"/sv/", nil, nil)
	m := regexp.MustCompile(`href="(/static/style\.[0-9a-f]+\.css)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no hashed stylesheet link in the page")
	}
	resp, body := sitetest.Do(t, "GET", s.PublicURL()+m[1], nil, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/css; charset=utf-8" ||
		!strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.Contains(body, ":root") {
		t.Fatalf("stylesheet: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	resp, _ = sitetest.Do(t, "GET", s.PublicURL()+m[1], nil, map[string]string{"If-None-Match": resp.Header.Get("ETag")})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation = %d; want 304", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", s.PublicURL()+m[1], nil)
	req.Header.Set("Accept-Encoding", "gzip")
	gz, err := sitetest.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer gz.Body.Close()
	zr, err := gzip.NewReader(gz.Body)
	if err != nil || gz.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip: %v %q", err, gz.Header.Get("Content-Encoding"))
	}
	unzipped, _ := io.ReadAll(zr)
	if string(unzipped) != body {
		t.Error("the gzipped stylesheet differs from the plain one")
	}
	if resp, _ := sitetest.Do(t, "GET", s.PublicURL()+"/static/style.000000000000.css", nil, nil); resp.StatusCode != 404 {
		t.Errorf("a stale hash = %d; want 404", resp.StatusCode)
	}
}

// TestLogsCarryNoRequestData checks that the request log names the route
// pattern, never the path or query, which could carry personal data
// (SR-53).
func TestLogsCarryNoRequestData(t *testing.T) {
	var buf syncBuffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	s := mustStartMigrated(t)
	sitetest.Do(t, "GET", s.StaffURL()+"/api/v1/persons?name=Canary-Svensson", nil, nil)
	sitetest.Do(t, "GET", s.PublicURL()+"/sv/Canary-Svensson", nil, nil)
	sitetest.Do(t, "GET", s.StaffURL()+"/?q=Canary-Svensson", nil, nil)
	logs := buf.String()
	if strings.Contains(logs, "Canary") {
		t.Errorf("the log carries request data:\n%s", logs)
	}
	if !strings.Contains(logs, `"pattern":"GET /api/v1/"`) {
		t.Errorf("the log lacks the route pattern:\n%s", logs)
	}
}

type syncBuffer struct {
	mu  chan struct{}
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.lock()
	defer b.unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.lock()
	defer b.unlock()
	return b.buf.String()
}

func (b *syncBuffer) lock() {
	if b.mu == nil {
		b.mu = make(chan struct{}, 1)
	}
	b.mu <- struct{}{}
}

func (b *syncBuffer) unlock() { <-b.mu }
