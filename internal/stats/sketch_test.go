package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"
)

// sketchSamples are the distributions the sketch bounds are checked on.
func sketchSamples(n int, seed uint64) map[string][]float64 {
	rng := rand.New(rand.NewPCG(seed, 11))
	gen := map[string]func() float64{
		"normal":      rng.NormFloat64,
		"lognormal":   func() float64 { return math.Exp(3 * rng.NormFloat64()) },
		"cauchy":      func() float64 { return math.Tan(math.Pi * (rng.Float64() - 0.5)) },
		"ties":        func() float64 { return float64(rng.IntN(20)) },
		"half zeros":  func() float64 { return max(0, rng.NormFloat64()) },
		"constant":    func() float64 { return 7.25 },
		"two spikes":  func() float64 { return float64(rng.IntN(2)) * 1e6 },
		"fine ties":   func() float64 { return math.Round(rng.NormFloat64()*300) / 100 },
		"exponential": rng.ExpFloat64,
	}
	out := map[string][]float64{}
	for name, g := range gen {
		x := make([]float64, n)
		for i := range x {
			x[i] = g()
		}
		out[name] = x
	}
	return out
}

// buildSketch streams x through w builders (as w workers would) and
// merges their sketches.
func buildSketch(x []float64, k, w int) *Sketch {
	var s SketchScratch
	bs := make([]*SketchBuilder, w)
	for i := range bs {
		bs[i] = NewSketchBuilder(k)
	}
	for i := 0; i < len(x); i += 1000 {
		bs[(i/1000)%w].Add(x[i:min(i+1000, len(x))], &s)
	}
	var parts []*Sketch
	for _, b := range bs {
		parts = append(parts, b.Sketch(&s))
	}
	return MergeSketches(k, parts...)
}

// bruteErrors measures a sketch against its sample directly: the largest
// Ĉ(x) − C(x) and C(x) − Ĉ(x) over every x (counts ≤ x and < x), and
// ∫|Ĉ − C|. sorted is the sample, ascending.
func bruteErrors(s *Sketch, sorted []float64) (up, down int64, l1 float64) {
	pool := slices.Concat(sorted, s.Values)
	slices.Sort(pool)
	pool = slices.Compact(pool)
	est := func(t float64, strict bool) int64 {
		var c int64
		for i, v := range s.Values {
			if v < t || (!strict && v == t) {
				c += s.Weights[i]
			}
		}
		return c
	}
	// Walk the pool with a running index into the points instead of est
	// for speed; est checks the first and last positions independently.
	var c int64
	j := 0
	for i, t := range pool {
		cl := int64(sort.SearchFloat64s(sorted, t))
		cle := int64(sort.Search(len(sorted), func(k int) bool { return sorted[k] > t }))
		el := c
		for j < len(s.Values) && s.Values[j] <= t {
			c += s.Weights[j]
			j++
		}
		ele := c
		if i == 0 || i == len(pool)-1 {
			if el != est(t, true) || ele != est(t, false) {
				panic("running sketch count disagrees with the direct one")
			}
		}
		up = max(up, el-cl, ele-cle)
		down = max(down, cl-el, cle-ele)
		if i+1 < len(pool) {
			l1 += math.Abs(float64(ele-cle)) * (pool[i+1] - t)
		}
	}
	return up, down, l1
}

