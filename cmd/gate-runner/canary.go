package main

import (
	"context"
	"errors"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/canary"
)

// runCanary is `gate-runner canary`: canary health from the config's
// gates.canary checks over Prometheus.
func runCanary(ctx context.Context, m *Main, args []string) error {
	var c common
	var promURL string
	fs := m.flagSet("canary", &c)
	fs.StringVar(&promURL, "prometheus", "", "Prometheus URL (default $MLGATE_PROMETHEUS_URL, else the config's)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if err := c.checkFormat(); err != nil {
		return err
	}
	cfg, err := c.loadConfig(true)
	if err != nil {
		return err
	}
	if cfg.Gates.Canary == nil {
		return gate.Input(errors.New(cfg.File + ": no gates.canary section: the canary gate needs its checks there"))
	}
	res, err := m.canaryGate(ctx, cfg.Gates.Canary, promURL)
	if err != nil {
		return err
	}
	return m.finishOne(&c, cfg, res)
}

// canaryGate runs the canary checks against Prometheus.
func (m *Main) canaryGate(ctx context.Context, g *config.CanaryGate, promURL string) (gate.Result, error) {
	if g == nil {
		return gate.Result{}, gate.Input(errors.New("no gates.canary section"))
	}
	client, err := m.promClient(promURL, g.Prometheus, "gates.canary")
	if err != nil {
		return gate.Result{}, err
	}
	p := canary.Params{End: g.End.Value(), Window: g.Window, Step: g.Step, Alpha: g.Alpha, NoData: gate.Status(g.NoData)}
	if p.End.IsZero() {
		p.End = m.Now()
	}
	for _, ch := range g.Checks {
		p.Checks = append(p.Checks, canary.Check{Name: ch.Name, Query: ch.Query, Max: ch.Max, Min: ch.Min})
	}
	for _, cc := range g.Compare {
		p.Judges = append(p.Judges, canary.Judge{Name: cc.Name, Canary: cc.Canary, Baseline: cc.Baseline, Tolerance: *cc.Tolerance, Bad: cc.Fail})
	}
	return canary.Run(ctx, client, p)
}
