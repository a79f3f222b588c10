package stats

import (
	"math"
	"slices"
)

// NumericResult compares a numeric feature's reference and current values.
type NumericResult struct {
	// Edges are the inner edges of the reference-quantile bins.
	Edges                []float64
	RefCounts, CurCounts []int64
	PSI, KL, JSDistance  float64
	KS                   KSResult
	Wasserstein          float64
	NRef, NCur           int
}

// Numeric computes every numeric drift statistic with bins quantile bins
// (DefaultBins when bins < 1). It sorts ref and cur in place; they must
// not hold NaN (missing values are left out by the caller). All statistics
// are NaN when either sample is empty.
func Numeric(ref, cur []float64, bins int) NumericResult {
	if bins < 1 {
		bins = DefaultBins
	}
	SortFloats(ref)
	SortFloats(cur)
	return NumericSorted(ref, cur, bins)
}

// NumericSorted is Numeric for samples already sorted ascending.
func NumericSorted(ref, cur []float64, bins int) NumericResult {
	r := NumericResult{NRef: len(ref), NCur: len(cur)}
	if len(ref) == 0 || len(cur) == 0 {
		nan := math.NaN()
		r.PSI, r.KL, r.JSDistance, r.Wasserstein = nan, nan, nan, nan
		r.KS = KSResult{Statistic: nan, PValue: nan}
		return r
	}
	r.Edges = QuantileEdges(ref, bins)
	r.RefCounts = SortedBinCounts(ref, r.Edges)
	r.CurCounts = SortedBinCounts(cur, r.Edges)
	rs, cs := Shares(r.RefCounts), Shares(r.CurCounts)
	r.PSI, r.KL, r.JSDistance = PSI(rs, cs), KL(rs, cs), JSDistance(rs, cs)
	var d float64
	d, r.Wasserstein = ksWasserstein(ref, cur)
	r.KS = ksTest(len(ref), len(cur), d)
	return r
}

// SortFloats sorts x ascending (x must not hold NaN). Large slices are
// radix-sorted on their IEEE bits, which is several times faster than a
// comparison sort for the million-row columns drift checks read.
func SortFloats(x []float64) {
	if len(x) < 4096 {
		sortSmall(x)
		return
	}
	radixSort(x)
}

// sortSmall sorts x by comparisons, −0 before +0 as the radix sort puts
// them: they compare equal, and left in the order they came the sorted
// bits would depend on it (a streamed profile's pass 2 gathers values
// from its workers in any order).
func sortSmall(x []float64) {
	slices.Sort(x)
	i, _ := slices.BinarySearch(x, 0)
	j, neg := i, 0
	for ; j < len(x) && x[j] == 0; j++ {
		if math.Signbit(x[j]) {
			neg++
		}
	}
	for k := i; k < j; k++ {
		x[k] = 0
		if k-i < neg {
			x[k] = math.Copysign(0, -1)
		}
	}
}

// bucketedMin is the size of the smaller sample from which a numeric
// feature's statistics are counted in buckets rather than sorted: below
// it sorting is as fast.
const bucketedMin = 1 << 14

// NumericParts is Numeric for samples held in parts (a column as read by
// several workers), counted in buckets (numericBuckets) when both are
// large or else sorted with the Sorter's buffers. lo and hi are the
// smallest and largest value of both samples (0 when either is empty).
// The parts are sorted or reordered in place.
func (s *Sorter) NumericParts(ref, cur [][]float64, bins int) (r NumericResult, lo, hi float64) {
	if min(total(ref), total(cur)) >= bucketedMin {
		r, lo, hi, ok := s.numericBuckets(ref, cur, bins)
		if ok {
			return r, lo, hi
		}
	}
	a, b := s.SortParts(ref), s.SortParts2(cur)
	if len(a) > 0 && len(b) > 0 {
		lo, hi = min(a[0], b[0]), max(a[len(a)-1], b[len(b)-1])
	}
	return NumericSorted(a, b, bins), lo, hi
}
