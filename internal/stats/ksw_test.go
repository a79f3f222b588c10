package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestKSWassersteinMatchesWalks checks the one-pass merge against the two
// walks that divide (each checked against SciPy in their own tests) on
// samples with ties, disjoint ranges, one value and different sizes: equal
// to within 1e-12 relative (a product by 1/n against a quotient, rounding
// differences summed over up to 10,000 terms).
func TestKSWassersteinMatchesWalks(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	gens := []struct {
		name string
		gen  func(n int, shift float64) []float64
	}{
		{"normal", func(n int, s float64) []float64 {
			x := make([]float64, n)
			for i := range x {
				x[i] = rng.NormFloat64() + s
			}
			return x
		}},
		{"integers", func(n int, s float64) []float64 {
			x := make([]float64, n)
			for i := range x {
				x[i] = math.Floor(rng.Float64()*7 + s)
			}
			return x
		}},
		{"constant", func(n int, s float64) []float64 {
			x := make([]float64, n)
			for i := range x {
				x[i] = s
			}
			return x
		}},
	}
	for _, c := range gens {
		name, g := c.name, c.gen
		for _, sz := range [][2]int{{1, 1}, {1, 5}, {7, 3}, {100, 1000}, {5000, 4999}} {
			for _, shift := range []float64{0, 0.3, 20} {
				a, b := g(sz[0], 0), g(sz[1], shift)
				slices.Sort(a)
				slices.Sort(b)
				ks, w := ksWasserstein(a, b)
				if wantKS, wantW := ksStatistic(a, b), Wasserstein(a, b); !close12(ks, wantKS) || !close12(w, wantW) {
					t.Errorf("%s %v shift %v: got ks %v w %v, want ks %v w %v", name, sz, shift, ks, w, wantKS, wantW)
				}
				// and with the samples swapped
				ks, w = ksWasserstein(b, a)
				if wantKS, wantW := ksStatistic(b, a), Wasserstein(b, a); !close12(ks, wantKS) || !close12(w, wantW) {
					t.Errorf("%s %v shift %v swapped: got ks %v w %v, want ks %v w %v", name, sz, shift, ks, w, wantKS, wantW)
				}
			}
		}
	}
}

func close12(got, want float64) bool {
	return got == want || math.Abs(got-want) <= 1e-12*math.Abs(want)
}

func BenchmarkKSWasserstein1M(b *testing.B) {
	x, y := normalPair(1_000_000)
	for b.Loop() {
		ksWasserstein(x, y)
	}
}

func BenchmarkKSThenWasserstein1M(b *testing.B) {
	x, y := normalPair(1_000_000)
	for b.Loop() {
		ksStatistic(x, y)
		Wasserstein(x, y)
	}
}

func normalPair(n int) ([]float64, []float64) {
	rng := rand.New(rand.NewPCG(9, 10))
	x, y := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], y[i] = rng.NormFloat64(), rng.NormFloat64()+0.01
	}
	slices.Sort(x)
	slices.Sort(y)
	return x, y
}

func BenchmarkKSWassersteinTies1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(11, 12))
	x, y := make([]float64, 1_000_000), make([]float64, 1_000_000)
	for i := range x {
		x[i], y[i] = math.Floor(rng.NormFloat64()*10+40), math.Floor(rng.NormFloat64()*10+41)
	}
	slices.Sort(x)
	slices.Sort(y)
	for b.Loop() {
		ksWasserstein(x, y)
	}
}
