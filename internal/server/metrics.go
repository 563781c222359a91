package server

import (
	"strconv"
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

func (m *metrics) observe(site, pattern string, status int, elapsed time.Duration) {
	m.requests.WithLabelValues(site, pattern, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(site, pattern).Observe(elapsed.Seconds())
}
