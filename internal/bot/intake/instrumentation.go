package intake

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// Instrumentation is mlbot's own Prometheus metrics (alerts received,
// jobs by state, webhook duplicates, refused credentials), served on
// /metrics.
type Instrumentation struct {
	AlertsReceived  prometheus.Counter
	AlertsDuplicate prometheus.Counter
	AlertsMatched   prometheus.Counter
	AlertsResolved  prometheus.Counter
	AlertsTruncated prometheus.Counter
	AuthFailures    *prometheus.CounterVec
	// NotificationsRejected counts Alertmanager notifications not stored,
	// by reason: unauthorized, invalid, too_large, store.
	NotificationsRejected *prometheus.CounterVec
	WebhookDuplicates     *prometheus.CounterVec
	ActionDuration        *prometheus.HistogramVec
}

// NewInstrumentation registers the metrics on reg; jobs by state and the outbox
// depth are read from the store at each scrape.
func NewInstrumentation(reg prometheus.Registerer, st interface {
	CountJobs(ctx context.Context) (map[bot.JobState]int, error)
}) *Instrumentation {
	m := &Instrumentation{
		AlertsReceived:  prometheus.NewCounter(prometheus.CounterOpts{Name: "mlbot_alerts_received_total", Help: "Alerts received from Alertmanager, repeats included."}),
		AlertsDuplicate: prometheus.NewCounter(prometheus.CounterOpts{Name: "mlbot_alerts_duplicate_total", Help: "Alerts already stored (same group key, fingerprint and startsAt)."}),
		AlertsMatched:   prometheus.NewCounter(prometheus.CounterOpts{Name: "mlbot_alerts_matched_total", Help: "New firing alerts that matched a rule."}),
		AlertsResolved:  prometheus.NewCounter(prometheus.CounterOpts{Name: "mlbot_alerts_resolved_total", Help: "Stored firing alerts that were resolved."}),
		AlertsTruncated: prometheus.NewCounter(prometheus.CounterOpts{Name: "mlbot_alerts_truncated_total",
			Help: "Alerts Alertmanager left out of its notifications (truncatedAlerts, beyond the receiver's max_alerts)."}),
		NotificationsRejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mlbot_notifications_rejected_total",
			Help: "Alertmanager notifications not stored, by reason: unauthorized and invalid (4xx, not retried), too_large (503) and store (500), retried."},
			[]string{"reason"}),
		AuthFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mlbot_webhook_auth_failures_total",
			Help: "Webhook requests refused for missing or wrong credentials."}, []string{"endpoint"}),
		WebhookDuplicates: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mlbot_webhook_duplicates_total",
			Help: "Pipeline webhook deliveries dropped as duplicates."}, []string{"source"}),
		ActionDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "mlbot_action_duration_seconds",
			Help: "Duration of job attempts by kind and resulting state.", Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10)},
			[]string{"kind", "state"}),
	}
	for _, r := range rejectReasons {
		m.NotificationsRejected.WithLabelValues(r)
	}
	reg.MustRegister(m.AlertsReceived, m.AlertsDuplicate, m.AlertsMatched, m.AlertsResolved, m.AlertsTruncated,
		m.NotificationsRejected, m.AuthFailures,
		m.WebhookDuplicates, m.ActionDuration, &jobCollector{st: st})
	return m
}

// JobFinished records a job attempt (outbox.Observer).
func (m *Instrumentation) JobFinished(kind string, state bot.JobState, d time.Duration) {
	m.ActionDuration.WithLabelValues(kind, string(state)).Observe(d.Seconds())
}

var (
	jobsDesc  = prometheus.NewDesc("mlbot_jobs", "Jobs of the outbox by state (dead and failed ones need a person).", []string{"state"}, nil)
	depthDesc = prometheus.NewDesc("mlbot_outbox_depth", "Jobs pending or running.", nil, nil)
	upDesc    = prometheus.NewDesc("mlbot_store_up", "Whether the store answered the last scrape.", nil, nil)
)

type jobCollector struct {
	st interface {
		CountJobs(ctx context.Context) (map[bot.JobState]int, error)
	}
}

func (j *jobCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- jobsDesc
	ch <- depthDesc
	ch <- upDesc
}

func (j *jobCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := j.st.CountJobs(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 1)
	for _, s := range bot.JobStates {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(counts[s]), string(s))
	}
	ch <- prometheus.MustNewConstMetric(depthDesc, prometheus.GaugeValue, float64(counts[bot.JobPending]+counts[bot.JobRunning]))
}
