package main

import (
	"context"
	"errors"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// runABTest is `gate-runner abtest`: Gate 4 from the config's
// gates.abtest, with data from Prometheus or an events file (--events).
func runABTest(ctx context.Context, m *Main, args []string) error {
	var c common
	var promURL, events string
	fs := m.flagSet("abtest", &c)
	fs.StringVar(&promURL, "prometheus", "", "Prometheus URL (default $MLGATE_PROMETHEUS_URL, else the config's)")
	fs.StringVar(&events, "events", "", "events file (CSV, JSONL or Parquet; one row per unit, or per event with gates.abtest.unit); replaces Prometheus")
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
	g := cfg.Gates.ABTest
	if g == nil {
		return gate.Input(errors.New(cfg.File + ": no gates.abtest section: the A/B gate needs its metrics, split and start there"))
	}
	if events != "" {
		g.Events = events
	}
	res, err := m.runner(promURL).RunGate(ctx, "abtest", cfg)
	if err != nil {
		return err
	}
	return m.finishOne(&c, cfg, res)
}
