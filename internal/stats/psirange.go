package stats

import (
	"math"
	"slices"
)

// SketchPSIRange returns an interval [lo, hi] that holds the exact PSI of
// a sorted current sample cur against the sample of n values the sketch s
// summarises: the PSI with the reference's exact deciles as edges, which
// the sketch does not know. ok is false when no interval can be given:
// when the brackets of two adjacent deciles overlap (the exact deciles
// may then coincide and merge two bins), or with no values.
//
// Each inner edge e lies between two of the sketch's points L ≤ e ≤ H
// (NewEdgePlan's brackets of the two values it interpolates). So the
// current values below e number between #cur < L and #cur < H, and the
// reference's between Ĉ(L−) − RankUp and Ĉ(H−) + RankDown. A bin's count
// is the difference of two such cumulative counts, so it has an interval
// too, and so has its share (floored at ShareFloor, as Shares floors it).
// PSI's term (c − r)·ln(c/r) is jointly convex, zero where c = r,
// increasing in c and decreasing in r where c > r (the reverse where
// c < r): over a box of shares its maximum is at a corner and its minimum
// is 0 when the box meets c = r, else at the corner nearest to it. The
// sum of the terms' ranges holds the exact PSI.
func SketchPSIRange(s *Sketch, n int64, bins int, cur []float64) (lo, hi float64, ok bool) {
	if s == nil || n <= 0 || len(cur) == 0 || bins < 2 {
		return math.NaN(), math.NaN(), false
	}
	plan := NewEdgePlan(s, n, bins)
	if len(plan.br) != bins-1 {
		return math.NaN(), math.NaN(), false
	}
	for j := 1; j < len(plan.br); j++ {
		if !(plan.br[j-1].hi < plan.br[j].lo) {
			return math.NaN(), math.NaN(), false
		}
	}
	cum := s.Cumulative()
	m := int64(len(cur))
	below := func(x float64) int64 {
		i, _ := slices.BinarySearch(cur, x) // first index with cur[i] ≥ x
		return int64(i)
	}
	// Cumulative counts below each edge, with the ends 0 and n (m).
	rlo, rhi := []int64{0}, []int64{0}
	clo, chi := []int64{0}, []int64{0}
	for _, b := range plan.br {
		rlo = append(rlo, max(0, s.CountBelow(cum, b.lo)-s.RankUp))
		rhi = append(rhi, min(n, s.CountBelow(cum, b.hi)+s.RankDown))
		clo = append(clo, below(b.lo))
		chi = append(chi, below(b.hi))
	}
	rlo, rhi = append(rlo, n), append(rhi, n)
	clo, chi = append(clo, m), append(chi, m)
	share := func(c, total int64) float64 { return max(float64(c)/float64(total), ShareFloor) }
	for k := 0; k < bins; k++ {
		r0, r1 := share(max(0, rlo[k+1]-rhi[k]), n), share(max(0, rhi[k+1]-rlo[k]), n)
		c0, c1 := share(max(0, clo[k+1]-chi[k]), m), share(max(0, chi[k+1]-clo[k]), m)
		tlo, thi := psiTermRange(r0, r1, c0, c1)
		lo += tlo
		hi += thi
	}
	return lo, hi, true
}

// psiTermRange is the range of (c − r)·ln(c/r) over r ∈ [r0, r1],
// c ∈ [c0, c1] (all > 0).
func psiTermRange(r0, r1, c0, c1 float64) (lo, hi float64) {
	t := func(r, c float64) float64 { return (c - r) * math.Log(c/r) }
	hi = max(t(r0, c0), t(r0, c1), t(r1, c0), t(r1, c1))
	switch {
	case c0 > r1: // c > r throughout
		lo = t(r1, c0)
	case c1 < r0: // c < r throughout
		lo = t(r0, c1)
	}
	return lo, hi
}
