package stats

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkBucketed compares numericBuckets on a and b (cut into parts of
// partLen) with the sorted path: the same edges, bin counts, PSI, KL, JS
// and KS statistic and p-value bit for bit, Wasserstein within 1e-12
// relative. It returns whether the bucketed path took the samples.
func checkBucketed(t *testing.T, name string, a, b []float64, partLen int) bool {
	t.Helper()
	var s Sorter
	got, lo, hi, ok := s.numericBuckets(cut(a, partLen), cut(b, partLen), DefaultBins)
	if !ok {
		return false
	}
	x, y := slices.Clone(a), slices.Clone(b)
	want := Numeric(x, y, DefaultBins)
	if !slices.Equal(got.Edges, want.Edges) {
		t.Errorf("%s: edges %v, want %v", name, got.Edges, want.Edges)
	}
	if !slices.Equal(got.RefCounts, want.RefCounts) || !slices.Equal(got.CurCounts, want.CurCounts) {
		t.Errorf("%s: counts %v / %v, want %v / %v", name, got.RefCounts, got.CurCounts, want.RefCounts, want.CurCounts)
	}
	same := func(g, w float64) bool { return g == w || (math.IsNaN(g) && math.IsNaN(w)) }
	if !same(got.PSI, want.PSI) || !same(got.KL, want.KL) || !same(got.JSDistance, want.JSDistance) {
		t.Errorf("%s: psi/kl/js %v %v %v, want %v %v %v", name, got.PSI, got.KL, got.JSDistance, want.PSI, want.KL, want.JSDistance)
	}
	if got.KS != want.KS {
		t.Errorf("%s: KS %+v, want %+v", name, got.KS, want.KS)
	}
	// Subnormal arithmetic is exact only to 2^-1074: differences below
	// the smallest normal number are its rounding.
	if !close12(got.Wasserstein, want.Wasserstein) && math.Abs(got.Wasserstein-want.Wasserstein) > 0x1p-1022 {
		t.Errorf("%s: wasserstein %.17g, want %.17g (rel %.2g)", name, got.Wasserstein, want.Wasserstein,
			math.Abs(got.Wasserstein-want.Wasserstein)/want.Wasserstein)
	}
	if wlo, whi := min(x[0], y[0]), max(x[len(x)-1], y[len(y)-1]); lo != wlo || hi != whi {
		t.Errorf("%s: range [%v, %v], want [%v, %v]", name, lo, hi, wlo, whi)
	}
	return true
}

func cut(x []float64, n int) [][]float64 {
	var parts [][]float64
	for len(x) > n {
		parts = append(parts, x[:n])
		x = x[n:]
	}
	return append(parts, x)
}

// TestBucketedMatchesSorted runs the bucketed path on samples that stress
// its buckets: the same law (D near 0, so many sign changes), small and
// large shifts, heavy tails, values crowded in a narrow range
// (timestamps), ties, negative and subnormal values, different sizes, and
// a second sample outside the range the plan's sample saw.
func TestBucketedMatchesSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	fill := func(n int, f func() float64) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = f()
		}
		return x
	}
	norm := func(mu, sd float64) func() float64 { return func() float64 { return mu + sd*rng.NormFloat64() } }
	cases := []struct {
		name string
		a, b []float64
		// taken: the bucketed path must take the samples (not fall back)
		taken bool
	}{
		{"same law", fill(60000, norm(0, 1)), fill(50000, norm(0, 1)), true},
		{"small shift", fill(60000, norm(0, 1)), fill(60000, norm(0.01, 1)), true},
		{"large shift", fill(30000, norm(0, 1)), fill(70000, norm(3, 2)), true},
		{"disjoint", fill(20000, norm(0, 1)), fill(20000, norm(100, 1)), true},
		{"cauchy", fill(50000, func() float64 { return math.Tan(math.Pi * (rng.Float64() - 0.5)) }),
			fill(50000, func() float64 { return 1.1 * math.Tan(math.Pi*(rng.Float64()-0.5)) }), true},
		{"lognormal", fill(50000, func() float64 { return math.Exp(3 * rng.NormFloat64()) }),
			fill(40000, func() float64 { return math.Exp(3*rng.NormFloat64() + 0.1) }), true},
		{"timestamps", fill(50000, func() float64 { return 1.7e9 + math.Floor(rng.Float64()*86400*30) }),
			fill(50000, func() float64 { return 1.7e9 + 86400*3 + math.Floor(rng.Float64()*86400*30) }), true},
		{"negative", fill(40000, norm(-5e6, 1e3)), fill(40000, norm(-5e6+10, 1e3)), true},
		{"tiny", fill(40000, norm(0, 1e-300)), fill(40000, norm(0, 1.1e-300)), true},
		{"positive subnormal", fill(40000, func() float64 { return rng.Float64() * 1e-310 }),
			fill(40000, func() float64 { return rng.Float64() * 1.2e-310 }), true},
		{"integers", fill(40000, func() float64 { return math.Floor(rng.NormFloat64()*300 + 2000) }),
			fill(40000, func() float64 { return math.Floor(rng.NormFloat64()*300 + 2001) }), true},
		{"few values", fill(40000, func() float64 { return math.Floor(rng.Float64() * 5) }),
			fill(40000, func() float64 { return math.Floor(rng.Float64()*5 + 0.2) }), true},
		{"constant", fill(30000, func() float64 { return 7 }), fill(30000, func() float64 { return 7 }), true},
		{"one spike", append(fill(30000, norm(0, 1)), fill(20000, func() float64 { return 0.5 })...),
			append(fill(30000, norm(0, 1)), fill(21000, func() float64 { return 0.5 })...), false},
		{"zeros of both signs", append(fill(30000, norm(0, 1e-6)), fill(2000, func() float64 { return math.Copysign(0, -1) })...),
			append(fill(30000, norm(0, 1e-6)), fill(2000, func() float64 { return 0 })...), true},
		{"unequal sizes", fill(100000, norm(0, 1)), fill(17000, norm(0.02, 1)), true},
		{"sizes 1 and many", []float64{0.3}, fill(20000, norm(0, 1)), true},
	}
	for _, c := range cases {
		// The same values in another order give the same buckets:
		// sorting one sample must not change the result.
		for _, sorted := range []bool{false, true} {
			a, b := slices.Clone(c.a), slices.Clone(c.b)
			if sorted {
				slices.Sort(a)
			}
			took := checkBucketed(t, c.name, a, b, 4099)
			if c.taken && !took {
				t.Errorf("%s: the bucketed path gave up", c.name)
			}
			took = checkBucketed(t, c.name+" swapped", b, a, 65536)
			if c.taken && !took {
				t.Errorf("%s swapped: the bucketed path gave up", c.name)
			}
		}
	}
}

