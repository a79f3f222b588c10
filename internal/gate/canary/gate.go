package canary

import (
	"context"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/prom"
)

// Gate is the canary gate: Run's checks and judgements over Querier.
type Gate struct {
	Querier prom.Querier
	Params  Params
}

var _ gate.Gate = (*Gate)(nil)

// Name returns "canary".
func (g *Gate) Name() string { return "canary" }

// Run runs every check and judgement (see the package function Run).
func (g *Gate) Run(ctx context.Context) (gate.Result, error) {
	return Run(ctx, g.Querier, g.Params)
}
