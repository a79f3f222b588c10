package main

import (
	"context"
	"fmt"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/runner"
)

// runRun is `gate-runner run`: every gate the config names, in lifecycle
// order (tests, data, compare, abtest, canary, drift, concept), into one
// report. A gate that cannot run (bad input) stops the run with exit 2; a
// failing gate does not stop the others, so the report shows them all.
func runRun(ctx context.Context, m *Main, args []string) error {
	var c common
	var only listFlag
	var pf postFlags
	fs := m.flagSet("run", &c)
	pf.bind(fs)
	fs.Var(&only, "gate", "run only this gate (repeatable)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if err := c.checkFormat(); err != nil {
		return err
	}
	cfg, err := c.loadConfig(true)
	if err != nil {
		return err
	}
	names := cfg.Gates.Names()
	if len(only) > 0 {
		set := map[string]bool{}
		for _, n := range names {
			set[n] = true
		}
		for _, o := range only {
			if !set[o] {
				return gate.Input(fmt.Errorf("--gate %s: the config has no gates.%s section (it has %s)", o, o, strings.Join(names, ", ")))
			}
		}
		names = only
	}
	if len(names) == 0 {
		return gate.Input(fmt.Errorf("%s: no gates configured: add a section under \"gates\"", cfg.File))
	}
	r, err := m.runGates(ctx, &c, cfg, names)
	if err != nil {
		return err
	}
	if err := m.addLineage(r, cfg, pf.params); err != nil {
		return err
	}
	return m.finishAndPost(ctx, &c, cfg, r, pf)
}

// runner returns the gate runner wired to this invocation; promURL is
// the --prometheus flag (empty: MLGATE_PROMETHEUS_URL or the config's).
func (m *Main) runner(promURL string) *runner.Runner {
	return &runner.Runner{Getenv: m.Getenv, Now: m.Now, Logger: m.Logger, PrometheusURL: promURL, Section: m.section}
}

// runGates runs the named gates of cfg in order into one report, each in a
// collapsible log section in GitLab CI. A gate that cannot run (bad input)
// stops the run; a failing gate does not.
func (m *Main) runGates(ctx context.Context, c *common, cfg *config.Config, names []string) (*gate.Report, error) {
	r := m.newReport(c, cfg)
	if err := m.runner("").Run(ctx, cfg, names, r); err != nil {
		return nil, err
	}
	return r, nil
}
