package gate

import "context"

// Gate is one quality gate, built from its config section together with
// everything it reads (files, a Prometheus client, a baseline source), so
// that `gate-runner run` can run every gate the config names alike.
type Gate interface {
	// Name returns the gate's config name: tests, data, compare, abtest,
	// canary, drift or concept.
	Name() string
	// Run decides and returns the gate's verdict. An error means the gate
	// could not decide: one that errors.Is ErrInput is the user's mistake
	// (exit code 2), any other an outside failure (an unreachable
	// Prometheus, a cancelled context).
	Run(ctx context.Context) (Result, error)
}

// Func is a Gate made of a name and a function.
func Func(name string, run func(ctx context.Context) (Result, error)) Gate {
	return funcGate{name, run}
}

type funcGate struct {
	name string
	run  func(ctx context.Context) (Result, error)
}

func (g funcGate) Name() string                            { return g.name }
func (g funcGate) Run(ctx context.Context) (Result, error) { return g.run(ctx) }
