package main

import (
	"context"
	"fmt"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gates"
)

// gateFunc runs one gate from its config section.
type gateFunc func(ctx context.Context, m *Main, cfg *config.Config) (gates.Result, error)

// gateFuncs are the gates `gate-runner run` can run, by config name.
var gateFuncs = map[string]gateFunc{
	"compare": func(ctx context.Context, m *Main, cfg *config.Config) (gates.Result, error) {
		return m.compareGate(ctx, cfg.Gates.Compare)
	},
}

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
				return gates.Input(fmt.Errorf("--gate %s: the config has no gates.%s section (it has %s)", o, o, strings.Join(names, ", ")))
			}
		}
		names = only
	}
	if len(names) == 0 {
		return gates.Input(fmt.Errorf("%s: no gates configured: add a section under \"gates\"", cfg.File))
	}
	r := m.newReport(&c, cfg)
	for _, n := range names {
		f, ok := gateFuncs[n]
		if !ok {
			return gates.Input(fmt.Errorf("gate %s cannot run from `gate-runner run` in this version; run `gate-runner %s` instead", n, n))
		}
		done := m.section(n, "mlgate gate "+n)
		start := m.Now()
		res, err := f(ctx, m, cfg)
		done()
		if err != nil {
			return fmt.Errorf("gate %s: %w", n, err)
		}
		res.Duration = m.Now().Sub(start)
		r.Add(res)
	}
	if err := m.addLineage(r, cfg, pf.params); err != nil {
		return err
	}
	return m.finishAndPost(ctx, &c, cfg, r, pf)
}
