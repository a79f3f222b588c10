package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime/debug"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/drift"
	"gitlab.com/mlgate/mlgate/internal/stats"
)

// runProfile is `gate-runner profile`: it stores what drift needs of a
// reference file (exact PSI bins, a mergeable quantile sketch with error
// bounds, category counts) so that `drift --reference X.profile.json`
// need not read the reference again. `profile merge` merges the profiles
// of shards.
func runProfile(ctx context.Context, m *Main, args []string) error {
	if len(args) > 0 && args[0] == "merge" {
		return runProfileMerge(m, args[1:])
	}
	var data, out string
	var bins, sketch int
	var memMB int64
	fs := m.flagSet("profile", nil)
	fs.StringVar(&data, "data", "", "reference data file (CSV, JSON Lines or Parquet; .gz allowed)")
	fs.StringVar(&out, "out", "", "profile file to write; its name must end in .profile.json")
	fs.IntVar(&bins, "bins", stats.DefaultBins, "reference-quantile bins for PSI")
	fs.IntVar(&sketch, "sketch", stats.DefaultSketch, "sketch compression K: at most 2K+1 points a numeric feature, each compression moves ≤ 1/(2K) of rank (the profile stores the exact KS and Wasserstein error bounds)")
	fs.Int64Var(&memMB, "memory", 1024, "MiB of numeric values a one-pass, in-memory profile may hold; larger files are streamed twice with memory bounded by the number of columns (0: always in memory)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if data == "" || out == "" {
		return gate.Input(errors.New("profile needs --data FILE and --out NAME.profile.json (or: profile merge A.profile.json B.profile.json … [--out C.profile.json])"))
	}
	if !drift.IsProfilePath(out) {
		return gate.Input(fmt.Errorf("--out %s: a profile's name must end in .profile.json (drift recognises it by that)", out))
	}
	if bins < 2 || bins > 10000 || sketch < 1 || sketch > 1<<22 {
		return gate.Input(fmt.Errorf("--bins %d --sketch %d: expected 2 ≤ bins ≤ 10000 and 1 ≤ sketch ≤ 4194304", bins, sketch))
	}
	if prev := debug.SetMemoryLimit(-1); memMB > 0 && prev == math.MaxInt64 {
		// Unless GOMEMLIMIT says otherwise, a soft heap limit keeps the
		// garbage collector from letting short-lived blocks pile up.
		debug.SetMemoryLimit((memMB + 512) << 20)
		defer debug.SetMemoryLimit(prev)
	}
	p, err := drift.ProfileFile(ctx, data, bins, sketch, memMB<<20)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		return gate.Input(err)
	}
	if err := drift.WriteProfile(out, p); err != nil {
		return fmt.Errorf("write profile: %w", err)
	}
	fmt.Fprintf(m.Stdout, "Wrote %s: %d features, %d rows of %s\n", out, len(p.Features), p.Rows, data)
	return nil
}

// runProfileMerge is `gate-runner profile merge A B … [--out C]`: the
// merged profile goes to --out, else to stdout.
func runProfileMerge(m *Main, args []string) error {
	var out string
	fs := m.flagSet("profile merge", nil)
	fs.StringVar(&out, "out", "", "merged profile to write (its name must end in .profile.json); stdout when empty")
	// Flags may come before, between or after the profile names.
	var paths []string
	for {
		if err := fs.Parse(args); err != nil {
			return m.parse(fs, args)
		}
		if fs.NArg() == 0 {
			break
		}
		paths = append(paths, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(paths) == 0 {
		return gate.Input(errors.New("profile merge needs the profiles to merge: profile merge A.profile.json B.profile.json … [--out C.profile.json]"))
	}
	if out != "" && !drift.IsProfilePath(out) {
		return gate.Input(fmt.Errorf("--out %s: a profile's name must end in .profile.json (drift recognises it by that)", out))
	}
	ps := make([]*drift.Profile, len(paths))
	for i, path := range paths {
		p, err := drift.ReadProfile(path)
		if err != nil {
			return gate.Input(err)
		}
		ps[i] = p
	}
	merged, err := drift.MergeProfiles(paths, ps)
	if err != nil {
		return gate.Input(err)
	}
	if out == "" {
		b, err := json.Marshal(merged)
		if err != nil {
			return fmt.Errorf("encode profile: %w", err)
		}
		_, err = fmt.Fprintf(m.Stdout, "%s\n", b)
		return err
	}
	if err := drift.WriteProfile(out, merged); err != nil {
		return fmt.Errorf("write profile: %w", err)
	}
	fmt.Fprintf(m.Stdout, "Wrote %s: %d shards, %d features, %d rows (PSI edges from the merged sketch: approximate)\n", out, merged.Shards, len(merged.Features), merged.Rows)
	return nil
}
