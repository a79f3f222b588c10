package pushgw

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gitlab.com/mlgate/mlgate/internal/gate/concept"
)

// ConceptJob is the Pushgateway job name concept-drift metrics are grouped
// under, apart from the feature-drift job so that neither push replaces the
// other's metrics.
const ConceptJob = "mlgate_concept"

// PushConcept replaces the metrics of group {job="mlgate_concept",
// model=MODEL} with the report's: mlgate_concept_auc_drop{model} (what
// deploy/prometheus/mlgate-rules.yml alerts on above 0.1),
// mlgate_concept_auc{model,sample="holdout"|"new"},
// mlgate_concept_status{model} and
// mlgate_concept_last_run_timestamp_seconds. An undefined AUC (one class in
// a sample) is left out. client may be nil; the error never holds url.
func PushConcept(ctx context.Context, url, model string, r *concept.Report, now time.Time, client *http.Client) error {
	if model == "" {
		model = "default"
	}
	reg := prometheus.NewRegistry()
	drop := prometheus.NewGauge(prometheus.GaugeOpts{Name: "mlgate_concept_auc_drop", Help: "AUC on the old hold-out minus AUC on the new labelled sample, of a logistic model trained on the old sample."})
	auc := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "mlgate_concept_auc", Help: "AUC of the concept-drift logistic model on a sample (holdout or new)."}, []string{"sample"})
	status := prometheus.NewGauge(prometheus.GaugeOpts{Name: "mlgate_concept_status", Help: "Concept drift status: 0 pass, 1 warn, 2 fail, -1 skip."})
	ts := prometheus.NewGauge(prometheus.GaugeOpts{Name: "mlgate_concept_last_run_timestamp_seconds", Help: "When the concept-drift check ran (Unix seconds)."})
	reg.MustRegister(drop, auc, status, ts)
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if finite(r.Drop) {
		drop.Set(r.Drop)
	} else {
		reg.Unregister(drop)
	}
	if finite(r.AUCHoldout) {
		auc.WithLabelValues("holdout").Set(r.AUCHoldout)
	}
	if finite(r.AUCNew) {
		auc.WithLabelValues("new").Set(r.AUCNew)
	}
	status.Set(StatusValue(r.Status))
	ts.Set(float64(now.UnixNano()) / 1e9)
	return pushGroup(ctx, url, ConceptJob, model, reg, client, "concept")
}
