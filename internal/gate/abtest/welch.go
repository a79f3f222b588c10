package abtest

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Summary holds the size, mean and sample variance (divisor n − 1) of one
// group's values.
type Summary struct {
	N    float64 `json:"n"`
	Mean float64 `json:"mean"`
	Var  float64 `json:"var"`
}

// Summarize returns the Summary of x, computed in two passes for accuracy.
func Summarize(x []float64) Summary {
	n := float64(len(x))
	if n == 0 {
		return Summary{Mean: math.NaN(), Var: math.NaN()}
	}
	var s float64
	for _, v := range x {
		s += v
	}
	m := s / n
	var ss, c float64
	for _, v := range x {
		d := v - m
		ss += d * d
		c += d
	}
	if n < 2 {
		return Summary{N: n, Mean: m, Var: math.NaN()}
	}
	// c is the rounding error of the mean; subtracting c²/n is the
	// corrected two-pass algorithm (Chan, Golub, LeVeque).
	return Summary{N: n, Mean: m, Var: (ss - c*c/n) / (n - 1)}
}

// Welch is Welch's unequal-variance t-test of b against a on samples, as
// scipy.stats.ttest_ind(b, a, equal_var=False).
func Welch(a, b []float64) (TestResult, error) {
	return WelchSummary(Summarize(a), Summarize(b))
}

// WelchSummary is Welch's t-test from each group's size, mean and sample
// variance. Each group needs at least two values. When both variances are 0
// the statistic is ±Inf with p = 0 for different means and NaN for equal
// ones, as in SciPy.
func WelchSummary(a, b Summary) (TestResult, error) {
	for _, g := range []struct {
		name string
		s    Summary
	}{{"control", a}, {"challenger", b}} {
		if g.s.N < 2 || math.IsNaN(g.s.Var) || g.s.Var < 0 || math.IsNaN(g.s.Mean) || math.IsInf(g.s.Mean, 0) {
			return TestResult{}, fmt.Errorf("%s: %w: %v values (mean %v, variance %v), expected at least 2 finite values", g.name, ErrInvalid, g.s.N, g.s.Mean, g.s.Var)
		}
	}
	va, vb := a.Var/a.N, b.Var/b.N
	v := va + vb
	df := v * v / (va*va/(a.N-1) + vb*vb/(b.N-1))
	if math.IsNaN(df) {
		df = 1 // SciPy's choice when both variances are 0
	}
	diff := b.Mean - a.Mean
	t := diff / math.Sqrt(v)
	return TestResult{Statistic: t, DF: df, P: twoSidedT(t, df), Diff: diff, Var: v}, nil
}

// twoSidedT returns 2·P(T > |t|) for Student's t with df degrees of freedom.
func twoSidedT(t, df float64) float64 {
	switch {
	case math.IsNaN(t):
		return math.NaN()
	case math.IsInf(t, 0):
		return 0
	}
	st := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}
	return math.Min(1, 2*st.Survival(math.Abs(t)))
}
