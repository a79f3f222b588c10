package stats

import (
	"math"
	"slices"
)

// BenjaminiHochberg returns the Benjamini–Hochberg adjusted p-values
// (q-values) of ps, in the same order: q_(i) = min over j ≥ i of
// p_(j)·m/j, capped at 1, for the ascending order p_(1) ≤ … ≤ p_(m). NaN
// p-values (features without a test) are left NaN and do not count in m.
func BenjaminiHochberg(ps []float64) []float64 {
	idx := make([]int, 0, len(ps))
	for i, p := range ps {
		if !math.IsNaN(p) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(x, y int) int {
		switch {
		case ps[x] < ps[y]:
			return -1
		case ps[x] > ps[y]:
			return 1
		}
		return 0
	})
	out := make([]float64, len(ps))
	for i := range out {
		out[i] = math.NaN()
	}
	m := float64(len(idx))
	running := 1.0
	for r := len(idx) - 1; r >= 0; r-- {
		q := ps[idx[r]] * m / float64(r+1)
		running = min(running, q)
		out[idx[r]] = running
	}
	return out
}
