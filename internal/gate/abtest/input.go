package abtest

import (
	"time"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Kind is how a metric is tested.
type Kind string

// The metric kinds.
const (
	// KindProportion is successes out of trials (CTR, conversion): the
	// two-proportion z-test.
	KindProportion Kind = "proportion"
	// KindMean is a continuous value per unit (revenue, session length):
	// Welch's t-test, with Mann–Whitney U beside it when the raw values
	// are known.
	KindMean Kind = "mean"
)

// Look is one metric's data for both groups at one time. For proportions A
// and B are set; for means SA and SB, and RawA and RawB when the values
// themselves are known (Mann–Whitney needs them).
type Look struct {
	At         time.Time
	A, B       Proportion
	SA, SB     Summary
	RawA, RawB []float64
}

// Metric is one business metric of the test with its looks in time order;
// the last look is the data now.
type Metric struct {
	Name string
	Kind Kind
	// Lower is true when a lower value is better.
	Lower bool
	// MDE is the relative minimum detectable effect (0.05 = 5%), for the
	// sample size and the mSPRT's mixing variance.
	MDE   float64
	Looks []Look
	// Err is set when the metric's data could not be had; the metric then
	// counts as no data and the decision is to continue.
	Err error
}

// Guardrail is a health metric that can veto a promotion: the challenger's
// value must stay at most Max (absolute), and at most (1+MaxIncrease)
// times the control's (relative); Lower false flips both to minimums.
type Guardrail struct {
	Name                string
	Control, Challenger float64
	Max                 *float64
	MaxIncrease         *float64
	Lower               bool
	// Err is set when the guardrail's data could not be had: no data vetoes
	// a promotion, since health cannot be shown.
	Err error
}

// Input is everything Decide needs.
type Input struct {
	// Start is when the challenger began to get traffic; End is now (or the
	// end of the data).
	Start, End  time.Time
	MinDuration time.Duration
	// Split is the challenger's configured share of units (0.1).
	Split float64
	// Units are the control's and the challenger's unit counts for the
	// sample-ratio check; zero means unknown (the check is skipped).
	Units        [2]float64
	Alpha, Power float64
	// Sequential selects the mSPRT's always-valid p-values over all looks
	// instead of the fixed-horizon tests at the last look.
	Sequential bool
	Metrics    []Metric
	Guardrails []Guardrail
	// ContinueStatus is the gate status of a "continue" decision: fail (so
	// that a promotion job does not run) or warn.
	ContinueStatus gate.Status
	// Source says where the data came from, for the report.
	Source string
}
