package main

import (
	"context"
	"encoding/json"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/drift"
	"gitlab.com/mlgate/mlgate/internal/pushgw"
	"gitlab.com/mlgate/mlgate/internal/report"
)

// runDrift is `gate-runner drift`: feature drift of a current sample
// against a reference, optionally pushed to a Pushgateway. Flags override
// the config's gates.drift section. --format json prints the drift report
// itself ({"features": […], "drift_share": …, "status": …}); the output
// directory gets every report file as for the other gates.
func runDrift(ctx context.Context, m *Main, args []string) error {
	var c common
	var ref, cur, push string
	maxBad := int64(-1)
	fs := m.flagSet("drift", &c)
	fs.StringVar(&ref, "reference", "", "reference data file (CSV, JSON Lines or Parquet; .gz allowed), or a NAME.profile.json from gate-runner profile; local, or s3://bucket/key (s3://bucket/prefix/ or a pattern: many objects as one)")
	fs.StringVar(&cur, "current", "", "current data file, with the reference's columns (local or s3://, as --reference)")
	fs.StringVar(&push, "push", "", "Pushgateway URL to push the drift metrics to (job mlgate_drift, grouped by model)")
	fs.Int64Var(&maxBad, "max-bad-rows", -1, "rows of each file that do not parse to skip and count instead of exiting 2 (default: the config's max_bad_rows, else 0)")
	cfg, err := m.parseGate(fs, &c, args)
	if err != nil {
		return err
	}
	g := cfg.Gates.Drift
	if g == nil {
		g = &config.DriftGate{}
	}
	if ref != "" {
		g.Reference = ref
	}
	if cur != "" {
		g.Current = cur
	}
	if push != "" {
		g.Push = &config.DriftPush{URL: push}
	}
	if maxBad >= 0 {
		g.MaxBadRows = maxBad
	}
	start := m.Now()
	dg, err := drift.New(g)
	if err != nil {
		return err
	}
	rep, err := dg.Report(ctx)
	if err != nil {
		return err
	}
	res := rep.Result()
	res.Duration = m.Now().Sub(start)
	if g.Push != nil && g.Push.URL != "" {
		if err := pushgw.PushDrift(ctx, g.Push.URL, cfg.Model.Name, rep, m.Now(), nil); err != nil {
			return err
		}
	}
	r := m.newReport(&c, cfg)
	r.Add(res)
	if c.format != "json" {
		return m.finish(&c, cfg, r)
	}
	out := c.out
	if out == "" {
		out = cfg.Report.Out
	}
	if _, err := report.Write(out, r); err != nil {
		return err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	m.Stdout.Write(append(b, '\n'))
	if r.Overall() == gate.Fail {
		return gate.ErrFailed
	}
	return nil
}
