// Package metrics exposes mentord's Prometheus metrics: HTTP requests by
// route and status with latency histograms, the outbox's depth and age,
// e-mails sent and failed, and how late reminders go out.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/store"
)

// Metrics holds the registry and the instruments.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	reminderLag *prometheus.HistogramVec
}

// New registers the instruments; the outbox gauges read the database at
// scrape time, the e-mail counters read the worker.
func New(st *store.Store, clk clock.Clock, w *notify.Worker) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mentord_http_requests_total", Help: "HTTP requests by route pattern, method and status code.",
	}, []string{"route", "method", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "mentord_http_request_duration_seconds", Help: "HTTP request latency by route pattern and method.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route", "method"})
	m.reminderLag = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "mentord_reminder_lag_seconds", Help: "Time from a reminder becoming due to its delivery, by kind.",
		Buckets: []float64{.5, 1, 2, 5, 10, 30, 60, 120, 300, 900},
	}, []string{"kind"})
	m.reg.MustRegister(m.requests, m.duration, m.reminderLag)
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "mentord_emails_sent_total", Help: "E-mails handed to the mail server by this process.",
	}, func() float64 { return float64(w.Sent()) }))
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "mentord_emails_failed_total", Help: "Outbox jobs this process gave up on.",
	}, func() float64 { return float64(w.Failed()) }))
	m.reg.MustRegister(&outboxCollector{st: st, clock: clk,
		depth:  prometheus.NewDesc("mentord_outbox_pending", "Outbox jobs due and not yet delivered.", nil, nil),
		age:    prometheus.NewDesc("mentord_outbox_oldest_age_seconds", "How long the oldest due job has waited.", nil, nil),
		failed: prometheus.NewDesc("mentord_outbox_failed", "Outbox jobs given up on (all processes).", nil, nil),
	})
	w.OnSent = func(j store.Job, at time.Time) {
		if strings.HasSuffix(j.Kind, "reminder") {
			m.reminderLag.WithLabelValues(j.Kind).Observe(at.Sub(j.CreatedAt).Seconds())
		}
	}
	return m
}

// Observe records one finished request (httpapi.Middleware's Observer).
func (m *Metrics) Observe(r *http.Request, status int, elapsed time.Duration) {
	route := r.Pattern
	if route == "" || route == "/" {
		route = "unmatched"
	} else if _, p, ok := strings.Cut(route, " "); ok {
		route = p
	}
	m.requests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, r.Method).Observe(elapsed.Seconds())
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

type outboxCollector struct {
	st                 *store.Store
	clock              clock.Clock
	depth, age, failed *prometheus.Desc
}

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.age
	ch <- c.failed
}

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	now := c.clock.Now()
	st, err := c.st.OutboxStats(ctx, now)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.depth, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(st.Pending))
	age := 0.0
	if st.OldestDue != nil {
		age = now.Sub(*st.OldestDue).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, age)
	ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, float64(st.Failed))
}
