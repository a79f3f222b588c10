package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/dataset"
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
	fs.StringVar(&ref, "reference", "", "reference data file (CSV, JSON Lines or Parquet; .gz allowed), or a NAME.profile.json from gate-runner profile")
	fs.StringVar(&cur, "current", "", "current data file, with the reference's columns")
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
	res, rep, err := m.driftGate(ctx, g)
	if err != nil {
		return err
	}
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

// driftGate compares the configured files and returns the gate's result
// and the drift report behind it.
func (m *Main) driftGate(ctx context.Context, g *config.DriftGate) (gate.Result, *drift.Report, error) {
	if g == nil || g.Reference == "" || g.Current == "" {
		return gate.Result{}, nil, gate.Input(errors.New("drift needs two files: give --reference FILE and --current FILE (or gates.drift.reference and .current in the config)"))
	}
	opt, err := driftOptions(g)
	if err != nil {
		return gate.Result{}, nil, err
	}
	start := m.Now()
	var rep *drift.Report
	if drift.IsProfilePath(g.Reference) {
		var p *drift.Profile
		if p, err = drift.ReadProfile(g.Reference); err == nil {
			rep, err = drift.CompareProfileFile(ctx, p, g.Reference, g.Current, opt)
		}
	} else {
		rep, err = drift.CompareFiles(ctx, g.Reference, g.Current, opt)
	}
	if err != nil {
		if ctx.Err() != nil {
			return gate.Result{}, nil, err
		}
		return gate.Result{}, nil, gate.Input(err)
	}
	res := rep.Result()
	res.Duration = m.Now().Sub(start)
	return res, rep, nil
}

// driftOptions maps the config section to the drift package's options.
func driftOptions(g *config.DriftGate) (drift.Options, error) {
	o := drift.Options{Bins: g.Bins, PSIWarn: g.PSIWarn, PSIFail: g.PSIFail, Alpha: g.Alpha,
		EffectFloor: g.EffectFloor, DriftShareFail: g.DriftShareFail, Ignore: g.Ignore,
		NoCorrection: g.Correction == "none", MaxBadRows: g.MaxBadRows}
	if len(g.Schema) > 0 {
		o.Schema = map[string]dataset.Kind{}
		for col, k := range g.Schema {
			kind, err := dataset.ParseKind(k)
			if err != nil {
				return o, gate.Input(fmt.Errorf("gates.drift.schema.%s: %w", col, err))
			}
			o.Schema[col] = kind
		}
	}
	if len(g.Features) > 0 {
		o.PerFeature = map[string]drift.PSILimits{}
		for n, l := range g.Features {
			o.PerFeature[n] = drift.PSILimits{Warn: l.PSIWarn, Fail: l.PSIFail}
		}
	}
	return o, nil
}
