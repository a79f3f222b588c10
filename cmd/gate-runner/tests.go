package main

import (
	"context"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/config"
)

// runTests is `gate-runner tests --junit GLOB...`: Gate 1. --junit flags
// (each may hold several globs separated by spaces or commas) replace the
// config's gates.tests.junit; --min-tests replaces min_tests.
func runTests(ctx context.Context, m *Main, args []string) error {
	var c common
	var globs listFlag
	minTests := -1
	fset := m.flagSet("tests", &c)
	fset.Var(&globs, "junit", "JUnit XML report files or globs (repeatable; ** matches any depth)")
	fset.IntVar(&minTests, "min-tests", -1, "fewest tests that must run (default: the config's min_tests, else 1)")
	if err := m.parse(fset, multiArgs(args, "junit")); err != nil {
		return err
	}
	if err := c.checkFormat(); err != nil {
		return err
	}
	cfg, err := c.loadConfig(false)
	if err != nil {
		return err
	}
	g := cfg.Gates.Tests
	if g == nil {
		g = &config.TestsGate{}
	}
	if len(globs) > 0 {
		g.JUnit = splitList(globs)
	}
	if minTests >= 0 {
		g.MinTests = &minTests
	}
	cfg.Gates.Tests = g
	res, err := m.runner("").RunGate(ctx, "tests", cfg)
	if err != nil {
		return err
	}
	return m.finishOne(&c, cfg, res)
}

// multiArgs lets a list flag (--junit, --data) take several files, as an
// unquoted glob expands in the shell (--junit reports/a.xml reports/b.xml):
// the arguments after its value that are not flags become further values.
func multiArgs(args []string, name string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		out = append(out, a)
		if a != "--"+name && a != "-"+name {
			continue
		}
		if i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
		for i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			i++
			out = append(out, "--"+name, args[i])
		}
	}
	return out
}