// TestBucketedIndependentOfParts checks that the bucketed path gives the
// same bits however the values are split into parts and ordered: a file
// read by more workers, or from object storage in other blocks, must not
// change the last digits of any statistic (Wasserstein included).
func TestBucketedIndependentOfParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	a := make([]float64, 150000)
	b := make([]float64, 120000)
	for i := range a {
		a[i] = math.Exp(rng.NormFloat64())
	}
	for i := range b {
		b[i] = math.Exp(rng.NormFloat64()*1.1 + 0.05)
	}
	var s Sorter
	want, _, _, ok := s.numericBuckets([][]float64{a}, [][]float64{b}, DefaultBins)
	if !ok {
		t.Fatal("the bucketed path gave up")
	}
	for _, n := range []int{1, 3, 8, 17} {
		x, y := slices.Clone(a), slices.Clone(b)
		rng.Shuffle(len(x), func(i, j int) { x[i], x[j] = x[j], x[i] })
		rng.Shuffle(len(y), func(i, j int) { y[i], y[j] = y[j], y[i] })
		got, _, _, ok := s.numericBuckets(cut(x, len(x)/n+1), cut(y, len(y)/n+7), DefaultBins)
		if !ok {
			t.Fatalf("%d parts: the bucketed path gave up", n)
		}
		if math.Float64bits(got.Wasserstein) != math.Float64bits(want.Wasserstein) {
			t.Errorf("%d parts, shuffled: wasserstein %.17g, want %.17g bit for bit", n, got.Wasserstein, want.Wasserstein)
		}
		if got.KS != want.KS || got.PSI != want.PSI || !slices.Equal(got.Edges, want.Edges) {
			t.Errorf("%d parts, shuffled: KS/PSI/edges differ: %+v %v, want %+v %v", n, got.KS, got.PSI, want.KS, want.PSI)
		}
	}
}

// TestBucketedGivesUp checks the values the bucketed path leaves to the
// sorted one.
func TestBucketedGivesUp(t *testing.T) {
	base := make([]float64, 20000)
	for i := range base {
		base[i] = float64(i%1000) / 7
	}
	for _, v := range []float64{math.Inf(1), math.Inf(-1), -1e-310, math.MaxFloat64, -math.MaxFloat64} {
		a := append(slices.Clone(base), v)
		var s Sorter
		if _, _, _, ok := s.numericBuckets([][]float64{a}, [][]float64{base}, DefaultBins); ok {
			t.Errorf("a sample holding %v: the bucketed path took it", v)
		}
	}
}

