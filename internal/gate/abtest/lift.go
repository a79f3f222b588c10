package abtest

import (
	"fmt"
	"math"
)

// Interval is an estimate with a two-sided confidence interval.
type Interval struct {
	Estimate float64 `json:"estimate"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
	// Level is the confidence level, 0.95 for a 95% interval.
	Level float64 `json:"level"`
}

// Lift returns the relative lift (mb − ma)/ma of the challenger's mean mb
// over the control's ma, with a symmetric confidence interval by the delta
// method: Var ≈ vb/ma² + mb²·va/ma⁴, where va and vb are the variances of
// the two means (p(1−p)/n for a proportion, s²/n for a mean). The lift is
// NaN when ma is 0, and the interval is NaN when a variance is.
func Lift(ma, va, mb, vb, level float64) (Interval, error) {
	if !(level > 0 && level < 1) {
		return Interval{}, fmt.Errorf("%w: confidence level %v, expected a number in (0, 1)", ErrInvalid, level)
	}
	if va < 0 || vb < 0 {
		return Interval{}, fmt.Errorf("%w: negative variance (%v, %v)", ErrInvalid, va, vb)
	}
	if ma == 0 {
		return Interval{Estimate: math.NaN(), Low: math.NaN(), High: math.NaN(), Level: level}, nil
	}
	lift := (mb - ma) / ma
	se := math.Sqrt(vb/(ma*ma) + mb*mb*va/(ma*ma*ma*ma))
	z := stdNormal.Quantile(1 - (1-level)/2)
	return Interval{Estimate: lift, Low: lift - z*se, High: lift + z*se, Level: level}, nil
}

// ProportionLift is Lift for two proportions.
func ProportionLift(a, b Proportion, level float64) (Interval, error) {
	if err := a.Validate(); err != nil {
		return Interval{}, fmt.Errorf("control: %w", err)
	}
	if err := b.Validate(); err != nil {
		return Interval{}, fmt.Errorf("challenger: %w", err)
	}
	pa, pb := a.Rate(), b.Rate()
	return Lift(pa, pa*(1-pa)/a.Trials, pb, pb*(1-pb)/b.Trials, level)
}

// MeanLift is Lift for two means given each group's Summary.
func MeanLift(a, b Summary, level float64) (Interval, error) {
	if a.N < 2 || b.N < 2 {
		return Interval{}, fmt.Errorf("%w: %v control and %v challenger values, expected at least 2 each", ErrInvalid, a.N, b.N)
	}
	return Lift(a.Mean, a.Var/a.N, b.Mean, b.Var/b.N, level)
}
