package server

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"hash/maphash"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"fristad"
	"fristad/internal/render"
)

// chain wraps a site's routes in the middleware every response passes
// through, outermost first: request id, logging and metrics, the client's
// address behind a trusted proxy, recovery, security headers, body limit,
// cross-origin protection, and last the request id in the context and the
// route pattern noted. front, if not nil, puts a handler in front of that
// last step (see New).
func (s *Server) chain(site string, mux *http.ServeMux, front func(http.Handler) http.Handler) http.Handler {
	s.registerCSPReports(mux, site)
	routes := withRequestID(recordPattern(mux))
	if front != nil {
		routes = recordPattern(front(routes))
	}
	h := crossOriginProtection(routes)
	h = limitBody(h)
	h = secureHeaders(site, h)
	h = s.recoverPanics(h)
	h = realClient(s.cfg.TrustedProxies, h)
	return s.logRequests(site, newRequestIDs(), h)
}

// withRequestID puts the request's id (made by logRequests, which sends
// it back as X-Request-Id) into its context, for the handlers' error
// pages, log lines and audit events, so that a user's error reference
// finds the log line. It is the last step before the routes: a handler in
// front of it that answers from memory (portal.Rendered) needs no context
// and saves the request copy.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sw := findStatusWriter(w); sw != nil {
			r = r.WithContext(fristad.NewContextWithRequestID(r.Context(), sw.id[0]))
		}
		next.ServeHTTP(w, r)
	})
}

// requestIDs makes request ids without a random number per request: the
// requests are counted, and an id is the count hashed with a key drawn
// once for the process (hash/maphash, seeded at random). The ids are as
// unique as random 64-bit ones, cost a few nanoseconds, and, unlike the
// count itself, do not tell a visitor how many requests the site answers.
type requestIDs struct {
	seed  maphash.Seed
	count atomic.Uint64
}

func newRequestIDs() *requestIDs { return &requestIDs{seed: maphash.MakeSeed()} }

// next returns a new id: 16 hexadecimal digits.
func (ids *requestIDs) next() string {
	const digits = "0123456789abcdef"
	v := maphash.Comparable(ids.seed, ids.count.Add(1))
	var b [16]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = digits[v&15]
		v >>= 4
	}
	return string(b[:])
}

// recordPattern notes which route pattern served the request, after the
// routes have matched it, on the response's statusWriter for the log line
// written by logRequests. The mux sets the pattern on the request it is
// given; a request that the routes passed on as a copy (withRequestID)
// has none here, and the copy's was noted inside.
func recordPattern(routes http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		routes.ServeHTTP(w, r)
		if sw := findStatusWriter(w); sw != nil && r.Pattern != "" {
			sw.pattern = r.Pattern
		}
	})
}

// findStatusWriter returns the statusWriter that w is or wraps, or nil.
func findStatusWriter(w http.ResponseWriter) *statusWriter {
	for {
		switch v := w.(type) {
		case *statusWriter:
			return v
		case interface{ Unwrap() http.ResponseWriter }:
			w = v.Unwrap()
		default:
			return nil
		}
	}
}

// statusWriter remembers the status and size of a response, the route
// pattern that answered (recordPattern), and the request's id, as the
// value of the X-Request-Id header (a full slice, see headerValue).
type statusWriter struct {
	http.ResponseWriter
	status  int
	bytes   int
	pattern string
	id      [1]string
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests gives every request an id and writes one log line and the
// metrics for each. It logs the route pattern, never the path or query,
// which could carry search terms, and never a client address on the
// public site.
func (s *Server) logRequests(site string, ids *requestIDs, next http.Handler) http.Handler {
	series := s.metrics.site(site)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, id: [1]string{ids.next()}}
		w.Header()["X-Request-Id"] = sw.id[:]
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		elapsed := time.Since(start)
		pattern := sw.pattern
		if pattern == "" {
			pattern = "unmatched"
		}
		series.observe(pattern, sw.status, elapsed)
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		// Checked first, so that a quiet log costs no arguments.
		if l := slog.Default(); l.Enabled(r.Context(), level) {
			l.Log(r.Context(), level, "request",
				"site", site,
				"method", r.Method,
				"pattern", pattern,
				"status", sw.status,
				"bytes", sw.bytes,
				"duration_ms", float64(elapsed.Microseconds())/1000,
				"request_id", sw.id[0],
			)
		}
	})
}

