package server_test

import (
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"

	"fristad/internal/server"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sitetest"
	"fristad/internal/testing/sqlstoretest"
)

const benchPage = "/en/rights/reflection-period"

// BenchmarkPublicPage measures one portal page through the public site's
// whole handler chain (request id, security headers, metrics, the log
// call, the mux, the portal), in process and without the network: what a
// request costs the server before net/http reads and writes it. Logging
// is at warn, as in the nginx comparison of bench/portal.sh.
func BenchmarkPublicPage(b *testing.B) {
	benchmarkPublic(b, slog.LevelWarn)
}

// BenchmarkPublicPageLogged is BenchmarkPublicPage with a log line per
// request (level info, to a discarded JSON handler): the cost of the
// default logging.
func BenchmarkPublicPageLogged(b *testing.B) {
	benchmarkPublic(b, slog.LevelInfo)
}

// BenchmarkMinimalHandler is the floor BenchmarkPublicPage is measured
// against, as bench/portal.sh does over the network: a handler that
// writes the page's bytes with the page's headers, copied from a map made
// once, and does nothing else.
func BenchmarkMinimalHandler(b *testing.B) {
	h := publicHandler(b)
	req := benchRequest()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	header, body := rec.Header().Clone(), rec.Body.Bytes()
	minimal := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		maps.Copy(w.Header(), header)
		w.WriteHeader(http.StatusOK)
		w.Write(body)
	})
	run(b, minimal, req)
}

func benchmarkPublic(b *testing.B, level slog.Level) {
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: level})))
	b.Cleanup(func() { slog.SetDefault(old) })
	run(b, publicHandler(b), benchRequest())
}

// publicHandler returns the public site's handler chain, built as for a
// server.
func publicHandler(b *testing.B) http.Handler {
	b.Helper()
	s, err := server.New(sitetest.Config(b, sqlstoretest.MustOpen(b, sqlstore.SQLite).DB))
	if err != nil {
		b.Fatal(err)
	}
	return server.PublicHandler(s)
}

func benchRequest() *http.Request {
	req := httptest.NewRequest(http.MethodGet, benchPage, nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	return req
}

func run(b *testing.B, h http.Handler, req *http.Request) {
	w := &discardWriter{h: http.Header{}}
	h.ServeHTTP(w, req)
	if w.status != http.StatusOK {
		b.Fatalf("status %d, want 200", w.status)
	}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, req)
	}
}

type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(p), nil
}
func (w *discardWriter) WriteHeader(status int) { w.status = status }
