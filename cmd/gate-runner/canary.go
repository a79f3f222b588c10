package main

import (
	"context"
	"errors"

	"gitlab.com/mlgate/mlgate/internal/gate"
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
	res, err := m.runner(promURL).RunGate(ctx, "canary", cfg)
	if err != nil {
		return err
	}
	return m.finishOne(&c, cfg, res)
}