// TestBucketedAgainstSciPy runs the committed SciPy cases through the
// bucketed path (whatever their size), to the tolerances of
// TestNumericAgainstSciPy.
func TestBucketedAgainstSciPy(t *testing.T) {
	ref := mustReference(t)
	taken := 0
	for _, c := range ref.Numeric {
		if c.Want.Empty {
			continue
		}
		if testing.Short() && len(c.Ref) < 400 && c.Ref[0] == '{' {
			continue
		}
		a, b := mustValues(t, c.Ref), mustValues(t, c.Cur)
		var s Sorter
		got, _, _, ok := s.numericBuckets(cut(a, 1000), cut(b, 1000), DefaultBins)
		if !ok {
			continue
		}
		taken++
		w := c.Want
		if !slices.Equal(got.Edges, w.Edges) {
			t.Errorf("%s: edges %v, want %v", c.Name, got.Edges, w.Edges)
		}
		if !slices.Equal(got.RefCounts, w.RefCounts) || !slices.Equal(got.CurCounts, w.CurCounts) {
			t.Errorf("%s: counts %v / %v, want %v / %v", c.Name, got.RefCounts, got.CurCounts, w.RefCounts, w.CurCounts)
		}
		for _, ck := range []struct {
			name      string
			got, want float64
			rel, abs  float64
		}{
			{"psi", got.PSI, w.PSI, relStat, absStat},
			{"ks_statistic", got.KS.Statistic, w.KSStatistic, relStat, absStat},
			{"ks_pvalue", got.KS.PValue, w.KSPValue, tolP, tolP},
			{"wasserstein", got.Wasserstein, w.Wasserstein, relStat, absStat},
		} {
			if !near(ck.got, ck.want, ck.rel, ck.abs) {
				t.Errorf("%s: %s = %.17g, want %.17g (SciPy)", c.Name, ck.name, ck.got, ck.want)
			}
		}
	}
	if taken < 10 {
		t.Errorf("the bucketed path took %d SciPy cases, want at least 10", taken)
	}
}

func BenchmarkNumericBucketed1M(b *testing.B) {
	x, y := normalPair(1_000_000)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(x), func(i, j int) { x[i], x[j] = x[j], x[i] })
	var s Sorter
	for b.Loop() {
		if _, _, _, ok := s.numericBuckets([][]float64{x}, [][]float64{y}, DefaultBins); !ok {
			b.Fatal("gave up")
		}
	}
}

func BenchmarkNumericSorted1M(b *testing.B) {
	x, y := normalPair(1_000_000)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(x), func(i, j int) { x[i], x[j] = x[j], x[i] })
	var s Sorter
	for b.Loop() {
		NumericSorted(s.SortParts([][]float64{x}), s.SortParts2([][]float64{y}), DefaultBins)
	}
}

// FuzzBucketed compares the bucketed path with the sorted one on arbitrary
// samples (bytes as float64, NaN dropped; mode picks how values repeat, so
// that ties, sign changes and excluded values all occur): whenever the
// bucketed path takes the samples, every statistic must equal the sorted
// path's (checkBucketed).
func FuzzBucketed(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24}, uint8(1), uint8(0))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 128, 0, 0, 0, 0, 0, 0, 8, 192}, uint8(2), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, split, mode uint8) {
		var x []float64
		for len(data) >= 8 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(data))
			data = data[8:]
			if !math.IsNaN(v) {
				x = append(x, v)
			}
		}
		if len(x) < 2 {
			return
		}
		// Repeat the values to a few thousand, each perturbed by mode's
		// rule, so that buckets fill up.
		var a, b []float64
		k := 1 + int(split)%(len(x)-1)
		for i := 0; i < 3000; i++ {
			v := x[i%len(x)]
			switch mode % 4 {
			case 1:
				v += float64(i % 7)
			case 2:
				v *= 1 + float64(i%13)/64
			case 3:
				v = math.Floor(v) + float64(i%3)
			}
			if i%len(x) < k {
				a = append(a, v)
			} else {
				b = append(b, v)
			}
		}
		if len(a) == 0 || len(b) == 0 {
			return
		}
		checkBucketed(t, "fuzz", a, b, 1+int(mode)*37)
	})
}
