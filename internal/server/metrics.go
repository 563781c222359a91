package server

import (
	"maps"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the servers' own Prometheus metrics. Labels are the site,
// the route pattern and the status code: bounded sets, never a path or a
// client address.
type metrics struct {
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	cspReports *prometheus.CounterVec
	panics     prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fristad_http_requests_total",
			Help: "HTTP requests answered, by site, route pattern and status code.",
		}, []string{"site", "pattern", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "fristad_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by site and route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"site", "pattern"}),
		cspReports: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fristad_csp_reports_total",
			Help: "Content-Security-Policy violation reports received, by site.",
		}, []string{"site"}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "fristad_http_panics_total",
			Help: "Handler panics recovered.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.cspReports, m.panics)
	return m
}

// site returns the request metrics of one site.
func (m *metrics) site(name string) *siteMetrics {
	sm := &siteMetrics{m: m, name: name}
	sm.series.Store(&map[seriesKey]*series{})
	return sm
}

// siteMetrics counts one site's requests into series resolved once per
// route pattern and status code, so that a request costs a map lookup
// and no label lookup in the Prometheus vectors. The patterns are the
// mux's and the codes the handlers', both bounded sets, so the map stays
// small; it is copied on the rare write and read without a lock.
type siteMetrics struct {
	m    *metrics
	name string

	series atomic.Pointer[map[seriesKey]*series]
	mu     sync.Mutex // serialises adding series
}

type seriesKey struct {
	pattern string
	code    int
}

// series are the metrics one request of a pattern and code counts into.
type series struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

func (sm *siteMetrics) observe(pattern string, code int, elapsed time.Duration) {
	k := seriesKey{pattern, code}
	s := (*sm.series.Load())[k]
	if s == nil {
		s = sm.add(k)
	}
	s.requests.Inc()
	s.duration.Observe(elapsed.Seconds())
}

// add resolves the series of k, the first time a request has its
// pattern and code.
func (sm *siteMetrics) add(k seriesKey) *series {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	old := *sm.series.Load()
	if s := old[k]; s != nil {
		return s
	}
	s := &series{
		requests: sm.m.requests.WithLabelValues(sm.name, k.pattern, strconv.Itoa(k.code)),
		duration: sm.m.duration.WithLabelValues(sm.name, k.pattern),
	}
	next := maps.Clone(old)
	next[k] = s
	sm.series.Store(&next)
	return s
}
