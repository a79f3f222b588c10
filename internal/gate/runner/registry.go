package runner

import (
	"context"
	"errors"
	"fmt"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/abtest"
	"gitlab.com/mlgate/mlgate/internal/gate/abtest/experiment"
	"gitlab.com/mlgate/mlgate/internal/gate/canary"
	"gitlab.com/mlgate/mlgate/internal/gate/compare"
	"gitlab.com/mlgate/mlgate/internal/gate/concept"
	"gitlab.com/mlgate/mlgate/internal/gate/data"
	"gitlab.com/mlgate/mlgate/internal/gate/drift"
	"gitlab.com/mlgate/mlgate/internal/gate/tests"
)

// builder makes one gate from the config.
type builder func(r *Runner, cfg *config.Config) (gate.Gate, error)

// registry holds every gate by its config name; config.Gates.AllNames
// lists the same names in run order (TestRegistryKnowsEveryGate).
var registry = map[string]builder{
	"tests":   (*Runner).tests,
	"data":    (*Runner).data,
	"compare": (*Runner).compare,
	"abtest":  (*Runner).abtest,
	"canary":  (*Runner).canary,
	"drift":   (*Runner).drift,
	"concept": (*Runner).concept,
}

// tests is Gate 1 over the reports the section's globs match.
func (r *Runner) tests(cfg *config.Config) (gate.Gate, error) {
	g := cfg.Gates.Tests
	if g == nil || len(g.JUnit) == 0 {
		return nil, gate.Input(errors.New("no JUnit reports: give --junit GLOB or gates.tests.junit in the config"))
	}
	files, err := ExpandGlobs(context.Background(), g.JUnit)
	if err != nil {
		return nil, gate.Input(fmt.Errorf("junit reports: %w", err))
	}
	return &tests.Gate{Files: files, Min: g.Min()}, nil
}

// data is Gate 2, with the drift section's thresholds.
func (r *Runner) data(cfg *config.Config) (gate.Gate, error) {
	return data.New(cfg.Gates.Data, cfg.Gates.Drift)
}

// compare is Gate 3, with GitLab and MLflow baselines fetched by r.
func (r *Runner) compare(cfg *config.Config) (gate.Gate, error) {
	g := cfg.Gates.Compare
	if g == nil {
		return nil, gate.Input(errors.New("no gates.compare section"))
	}
	return &compare.Gate{Config: g, Remote: compare.BaselinesFunc(r.baseline)}, nil
}

// abtest is Gate 4 over an events file or Prometheus.
func (r *Runner) abtest(cfg *config.Config) (gate.Gate, error) {
	g := cfg.Gates.ABTest
	if g == nil {
		return nil, gate.Input(errors.New("no gates.abtest section"))
	}
	if g.Events != "" {
		return &abtest.Gate{Source: abtest.SourceFunc(func(ctx context.Context) (abtest.Input, []string, error) {
			return experiment.FromEvents(g, r.Now())
		})}, nil
	}
	client, err := r.promClient(g.Prometheus, "gates.abtest")
	if err != nil {
		return nil, err
	}
	return &abtest.Gate{Source: abtest.SourceFunc(func(ctx context.Context) (abtest.Input, []string, error) {
		in, err := experiment.FromPrometheus(ctx, client, g, r.Now())
		return in, nil, err
	})}, nil
}

// canary is the canary gate over Prometheus; the window ends now unless
// the section says when.
func (r *Runner) canary(cfg *config.Config) (gate.Gate, error) {
	g := cfg.Gates.Canary
	if g == nil {
		return nil, gate.Input(errors.New("no gates.canary section"))
	}
	client, err := r.promClient(g.Prometheus, "gates.canary")
	if err != nil {
		return nil, err
	}
	p := canary.Params{End: g.End.Value(), Window: g.Window, Step: g.Step, Alpha: g.Alpha, NoData: gate.Status(g.NoData)}
	if p.End.IsZero() {
		p.End = r.Now()
	}
	for _, ch := range g.Checks {
		p.Checks = append(p.Checks, canary.Check{Name: ch.Name, Query: ch.Query, Max: ch.Max, Min: ch.Min})
	}
	for _, cc := range g.Compare {
		p.Judges = append(p.Judges, canary.Judge{Name: cc.Name, Canary: cc.Canary, Baseline: cc.Baseline, Tolerance: *cc.Tolerance, Bad: cc.Fail})
	}
	return &canary.Gate{Querier: client, Params: p}, nil
}

// drift is the drift gate.
func (r *Runner) drift(cfg *config.Config) (gate.Gate, error) {
	return drift.New(cfg.Gates.Drift)
}

// concept is the concept-drift gate.
func (r *Runner) concept(cfg *config.Config) (gate.Gate, error) {
	return concept.New(cfg.Gates.Concept)
}
