package stats

import (
	"math"
	"slices"
)

// DefaultSketch is the compression parameter K a profile's quantile
// sketches use by default: a sketch keeps at most 2K+1 points, and one
// compression moves at most 1/(2K) of the sample's rank at any point.
const DefaultSketch = 4096

// Sketch is a mergeable, deterministic quantile summary of a numeric
// sample: ascending distinct values with integer weights (how many sample
// values each point stands for) and bounds on how far it is from the
// sample it summarises.
//
// Let C(x) be the number of sample values ≤ x and Ĉ(x) the weight of the
// points ≤ x (likewise for < x). For every x,
//
//	−RankDown ≤ Ĉ(x) − C(x) ≤ RankUp    and    ∫ |Ĉ(x) − C(x)| dx ≤ L1.
//
// The bounds are not estimates: each compression adds the exact worst case
// of the error it introduces, and merging adds the parts' bounds. So the
// KS statistic computed from a sketch of n values is within
// max(RankUp, RankDown)/n of the exact one, and Wasserstein-1 within L1/n.
type Sketch struct {
	Values   []float64 `json:"values"`
	Weights  []int64   `json:"weights"`
	RankUp   int64     `json:"rank_error_up"`
	RankDown int64     `json:"rank_error_down"`
	L1       float64   `json:"l1_error"`
}

// N returns the number of sample values the sketch summarises.
func (s *Sketch) N() int64 {
	var n int64
	for _, w := range s.Weights {
		n += w
	}
	return n
}

// RankError returns the bound on |Ĉ(x) − C(x)| for any x.
func (s *Sketch) RankError() int64 { return max(s.RankUp, s.RankDown) }

// SketchFromSorted summarises an ascending sample without NaN: equal
// values become one point (no error), and more than 2k distinct values
// are compressed once.
func SketchFromSorted(x []float64, k int) *Sketch {
	return sketchFromSortedBuf(x, k, &Sketch{})
}

// sketchFromSortedBuf is SketchFromSorted with a scratch sketch for the
// distinct values, which a builder reuses from chunk to chunk.
func sketchFromSortedBuf(x []float64, k int, scratch *Sketch) *Sketch {
	s := scratch
	s.Values, s.Weights = s.Values[:0], s.Weights[:0]
	for i := 0; i < len(x); {
		j := i + 1
		for j < len(x) && x[j] == x[i] {
			j++
		}
		s.Values = append(s.Values, x[i])
		s.Weights = append(s.Weights, int64(j-i))
		i = j
	}
	out := &Sketch{Values: s.Values, Weights: s.Weights}
	out.compress(k)
	if len(out.Values) > 0 && &out.Values[0] == &s.Values[0] {
		// Not compressed: the points still live in the scratch.
		out.Values, out.Weights = slices.Clone(out.Values), slices.Clone(out.Weights)
	}
	return out
}

// compress reduces s to at most 2k+1 points when it has more than 2k. It
// cuts the points, in order, into groups of total weight at most W/k (W the
// sketch's total weight; a heavier point is a group of its own) and puts
// each group's weight on a weighted median: a point that minimises the
// weight moved times the distance moved, so the L1 bound grows by the
// least. Groups cover disjoint intervals, so at any x the rank error of
// one compression is that of one group: at most the weight before
// (RankDown) or after (RankUp) its median, each at most W/(2k).
func (s *Sketch) compress(k int) {
	n := len(s.Values)
	if k < 1 || n <= 2*k {
		return
	}
	var total int64
	for _, w := range s.Weights {
		total += w
	}
	limit := float64(total) / float64(k)
	vals := make([]float64, 0, 2*k+1)
	wts := make([]int64, 0, 2*k+1)
	var up, down int64
	l1 := 0.0
	for i := 0; i < n; {
		gm := s.Weights[i]
		j := i + 1
		for j < n && float64(gm+s.Weights[j]) <= limit {
			gm += s.Weights[j]
			j++
		}
		// Of two weighted medians, alternate between the lower and the
		// upper one, so that successive compressions' errors at a point
		// tend to cancel instead of all leaning one way.
		upper := len(vals)%2 == 0
		r, cum := i, int64(0)
		for ; r < j; r++ {
			cum += s.Weights[r]
			if 2*cum > gm || (upper && 2*cum == gm) {
				break
			}
		}
		down = max(down, cum-s.Weights[r])
		up = max(up, gm-cum)
		for t := i; t < j; t++ {
			l1 += float64(s.Weights[t]) * math.Abs(s.Values[t]-s.Values[r])
		}
		vals = append(vals, s.Values[r])
		wts = append(wts, gm)
		i = j
	}
	s.Values, s.Weights = vals, wts
	s.RankUp += up
	s.RankDown += down
	s.L1 = addBound(s.L1, l1)
}

// addBound adds two error bounds, saturating at the largest float so that
// the bound stays finite (and so JSON-encodable) and still a bound.
func addBound(a, b float64) float64 {
	s := a + b
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return math.MaxFloat64
	}
	return s
}

