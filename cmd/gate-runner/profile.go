package main

import (
	"context"
	"errors"
	"fmt"

	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/drift"
	"gitlab.com/mlgate/mlgate/internal/gates"
)

// runProfile is `gate-runner profile`: it stores what drift needs of a
// reference file (PSI bins, a quantile sketch, category counts) so that
// `drift --reference X.profile.json` need not read the reference again.
func runProfile(ctx context.Context, m *Main, args []string) error {
	var data, out string
	var bins, sketch int
	fs := m.flagSet("profile", nil)
	fs.StringVar(&data, "data", "", "reference data file (CSV, JSON Lines or Parquet; .gz allowed)")
	fs.StringVar(&out, "out", "", "profile file to write; its name must end in .profile.json")
	fs.IntVar(&bins, "bins", drift.DefaultBins, "reference-quantile bins for PSI")
	fs.IntVar(&sketch, "sketch", drift.DefaultSketch, "quantile intervals kept per numeric feature (KS error ≤ 1/sketch + 1/n)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if data == "" || out == "" {
		return gates.Input(errors.New("profile needs --data FILE and --out NAME.profile.json"))
	}
	if !drift.IsProfilePath(out) {
		return gates.Input(fmt.Errorf("--out %s: a profile's name must end in .profile.json (drift recognises it by that)", out))
	}
	if bins < 2 || sketch < 1 {
		return gates.Input(fmt.Errorf("--bins %d --sketch %d: expected bins ≥ 2 and sketch ≥ 1", bins, sketch))
	}
	t, err := dataset.Load(ctx, data, dataset.LoadOptions{})
	if err != nil {
		return gates.Input(err)
	}
	p := drift.BuildProfile(t, bins, sketch)
	if err := drift.WriteProfile(out, p); err != nil {
		return fmt.Errorf("write profile: %w", err)
	}
	fmt.Fprintf(m.Stdout, "Wrote %s: %d features, %d rows of %s\n", out, len(p.Features), p.Rows, data)
	return nil
}
