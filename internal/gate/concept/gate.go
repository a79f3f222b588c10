package concept

import (
	"context"
	"errors"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Gate is the concept-drift gate: Measure on two labelled files.
type Gate struct {
	Old, New, Label string
	Options         Options
}

var _ gate.Gate = (*Gate)(nil)

// New returns the concept gate of config section g. A section without
// both files and the label is an input error.
func New(g *config.ConceptGate) (*Gate, error) {
	if g == nil || g.Old == "" || g.New == "" || g.Label == "" {
		return nil, gate.Input(errors.New("concept needs --old FILE --new FILE --label COLUMN (or gates.concept.old, .new and .label in the config)"))
	}
	return &Gate{Old: g.Old, New: g.New, Label: g.Label,
		Options: Options{C: g.C, WarnDrop: g.WarnDrop, FailDrop: g.FailDrop}}, nil
}

// Name returns "concept".
func (g *Gate) Name() string { return "concept" }

// Run measures and returns the gate's result.
func (g *Gate) Run(ctx context.Context) (gate.Result, error) {
	rep, err := g.Report(ctx)
	if err != nil {
		return gate.Result{}, err
	}
	return rep.Result(), nil
}

// Report measures and returns the report behind the gate's result (what
// `gate-runner concept --push` sends). A file that cannot be read, or
// labels that are not 0/1, are an input error unless ctx was cancelled.
func (g *Gate) Report(ctx context.Context) (*Report, error) {
	rep, err := Measure(ctx, g.Old, g.New, g.Label, g.Options)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, gate.Input(err)
	}
	return rep, nil
}
