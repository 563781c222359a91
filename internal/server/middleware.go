package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"fristad"
	"fristad/internal/render"
)

// chain wraps a site's mux in the middleware every response passes
// through, outermost first: request id, the client's address behind a
// trusted proxy, logging and metrics, recovery,
// security headers, body limit, cross-origin protection.
func (s *Server) chain(site string, mux *http.ServeMux) http.Handler {
	s.registerCSPReports(mux, site)
	var h http.Handler = recordPattern(mux)
	h = crossOriginProtection(h)
	h = limitBody(h)
	h = secureHeaders(site, h)
	h = s.recoverPanics(h)
	h = s.logRequests(site, h)
	h = realClient(s.cfg.TrustedProxies, h)
	return requestID(h)
}

// requestID gives every request a random id, carried in its context and
// sent back as X-Request-Id, so a user's error reference finds the log line.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(fristad.NewContextWithRequestID(r.Context(), id)))
	})
}

// requestInfo collects what inner layers learn about a request for the
// log line written by the outer one.
type requestInfo struct {
	pattern string
}

type requestInfoKey struct{}

// recordPattern notes which route pattern served the request, after the
// mux has matched it.
func recordPattern(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if info, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
			info.pattern = r.Pattern
		}
	})
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
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

// logRequests writes one log line and the metrics for each request. It
// logs the route pattern, never the path or query, which could carry
// search terms, and never a client address on the public site.
func (s *Server) logRequests(site string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		elapsed := time.Since(start)
		pattern := info.pattern
		if pattern == "" {
			pattern = "unmatched"
		}
		s.metrics.observe(site, pattern, sw.status, elapsed)
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		slog.Log(r.Context(), level, "request",
			"site", site,
			"method", r.Method,
			"pattern", pattern,
			"status", sw.status,
			"bytes", sw.bytes,
			"duration_ms", float64(elapsed.Microseconds())/1000,
			"request_id", fristad.RequestIDFromContext(r.Context()),
		)
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
			id := fristad.RequestIDFromContext(r.Context())
			slog.ErrorContext(r.Context(), "panic", "value", fmt.Sprint(v), "request_id", id, "pattern", r.Pattern)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "Internal error. Reference: %s\n", id)
		}()
		next.ServeHTTP(w, r)
	})
}

// secureHeaders sets the security headers on every response (SR-50): a
// Content-Security-Policy with a fresh nonce that allows only this
// site's own styles and nonced scripts and no framing; no referrer; no
// MIME sniffing; isolation from other origins; no caching unless a
// handler allows it; no powerful browser features.
func secureHeaders(site string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [18]byte
		rand.Read(b[:])
		nonce := base64.RawURLEncoding.EncodeToString(b[:])
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; "+
			"script-src 'nonce-"+nonce+"'; "+
			"style-src 'self' 'nonce-"+nonce+"'; "+
			"img-src 'self'; font-src 'self'; connect-src 'self'; manifest-src 'self'; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; "+
			"report-to csp")
		h.Set("Reporting-Endpoints", `csp="/csp-report"`)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()")
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		h.Set("Cache-Control", "no-store")
		if site == StaffSite {
			h.Set("X-Robots-Tag", "noindex, nofollow")
		}
		next.ServeHTTP(w, r.WithContext(render.NewContextWithNonce(r.Context(), nonce)))
	})
}

// limitBody refuses request bodies over maxBodyBytes: at once when the
// length is declared, and otherwise when reading passes the limit.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
