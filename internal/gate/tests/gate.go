package tests

import (
	"context"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Gate is Gate 1 over JUnit XML reports: every report in Files (already
// expanded from the config's globs) must parse, and together they must
// hold at least Min tests and no failure.
type Gate struct {
	Files []string
	Min   int
}

var _ gate.Gate = (*Gate)(nil)

// Name returns "tests".
func (g *Gate) Name() string { return "tests" }

// Run parses every report and applies Verdict. A report that cannot be
// read or parsed is an input error naming the file.
func (g *Gate) Run(ctx context.Context) (gate.Result, error) {
	var reports []*Report
	for _, f := range g.Files {
		rep, err := ParseFile(f)
		if err != nil {
			return gate.Result{}, gate.Input(err)
		}
		reports = append(reports, rep)
	}
	res := Verdict(reports, g.Min)
	res.Notes = append(res.Notes, "Reports: "+strings.Join(g.Files, ", ")+".")
	return res, nil
}
