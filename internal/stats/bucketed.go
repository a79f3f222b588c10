package stats

import (
	"math"
	mbits "math/bits"
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
// Buckets follow the floats' order-preserving keys (floatKey): each
// sign-and-exponent range t (the key's top 12 bits) gets its own linear
// buckets over the key range the data spans in it, in proportion to its
// share of the values, so that heavy tails, timestamps and
// values crowded into a small range all spread over many buckets. A
// bucket never crosses a power of two, so x − start is exact.

// bucketSpan maps the keys of one top-12-bit range to its buckets: key k
// goes to base + (k − kmin) >> shift, clamped to the range's nb buckets
// (values the sample did not reach go to the first or last one).
type bucketSpan struct {
	kmin  uint64
	shift uint8
	nb    uint32
	base  uint32
}

// bucket is one bucket: its start (the smallest value it can hold), per
// sample the count and the sum of (x − start), and the largest and
// smallest x − start of both samples: when they are equal the bucket
// holds one value (ties), and D only steps once in it.
type bucket struct {
	lo float64
	// off holds per sample the sum of (x − lo) in units of the range's
	// ulp, as a 128-bit integer (high, low word): x − lo is a whole
	// number of ulps (the bucket does not cross a power of two), so the
	// sum is exact and does not depend on the order the values came in.
	off      [2][2]uint64
	top, bot float64
	n        [2]uint32
}

// offset returns sample w's sum of (x − lo).
func (e *bucket) offset(w int) float64 {
	hi, lo := e.off[w][0], e.off[w][1]
	units := float64(hi)*0x1p64 + float64(lo)
	return units * rangeULP(floatKey(e.lo+0)>>52)
}

// rangeULP returns the spacing of the floats in key range t (its sign
// and biased exponent).
func rangeULP(t uint64) float64 {
	exp := int(t & 0x7ff)
	if t < 0x800 { // negative: the key's exponent bits are inverted
		exp = 0x7ff - exp
	}
	return math.Ldexp(1, max(exp, 1)-1075)
}

// single reports whether the bucket holds values, all equal.
func (e *bucket) single() bool { return e.n[0]+e.n[1] > 0 && e.top == e.bot }

// bucketMap is the buckets of one pair of samples; a Sorter keeps one to
// reuse its memory.
type bucketMap struct {
	spans [1 << 12]bucketSpan
	b     []bucket
	mark  []uint8
}

const (
	// bucketLoad is the number of values of both samples a bucket holds
	// on average: fewer buckets fit the cache better, more leave fewer
	// values to gather.
	bucketLoad = 64
	// gatherShare: when more than 1/gatherShare of a sample would be
	// gathered (heavy ties, say), the bucketed path gives up and the
	// samples are sorted.
	gatherShare = 4
	// maxBuckets bounds the buckets of small samples.
	maxBuckets = 1 << 14
)

// Top-12-bit ranges the bucketed path does not take: NaN and ±Inf (0x000
// and 0xfff), magnitudes of 2^1023 and more (0x001, 0xffe: a bucket's end
// could overflow) and the negative subnormals (0x7ff, rare). −0 is
// counted as +0 (x + 0 is +0 for both zeros): they are equal.
var excludedRanges = [...]uint64{0x000, 0x001, 0x7ff, 0xffe, 0xfff}

// index returns the bucket of key k.
func (m *bucketMap) index(k uint64) uint32 {
	sp := &m.spans[k>>52]
	u := k - sp.kmin
	j := u >> (sp.shift & 63)
	if j >= uint64(sp.nb) {
		j = uint64(sp.nb) - 1
		if int64(u) < 0 { // k < kmin
			j = 0
		}
	}
	return sp.base + uint32(j)
}

// plan lays out the buckets from every value of both samples: each
// range's count and smallest and largest key. Not a sample of them: a
// strided sample depends on how the values are split into parts and in
// which order (which worker parsed which block), and so would the
// buckets and the last digits of Wasserstein; counted over every value
// the plan is the same however the rows were read.
func (m *bucketMap) plan(ref, cur [][]float64, n int) {
	var cnt [1 << 12]uint64
	var lo, hi [1 << 12]uint64
	for i := range lo {
		lo[i] = math.MaxUint64
	}
	for _, parts := range [2][][]float64{ref, cur} {
		for _, p := range parts {
			for _, x := range p {
				k := floatKey(x + 0)
				t := k >> 52
				cnt[t]++
				lo[t], hi[t] = min(lo[t], k), max(hi[t], k)
			}
		}
	}
	m0 := n
	// Small samples can afford more buckets than bucketLoad gives: the
	// ECDFs' gap shrinks as 1/√n, a bucket's share only as 1/n. At most
	// 2^20 buckets (48 MiB) for samples of 67M values and more.
	target := min(max(n/bucketLoad, min(n/8, maxBuckets), 1024), 1<<20)
	base := uint32(0)
	for t := range m.spans {
		sp := bucketSpan{kmin: uint64(t) << 52, shift: 52, nb: 1, base: base}
		if cnt[t] > 0 {
			want := max(1, uint64(float64(cnt[t])/float64(m0)*float64(target)+0.5))
			span := hi[t] - lo[t]
			shift := uint8(0)
			for span>>shift >= want && shift < 52 {
				shift++
			}
			sp.kmin, sp.shift, sp.nb = lo[t], shift, uint32(span>>shift)+1
		}
		m.spans[t] = sp
		base += sp.nb
	}
	if cap(m.b) < int(base) {
		m.b = make([]bucket, base)
		m.mark = make([]uint8, base+1)
	}
	m.b, m.mark = m.b[:base], m.mark[:base]
	clear(m.mark)
	for t := range m.spans {
		sp := &m.spans[t]
		for j := uint32(0); j < sp.nb; j++ {
			k := uint64(t) << 52
			if j > 0 {
				k = sp.kmin + uint64(j)<<sp.shift
			}
			m.b[sp.base+j] = bucket{lo: math.Float64frombits(keyFloat(k)), bot: math.Inf(1)}
		}
	}
}

// tally counts sample w's values (0: reference, 1: current) into the
// buckets.
func (m *bucketMap) tally(parts [][]float64, w int) {
	w &= 1
	b := m.b
	for _, p := range parts {
		for _, x := range p {
			k := floatKey(x + 0)
			e := &b[m.index(k)]
			y := x - e.lo
			e.n[w]++
			var c uint64
			e.off[w][1], c = mbits.Add64(e.off[w][1], k-floatKey(e.lo+0), 0)
			e.off[w][0] += c
			e.top = max(e.top, y)
			e.bot = min(e.bot, y)
		}
	}
}

// bounds returns the smallest and largest value counted.
func (m *bucketMap) bounds() (lo, hi float64) {
	for i := range m.b {
		if e := &m.b[i]; e.n[0]+e.n[1] > 0 {
			lo = e.lo + e.bot
			break
		}
	}
	for i := len(m.b) - 1; i >= 0; i-- {
		if e := &m.b[i]; e.n[0]+e.n[1] > 0 {
			hi = e.lo + e.top
			break
		}
	}
	return lo, hi
}

// excluded reports whether any value fell in a range the bucketed path
// does not take.
func (m *bucketMap) excluded() bool {
	for _, t := range excludedRanges {
		sp := m.spans[t]
		for _, e := range m.b[sp.base : sp.base+sp.nb] {
			if e.n[0]+e.n[1] > 0 {
				return true
			}
		}
	}
	return false
}

// gather copies sample w's values that fall in marked buckets into g
// (len(g) − 1 at most) and returns how many; false if there were more.
func (m *bucketMap) gather(parts [][]float64, g []float64) (int, bool) {
	k, limit := 0, len(g)-1
	mark := m.mark
	for _, p := range parts {
		for _, x := range p {
			g[k] = x
			k += int(mark[m.index(floatKey(x+0))])
			if k == limit {
				return k, false
			}
		}
	}
	return k, true
}

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

// binCounts counts both samples in the bins the edges delimit (as
// SortedBinCounts): a bin's count is the number of values below its upper
// edge minus those below its lower one, and the number below an edge is
// the counts of the buckets before the edge's bucket plus that bucket's
// values below the edge: none if it is empty, all or none if it holds
// one value, else its gathered values below the edge (ga and gb: the
// samples' values in marked buckets, ascending).
func (m *bucketMap) binCounts(edges, ga, gb []float64, n1, n2 int) (rc, cc []int64, ok bool) {
	rc, cc = make([]int64, len(edges)+1), make([]int64, len(edges)+1)
	var c, prev [2]int
	b := 0
	for k, e := range edges {
		eb := int(m.index(floatKey(e)))
		for ; b < eb; b++ {
			c[0] += int(m.b[b].n[0])
			c[1] += int(m.b[b].n[1])
		}
		bk := &m.b[eb]
		for w, g := range [2][]float64{ga, gb} {
			x := c[w]
			switch {
			case bk.n[0]+bk.n[1] == 0:
			case bk.single():
				if bk.lo+bk.top < e {
					x += int(bk.n[w])
				}
			case m.mark[eb] == 0:
				return nil, nil, false // cannot happen: edges lie in marked buckets
			default:
				i, _ := slices.BinarySearch(g, e)
				j, _ := slices.BinarySearch(g, bk.lo)
				x += i - j
			}
			out := rc
			if w == 1 {
				out = cc
			}
			out[k] = int64(x - prev[w])
			prev[w] = x
		}
	}
	rc[len(edges)], cc[len(edges)] = int64(n1-prev[0]), int64(n2-prev[1])
	return rc, cc, true
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
