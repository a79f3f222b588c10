package compare

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/evaluation"
	"gitlab.com/mlgate/mlgate/internal/evaluation/scorefile"
	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Baselines fetches production's metrics from a remote store: a GitLab
// job's artifact or the MLflow model registry (internal/gate/runner has
// the one gate-runner uses).
type Baselines interface {
	// Baseline returns production's metrics for section b, whose GitLab
	// or MLflow source is set. It returns a *NoBaselineError when the
	// store has no baseline yet and b.Optional is set, an input error for
	// a config or credentials that cannot work, and another error when
	// the store cannot be reached.
	Baseline(ctx context.Context, b *config.Baseline) (*Side, error)
}

// BaselinesFunc is a Baselines made of a function.
type BaselinesFunc func(ctx context.Context, b *config.Baseline) (*Side, error)

// Baseline calls f.
func (f BaselinesFunc) Baseline(ctx context.Context, b *config.Baseline) (*Side, error) {
	return f(ctx, b)
}

// NoBaselineError says a remote source has no baseline yet.
type NoBaselineError struct{ Msg string }

func (e *NoBaselineError) Error() string { return e.Msg }

// Gate is Gate 3 from its config section; Remote fetches GitLab and
// MLflow baselines (nil: such a baseline is an input error).
type Gate struct {
	Config *config.CompareGate
	Remote Baselines
}

var _ gate.Gate = (*Gate)(nil)

// Name returns "compare".
func (g *Gate) Name() string { return "compare" }

// Run gathers both sides' metrics and applies the rules.
func (g *Gate) Run(ctx context.Context) (gate.Result, error) {
	c := g.Config
	cand, err := metricSource(ctx, c.Candidate, "candidate")
	if err != nil {
		return gate.Result{}, err
	}
	var base *Side
	var notes []string
	if c.Baseline != nil {
		base, err = g.baseline(ctx, c.Baseline)
		var nb *NoBaselineError
		switch {
		case errors.As(err, &nb):
			notes = append(notes, nb.Error()+"; going on as for a first model (baseline.optional is set).")
		case err != nil:
			return gate.Result{}, err
		}
	}
	res := Compare(*cand, base, c.Rules)
	if base != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("Candidate from %s; production from %s.", cand.Source, base.Source))
	}
	res.Notes = append(res.Notes, notes...)
	return res, nil
}

// baseline reads production's metrics from the one source configured.
func (g *Gate) baseline(ctx context.Context, b *config.Baseline) (*Side, error) {
	if b.GitLab != nil || b.MLflow != nil {
		if g.Remote == nil {
			return nil, gate.Input(errors.New("gates.compare.baseline: a GitLab or MLflow baseline needs a remote source"))
		}
		return g.Remote.Baseline(ctx, b)
	}
	return metricSource(ctx, b.MetricSource, "baseline")
}

// metricSource reads one side's metrics from a metrics file, or computes
// them from predictions and labels, or both.
func metricSource(ctx context.Context, s config.MetricSource, side string) (*Side, error) {
	out := &Side{Metrics: gate.Metrics{}}
	var sources []string
	if s.Predictions != "" {
		mt, err := computeMetrics(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("%s metrics: %w", side, err)
		}
		out.Metrics = mt
		sources = append(sources, s.Predictions+" against "+s.Labels)
	}
	if s.File != "" {
		mt, err := scorefile.LoadFile(s.File)
		if err != nil {
			return nil, err
		}
		for k, v := range mt {
			if _, dup := out.Metrics[k]; dup {
				return nil, gate.Input(fmt.Errorf("%s: metric %s is also computed from %s; rename it in one of them", s.File, k, s.Predictions))
			}
			out.Metrics[k] = v
		}
		sources = append(sources, s.File)
	}
	out.Source = strings.Join(sources, " and ")
	return out, nil
}

// computeMetrics computes one side's metrics from predictions and labels.
func computeMetrics(ctx context.Context, s config.MetricSource) (gate.Metrics, error) {
	k := s.K
	if len(k) == 0 {
		k = []int{5, 10}
	}
	res, err := evaluation.Compute(ctx, evaluation.Input{Task: evaluation.Task(s.Task), Predictions: s.Predictions, Labels: s.Labels, K: k, Threshold: 0.5})
	if err != nil {
		return nil, err
	}
	return gate.Metrics(FlatMetrics(res)), nil
}

// FlatMetrics joins an evaluation's values and counts into one map, metric
// name to value: the shape of a metrics file.
func FlatMetrics(res evaluation.Result) map[string]float64 {
	flat := map[string]float64{}
	for k, v := range res.Values {
		flat[k] = v
	}
	for k, v := range res.Counts {
		flat[k] = float64(v)
	}
	return flat
}
