package stats

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// ErrChanged says a file changed between the two passes of a streamed
// profile.
var ErrChanged = errors.New("the file changed while it was profiled")

// errBracket says a sketch's rank error bound did not hold: a bug, never
// expected.
var errBracket = errors.New("the sketch's rank error bound did not bracket a decile")

// bracket collects what pass 2 of a streamed profile needs to know the
// values at ranks r … rEnd (0-based, ascending): the values below lo are
// only counted, as are those equal to lo or hi; those strictly between
// are kept.
type bracket struct {
	r, rEnd           int64
	lo, hi            float64
	below, eqLo, eqHi int64
	inside            []float64
}

// EdgePlan is the brackets of one feature's deciles, ascending in r (so
// in lo and in hi).
type EdgePlan struct {
	n    int64
	bins int
	br   []*bracket
	// hist[j] counts the values that exactly j brackets' lo are ≤ to.
	hist []int64
}

// NewEdgePlan brackets the ranks each decile of n values needs, using the
// sketch's bounds: the sample has at most Ĉ(x−) + RankDown values below a
// point x, and at least Ĉ(x) − RankUp values ≤ x.
func NewEdgePlan(s *Sketch, n int64, bins int) *EdgePlan {
	cum := s.Cumulative()
	before := func(i int) int64 {
		if i == 0 {
			return 0
		}
		return cum[i-1]
	}
	p := &EdgePlan{n: n, bins: bins}
	for _, r := range DecileRanks(n, bins) {
		if len(p.br) > 0 && p.br[len(p.br)-1].r == r {
			continue
		}
		b := &bracket{r: r, rEnd: min(r+1, n-1), lo: math.Inf(-1), hi: math.Inf(1)}
		// lo: the last point with before + RankDown ≤ r.
		i := 0
		for lo, hi := 0, len(cum); lo < hi; {
			m := (lo + hi) / 2
			if before(m)+s.RankDown <= r {
				i, lo = m+1, m+1
			} else {
				hi = m
			}
		}
		if i > 0 {
			b.lo = s.Values[i-1]
		}
		// hi: the first point with cum − RankUp ≥ rEnd + 1.
		j, _ := slices.BinarySearch(cum, b.rEnd+1+s.RankUp)
		if j < len(cum) {
			b.hi = s.Values[j]
		}
		p.br = append(p.br, b)
	}
	p.hist = make([]int64, len(p.br)+1)
	return p
}

// DecileRanks returns, for each inner edge i/bins, the rank ⌊(n−1)·q⌋
// numpy's linear quantile reads first.
func DecileRanks(n int64, bins int) []int64 {
	step := 1 / float64(bins)
	var rs []int64
	for i := 1; i < bins; i++ {
		v := float64(n-1) * (float64(i) * step)
		rs = append(rs, min(int64(math.Floor(v)), n-1))
	}
	return rs
}

// Empty returns a plan with p's brackets and nothing collected.
func (p *EdgePlan) Empty() *EdgePlan {
	q := &EdgePlan{n: p.n, bins: p.bins, hist: make([]int64, len(p.hist))}
	for _, b := range p.br {
		q.br = append(q.br, &bracket{r: b.r, rEnd: b.rEnd, lo: b.lo, hi: b.hi})
	}
	return q
}

// Collect takes a batch of the feature's values.
func (p *EdgePlan) Collect(x []float64) {
	br := p.br
	for _, v := range x {
		j := 0
		for j < len(br) && br[j].lo <= v {
			j++
		}
		p.hist[j]++
		for k := j - 1; k >= 0; k-- {
			b := br[k]
			if v > b.hi {
				break
			}
			switch v {
			case b.lo:
				b.eqLo++
			case b.hi:
				b.eqHi++
			default:
				b.inside = append(b.inside, v)
			}
		}
	}
}

// Add adds what q collected to p.
func (p *EdgePlan) Add(q *EdgePlan) {
	for j := range p.hist {
		p.hist[j] += q.hist[j]
	}
	for k, b := range p.br {
		o := q.br[k]
		b.eqLo += o.eqLo
		b.eqHi += o.eqHi
		b.inside = append(b.inside, o.inside...)
		o.inside = nil
	}
}

// at returns the value at rank j (b.r ≤ j ≤ b.rEnd).
func (b *bracket) at(j int64) float64 {
	j -= b.below
	if j < b.eqLo {
		return b.lo
	}
	j -= b.eqLo
	if j < int64(len(b.inside)) {
		return b.inside[j]
	}
	return b.hi
}

// countBelow returns the number of values < e for e within the bracket.
func (b *bracket) countBelow(e float64) int64 {
	c := b.below
	if b.lo < e {
		c += b.eqLo
	}
	i, _ := slices.BinarySearch(b.inside, e)
	c += int64(i)
	if b.hi < e {
		c += b.eqHi
	}
	return c
}

// Resolve returns the exact edges (as QuantileEdges) and bin counts (as
// SortedBinCounts) once every value has been collected.
func (p *EdgePlan) Resolve() ([]float64, []int64, error) {
	var seen int64
	for _, h := range p.hist {
		seen += h
	}
	if seen != p.n {
		return nil, nil, fmt.Errorf("%d values in the second pass, %d in the first: %w", seen, p.n, ErrChanged)
	}
	var below int64
	byRank := map[int64]*bracket{}
	for k, b := range p.br {
		below += p.hist[k]
		b.below = below
		SortFloats(b.inside)
		if b.below > b.r || b.below+b.eqLo+int64(len(b.inside))+b.eqHi < b.rEnd+1 {
			return nil, nil, errBracket
		}
		byRank[b.r] = b
	}
	type edge struct {
		v float64
		b *bracket
	}
	var es []edge
	step := 1 / float64(p.bins)
	for i, r := range DecileRanks(p.n, p.bins) {
		b := byRank[r]
		es = append(es, edge{QuantileAt(p.n, float64(i+1)*step, b.at), b})
	}
	slices.SortFunc(es, func(a, b edge) int { return cmpFloat(a.v, b.v) })
	es = slices.CompactFunc(es, func(a, b edge) bool { return a.v == b.v })
	edges := make([]float64, len(es))
	counts := make([]int64, len(es)+1)
	var prev int64
	for k, e := range es {
		edges[k] = e.v
		lt := e.b.countBelow(e.v)
		counts[k] = lt - prev
		prev = lt
	}
	counts[len(es)] = p.n - prev
	return edges, counts, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
