package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/runner"
)

// runReport is `gate-runner report --in DIR [--post]`: it gathers every
// results.json under the given directories (one per gate job, as GitLab
// hands artifacts of earlier jobs to a later one), merges them into one
// report, writes all output files again and, with --post, posts it to the
// merge or pull request.
func runReport(ctx context.Context, m *Main, args []string) error {
	var c common
	var in listFlag
	var pf postFlags
	fs := m.flagSet("report", &c)
	pf.bind(fs)
	fs.Var(&in, "in", "a directory (searched recursively) or results.json file; repeatable")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if err := c.checkFormat(); err != nil {
		return err
	}
	if len(in) == 0 {
		return gate.Input(errors.New("no --in: give the directory that holds results.json"))
	}
	files, err := runner.FindResults(in)
	if err != nil {
		return err
	}
	cfg, err := c.loadConfig(false)
	if err != nil {
		return err
	}
	merged, err := runner.MergeResults(files)
	if err != nil {
		return err
	}
	if c.name != "" {
		merged.Name = c.name
	}
	if c.out == "" {
		c.out = in[0]
		if st, err := os.Stat(in[0]); err == nil && !st.IsDir() {
			c.out = filepath.Dir(in[0])
		}
	}
	if err := m.addLineage(merged, cfg, pf.params); err != nil {
		return err
	}
	return m.finishAndPost(ctx, &c, cfg, merged, pf)
}