func TestSketchBounds(t *testing.T) {
	for _, c := range []struct {
		n, k, workers int
	}{{200000, 64, 1}, {200000, 64, 3}, {50000, 500, 2}, {3000, 2000, 1}} {
		for name, x := range sketchSamples(c.n, uint64(c.n+c.k)) {
			s := buildSketch(x, c.k, c.workers)
			sorted := slices.Clone(x)
			slices.Sort(sorted)
			if s.N() != int64(c.n) || len(s.Values) > 2*c.k+1 || !slices.IsSorted(s.Values) {
				t.Fatalf("%s n=%d k=%d: sketch of %d values with %d points, want %d values and ≤ %d points", name, c.n, c.k, s.N(), len(s.Values), c.n, 2*c.k+1)
			}
			up, down, l1 := bruteErrors(s, sorted)
			tol := 1e-9 * (sorted[len(sorted)-1] - sorted[0]) * float64(c.n)
			if up > s.RankUp || down > s.RankDown || l1 > s.L1+tol {
				t.Errorf("%s n=%d k=%d w=%d: measured errors up %d down %d L1 %g exceed the sketch's bounds %d %d %g",
					name, c.n, c.k, c.workers, up, down, l1, s.RankUp, s.RankDown, s.L1)
			}
			// The a-priori bound: at most `rounds` compressions on any
			// value's path, each moving ≤ W/(2K) of rank.
			rounds := 2 + int(math.Ceil(math.Log(float64(c.n)/float64(sketchChunk*c.k))/math.Log(sketchFan))) + 1
			if apriori := int64(rounds) * int64(math.Ceil(float64(c.n)/float64(2*c.k))); s.RankError() > apriori {
				t.Errorf("%s n=%d k=%d: rank error bound %d above the a-priori %d", name, c.n, c.k, s.RankError(), apriori)
			}
			distinct := len(slices.Compact(slices.Clone(sorted)))
			if distinct <= 2*c.k && (s.RankUp != 0 || s.RankDown != 0 || s.L1 != 0 || len(s.Values) != distinct) {
				t.Errorf("%s: %d distinct values fit %d points, yet the sketch has %d points and bounds %d %d %g",
					name, distinct, 2*c.k, len(s.Values), s.RankUp, s.RankDown, s.L1)
			}
			t.Logf("%-11s n=%d k=%d w=%d: rank error %d/%d (bound %d/%d), L1 %.4g (bound %.4g), %d points",
				name, c.n, c.k, c.workers, up, down, s.RankUp, s.RankDown, l1, s.L1, len(s.Values))
		}
	}
}

// TestSketchKSW checks KS and Wasserstein from a sketch against the exact
// (SciPy-checked) KS2Samp and Wasserstein within the sketch's bounds,
// and equal to them when the sketch is exact.
func TestSketchKSW(t *testing.T) {
	refs := sketchSamples(100000, 5)
	curs := sketchSamples(20000, 6)
	for name, x := range refs {
		for _, k := range []int{100, 1000, 100000} {
			s := buildSketch(x, k, 2)
			ref := slices.Clone(x)
			slices.Sort(ref)
			for cname, cur := range map[string][]float64{"same": curs[name], "normal": curs["normal"], "ties": curs["ties"]} {
				cur = slices.Clone(cur)
				slices.Sort(cur)
				ks, w := SketchKSW(s, s.N(), cur)
				eks, ew := KS2Samp(ref, cur).Statistic, Wasserstein(ref, cur)
				n := float64(len(ref))
				kb := float64(s.RankError())/n + 1e-12
				wb := s.L1/n + 1e-9*math.Max(ew, 1e-300)
				if math.Abs(ks-eks) > kb || math.Abs(w-ew) > wb {
					t.Errorf("%s vs %s, k=%d: KS %v (exact %v, bound %v), W %v (exact %v, bound %v)", name, cname, k, ks, eks, kb, w, ew, wb)
				}
			}
		}
	}
}

// TestQuantileAt checks the indexed quantile against Quantile (numpy's,
// SciPy-checked) bit for bit.
func TestQuantileAt(t *testing.T) {
	for name, x := range sketchSamples(1001, 3) {
		slices.Sort(x)
		at := func(j int64) float64 { return x[j] }
		for _, q := range []float64{0, 0.1, 0.25, 0.3, 0.5, 0.7, 0.9, 0.999, 1} {
			if a, b := QuantileAt(int64(len(x)), q, at), Quantile(x, q); a != b {
				t.Errorf("%s q=%v: QuantileAt %v, Quantile %v", name, q, a, b)
			}
		}
		if a, b := QuantileEdgesAt(int64(len(x)), 10, at), QuantileEdges(x, 10); !slices.Equal(a, b) {
			t.Errorf("%s: edges %v, want %v", name, a, b)
		}
	}
}

