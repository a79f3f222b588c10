package main

import (
	"context"

	"gitlab.com/mlgate/mlgate/internal/config"
)

// runData is `gate-runner data`: Gate 2 on a training data file and/or a
// Great Expectations validation result, with the limits of the config's
// gates.data section; --data, --reference and --ge-results override its
// files.
func runData(ctx context.Context, m *Main, args []string) error {
	var c common
	var data, ref, ge string
	fs := m.flagSet("data", &c)
	fs.StringVar(&data, "data", "", "training data file (CSV, JSON Lines or Parquet; .gz allowed), local or s3://bucket/key (s3://bucket/prefix/ or a pattern: many objects as one)")
	fs.StringVar(&ref, "reference", "", "reference data file or NAME.profile.json the distribution must match")
	fs.StringVar(&ge, "ge-results", "", "Great Expectations validation result JSON (a suite's or a checkpoint's, GE 0.x or 1.x): each expectation becomes a check")
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
	if ge != "" {
		g.GEResults = ge
	}
	cfg.Gates.Data = g
	res, err := m.runner("").RunGate(ctx, "data", cfg)
	if err != nil {
		return err
	}
	return m.finishOne(&c, cfg, res)
}
