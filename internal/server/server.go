// Package server runs Fristad's two sites on their own listeners: the staff
// workspace (with the JSON API and the metrics) and the public portal, so
// the portal can face the internet while the workspace stays on an
// internal network. It owns the middleware every response passes through:
// request ids, logging, recovery, security headers, body limits and
// cross-origin protection.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"fristad/internal/api"
	"fristad/internal/portal"
	"fristad/internal/render"
	"fristad/internal/web"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Site names, used in logs and metrics.
const (
	StaffSite  = "staff"
	PublicSite = "public"
)

// Limits on every listener (SR-45).
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 16 << 10
	maxBodyBytes      = 1 << 20
)

// Database is what the servers need of the database: to tell whether it
// is ready to serve.
type Database interface {
	Ping(ctx context.Context) error
	CheckSchema(ctx context.Context) error
}

// Config configures both sites. The sites' handlers come built (by
// cmd/fristad, from the domain services); the server adds the probes,
// the metrics, the static files and the middleware every response passes
// through, and runs the listeners.
type Config struct {
	StaffAddr  string
	PublicAddr string
	DB         Database
	StaffURL   string // where staff reach the workspace, for links in pages
	// TrustedProxies are reverse proxies whose X-Forwarded-For names the
	// client; from any other peer the header is ignored.
	TrustedProxies []netip.Prefix
	// Assets are the static files both sites link to.
	Assets *render.Assets
	// Workspace and API are served on the staff listener, Portal on the
	// public one.
	Workspace *web.Handler
	API       *api.Handler
	Portal    *portal.Handler
	// DirectoryRefresh is how often the portal reads its directory and
	// content again (default a minute).
	DirectoryRefresh time.Duration
	// Collectors are extra metrics to expose, such as the database pool's.
	Collectors []prometheus.Collector
}

// Server is the pair of HTTP servers.
type Server struct {
	cfg      Config
	staff    *http.Server
	public   *http.Server
	staffLn  net.Listener
	publicLn net.Listener
	metrics  *metrics

	staffUI  *web.Handler
	portalUI *portal.Handler
	stop     context.CancelFunc // ends the portal's directory refresh

	wg   sync.WaitGroup
	errc chan error
}

// New sets both sites up. Call Open to start listening.
func New(cfg Config) (*Server, error) {
	if cfg.Assets == nil || cfg.Workspace == nil || cfg.API == nil || cfg.Portal == nil {
		return nil, errors.New("server: the assets and the three sites' handlers are needed")
	}
	assets, staffUI, portalUI := cfg.Assets, cfg.Workspace, cfg.Portal
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, c := range cfg.Collectors {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("server: metrics: %w", err)
		}
	}
	s := &Server{cfg: cfg, metrics: newMetrics(reg), errc: make(chan error, 2), staffUI: staffUI, portalUI: portalUI}

	// The staff listener: workspace, API, probes, metrics.
	staffMux := http.NewServeMux()
	s.registerProbes(staffMux, StaffSite)
	staffMux.Handle("GET "+render.StaticPrefix+"{file}", assets)
	staffMux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	cfg.API.Register(staffMux)
	staffUI.Register(staffMux)

	// The public listener: the portal and its probes, nothing else.
	publicMux := http.NewServeMux()
	s.registerProbes(publicMux, PublicSite)
	publicMux.Handle("GET "+render.StaticPrefix+"{file}", assets)
	portalUI.Register(publicMux)

	s.staff = s.httpServer(s.chain(StaffSite, staffMux, nil))
	// The portal's pages rendered ahead of time are answered before the
	// mux matches anything; every other request goes on to it.
	s.public = s.httpServer(s.chain(PublicSite, publicMux, portalUI.Rendered))
	return s, nil
}

func (s *Server) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
}

// Open binds both listeners and starts serving. Errors from serving later
// arrive on Err.
func (s *Server) Open() (err error) {
	if s.staffLn, err = net.Listen("tcp", s.cfg.StaffAddr); err != nil {
		return fmt.Errorf("staff site: cannot listen on %s: %w", s.cfg.StaffAddr, errors.Unwrap(err))
	}
	if s.publicLn, err = net.Listen("tcp", s.cfg.PublicAddr); err != nil {
		s.staffLn.Close()
		return fmt.Errorf("public site: cannot listen on %s: %w", s.cfg.PublicAddr, errors.Unwrap(err))
	}
	// Passkeys are bound to the address staff use; without a configured
	// one, it is the listener's.
	if err := s.staffUI.SetStaffURL(s.StaffURL()); err != nil {
		s.staffLn.Close()
		s.publicLn.Close()
		return fmt.Errorf("staff site: %w", err)
	}
	every := s.cfg.DirectoryRefresh
	if every <= 0 {
		every = time.Minute
	}
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	s.wg.Go(func() { s.portalUI.Run(ctx, every) })
	for _, p := range []struct {
		srv *http.Server
		ln  net.Listener
	}{{s.staff, s.staffLn}, {s.public, s.publicLn}} {
		s.wg.Go(func() {
			if err := p.srv.Serve(p.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.errc <- err
			}
		})
	}
	return nil
}

// Err returns a channel that receives an error if a site stops serving on
// its own.
func (s *Server) Err() <-chan error { return s.errc }

// StaffURL returns the staff site's base URL. On the loopback address it
// names localhost, which browsers treat as a secure context, so passkeys
// and the workspace's Secure cookies work without TLS.
func (s *Server) StaffURL() string {
	if s.cfg.StaffURL != "" {
		return strings.TrimSuffix(s.cfg.StaffURL, "/")
	}
	addr := s.staffLn.Addr().(*net.TCPAddr)
	if addr.IP.IsLoopback() {
		return "http://localhost:" + strconv.Itoa(addr.Port)
	}
	return "http://" + addr.String()
}

// PublicURL returns the public portal's base URL.
func (s *Server) PublicURL() string { return "http://" + s.publicLn.Addr().String() }

// Close stops both sites gracefully: they stop accepting connections and
// wait, until ctx ends, for requests in flight to finish.
func (s *Server) Close(ctx context.Context) error {
	if s.stop != nil {
		s.stop()
	}
	var errs []error
	for _, srv := range []*http.Server{s.staff, s.public} {
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, err)
			srv.Close()
		}
	}
	s.wg.Wait()
	return errors.Join(errs...)
}

// registerProbes adds the health endpoints: /healthz answers while the
// process runs; /readyz only when the database answers and its schema is
// the one this build expects, so a load balancer sends no traffic before.
func (s *Server) registerProbes(mux *http.ServeMux, site string) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		err := s.cfg.DB.Ping(ctx)
		if err == nil {
			err = s.cfg.DB.CheckSchema(ctx)
		}
		if err != nil {
			slog.WarnContext(ctx, "not ready", "site", site, "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready")
			return
		}
		fmt.Fprintln(w, "ready")
	})
}
