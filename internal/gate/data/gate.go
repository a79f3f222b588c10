package data

import (
	"context"
	"errors"
	"fmt"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/drift"
)

// Gate is Gate 2 on the file its config section names; the distribution
// check takes the drift gate's thresholds (Drift).
type Gate struct {
	Config *config.DataGate
	Drift  drift.Options
}

var _ gate.Gate = (*Gate)(nil)

// New returns the data gate of section g with the thresholds of the drift
// section d (nil: the defaults). A section with neither a data file nor
// Great Expectations results, or with a reference but no data, is an
// input error.
func New(g *config.DataGate, d *config.DriftGate) (*Gate, error) {
	if g == nil || g.Data == "" && g.GEResults == "" {
		return nil, gate.Input(errors.New("data needs a file: give --data FILE or --ge-results FILE (or gates.data.data or gates.data.ge_results in the config)"))
	}
	if g.Data == "" && g.Reference != "" {
		return nil, gate.Input(fmt.Errorf("data: reference %s needs data to compare with it: give --data FILE (or gates.data.data in the config)", g.Reference))
	}
	if d == nil {
		d = &config.DriftGate{}
	}
	opt, err := drift.ConfigOptions(d)
	if err != nil {
		return nil, err
	}
	return &Gate{Config: g, Drift: opt}, nil
}

// Name returns "data".
func (g *Gate) Name() string { return "data" }

// Run runs Check. A file that cannot be read is an input error, unless
// ctx was cancelled.
func (g *Gate) Run(ctx context.Context) (gate.Result, error) {
	res, err := Check(ctx, g.Config, g.Drift)
	if err != nil {
		if ctx.Err() != nil {
			return res, err
		}
		return res, gate.Input(err)
	}
	return res, nil
}
