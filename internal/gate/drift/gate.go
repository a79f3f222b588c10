package drift

import (
	"context"
	"errors"
	"fmt"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Gate is the drift gate: the current file against the reference file or
// stored profile (a NAME.profile.json).
type Gate struct {
	Reference, Current string
	Options            Options
}

var _ gate.Gate = (*Gate)(nil)

// New returns the drift gate of config section g. A section without both
// files, or with a bad schema type, is an input error.
func New(g *config.DriftGate) (*Gate, error) {
	if g == nil || g.Reference == "" || g.Current == "" {
		return nil, gate.Input(errors.New("drift needs two files: give --reference FILE and --current FILE (or gates.drift.reference and .current in the config)"))
	}
	opt, err := ConfigOptions(g)
	if err != nil {
		return nil, err
	}
	return &Gate{Reference: g.Reference, Current: g.Current, Options: opt}, nil
}

// Name returns "drift".
func (g *Gate) Name() string { return "drift" }

// Run compares the files and returns the gate's result.
func (g *Gate) Run(ctx context.Context) (gate.Result, error) {
	rep, err := g.Report(ctx)
	if err != nil {
		return gate.Result{}, err
	}
	return rep.Result(), nil
}

// Report compares the files and returns the drift report behind the
// gate's result (`gate-runner drift --format json` prints it). A file that
// cannot be read is an input error, unless ctx was cancelled.
func (g *Gate) Report(ctx context.Context) (*Report, error) {
	var rep *Report
	var err error
	if IsProfilePath(g.Reference) {
		var p *Profile
		if p, err = ReadProfile(g.Reference); err == nil {
			rep, err = CompareProfileFile(ctx, p, g.Reference, g.Current, g.Options)
		}
	} else {
		rep, err = CompareFiles(ctx, g.Reference, g.Current, g.Options)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, gate.Input(err)
	}
	return rep, nil
}

// ConfigOptions maps the config's drift section to Options; the data
// gate's distribution check takes them too.
func ConfigOptions(g *config.DriftGate) (Options, error) {
	o := Options{Bins: g.Bins, PSIWarn: g.PSIWarn, PSIFail: g.PSIFail, Alpha: g.Alpha,
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
		o.PerFeature = map[string]PSILimits{}
		for n, l := range g.Features {
			o.PerFeature[n] = PSILimits{Warn: l.PSIWarn, Fail: l.PSIFail}
		}
	}
	return o, nil
}
