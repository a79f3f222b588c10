package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/tests"
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
	if err := m.parse(fset, junitArgs(args)); err != nil {
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
		g.JUnit = nil
		for _, s := range globs {
			g.JUnit = append(g.JUnit, strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })...)
		}
	}
	if minTests >= 0 {
		g.MinTests = &minTests
	}
	res, err := testsGate(g)
	if err != nil {
		return err
	}
	return m.finishOne(&c, cfg, res)
}

// junitArgs lets --junit take several files, as an unquoted glob expands
// in the shell (--junit reports/a.xml reports/b.xml): the arguments after
// a --junit value that are not flags become further --junit values.
func junitArgs(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		out = append(out, a)
		if a != "--junit" && a != "-junit" {
			continue
		}
		if i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
		for i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			i++
			out = append(out, "--junit", args[i])
		}
	}
	return out
}

// testsGate reads every report the globs match and applies Gate 1.
func testsGate(g *config.TestsGate) (gate.Result, error) {
	if g == nil || len(g.JUnit) == 0 {
		return gate.Result{}, gate.Input(errors.New("no JUnit reports: give --junit GLOB or gates.tests.junit in the config"))
	}
	files, err := expandGlobs(g.JUnit)
	if err != nil {
		return gate.Result{}, gate.Input(err)
	}
	var reports []*tests.Report
	for _, f := range files {
		rep, err := tests.ParseFile(f)
		if err != nil {
			return gate.Result{}, gate.Input(err)
		}
		reports = append(reports, rep)
	}
	res := tests.Gate(reports, g.Min())
	res.Notes = append(res.Notes, "Reports: "+strings.Join(files, ", ")+".")
	return res, nil
}

// expandGlobs returns the files the patterns match, sorted and without
// repeats. A pattern that matches nothing is an error naming it; a plain
// path that does not exist is reported as missing.
func expandGlobs(patterns []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, p := range patterns {
		var matches []string
		var err error
		switch {
		case strings.Contains(p, "**"):
			matches, err = doubleStar(p)
		case strings.ContainsAny(p, "*?["):
			matches, err = filepath.Glob(p)
		default:
			if _, serr := os.Stat(p); serr != nil {
				return nil, fmt.Errorf("junit report %s: %w", p, serr)
			}
			matches = []string{p}
		}
		if err != nil {
			return nil, fmt.Errorf("--junit %q: %w", p, err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("--junit %q matches no file", p)
		}
		for _, f := range matches {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// doubleStar matches a pattern in which "**" stands for any number of
// directories, walking from the directory before the first "**".
func doubleStar(p string) ([]string, error) {
	root := "."
	if i := strings.Index(p, "**"); i > 0 {
		root = filepath.Clean(p[:i])
	}
	re, err := globRegexp(filepath.ToSlash(filepath.Clean(p)))
	if err != nil {
		return nil, err
	}
	var out []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && re.MatchString(filepath.ToSlash(filepath.Clean(path))) {
			out = append(out, path)
		}
		return nil
	})
	return out, err
}

// globRegexp turns a glob with ** into a regular expression.
func globRegexp(p string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch ch := p[i]; ch {
		case '*':
			if strings.HasPrefix(p[i:], "**/") {
				b.WriteString("(?:.*/)?")
				i += 2
			} else if strings.HasPrefix(p[i:], "**") {
				b.WriteString(".*")
				i++
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(ch)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}
