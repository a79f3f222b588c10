package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/drift"
	"gitlab.com/mlgate/mlgate/internal/gate/runner"
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
	var c common
	var data listFlag
	var shardFlag string
	var bins, sketch int
	var memMB int64
	fs := m.flagSet("profile", nil)
	c.bindConfig(fs)
	c.bindFormat(fs)
	fs.Var(&data, "data", "reference data files or globs (CSV, JSON Lines or Parquet; .gz allowed; repeatable, or several separated by commas; ** matches any depth), or s3://bucket/key URLs, prefixes (s3://bucket/day=01/) and patterns (s3://bucket/day=*/part-*.parquet), profiled as one dataset (default: the config's gates.drift.reference)")
	fs.StringVar(&shardFlag, "shard", "", "profile only shard I/N of the sorted data files (round-robin: files I, I+N, I+2N, …), or auto: CI_NODE_INDEX/CI_NODE_TOTAL of a parallel: job (1/1 without them); merge the shards' profiles with profile merge")
	fs.StringVar(&c.out, "out", "", "profile file to write when its name ends in .profile.json, else a directory for DATA.profile.json (DATA-shard-I-of-N.profile.json for a shard) (default: the config's report.out, else mlgate-out)")
	fs.IntVar(&bins, "bins", stats.DefaultBins, "reference-quantile bins for PSI (default: the config's gates.drift.bins, else 10)")
	fs.IntVar(&sketch, "sketch", stats.DefaultSketch, "sketch compression K: at most 2K+1 points a numeric feature, each compression moves ≤ 1/(2K) of rank (the profile stores the exact KS and Wasserstein error bounds)")
	fs.Int64Var(&memMB, "memory", 1024, "MiB of numeric values a one-pass, in-memory profile may hold; larger files are streamed twice with memory bounded by the number of columns (0: always in memory)")
	cfg, err := m.parseGate(fs, &c, multiArgs(args, "data"))
	if err != nil {
		return err
	}
	patterns := splitList(data)
	if g := cfg.Gates.Drift; g != nil {
		if len(patterns) == 0 && g.Reference != "" && !drift.IsProfilePath(g.Reference) {
			patterns = []string{g.Reference}
		}
		if !flagSet(fs, "bins") && g.Bins > 0 {
			bins = g.Bins
		}
	}
	if len(patterns) == 0 {
		return gate.Input(errors.New("profile needs --data FILE (or gates.drift.reference in the config) (or: profile merge A.profile.json B.profile.json … [--out C.profile.json])"))
	}
	sh := shard{1, 1}
	if shardFlag != "" {
		if sh, err = parseShard(shardFlag, m.Getenv); err != nil {
			return gate.Input(err)
		}
	}
	if bins < 2 || bins > 10000 || sketch < 1 || sketch > 1<<22 {
		return gate.Input(fmt.Errorf("--bins %d --sketch %d: expected 2 ≤ bins ≤ 10000 and 1 ≤ sketch ≤ 4194304", bins, sketch))
	}
	files, err := runner.ExpandGlobs(ctx, patterns)
	if err != nil {
		return gate.Input(fmt.Errorf("--data: %w", err))
	}
	for _, f := range files {
		if drift.IsProfilePath(f) {
			return gate.Input(fmt.Errorf("--data %s: a stored profile, expected data files (CSV, JSON Lines or Parquet); merge profiles with profile merge", f))
		}
	}
	name := datasetName(patterns[0])
	if sh.Total > 1 {
		name += fmt.Sprintf("-shard-%d-of-%d", sh.Index, sh.Total)
	}
	out, err := profilePath(cmp.Or(c.out, cfg.Report.Out, "mlgate-out"), name)
	if err != nil {
		return err
	}
	mine := sh.pick(files)
	var p *drift.Profile
	if len(mine) == 0 {
		p = drift.EmptyProfile(bins, sketch)
	} else {
		if prev := debug.SetMemoryLimit(-1); memMB > 0 && prev == math.MaxInt64 {
			// Unless GOMEMLIMIT says otherwise, a soft heap limit keeps the
			// garbage collector from letting short-lived blocks pile up.
			debug.SetMemoryLimit((memMB + 512) << 20)
			defer debug.SetMemoryLimit(prev)
		}
		p, err = drift.ProfileFiles(ctx, mine, bins, sketch, memMB<<20)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			return gate.Input(err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fmt.Errorf("write profile: %w", err)
	}
	if err := drift.WriteProfile(out, p); err != nil {
		return fmt.Errorf("write profile: %w", err)
	}
	src := strings.Join(mine, ", ")
	if len(mine) == 0 {
		src = fmt.Sprintf("no file (shard %s of %d files: an empty profile, which profile merge leaves out)", sh, len(files))
	} else if sh.Total > 1 {
		src = fmt.Sprintf("%s (shard %s of %d files)", src, sh, len(files))
	}
	switch c.format {
	case "json":
		b, err := json.MarshalIndent(map[string]any{"profile": out, "data": strings.Join(mine, ", "), "files": mine, "shard": sh.String(), "features": len(p.Features), "rows": p.Rows}, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "%s\n", b)
	case "markdown":
		fmt.Fprintf(m.Stdout, "| profile | data | features | rows |\n|---|---|---:|---:|\n| %s | %s | %d | %d |\n", out, src, len(p.Features), p.Rows)
	default:
		fmt.Fprintf(m.Stdout, "Wrote %s: %d features, %d rows of %s\n", out, len(p.Features), p.Rows, src)
	}
	return nil
}

// datasetName names the profile of the files a pattern matches: its base
// name up to the first dot, without glob characters and the separators
// they leave at the ends ("data/part-*.csv" → "part"); "data" when
// nothing is left.
func datasetName(pattern string) string {
	name := filepath.Base(pattern)
	if i := strings.IndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	if strings.ContainsAny(name, "*?[]") {
		name = strings.Trim(strings.Map(func(r rune) rune {
			if strings.ContainsRune("*?[]", r) {
				return -1
			}
			return r
		}, name), "-_")
	}
	return cmp.Or(name, "data")
}

// splitList splits repeated list flags on commas, spaces and newlines.
func splitList(vals []string) []string {
	var out []string
	for _, s := range vals {
		out = append(out, strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })...)
	}
	return out
}

// profilePath is where `profile --out OUT` writes the profile of data: OUT
// itself when it names a profile, else DATA.profile.json in the directory
// OUT, DATA the data file's name without its extensions.
func profilePath(out, data string) (string, error) {
	if strings.HasPrefix(out, "s3://") {
		return "", gate.Input(fmt.Errorf("--out %s: profiles are written to local files only; write it locally and upload it (drift reads s3:// profiles)", out))
	}
	if drift.IsProfilePath(out) {
		return out, nil
	}
	if strings.EqualFold(filepath.Ext(out), ".json") {
		return "", gate.Input(fmt.Errorf("--out %s: a profile's name must end in .profile.json (drift recognises it by that); a directory gets %s", out, filepath.Base(profilePathIn("DIR", data))))
	}
	return profilePathIn(out, data), nil
}

func profilePathIn(dir, data string) string {
	name := filepath.Base(data)
	if i := strings.IndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	return filepath.Join(dir, name+".profile.json")
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
	if strings.HasPrefix(out, "s3://") {
		return gate.Input(fmt.Errorf("--out %s: profiles are written to local files only; write it locally and upload it", out))
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