// recoverPanics turns a panic in a handler into a 500 answer and a log
// line, so one bug does not end the process or show a stack trace.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.metrics.panics.Inc()
			var id string
			if sw := findStatusWriter(w); sw != nil {
				id = sw.id[0]
			}
			slog.ErrorContext(r.Context(), "panic", "value", fmt.Sprint(v), "request_id", id, "pattern", r.Pattern)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "Internal error. Reference: %s\n", id)
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders are the security headers of every response of both
// sites besides the Content-Security-Policy (SR-50): no referrer; no MIME
// sniffing; no framing; isolation from other origins; no caching unless a
// handler allows it; no powerful browser features; HTTPS only. They are
// made once: each response shares the values (see headerValue).
var securityHeaders = []headerValue{
	header("Reporting-Endpoints", `csp="/csp-report"`),
	header("X-Content-Type-Options", "nosniff"),
	header("X-Frame-Options", "DENY"),
	header("Referrer-Policy", "no-referrer"),
	header("Cross-Origin-Opener-Policy", "same-origin"),
	header("Cross-Origin-Resource-Policy", "same-origin"),
	header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"),
	header("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
	header("Cache-Control", "no-store"),
}

// The Content-Security-Policy of both sites but for scripts and styles:
// nothing from another host, no plugins, no framing, forms only to the
// site itself, violations reported (SR-50).
const cspRest = "img-src 'self'; font-src 'self'; connect-src 'self'; manifest-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; " +
	"report-to csp"

// publicCSP is the public site's policy. Its pages are the same bytes for
// everyone, rendered ahead of time, so they carry no nonce: the policy
// allows scripts and styles only as files of the site's own ('self'),
// and no inline script or style at all. What the public listener serves
// from its own origin is the portal's pages, the hashed static files and
// the directory's JSON, which browsers do not run as a script (nosniff),
// so 'self' lets in nothing but the site's own stylesheet and scripts.
const publicCSP = "default-src 'none'; script-src 'self'; style-src 'self'; " + cspRest

// secureHeaders sets the security headers on every response (SR-50). On
// the public site they are the same on every response, made once. The
// staff workspace's pages are rendered for each request with secrets in
// them, and its policy carries a fresh nonce that allows only this
// site's own styles and nonced scripts; its answers are not for robots.
func secureHeaders(site string, next http.Handler) http.Handler {
	if site == PublicSite {
		csp := header("Content-Security-Policy", publicCSP)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h[csp.name] = csp.value
			for _, hv := range securityHeaders {
				h[hv.name] = hv.value
			}
			next.ServeHTTP(w, r)
		})
	}
	robots := header("X-Robots-Tag", "noindex, nofollow")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [18]byte
		rand.Read(b[:])
		nonce := base64.RawURLEncoding.EncodeToString(b[:])
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; "+
			"script-src 'nonce-"+nonce+"'; "+
			"style-src 'self' 'nonce-"+nonce+"'; "+cspRest)
		for _, hv := range securityHeaders {
			h[hv.name] = hv.value
		}
		h[robots.name] = robots.value
		next.ServeHTTP(w, r.WithContext(render.NewContextWithNonce(r.Context(), nonce)))
	})
}

// headerValue is a header ready to put into an http.Header: its name in
// canonical form and its value in a full slice (len == cap), so that
// responses can share it: a later Add copies it first, Set replaces it,
// and nothing writes into it.
type headerValue struct {
	name  string
	value []string
}

func header(name, value string) headerValue {
	return headerValue{http.CanonicalHeaderKey(name), []string{value}}
}

// limitBody refuses request bodies over maxBodyBytes: at once when the
// length is declared, and otherwise when reading passes the limit.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r) // nothing to read, nothing to limit
			return
		}
		limit := int64(maxBodyBytes)
		if isUpload(r) {
			limit = fristad.MaxDocumentUpload
		}
		if r.ContentLength > limit {
			w.Header().Set("Connection", "close")
			http.Error(w, "Request body too large.", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// isUpload reports whether r uploads a document to a case, in the
// workspace or the API: the only requests whose body may be larger than
// maxBodyBytes, up to fristad.MaxDocumentUpload.
func isUpload(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	p := strings.TrimPrefix(r.URL.Path, "/api/v1")
	id, ok := strings.CutPrefix(p, "/cases/")
	if !ok {
		return false
	}
	id, ok = strings.CutSuffix(id, "/documents")
	return ok && id != "" && !strings.Contains(id, "/")
}

// crossOriginProtection refuses state-changing requests that a browser
// marks as coming from another site. Forms also carry a token (SR-51),
// because requests with neither Origin nor Sec-Fetch-Site pass here.
func crossOriginProtection(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	// Browsers send CSP violation reports on their own; they change nothing.
	cop.AddInsecureBypassPattern("POST /csp-report")
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Cross-origin request refused.", http.StatusForbidden)
	}))
	return cop.Handler(next)
}

// registerCSPReports counts the browsers' Content-Security-Policy
// violation reports. A report means a page tried to load or run something
// the policy forbids: a bug, or an injection attempt. Only the count is
// kept; the report itself could carry a URL with personal data.
func (s *Server) registerCSPReports(mux *http.ServeMux, site string) {
	mux.HandleFunc("POST /csp-report", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, io.LimitReader(r.Body, 64<<10))
		s.metrics.cspReports.WithLabelValues(site).Inc()
		slog.WarnContext(r.Context(), "csp violation reported", "site", site)
		w.WriteHeader(http.StatusNoContent)
	})
}
