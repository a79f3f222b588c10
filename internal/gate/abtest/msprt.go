package abtest

import (
	"fmt"
	"math"
)

// MixtureLogLR returns log Λ, the log of the mixture likelihood ratio of the
// mSPRT with normal mixing distribution N(theta0, tau2) for an observed
// difference diff whose estimate has variance v (see the package comment):
//
//	log Λ = ½·log(V/(V+τ²)) + τ²·(θ̂−θ₀)² / (2·V·(V+τ²))
//
// It is NaN when v is not positive.
func MixtureLogLR(diff, v, tau2, theta0 float64) float64 {
	if !(v > 0) || !(tau2 > 0) {
		return math.NaN()
	}
	d := diff - theta0
	return 0.5*math.Log(v/(v+tau2)) + tau2*d*d/(2*v*(v+tau2))
}

// Sequential is the mixture sequential probability ratio test: feed it each
// look's difference and variance in time order and it keeps the
// always-valid p-value, the running minimum of 1/Λ. The zero value is not
// ready; use NewSequential.
type Sequential struct {
	tau2, theta0 float64
	p            float64
	looks        int
}

// NewSequential returns an mSPRT of H₀: θ = theta0 with mixing variance
// tau2 > 0 (a common choice is the square of the smallest effect worth
// finding, on the scale of the difference).
func NewSequential(tau2, theta0 float64) (*Sequential, error) {
	if !(tau2 > 0) || math.IsInf(tau2, 0) {
		return nil, fmt.Errorf("%w: mixing variance τ² = %v, expected a finite number > 0", ErrInvalid, tau2)
	}
	return &Sequential{tau2: tau2, theta0: theta0, p: 1}, nil
}

// Look records one look at the data and returns the always-valid p-value
// so far. A look with no variance yet (v ≤ 0) leaves the p-value as it was.
func (s *Sequential) Look(diff, v float64) float64 {
	s.looks++
	l := MixtureLogLR(diff, v, s.tau2, s.theta0)
	if !math.IsNaN(l) {
		s.p = math.Min(s.p, math.Exp(-l))
	}
	return s.p
}

// P returns the always-valid p-value after the looks so far (1 before any).
func (s *Sequential) P() float64 { return s.p }

// Looks returns the number of looks so far.
func (s *Sequential) Looks() int { return s.looks }
