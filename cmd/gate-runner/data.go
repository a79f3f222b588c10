package main

import (
	"context"
	"errors"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/data"
)

// runData is `gate-runner data`: Gate 2 on a training data file, with the
// limits of the config's gates.data section; --data and --reference
// override its files.
func runData(ctx context.Context, m *Main, args []string) error {
	var c common
	var data, ref string
	fs := m.flagSet("data", &c)
	fs.StringVar(&data, "data", "", "training data file (CSV, JSON Lines or Parquet; .gz allowed)")
	fs.StringVar(&ref, "reference", "", "reference data file or NAME.profile.json the distribution must match")
	cfg, err := m.parseGate(fs, &c, args)
	if err != nil {
		return err
	}
	g := cfg.Gates.Data
	if g == nil {
		g = &config.DataGate{}
	}
	if data != "" {
		g.Data = data
	}
	if ref != "" {
		g.Reference = ref
	}
	res, err := m.dataGate(ctx, g, cfg.Gates.Drift)
	if err != nil {
		return err
	}
	return m.finishOne(&c, cfg, res)
}

// dataGate runs Gate 2; the distribution check takes its thresholds from
// the drift section when there is one.
func (m *Main) dataGate(ctx context.Context, g *config.DataGate, d *config.DriftGate) (gate.Result, error) {
	if g == nil || g.Data == "" {
		return gate.Result{}, gate.Input(errors.New("data needs a file: give --data FILE (or gates.data.data in the config)"))
	}
	if d == nil {
		d = &config.DriftGate{}
	}
	opt, err := driftOptions(d)
	if err != nil {
		return gate.Result{}, err
	}
	start := m.Now()
	res, err := data.Check(ctx, g, opt)
	if err != nil {
		if ctx.Err() != nil {
			return res, err
		}
		return res, gate.Input(err)
	}
	res.Duration = m.Now().Sub(start)
	return res, nil
}
