package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkPublicPage measures one portal page through the public site's
// whole handler chain (request id, nonce, security headers, metrics, the
// log call, the portal), in process and without the network: what a
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

func benchmarkPublic(b *testing.B, level slog.Level) {
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: level})))
	b.Cleanup(func() { slog.SetDefault(old) })
	s, err := New(Config{StaffAddr: "127.0.0.1:0", PublicAddr: "127.0.0.1:0"})
	if err != nil {
		b.Fatal(err)
	}
	h := s.public.Handler
	req := httptest.NewRequest(http.MethodGet, "/en/rights/reflection-period", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
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
