package pushgw

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/drift"
)

// Job is the Pushgateway job name drift metrics are grouped under.
const Job = "mlgate_drift"

// StatusValue maps a status to the number mlgate_drift_status carries:
// 0 pass, 1 warn, 2 fail, −1 skip.
func StatusValue(s gate.Status) float64 {
	switch s {
	case gate.Pass:
		return 0
	case gate.Warn:
		return 1
	case gate.Fail:
		return 2
	}
	return -1
}

// PushDrift replaces the metrics of group {job="mlgate_drift",
// model=MODEL} on the Pushgateway at url with the report's:
// mlgate_feature_psi{model,feature}, mlgate_feature_ks_pvalue (numeric
// features), mlgate_feature_chi2_pvalue (categorical features),
// mlgate_feature_drift_status{model,feature}, mlgate_drift_share{model},
// mlgate_drift_status{model} and mlgate_drift_last_run_timestamp_seconds.
// Undefined statistics (an empty sample) are left out. client may be nil.
// The error never holds url, which may carry credentials.
func PushDrift(ctx context.Context, url, model string, r *drift.Report, now time.Time, client *http.Client) error {
	if model == "" {
		model = "default"
	}
	reg := prometheus.NewRegistry()
	// model comes from the grouping key: a pushed metric may not carry it.
	fl := []string{"feature"}
	psi := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "mlgate_feature_psi", Help: "Population stability index of the feature, current against reference."}, fl)
	ksp := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "mlgate_feature_ks_pvalue", Help: "Two-sample Kolmogorov-Smirnov p-value of a numeric feature (unadjusted)."}, fl)
	chp := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "mlgate_feature_chi2_pvalue", Help: "Chi-square p-value of a categorical feature (unadjusted)."}, fl)
	fst := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "mlgate_feature_drift_status", Help: "Feature drift status: 0 pass, 1 warn, 2 fail, -1 skip."}, fl)
	share := prometheus.NewGauge(prometheus.GaugeOpts{Name: "mlgate_drift_share", Help: "Share of evaluated features that drifted."})
	status := prometheus.NewGauge(prometheus.GaugeOpts{Name: "mlgate_drift_status", Help: "Dataset drift status: 0 pass, 1 warn, 2 fail, -1 skip."})
	ts := prometheus.NewGauge(prometheus.GaugeOpts{Name: "mlgate_drift_last_run_timestamp_seconds", Help: "When the drift check ran (Unix seconds)."})
	reg.MustRegister(psi, ksp, chp, fst, share, status, ts)
	set := func(g *prometheus.GaugeVec, feature string, v float64) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			g.WithLabelValues(feature).Set(v)
		}
	}
	for _, f := range r.Features {
		set(psi, f.Name, f.PSI)
		if f.IsCategorical() {
			set(chp, f.Name, f.Chi2PValue)
		} else {
			set(ksp, f.Name, f.KSPValue)
		}
		set(fst, f.Name, StatusValue(f.Status))
	}
	share.Set(r.DriftShare)
	status.Set(StatusValue(r.Status))
	ts.Set(float64(now.UnixNano()) / 1e9)

	return pushGroup(ctx, url, Job, model, reg, client, "drift")
}

// pushGroup replaces the group {job, model} on the Pushgateway at url with
// what reg gathers. The error never holds url, which may carry credentials.
func pushGroup(ctx context.Context, url, job, model string, reg *prometheus.Registry, client *http.Client, what string) error {
	p := push.New(url, job).Gatherer(reg).Grouping("model", model)
	if client != nil {
		p = p.Client(client)
	}
	if err := p.PushContext(ctx); err != nil {
		return fmt.Errorf("push %s metrics to the Pushgateway: %w", what, redact(err, url))
	}
	return nil
}