// mergePair returns the union of a and b: the points of both (equal
// values added), with the bounds added. The union adds no error.
func mergePair(a, b *Sketch) *Sketch {
	out := &Sketch{
		Values:   make([]float64, 0, len(a.Values)+len(b.Values)),
		Weights:  make([]int64, 0, len(a.Values)+len(b.Values)),
		RankUp:   a.RankUp + b.RankUp,
		RankDown: a.RankDown + b.RankDown,
		L1:       addBound(a.L1, b.L1),
	}
	i, j := 0, 0
	for i < len(a.Values) || j < len(b.Values) {
		switch {
		case j >= len(b.Values) || (i < len(a.Values) && a.Values[i] < b.Values[j]):
			out.Values, out.Weights = append(out.Values, a.Values[i]), append(out.Weights, a.Weights[i])
			i++
		case i >= len(a.Values) || b.Values[j] < a.Values[i]:
			out.Values, out.Weights = append(out.Values, b.Values[j]), append(out.Weights, b.Weights[j])
			j++
		default:
			out.Values, out.Weights = append(out.Values, a.Values[i]), append(out.Weights, a.Weights[i]+b.Weights[j])
			i++
			j++
		}
	}
	return out
}

// MergeSketches merges sketches and compresses the result once.
func MergeSketches(k int, parts ...*Sketch) *Sketch {
	var out *Sketch
	for _, p := range parts {
		if p == nil {
			continue
		}
		if out == nil {
			out = &Sketch{Values: slices.Clone(p.Values), Weights: slices.Clone(p.Weights), RankUp: p.RankUp, RankDown: p.RankDown, L1: p.L1}
			continue
		}
		out = mergePair(out, p)
	}
	if out != nil {
		out.compress(k)
	}
	return out
}

// Cumulative returns the running weights: c[i] is the weight of points
// 0 … i.
func (s *Sketch) Cumulative() []int64 {
	c := make([]int64, len(s.Weights))
	var t int64
	for i, w := range s.Weights {
		t += w
		c[i] = t
	}
	return c
}

// ValueAt returns the j-th smallest (0-based) value of the sample the
// sketch stands for, as the sketch sees it: the point whose weight covers
// rank j.
func (s *Sketch) ValueAt(cum []int64, j int64) float64 {
	i, _ := slices.BinarySearch(cum, j+1)
	return s.Values[min(i, len(s.Values)-1)]
}

// CountBelow returns the sketch's count of values < x (Ĉ(x−)).
func (s *Sketch) CountBelow(cum []int64, x float64) int64 {
	i, _ := slices.BinarySearch(s.Values, x)
	if i == 0 {
		return 0
	}
	return cum[i-1]
}

// Bins returns PSI edges at the deciles of the n values the sketch stands
// for (numpy's linear method over them) and the sketch's weight in each
// bin.
func (s *Sketch) Bins(n int64, bins int) ([]float64, []int64) {
	cum := s.Cumulative()
	edges := QuantileEdgesAt(n, bins, func(j int64) float64 { return s.ValueAt(cum, j) })
	counts := make([]int64, len(edges)+1)
	var prev int64
	for k, e := range edges {
		lt := s.CountBelow(cum, e)
		counts[k] = lt - prev
		prev = lt
	}
	counts[len(edges)] = n - prev
	return edges, counts
}

// QuantileAt is Quantile for a sample of n values that at(j) returns the
// j-th smallest of: numpy's linear method, the same arithmetic.
func QuantileAt(n int64, q float64, at func(int64) float64) float64 {
	if n == 0 {
		return math.NaN()
	}
	v := float64(n-1) * q
	prev := math.Floor(v)
	if v >= float64(n-1) {
		return at(n - 1)
	}
	if v < 0 {
		return at(0)
	}
	i := int64(prev)
	a, b := at(i), at(i+1)
	t := v - prev
	d := b - a
	if t >= 0.5 {
		return b - d*(1-t)
	}
	return a + d*t
}

// QuantileEdgesAt is QuantileEdges for a sample that at indexes.
func QuantileEdgesAt(n int64, bins int, at func(int64) float64) []float64 {
	if n == 0 || bins < 1 {
		return nil
	}
	step := 1 / float64(bins)
	edges := make([]float64, 0, bins-1)
	for i := 1; i < bins; i++ {
		edges = append(edges, QuantileAt(n, float64(i)*step, at))
	}
	slices.Sort(edges)
	return slices.Compact(edges)
}

// SketchKSW returns the KS statistic sup|G − F| and ∫|G − F| where G is
// the sketch's CDF (its weights over n) and F the ECDF of the ascending
// sample cur: both step functions, so the walk over the pooled values is
// exact for them.
func SketchKSW(s *Sketch, n int64, cur []float64) (ks, w float64) {
	na, nb := float64(n), float64(len(cur))
	i, j := 0, 0
	var ca int64
	var fa, fb, prev float64
	first := true
	for i < len(s.Values) || j < len(cur) {
		var x float64
		if j >= len(cur) || (i < len(s.Values) && s.Values[i] <= cur[j]) {
			x = s.Values[i]
		} else {
			x = cur[j]
		}
		if !first {
			w += math.Abs(fa-fb) * (x - prev)
		}
		for i < len(s.Values) && s.Values[i] == x {
			ca += s.Weights[i]
			i++
		}
		for j < len(cur) && cur[j] == x {
			j++
		}
		fa, fb = float64(ca)/na, float64(j)/nb
		ks = max(ks, math.Abs(fa-fb))
		prev, first = x, false
	}
	return ks, w
}
