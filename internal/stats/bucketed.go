package stats

import (
	"math"
	"slices"
	"unsafe"
)

// The numeric statistics of two large samples without sorting them.
//
// Every statistic a numeric feature reports depends on the samples only
// through their two ECDFs (KS: their largest gap; Wasserstein: the area
// between them) and a few of the reference's order statistics (the PSI
// edges). So the values are counted into buckets (contiguous ranges of
// values, in the order of the floats), and a bucket's values are looked at
// one by one only where its counts and sums cannot settle the answer:
//
//   - the ECDF difference D at every bucket's edges comes from the counts;
//     inside a bucket D moves between d0 − c2/n2 and d0 + c1/n1 (d0 its
//     value at the bucket's start, c1 and c2 the bucket's counts), so a
//     bucket matters to KS only if that range reaches past the largest |D|
//     at the edges;
//   - where D keeps one sign across a bucket, the area ∫|D| over it is
//     |∫D|, which the counts and the sums of (x − bucket start) give; only
//     buckets where D may change sign need their values;
//   - the order statistics PSI's quantiles need fall in known buckets.
//
// Those buckets' values (a few per cent on real data) are gathered, sorted
// and walked exactly as the sorted path walks them, so KS's statistic is
// bit for bit the sorted path's (the same counts times 1/n), and the edges
// and bin counts are identical; Wasserstein sums the same areas in another
// grouping (within 1e-12 relative). Every result depends only on the
// values, not on how they are split into parts or ordered: the plan
// counts every value and the buckets' sums are exact integers, so a file
// read by two workers or by eight, from disk or from object storage,
// gives the same bits. Three passes over each sample replace
// two radix sorts (five scatters each) and a merge of 2n values.
//
// numericBuckets computes NumericSorted's result for the values of ref and
// cur (no NaN) without sorting them, and the smallest and largest value of
// both. ok is false (and nothing else valid) when the samples hold values
// this path does not take (±Inf, |x| ≥ 2^1023, negative subnormals), more
// than 2^32 − 1
// values, or so many ties around the crossings of the ECDFs that sorting
// is cheaper; the caller then sorts.
func (s *Sorter) numericBuckets(ref, cur [][]float64, bins int) (r NumericResult, lo, hi float64, ok bool) {
	n1, n2 := total(ref), total(cur)
	if n1 == 0 || n2 == 0 || n1 > maxRadix || n2 > maxRadix {
		return r, 0, 0, false
	}
	if bins < 1 {
		bins = DefaultBins
	}
	if s.bm == nil {
		s.bm = new(bucketMap)
	}
	m := s.bm
	m.plan(ref, cur, n1+n2)
	m.tally(ref, 0)
	m.tally(cur, 1)
	if m.excluded() {
		return r, 0, 0, false
	}
	lo, hi = m.bounds()
	ra, rb := 1/float64(n1), 1/float64(n2)

	// The reference's order statistics the quantile edges need: each
	// quantile's pair of ranks (spans), and all of them ascending (ranks)
	// with their buckets.
	spans, ranks := quantileRanks(n1, bins)
	rankBucket := make([]int, len(ranks))
	// First look: the largest |D| at the buckets' edges, and the rank
	// buckets.
	var edgeMax float64
	c1, c2, ri := 0, 0, 0
	for b := range m.b {
		if c1 == n1 && c2 == n2 && ri == len(ranks) {
			break
		}
		e := &m.b[b]
		d := float64(c1)*ra - float64(c2)*rb
		edgeMax = max(edgeMax, math.Abs(d))
		c1 += int(e.n[0])
		c2 += int(e.n[1])
		for ri < len(ranks) && ranks[ri] < c1 {
			rankBucket[ri] = b
			ri++
		}
	}
	// Mark the buckets whose values are needed.
	slack := edgeMax - 1e-12
	c1, c2 = 0, 0
	for b := range m.b {
		e := &m.b[b]
		k1, k2 := int(e.n[0]), int(e.n[1])
		if k1+k2 > 0 && !e.single() {
			d0 := float64(c1)*ra - float64(c2)*rb
			up, down := d0+float64(k1)*ra, d0-float64(k2)*rb
			signs := down < 0 && up > 0 // D may change sign inside
			if signs || up >= slack || -down >= slack {
				m.mark[b] = 1
			}
		}
		c1 += k1
		c2 += k2
	}
	// An edge lies between its quantile's two order statistics, so in a
	// bucket from the first one's to the second one's.
	for _, sp := range spans {
		i, _ := slices.BinarySearch(ranks, sp[0])
		j, _ := slices.BinarySearch(ranks, sp[1])
		for b := rankBucket[i]; b <= rankBucket[j]; b++ {
			if !m.b[b].single() {
				m.mark[b] = 1
			}
		}
	}
	ga, gb := growFloats(&s.a, n1/gatherShare+1), growFloats(&s.b, n2/gatherShare+1)
	na, okA := m.gather(ref, ga)
	nb, okB := m.gather(cur, gb)
	if !okA || !okB {
		return r, 0, 0, false
	}
	ga, gb = ga[:na], gb[:nb]
	s.sortFloats(ga)
	s.sortFloats(gb)

	// Walk: D at every edge, the marked buckets value by value, the
	// others by their counts and sums.
	rankValue := make([]float64, len(ranks))
	var st kswState
	c1, c2, ri = 0, 0, 0
	pa, pb := 0, 0
	for b := range m.b {
		if c1 == n1 && c2 == n2 {
			// Past the last value D is 0 (n·(1/n) may round to 1 − ε:
			// nothing after it is counted, as the sorted walk stops).
			break
		}
		e := &m.b[b]
		k1, k2 := int(e.n[0]), int(e.n[1])
		d0 := float64(c1)*ra - float64(c2)*rb
		st.maxS, st.minS = max(st.maxS, d0), min(st.minS, d0)
		if k1+k2 == 0 {
			if d0 != 0 {
				st.sum += math.Abs(d0) * (m.b[b+1].lo - e.lo)
			}
			continue
		}
		end := m.b[b+1].lo // b is not the last: that range is excluded
		d1 := float64(c1+k1)*ra - float64(c2+k2)*rb
		switch {
		case e.single():
			// D is d0 up to the value, d1 from it.
			st.sum += math.Abs(d0)*e.top + math.Abs(d1)*(end-(e.lo+e.top))
			for ri < len(ranks) && ranks[ri] < c1+k1 {
				rankValue[ri] = e.lo + e.top
				ri++
			}
		case m.mark[b] == 0:
			st.sum += math.Abs(d1*(end-e.lo) - e.offset(0)*ra + e.offset(1)*rb)
		default:
			x := walk(ga[pa:pa+k1], gb[pb:pb+k2], c1, c2, ra, rb,
				kswState{prev: e.lo, maxS: st.maxS, minS: st.minS}, k1+k2)
			st.sum += x.sum + math.Abs(d1)*(end-x.prev)
			st.maxS, st.minS = x.maxS, x.minS
			for ri < len(ranks) && ranks[ri] < c1+k1 {
				rankValue[ri] = ga[pa+ranks[ri]-c1]
				ri++
			}
			pa += k1
			pb += k2
		}
		c1 += k1
		c2 += k2
	}
	if ri < len(ranks) { // a rank in an unmarked bucket: cannot happen
		return r, 0, 0, false
	}
	r = NumericResult{NRef: n1, NCur: n2}
	r.Edges = QuantileEdgesAt(int64(n1), bins, func(i int64) float64 {
		k, _ := slices.BinarySearch(ranks, int(i))
		return rankValue[k]
	})
	var okE bool
	if r.RefCounts, r.CurCounts, okE = m.binCounts(r.Edges, ga, gb, n1, n2); !okE {
		return r, 0, 0, false
	}
	rs, cs := Shares(r.RefCounts), Shares(r.CurCounts)
	r.PSI, r.KL, r.JSDistance = PSI(rs, cs), KL(rs, cs), JSDistance(rs, cs)
	r.Wasserstein = st.sum
	r.KS = ksTest(n1, n2, st.statistic())
	return r, lo, hi, true
}

// quantileRanks returns the smallest and largest rank of the order
// statistics each inner quantile of QuantileEdges reads from a sample of
// n, and all those ranks ascending without repeats.
func quantileRanks(n, bins int) (spans [][2]int, ranks []int) {
	step := 1 / float64(bins)
	for i := 1; i < bins; i++ {
		sp := [2]int{n, -1}
		QuantileAt(int64(n), float64(i)*step, func(j int64) float64 {
			sp[0], sp[1] = min(sp[0], int(j)), max(sp[1], int(j))
			ranks = append(ranks, int(j))
			return 0
		})
		spans = append(spans, sp)
	}
	slices.Sort(ranks)
	return spans, slices.Compact(ranks)
}

func total(parts [][]float64) int {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	return n
}

// growFloats is grow for a float64 view of a Sorter buffer.
func growFloats(buf *[]uint64, n int) []float64 {
	b := grow(buf, n)
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(b))), n)
}

// sortFloats sorts x in place with the Sorter's buffers.
func (s *Sorter) sortFloats(x []float64) {
	if len(x) < 4096 {
		sortSmall(x)
		return
	}
	copy(x, s.sortParts([][]float64{x}, len(x), &s.c))
}
