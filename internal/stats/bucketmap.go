package stats

import (
	"math"
	mbits "math/bits"
	"slices"
)

// The bucket map numericBuckets (bucketed.go) counts, sums and gathers
// the samples in. Buckets follow the floats' order-preserving keys (floatKey): each
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
