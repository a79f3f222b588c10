package abtest

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
)

// MannWhitney is the two-sided Mann–Whitney U test of a against b with the
// normal approximation, average ranks for ties, the tie-corrected variance
// and a continuity correction, as scipy.stats.mannwhitneyu(a, b,
// method="asymptotic", use_continuity=True). Statistic is U of a; Diff is
// median(b) − median(a). When every value is the same, P is 1.
func MannWhitney(a, b []float64) (TestResult, error) {
	if len(a) == 0 || len(b) == 0 {
		return TestResult{}, fmt.Errorf("%w: %d control and %d challenger values, expected at least one each", ErrInvalid, len(a), len(b))
	}
	type obs struct {
		v float64
		a bool
	}
	all := make([]obs, 0, len(a)+len(b))
	for _, v := range a {
		if math.IsNaN(v) {
			return TestResult{}, fmt.Errorf("control: %w: NaN value", ErrInvalid)
		}
		all = append(all, obs{v, true})
	}
	for _, v := range b {
		if math.IsNaN(v) {
			return TestResult{}, fmt.Errorf("challenger: %w: NaN value", ErrInvalid)
		}
		all = append(all, obs{v, false})
	}
	slices.SortFunc(all, func(x, y obs) int { return cmp.Compare(x.v, y.v) })

	n1, n2 := float64(len(a)), float64(len(b))
	n := n1 + n2
	var rankA, tieTerm float64
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		// ranks i+1..j share their average
		avg := float64(i+1+j) / 2
		for k := i; k < j; k++ {
			if all[k].a {
				rankA += avg
			}
		}
		t := float64(j - i)
		tieTerm += t*t*t - t
		i = j
	}
	u1 := rankA - n1*(n1+1)/2
	u := math.Max(u1, n1*n2-u1)
	mu := n1 * n2 / 2
	s := math.Sqrt(n1 * n2 / 12 * ((n + 1) - tieTerm/(n*(n-1))))
	z := (u - mu - 0.5) / s
	p := 1.0
	if !math.IsNaN(z) {
		p = math.Min(1, 2*normalSF(z))
	}
	return TestResult{Statistic: u1, P: p, Diff: median(b) - median(a)}, nil
}

// median returns the median of x (the mean of the middle two for even
// lengths) without changing x.
func median(x []float64) float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}
