package main

import (
	"context"
	"errors"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
)

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// runCompare is `gate-runner compare`: Gate 3. Flags override the config's
// gates.compare section; --rule flags replace its rules.
func runCompare(ctx context.Context, m *Main, args []string) error {
	var c common
	var cand, base string
	var rules listFlag
	fs := m.flagSet("compare", &c)
	fs.StringVar(&cand, "candidate", "", "candidate metrics file (JSON or YAML; nested keys flattened with '.')")
	fs.StringVar(&base, "baseline", "", "production metrics file; omit for a first model (only min/max apply)")
	fs.Var(&rules, "rule", "a rule METRIC:COND=VALUE[,…], e.g. precision@5:min_ratio=0.95 (repeatable; replaces the config's rules)")
	cfg, err := m.parseGate(fs, &c, args)
	if err != nil {
		return err
	}
	g := cfg.Gates.Compare
	if g == nil {
		g = &config.CompareGate{}
	}
	if cand != "" {
		g.Candidate = config.MetricSource{File: cand}
	}
	if base != "" {
		g.Baseline = &config.Baseline{MetricSource: config.MetricSource{File: base}}
	}
	if len(rules) > 0 {
		g.Rules = nil
		for _, s := range rules {
			r, err := gate.ParseRule(s)
			if err != nil {
				return gate.Input(err)
			}
			g.Rules = append(g.Rules, r)
		}
	}
	if g.Candidate.File == "" && g.Candidate.Predictions == "" {
		return gate.Input(errors.New("no candidate: give --candidate FILE or gates.compare.candidate in the config"))
	}
	if len(g.Rules) == 0 {
		return gate.Input(errors.New("no rules: give --rule METRIC:COND=VALUE or gates.compare.rules in the config"))
	}
	cfg.Gates.Compare = g
	res, err := m.runner("").RunGate(ctx, "compare", cfg)
	if err != nil {
		return err
	}
	return m.finishOne(&c, cfg, res)
}
