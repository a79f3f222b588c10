package abtest

import (
	"context"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Source reads an A/B test's data (internal/gate/abtest/experiment has one
// for Prometheus and one for events files).
type Source interface {
	// Read returns the test's data and notes for the report; a wrong
	// query or file is an input error, an unreachable source another.
	Read(ctx context.Context) (Input, []string, error)
}

// SourceFunc is a Source made of a function.
type SourceFunc func(ctx context.Context) (Input, []string, error)

// Read calls f.
func (f SourceFunc) Read(ctx context.Context) (Input, []string, error) { return f(ctx) }

// Gate is Gate 4: Decide on the data its Source reads.
type Gate struct {
	Source Source
}

var _ gate.Gate = (*Gate)(nil)

// Name returns "abtest".
func (g *Gate) Name() string { return "abtest" }

// Run reads the data and decides.
func (g *Gate) Run(ctx context.Context) (gate.Result, error) {
	in, notes, err := g.Source.Read(ctx)
	if err != nil {
		return gate.Result{}, err
	}
	res := Decide(in)
	res.Notes = append(res.Notes, notes...)
	return res, nil
}
