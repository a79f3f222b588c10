package runner

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Runner builds gates from a config and runs them. Its fields are what
// the gates take from the process rather than from the config.
type Runner struct {
	// Getenv reads the environment (credentials, CI variables).
	Getenv func(string) string
	// Now is the clock.
	Now    func() time.Time
	Logger *slog.Logger
	// PrometheusURL, when set, is the Prometheus the abtest and canary
	// gates ask, before MLGATE_PROMETHEUS_URL and the config's url (the
	// --prometheus flag).
	PrometheusURL string
	// Section, when set, opens a section of the job log around each gate
	// Run runs and returns the function that closes it.
	Section func(name, header string) (done func())
}

// Gate returns the gate the config's section name configures. An unknown
// name or a section that cannot make a gate (no input files, an unset
// credential) is an input error.
func (r *Runner) Gate(name string, cfg *config.Config) (gate.Gate, error) {
	b, ok := registry[name]
	if !ok {
		return nil, gate.Input(fmt.Errorf("no gate %s: expected one of %s", name, strings.Join(config.Gates{}.AllNames(), ", ")))
	}
	return b(r, cfg)
}

// RunGate builds and runs the named gate and returns its result with the
// time it took.
func (r *Runner) RunGate(ctx context.Context, name string, cfg *config.Config) (gate.Result, error) {
	start := r.Now()
	g, err := r.Gate(name, cfg)
	if err != nil {
		return gate.Result{}, err
	}
	res, err := g.Run(ctx)
	if err != nil {
		return res, err
	}
	res.Duration = r.Now().Sub(start)
	return res, nil
}

// Run runs the named gates of cfg in order into rep, each in its own log
// section. A gate that cannot run (bad input) stops the run with an error
// naming it; a failing gate does not.
func (r *Runner) Run(ctx context.Context, cfg *config.Config, names []string, rep *gate.Report) error {
	for _, n := range names {
		done := func() {}
		if r.Section != nil {
			done = r.Section(n, "mlgate gate "+n)
		}
		res, err := r.RunGate(ctx, n, cfg)
		done()
		if err != nil {
			return fmt.Errorf("gate %s: %w", n, err)
		}
		rep.Add(res)
	}
	return nil
}
