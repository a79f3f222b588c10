package main

import (
	"context"
	"errors"
	"fmt"

	"gitlab.com/mlgate/mlgate/internal/drift"
	"gitlab.com/mlgate/mlgate/internal/gates"
)

// runProfile is `gate-runner profile`: it stores what drift needs of a
// reference file (PSI bins, a quantile sketch, category counts) so that
// `drift --reference X.profile.json` need not read the reference again.
func runProfile(ctx context.Context, m *Main, args []string) error {
	var data, out string
	var bins, sketch int
	var memMB int64
	fs := m.flagSet("profile", nil)
	fs.StringVar(&data, "data", "", "reference data file (CSV, JSON Lines or Parquet; .gz allowed)")
	fs.StringVar(&out, "out", "", "profile file to write; its name must end in .profile.json")
	fs.IntVar(&bins, "bins", drift.DefaultBins, "reference-quantile bins for PSI")
	fs.IntVar(&sketch, "sketch", drift.DefaultSketch, "quantile intervals kept per numeric feature (KS error ≤ 1/sketch + 1/n)")
	fs.Int64Var(&memMB, "memory", 1024, "MiB of numeric values held at once; wider files are read in several passes of fewer columns (0: one pass)")
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
	p, err := drift.ProfileFile(ctx, data, bins, sketch, memMB<<20)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		return gates.Input(err)
	}
	if err := drift.WriteProfile(out, p); err != nil {
		return fmt.Errorf("write profile: %w", err)
	}
	fmt.Fprintf(m.Stdout, "Wrote %s: %d features, %d rows of %s\n", out, len(p.Features), p.Rows, data)
	return nil
}