// TestEdgePlanChanged: a second pass that sees other values than the
// first is an error, not wrong edges.
func TestEdgePlanChanged(t *testing.T) {
	x := sketchSamples(5000, 1)["normal"]
	slices.Sort(x)
	p := NewEdgePlan(SketchFromSorted(x, 100), int64(len(x)), 10)
	p.Collect(x[:4000])
	if _, _, err := p.Resolve(); !errors.Is(err, ErrChanged) {
		t.Errorf("resolve after a short second pass: %v", err)
	}
	q := NewEdgePlan(SketchFromSorted(x, 100), int64(len(x)), 10)
	q.Collect(x)
	edges, counts, err := q.Resolve()
	if err != nil || !slices.Equal(edges, QuantileEdges(x, 10)) || !slices.Equal(counts, SortedBinCounts(x, edges)) {
		t.Errorf("edges %v counts %v (%v), want %v %v", edges, counts, err, QuantileEdges(x, 10), SortedBinCounts(x, QuantileEdges(x, 10)))
	}
}

// BenchmarkSketchBuilder measures a builder's cost a value (the profile's
// first pass without parsing).
func BenchmarkSketchBuilder(b *testing.B) {
	x := sketchSamples(1<<20, 1)["lognormal"]
	var s SketchScratch
	b.SetBytes(8)
	b.ResetTimer()
	for i := 0; i < b.N; {
		bl := NewSketchBuilder(DefaultSketch)
		for j := 0; j < len(x) && i < b.N; j += 4096 {
			n := min(4096, b.N-i, len(x)-j)
			bl.Add(x[j:j+n], &s)
			i += n
		}
		bl.Sketch(&s)
	}
}

// TestSketchBuilderSplitAndOrder: a builder's sketch and summary are the
// same bits however the values are split into calls, and when several
// goroutines Take in order but Build the chunks in any order.
func TestSketchBuilderSplitAndOrder(t *testing.T) {
	for name, x := range sketchSamples(50000, 21) {
		for _, k := range []int{8, 100} {
			var s SketchScratch
			ref := NewSketchBuilder(k)
			ref.Add(x, &s)
			want := ref.Sketch(&s)
			wn, wlo, whi, wsum := ref.Summary()
			check := func(how string, b *SketchBuilder, s *SketchScratch) {
				t.Helper()
				got := b.Sketch(s)
				n, lo, hi, sum := b.Summary()
				if !slices.Equal(got.Values, want.Values) || !slices.Equal(got.Weights, want.Weights) || got.RankUp != want.RankUp ||
					got.RankDown != want.RankDown || math.Float64bits(got.L1) != math.Float64bits(want.L1) ||
					n != wn || lo != wlo || hi != whi || math.Float64bits(sum) != math.Float64bits(wsum) {
					t.Errorf("%s k=%d %s: sketch or summary (%d %v %v %v) differs from one Add's (%d %v %v %v)", name, k, how, n, lo, hi, sum, wn, wlo, whi, wsum)
				}
			}
			rng := rand.New(rand.NewPCG(uint64(k), 3))
			b := NewSketchBuilder(k)
			for i := 0; i < len(x); {
				j := min(len(x), i+rng.IntN(3000))
				b.Add(x[i:j], &s)
				i = j
			}
			check("split", b, &s)
			// Take in order, then build the chunks on 3 goroutines in a
			// shuffled order.
			b = NewSketchBuilder(k)
			var chunks []*SketchChunk
			for i := 0; i < len(x); i += 777 {
				chunks = b.Take(x[i:min(len(x), i+777)], chunks)
			}
			rng.Shuffle(len(chunks), func(i, j int) { chunks[i], chunks[j] = chunks[j], chunks[i] })
			var wg sync.WaitGroup
			for g := 0; g < 3; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var s SketchScratch
					for i := g; i < len(chunks); i += 3 {
						chunks[i].Build(&s)
					}
				}()
			}
			wg.Wait()
			check("concurrent", b, &s)
		}
	}
}
