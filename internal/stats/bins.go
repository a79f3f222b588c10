package stats

import (
	"math"
	"slices"
)

// ShareFloor is the smallest share a bin may have before the logarithms of
// PSI and KL are taken, as numpy.clip(p, 1e-4, None); shares are not
// renormalised afterwards.
const ShareFloor = 1e-4

// DefaultBins is the number of quantile bins PSI uses by default.
const DefaultBins = 10

// Quantile returns the q-quantile of sorted (ascending, no NaN) with
// numpy's default "linear" method, bit for bit: the virtual index is
// (n−1)·q and the interpolation is numpy's _lerp (QuantileAt).
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	return QuantileAt(int64(len(sorted)), q, func(i int64) float64 { return sorted[i] })
}

// QuantileEdges returns the inner bin edges of a PSI histogram anchored to
// the reference: the quantiles at i/bins (i = 1 … bins−1, numpy.linspace
// points) of the sorted reference, duplicates dropped. The outer edges are
// open (−∞ and +∞), so len(edges)+1 bins result; a value x falls in bin
// k = number of edges ≤ x (numpy.searchsorted(edges, x, "right")).
func QuantileEdges(sortedRef []float64, bins int) []float64 {
	return QuantileEdgesAt(int64(len(sortedRef)), bins, func(i int64) float64 { return sortedRef[i] })
}

// BinCounts counts the values of x in the bins that edges (inner edges,
// ascending) delimit: bin k holds the x with edges[k−1] ≤ x < edges[k].
// NaN values are skipped.
func BinCounts(x, edges []float64) []int64 {
	counts := make([]int64, len(edges)+1)
	for _, v := range x {
		if v != v {
			continue
		}
		k, _ := slices.BinarySearch(edges, v)
		// BinarySearch finds the first edge ≥ v; searchsorted "right"
		// wants the first edge > v.
		for k < len(edges) && edges[k] == v {
			k++
		}
		counts[k]++
	}
	return counts
}

// SortedBinCounts is BinCounts for an ascending x without NaN, in one pass.
func SortedBinCounts(sorted, edges []float64) []int64 {
	counts := make([]int64, len(edges)+1)
	lo := 0
	for k, e := range edges {
		hi, found := slices.BinarySearch(sorted[lo:], e)
		hi += lo
		if found { // first index with value ≥ e; bin k takes values < e
			for hi > lo && sorted[hi-1] == e {
				hi--
			}
		}
		counts[k] = int64(hi - lo)
		lo = hi
	}
	counts[len(edges)] = int64(len(sorted) - lo)
	return counts
}

// Shares turns counts into shares floored at ShareFloor (not
// renormalised). All shares are NaN when the counts sum to zero.
func Shares(counts []int64) []float64 {
	var total int64
	for _, c := range counts {
		total += c
	}
	s := make([]float64, len(counts))
	for i, c := range counts {
		if total == 0 {
			s[i] = math.NaN()
			continue
		}
		s[i] = max(float64(c)/float64(total), ShareFloor)
	}
	return s
}

// PSI is the population stability index Σ (cur − ref) · ln(cur / ref) of
// two share vectors of the same length.
func PSI(ref, cur []float64) float64 {
	var s float64
	for i := range ref {
		s += (cur[i] - ref[i]) * math.Log(cur[i]/ref[i])
	}
	return s
}

// KL is the Kullback–Leibler divergence Σ cur · ln(cur / ref) of the
// current shares from the reference shares (natural log).
func KL(ref, cur []float64) float64 {
	var s float64
	for i := range ref {
		s += cur[i] * math.Log(cur[i]/ref[i])
	}
	return s
}

// JSDistance is scipy.spatial.distance.jensenshannon(ref, cur) with the
// natural log: both vectors are normalised to sum 1, then
// sqrt((KL(p‖m) + KL(q‖m)) / 2) with m = (p + q) / 2.
func JSDistance(ref, cur []float64) float64 {
	var sp, sq float64
	for i := range ref {
		sp += ref[i]
		sq += cur[i]
	}
	var js float64
	for i := range ref {
		p, q := ref[i]/sp, cur[i]/sq
		m := (p + q) / 2
		js += relEntr(p, m) + relEntr(q, m)
	}
	return math.Sqrt(js / 2)
}

// relEntr is scipy.special.rel_entr: x·ln(x/y), 0 at x = 0.
func relEntr(x, y float64) float64 {
	switch {
	case x > 0 && y > 0:
		return x * math.Log(x/y)
	case x == 0 && y >= 0:
		return 0
	}
	return math.Inf(1)
}
