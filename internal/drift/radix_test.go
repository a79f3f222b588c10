package drift

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestRadixSortMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 20000)
	for i := range x {
		switch i % 5 {
		case 0:
			x[i] = rng.NormFloat64() * 1e6
		case 1:
			x[i] = -rng.ExpFloat64()
		case 2:
			x[i] = float64(rng.IntN(7))
		case 3:
			x[i] = math.Inf(1 - 2*(i%2))
		default:
			x[i] = math.Copysign(0, float64(i%3)-1) // ±0
		}
	}
	want := slices.Clone(x)
	slices.Sort(want)
	got := slices.Clone(x)
	radixSort(got)
	var s Sorter
	parts := s.SortParts([][]float64{slices.Clone(x[:7000]), slices.Clone(x[7000:])})
	for i := range want {
		if got[i] != want[i] || parts[i] != want[i] {
			t.Fatalf("at %d: radix %v, parts %v, want %v", i, got[i], parts[i], want[i])
		}
	}
}

func BenchmarkNumeric1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	ref := make([]float64, 1_000_000)
	cur := make([]float64, 1_000_000)
	for i := range ref {
		ref[i], cur[i] = rng.NormFloat64(), rng.NormFloat64()+0.01
	}
	b.ResetTimer()
	for b.Loop() {
		a, c := slices.Clone(ref), slices.Clone(cur)
		Numeric(a, c, DefaultBins)
	}
}

func BenchmarkSortParts1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float64, 1_000_000)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	var s Sorter
	b.ResetTimer()
	for b.Loop() {
		s.SortParts([][]float64{x})
	}
}
