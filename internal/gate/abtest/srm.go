package abtest

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// SRMAlpha is the p-value below which a sample ratio counts as broken, as
// GrowthBook and Eppo flag it.
const SRMAlpha = 0.001

// SRM is the result of a sample-ratio-mismatch test.
type SRM struct {
	ChiSquare float64 `json:"chi_square"`
	DF        float64 `json:"df"`
	P         float64 `json:"p"`
	// Expected are the group sizes the split predicts.
	Expected []float64 `json:"expected"`
	// Observed share of each group.
	Shares []float64 `json:"shares"`
	// Mismatch is P < SRMAlpha.
	Mismatch bool `json:"mismatch"`
}

// SampleRatio tests the observed group sizes against the configured split
// (weights, normalized to sum 1) with Pearson's chi-square goodness-of-fit
// test, as scipy.stats.chisquare(observed, expected).
func SampleRatio(observed, weights []float64) (SRM, error) {
	if len(observed) < 2 || len(observed) != len(weights) {
		return SRM{}, fmt.Errorf("%w: %d group sizes and %d weights, expected the same number, at least 2", ErrInvalid, len(observed), len(weights))
	}
	var total, wsum float64
	for i := range observed {
		if !(observed[i] >= 0) || math.IsInf(observed[i], 0) {
			return SRM{}, fmt.Errorf("%w: group size %v, expected a count ≥ 0", ErrInvalid, observed[i])
		}
		if !(weights[i] > 0) || math.IsInf(weights[i], 0) {
			return SRM{}, fmt.Errorf("%w: split weight %v, expected a number > 0", ErrInvalid, weights[i])
		}
		total += observed[i]
		wsum += weights[i]
	}
	if total == 0 {
		return SRM{}, fmt.Errorf("%w: no units in any group", ErrInvalid)
	}
	res := SRM{DF: float64(len(observed) - 1)}
	for i := range observed {
		e := total * weights[i] / wsum
		d := observed[i] - e
		res.ChiSquare += d * d / e
		res.Expected = append(res.Expected, e)
		res.Shares = append(res.Shares, observed[i]/total)
	}
	res.P = distuv.ChiSquared{K: res.DF}.Survival(res.ChiSquare)
	res.Mismatch = res.P < SRMAlpha
	return res, nil
}

// FormatP writes a p-value for a report as "= 0.0123", or "< 1e-300" when
// it underflowed to 0.
func FormatP(p float64) string {
	if p == 0 {
		return "< 1e-300"
	}
	return "= " + gate.FormatNumber(p)
}
